"""API tokens: created (shown once) by the command line or the « Jetons d'API » page,
``Authorization: Bearer`` on API calls without CSRF, revoked/expired/unknown → JSON 401."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sqlalchemy import update
from sqlmodel import select

from rida import db
from rida.accounts import api_tokens
from rida.audit import events
from rida.models import ApiToken, User
from tests.accounts_support import Rida, account, recorded
from tests.conftest import Browser


@pytest.fixture
def rida(app, tmp_path) -> Rida:  # type: ignore[no-untyped-def]
    return Rida(tmp_path / "data")


def new_token(rida: Rida, login: str = "admin", *more: str) -> str:
    token = rida("token", "create", login, *more).stdout.strip()
    assert re.fullmatch(r"rida_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", token), token
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def test_bearer_token_reads_and_writes_without_csrf(app, rida, client, demo_meeting):
    with recorded() as seen:
        token = new_token(rida, "admin", "--name", "script d'export")
    assert [e.action for e in seen] == [events.TOKEN_CREATED] and seen[0].ip == "cli"
    listed = client.get("/api/meetings", headers=bearer(token))
    assert listed.status_code == 200 and listed.get_json()["meetings"]
    patched = client.patch(
        f"/api/meetings/{demo_meeting}",
        headers=bearer(token),
        data=json.dumps({"fields": {"location": "Salle 4"}}),
    )
    assert patched.status_code == 200, patched.get_data(as_text=True)
    assert "Set-Cookie" not in patched.headers  # no session for a script
    with app.app_context(), db.write_session(db.engine()) as s:
        stored = s.exec(select(ApiToken)).one()
        assert stored.token_hash == api_tokens.digest(token) and token not in repr(stored)
        assert stored.last_used_at is not None and stored.name == "script d'export"


def test_a_session_still_needs_its_csrf_token(browser, demo_meeting):
    response = browser.client.patch(
        f"/api/meetings/{demo_meeting}",
        data=json.dumps({"fields": {"location": "x"}}),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400 and response.get_json()["error"] == "csrf"


def test_the_token_decides_over_a_cookie(app, rida, demo_meeting):
    reader_token = new_token(rida, "reader")
    admin = Browser(app.test_client()).login("admin")
    response = admin.client.patch(
        f"/api/meetings/{demo_meeting}",
        headers=bearer(reader_token),
        data=json.dumps({"fields": {"location": "x"}}),
    )
    assert response.status_code == 403  # the reader's rights, not the admin's session


@pytest.mark.parametrize(
    "header",
    [
        "Bearer rida_00000000_" + "x" * 43,  # unknown
        "Bearer not-a-token",  # malformed
        "Bearer ",  # empty
        "rida_00000000_" + "x" * 43,  # a token without its scheme
    ],
)
def test_wrong_tokens_get_a_json_401(client, header):
    response = client.get("/api/meetings", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.get_json() == {
        "error": "invalid_token",
        "message": "Jeton d'API invalide, expiré ou révoqué.",
    }
    # Not even a page: a script is told, not redirected to the login form.
    assert client.get("/actions", headers={"Authorization": header}).status_code == 401


def test_another_scheme_is_left_to_the_proxy_that_sent_it(app, browser, demo_meeting):
    # A reverse proxy's own password (Basic) reaches the app too: the cookie still decides.
    basic = {"Authorization": "Basic YWRtaW46YWRtaW4="}
    anonymous = app.test_client().get("/api/meetings", headers=basic)
    assert anonymous.status_code == 401 and anonymous.get_json()["error"] == "unauthorized"
    mine = browser.client.get("/api/meetings", headers=basic).get_json()["meetings"]
    assert demo_meeting in [m["id"] for m in mine]
    change = browser.client.patch(
        f"/api/meetings/{demo_meeting}",
        json={"fields": {"location": "Salle 2"}},
        headers={**basic, "X-CSRFToken": browser.token},
    )
    assert change.status_code in (200, 409), change.get_json()  # served as the session
    no_csrf = browser.client.patch(
        f"/api/meetings/{demo_meeting}", headers=basic, json={"fields": {"location": "x"}}
    )
    assert no_csrf.status_code == 400  # and CSRF still applies


def test_revoked_expired_and_disabled_tokens_are_refused(app, rida, client):
    token = new_token(rida, "member", "--expires-days", "30")
    assert client.get("/api/meetings", headers=bearer(token)).status_code == 200
    prefix = token.split("_")[1]
    with recorded() as seen:
        assert f"Jeton {prefix} révoqué." in rida("token", "revoke", prefix).stdout
    assert [e.action for e in seen] == [events.TOKEN_REVOKED]
    assert client.get("/api/meetings", headers=bearer(token)).status_code == 401

    expiring = new_token(rida, "member", "--expires-days", "1")
    with app.app_context(), db.write_session(db.engine()) as s:
        s.exec(
            update(ApiToken)
            .where(ApiToken.prefix == expiring.split("_")[1])
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    assert client.get("/api/meetings", headers=bearer(expiring)).status_code == 401

    live = new_token(rida, "reader")
    rida("user", "disable", "reader")
    assert client.get("/api/meetings", headers=bearer(live)).status_code == 401


def test_token_list_and_errors(rida):
    token = new_token(rida, "admin", "--name", "sauvegarde")
    new_token(rida, "reader")
    rows = json.loads(rida("token", "list", "admin", "--json").stdout)
    assert [(r["prefix"], r["login"], r["name"], r["state"]) for r in rows] == [
        (token.split("_")[1], "admin", "sauvegarde", "active")
    ]
    assert len(json.loads(rida("token", "list", "--json").stdout)) == 2
    assert token.split("_")[1] in rida("token", "list").stdout
    for args, path in (
        (("token", "revoke", "deadbeef"), "prefix"),
        (("token", "create", "ghost"), "login"),
        (("token", "create", "admin", "--expires-days", "0"), "expires_days"),
        (("token", "list", "ghost"), "login"),
    ):
        assert rida.error_paths(*args) == [path], args


def test_tokens_page_creates_shows_once_and_revokes(app, browser, client):
    page = browser.client.get("/compte/jetons").get_data(as_text=True)
    assert "Jetons d'API" in page and "Aucun jeton." in page
    created = browser.form("/compte/jetons", {"name": "tableur", "expires_days": "90"})
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    token = re.search(r'value="(rida_[^"]+)"', created.get_data(as_text=True)).group(1)
    assert client.get("/api/meetings", headers=bearer(token)).status_code == 200
    again = browser.client.get("/compte/jetons").get_data(as_text=True)
    assert token not in again and token.split("_")[1] in again and "tableur" in again
    bad = browser.form("/compte/jetons", {"expires_days": "abc"})
    assert bad.status_code == 400 and "Jeton non créé" in bad.get_data(as_text=True)
    # Someone else's token cannot be revoked from this page (404, no leak).
    with app.app_context(), db.write_session(db.engine()) as s:
        reader = s.exec(select(User).where(User.login == "reader")).one()
        _, other = api_tokens.create(s, reader)
    assert browser.form(f"/compte/jetons/{other.split('_')[1]}/revocation", {}).status_code == 404
    assert (
        browser.client.post(f"/compte/jetons/{token.split('_')[1]}/revocation").status_code == 400
    )
    revoked = browser.form(f"/compte/jetons/{token.split('_')[1]}/revocation", {})
    assert revoked.status_code == 302
    assert client.get("/api/meetings", headers=bearer(token)).status_code == 401
    assert client.get("/api/meetings", headers=bearer(other)).status_code == 200
    assert account(app, "admin").active
