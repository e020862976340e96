"""Finding 5 of the outside attack: a password change, a reset, a role change or a
deactivation ends every session of the account (opened in any browser)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from rida import db
from rida.accounts import account_admin
from rida.accounts.account_admin import Actor
from rida.accounts.oidc import admin as oidc_admin
from rida.models import User
from tests.accounts_support import Rida, post_login

PASSWORD = "Mot de passe de Marie 2022"


@pytest.fixture
def marie(app):
    from rida import accounts

    with app.app_context(), db.transaction() as s:
        accounts.create_user(s, "marie", PASSWORD, "rapporteur")
    client = app.test_client()
    assert post_login(client, "marie", PASSWORD).status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/api/session").status_code == 200
    return client


def _change(app, apply) -> None:  # type: ignore[no-untyped-def]
    with app.app_context(), db.transaction() as s:
        target = s.exec(select(User).where(User.login == "marie")).one()
        apply(s, target)


def _ended(client) -> bool:  # type: ignore[no-untyped-def]
    page = client.get("/")
    api = client.get("/api/session")
    return (
        page.status_code == 302
        and "/connexion" in page.headers["Location"]
        and (api.status_code == 401)
    )


@pytest.mark.parametrize(
    "apply",
    [
        lambda s, u: account_admin.set_password(s, u, "Un tout autre mot de passe"),
        lambda s, u: account_admin.set_password(s, u),  # the admin's reset
        lambda s, u: account_admin.set_role(s, u, "reader", Actor(None, "cli")),
        lambda s, u: account_admin.set_active(s, u, False, Actor(None, "cli")),
        lambda s, u: oidc_admin.set_sso_only(s, u, True, Actor(None, "cli")),
    ],
    ids=["password", "reset", "role", "disable", "sso_only"],
)
def test_each_change_ends_the_sessions_opened_before(app, marie, apply):
    _change(app, apply)
    assert _ended(marie)


def test_rida_user_password_ends_the_sessions_and_a_new_login_works(app, marie):
    Rida(app.config["DATA_DIR"])("user", "password", "marie", stdin="Nouveau mdp 2022 !\n")
    assert _ended(marie)
    assert post_login(marie, "marie", "Nouveau mdp 2022 !").status_code == 302
    assert marie.get("/").status_code == 200


def test_rida_user_sso_only_ends_the_password_sessions(app, marie):
    rida = Rida(app.config["DATA_DIR"])
    rida("user", "sso-only", "marie", "--on")
    assert _ended(marie)
    assert post_login(marie, "marie", PASSWORD).status_code == 403  # the password is refused
    rida("user", "sso-only", "marie", "--off")  # given back: the password signs in again
    assert post_login(marie, "marie", PASSWORD).status_code == 302
    rida("user", "sso-only", "marie", "--off")  # unchanged: the session stays
    assert marie.get("/").status_code == 200


def test_an_unrelated_change_keeps_the_session(app, marie):
    _change(app, lambda s, u: account_admin.link_person(s, u, None, Actor(None, "cli")))
    assert marie.get("/").status_code == 200
