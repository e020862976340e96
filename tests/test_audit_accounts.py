"""The account events of the login and admin code reach the audit log, chained."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlmodel import select

from rida import db
from rida.audit import chain, events
from rida.models import User
from tests.audit_support import entries
from tests.conftest import PASSWORD, Browser


def test_logins_failures_and_logout_are_recorded_with_their_address(app, client: FlaskClient):
    token = re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/connexion").get_data(as_text=True)
    ).group(1)
    for login in ("admin", "inconnu"):
        assert (
            client.post(
                "/connexion",
                data={"login": login, "password": "faux-mot-de-passe", "csrf_token": token},
            ).status_code
            == 401
        )
    browser = Browser(client).login()
    browser.form("/deconnexion", {})
    failed = entries(app, action=events.LOGIN_FAILED)
    assert [e.login for e in failed] == ["admin", "inconnu"]
    assert all(e.ip == "127.0.0.1" for e in failed)
    succeeded = entries(app, action=events.LOGIN_SUCCEEDED)
    assert [e.login for e in succeeded] == ["admin"] and succeeded[0].user_id is not None
    assert [e.login for e in entries(app, action=events.LOGGED_OUT)] == ["admin"]
    assert all(PASSWORD not in repr(e.before) + repr(e.after) for e in entries(app))


def test_role_changes_and_tokens_are_recorded_by_the_admin(app, browser):
    with app.app_context():
        reader = db.session().exec(select(User).where(User.login == "reader")).one()
    assert browser.form(f"/admin/comptes/{reader.id}/role", {"role": "member"}).status_code == 302
    change = entries(app, action=events.PERMISSION_CHANGED)[-1]
    assert change.login == "admin" and change.object_id == str(reader.id)
    assert change.before["role"] == "reader" and change.after["role"] == "member"
    browser.form("/compte/jetons", {"name": "tableur"})
    created = entries(app, action=events.TOKEN_CREATED)
    assert len(created) == 1 and created[0].login == "admin"
    assert "rida_" not in repr(created[0].after)  # never the secret
    with app.app_context(), db.engine().connect() as conn:
        assert chain.verify(conn).intact
