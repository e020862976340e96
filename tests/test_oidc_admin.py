"""Administrators manage OpenID Connect accounts (issue 19): approve an account waiting for
approval, remove an identity's link, make an account sign in through its provider only
(its API tokens revoked); on ``/admin/comptes`` and with ``rida user …``. A sign-in is
checked with the function the provider's callback calls (``linking.sign_in``) on verified
claims."""

from __future__ import annotations

import json
from html import unescape

import pytest
from flask import Flask
from sqlmodel import col, select

from rida import accounts, db
from rida.accounts import feed_tokens
from rida.accounts.oidc import linking
from rida.accounts.oidc.config import Provider
from rida.accounts.oidc.protocol import SignInError
from rida.audit import events
from rida.models import AuditEntry, Change, FeedToken, OidcIdentity, Series, User
from tests.accounts_support import Rida, account, post_login, recorded
from tests.conftest import PASSWORD, Browser
from tests.test_api_tokens import bearer, new_token
from tests.test_feed_tokens import subscribe

ISSUER = "https://idp.example"
SUBJECT = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
PROVIDER = Provider(
    name="psc",
    label="Pro Santé Connect",
    discovery_url=f"{ISSUER}/.well-known/openid-configuration",
    client_id="rida",
    client_secret="s",
)


@pytest.fixture
def rida(app, tmp_path) -> Rida:  # type: ignore[no-untyped-def]
    return Rida(tmp_path / "data")


def sso_account(app: Flask, login: str, subject: str = SUBJECT, **fields: object) -> int:
    """An account linked to ``subject`` at PROVIDER; its id."""
    with app.app_context(), db.transaction() as s:
        user = accounts.create_user(s, login, PASSWORD, "reader")
        for key, value in fields.items():
            setattr(user, key, value)
        s.add(user)
        s.flush()
        s.add(OidcIdentity(user_id=user.id, provider="psc", issuer=ISSUER, subject=subject))
        return user.id or 0


def provider_sign_in(app: Flask, subject: str = SUBJECT) -> User:
    """What the callback does with verified claims: the account, or SignInError; then
    the refusal of a disabled or pending account, raised like the callback refuses."""
    with app.app_context(), db.transaction() as s:
        user = linking.sign_in(s, PROVIDER, {"iss": ISSUER, "sub": subject}, "127.0.0.1")
        refused = linking.refusal(user)
        if refused is not None:
            raise refused
        return user


def identity_ids(app: Flask, user_id: int) -> list[int]:
    with app.app_context(), db.write_session(db.engine()) as s:
        return [
            i.id or 0
            for i in s.exec(select(OidcIdentity).where(OidcIdentity.user_id == user_id)).all()
        ]


def test_approve_from_the_page_then_the_account_signs_in(app, browser):
    user_id = sso_account(
        app, "pending@sante.fr", approval_pending=True, sso_only=True, professional_id="10001234567"
    )
    with pytest.raises(SignInError) as refused:
        provider_sign_in(app)
    assert refused.value.reason == "approval_pending"
    page = browser.client.get("/admin/comptes").get_data(as_text=True)
    assert "En attente d'approbation" in unescape(page)
    assert "10001234567" in page and "psc" in page and f'title="{SUBJECT}"' in page
    assert "f81d4fae…6bf6" in page  # the subject shortened
    assert "Fournisseur uniquement" in page
    with recorded() as seen:
        done = browser.form(f"/admin/comptes/{user_id}/approbation", {})
    assert done.status_code == 302
    assert [(e.action, e.login) for e in seen] == [("account.approve", "admin")]
    assert not account(app, "pending@sante.fr").approval_pending
    assert provider_sign_in(app).login == "pending@sante.fr"
    again = browser.form(f"/admin/comptes/{user_id}/approbation", {})
    assert again.status_code == 302
    assert "déjà approuvé" in browser.client.get("/admin/comptes").get_data(as_text=True)


def test_unlink_an_identity_from_the_page_and_the_command_line(app, browser, rida):
    first = sso_account(app, "one@sante.fr")
    sso_account(app, "two@sante.fr", subject="two")
    assert provider_sign_in(app).login == "one@sante.fr"
    other = identity_ids(app, account(app, "two@sante.fr").id or 0)[0]
    refused = browser.form(f"/admin/comptes/{first}/identites/retrait", {"identity_id": other})
    assert refused.status_code == 400 and "identité inconnue" in refused.get_data(as_text=True)
    assert browser.form(f"/admin/comptes/{first}/identites/retrait", {}).status_code == 400
    (mine,) = identity_ids(app, first)
    with recorded() as seen:
        done = browser.form(f"/admin/comptes/{first}/identites/retrait", {"identity_id": mine})
    assert done.status_code == 302
    assert [(e.action, e.login, e.details["subject"]) for e in seen] == [
        ("sso.unlink", "admin", SUBJECT)
    ]
    with pytest.raises(SignInError) as gone:
        provider_sign_in(app)  # provisioning off: an unknown identity
    assert gone.value.reason == "unknown_identity"
    assert provider_sign_in(app, "two").login == "two@sante.fr"
    out = rida("user", "unlink-identity", "two@sante.fr", "psc").stdout
    assert "1 lien(s) avec « psc » retiré(s)" in out
    with pytest.raises(SignInError):
        provider_sign_in(app, "two")
    assert rida.error_paths("user", "unlink-identity", "two@sante.fr", "psc") == ["provider"]
    assert rida.error_paths("user", "unlink-identity", "nobody", "psc") == ["login"]


def test_sso_only_refuses_the_password_from_the_page_and_the_command_line(app, browser, rida):
    member = account(app, "member")
    with recorded() as seen:
        on = browser.form(f"/admin/comptes/{member.id}/fournisseur-uniquement", {"sso_only": "1"})
    assert on.status_code == 302
    assert [(e.action, e.after) for e in seen] == [("account.sso_only", {"sso_only": True})]
    refused = post_login(app.test_client(), "member", PASSWORD)
    assert refused.status_code == 403
    assert "fournisseur d'identité" in unescape(refused.get_data(as_text=True))
    off = browser.form(f"/admin/comptes/{member.id}/fournisseur-uniquement", {"sso_only": "0"})
    assert off.status_code == 302
    assert post_login(app.test_client(), "member", PASSWORD).status_code == 302
    assert "--on / --off" in rida("user", "sso-only", "--help").stdout
    rida("user", "sso-only", "reader", "--on")
    assert post_login(app.test_client(), "reader", PASSWORD).status_code == 403
    assert "(déjà)" in rida("user", "sso-only", "reader", "--on").stdout
    rida("user", "sso-only", "reader", "--off")
    assert post_login(app.test_client(), "reader", PASSWORD).status_code == 302
    assert rida.error_paths("user", "sso-only", "reader") == ["sso_only"]
    assert rida.error_paths("user", "sso-only", "nobody", "--on") == ["login"]


def works(app: Flask, token: str) -> bool:
    """The API answers ``token`` (200), or refuses it (401)."""
    status = app.test_client().get("/api/meetings", headers=bearer(token)).status_code
    assert status in (200, 401), status
    return status == 200


def test_sso_only_revokes_the_password_era_api_tokens_from_the_page(app, browser, rida):
    member = account(app, "member")
    old = [new_token(rida, "member", "--name", "script"), new_token(rida, "member")]
    gone = new_token(rida, "member", "--expires-days", "1")
    rida("token", "revoke", gone.split("_")[1])
    others = new_token(rida, "reader")
    assert all(works(app, t) for t in old)
    with recorded() as seen:
        on = browser.form(f"/admin/comptes/{member.id}/fournisseur-uniquement", {"sso_only": "1"})
    assert on.status_code == 302
    page = unescape(browser.client.get(on.headers["Location"]).get_data(as_text=True))
    assert "uniquement ; 2 jetons d'API et 0 adresse d'agenda révoqués." in page
    assert not any(works(app, t) for t in old)
    assert works(app, others)
    # Each revocation audited (by the administrator, in the same transaction) like the switch.
    revoked = [e for e in seen if e.action == events.TOKEN_REVOKED]
    assert sorted(e.object_id for e in revoked) == sorted(t.split("_")[1] for t in old)
    assert {(e.login, e.details["reason"]) for e in revoked} == {("admin", "sso_only")}
    assert [e.details["tokens_revoked"] for e in seen if e.action == "account.sso_only"] == [2]
    with app.app_context(), db.write_session(db.engine()) as s:
        stored = s.exec(select(AuditEntry).where(AuditEntry.action == "token.revoke")).all()
        assert {e.object_id for e in stored} >= {t.split("_")[1] for t in old}
        access = s.exec(select(Change).where(Change.kind == "access")).all()
        assert {"user_id": member.id} in [c.payload for c in access]
    # A token created afterwards (the SSO-only account's, or for it) works, and stays.
    new = new_token(rida, "member")
    assert works(app, new)
    assert "(déjà)" in rida("user", "sso-only", "member", "--on").stdout
    off = browser.form(f"/admin/comptes/{member.id}/fournisseur-uniquement", {"sso_only": "0"})
    assert off.status_code == 302 and works(app, new)


def test_sso_only_revokes_the_api_tokens_from_the_command_line(app, rida):
    old = new_token(rida, "reader")
    assert works(app, old)
    with recorded() as seen:
        out = rida("user", "sso-only", "reader", "--on").stdout
    assert out == (
        "Compte « reader » : connexion par fournisseur uniquement ; "
        "1 jeton d'API et 0 adresse d'agenda révoqués.\n"
    )
    assert not works(app, old)
    assert [(e.action, e.ip) for e in seen if e.action == "token.revoke"] == [
        ("token.revoke", "cli")
    ]
    new = new_token(rida, "reader")
    assert works(app, new)
    # Its password back, then SSO-only again: what lived meanwhile is revoked too.
    rida("user", "sso-only", "reader", "--off")
    assert works(app, new)
    assert "; 1 jeton d'API et 0 adresse" in rida("user", "sso-only", "reader", "--on").stdout
    assert not works(app, new)
    assert "; 0 jeton d'API et 0 adresse" in rida("user", "sso-only", "member", "--on").stdout


@pytest.fixture
def series_id(app, demo_meeting) -> int:  # type: ignore[no-untyped-def]
    with app.app_context(), db.write_session(db.engine()) as s:
        return s.exec(select(Series.id)).one()


def feed_status(app: Flask, url: str) -> int:
    """What the calendar feed ``url`` answers, without a session."""
    return app.test_client().get(url.removeprefix("http://localhost")).status_code


def new_feed(app: Flask, login: str, series_id: int) -> str:
    """A calendar feed of the series for ``login``, made as /agenda makes it; its URL."""
    with app.app_context(), db.transaction() as s:
        user = accounts.by_login(s, login)
        _, token = feed_tokens.create(s, user, series_id=series_id)
    return f"/feeds/{token}.ics"


def test_sso_only_revokes_the_calendar_feeds_from_the_page(app, browser, rida, series_id):
    member = account(app, "member")
    rida("user", "member", "add", "member", str(series_id))
    own = Browser(app.test_client()).login("member")
    old = [subscribe(own, f"series-{series_id}") for _ in range(2)]
    gone = subscribe(own, f"series-{series_id}")
    with app.app_context():
        gone_id = db.session().exec(select(FeedToken.id).order_by(col(FeedToken.id).desc())).first()
    assert own.form(f"/agenda/{gone_id}/revocation", {}).status_code == 302
    token = new_token(rida, "member")
    admins = new_feed(app, "admin", series_id)
    assert [feed_status(app, url) for url in (*old, gone, admins)] == [200, 200, 404, 200]
    with recorded() as seen:
        on = browser.form(f"/admin/comptes/{member.id}/fournisseur-uniquement", {"sso_only": "1"})
    assert on.status_code == 302
    page = unescape(browser.client.get(on.headers["Location"]).get_data(as_text=True))
    assert "uniquement ; 1 jeton d'API et 2 adresses d'agenda révoqués." in page
    # The feeds answer as a revoked one does today: a bare 404; the API token a 401.
    assert [feed_status(app, url) for url in old] == [404, 404]
    assert not works(app, token)
    assert feed_status(app, admins) == 200  # another account's feed lives on
    # Each revocation audited, by the administrator, with its reason, like the API token's.
    with app.app_context():
        old_ids = {str(i) for i in db.session().exec(select(FeedToken.id)).all()}
    feeds = [e for e in seen if e.object_type == "feed_token"]
    assert [(e.action, e.login, e.details) for e in feeds] == 2 * [
        ("token.revoke", "admin", {"account": "member", "reason": "sso_only"})
    ]
    assert {e.object_id for e in feeds} < old_ids and str(gone_id) not in {
        e.object_id for e in feeds
    }
    [switch] = [e for e in seen if e.action == "account.sso_only"]
    assert (switch.details["tokens_revoked"], switch.details["feeds_revoked"]) == (1, 2)
    with app.app_context(), db.write_session(db.engine()) as s:
        stored = s.exec(select(AuditEntry).where(AuditEntry.object_type == "feed_token")).all()
        assert {e.object_id for e in stored if e.action == "token.revoke"} == {
            e.object_id for e in feeds
        }
    # A feed created afterwards (signed in through its provider) works, and stays.
    new = new_feed(app, "member", series_id)
    assert feed_status(app, new) == 200
    assert "(déjà)" in rida("user", "sso-only", "member", "--on").stdout
    assert feed_status(app, new) == 200


def test_sso_only_revokes_the_calendar_feeds_from_the_command_line(app, rida, series_id):
    rida("user", "member", "add", "reader", str(series_id))
    old = new_feed(app, "reader", series_id)
    assert feed_status(app, old) == 200
    with recorded() as seen:
        out = rida("user", "sso-only", "reader", "--on").stdout
    assert out == (
        "Compte « reader » : connexion par fournisseur uniquement ; "
        "0 jeton d'API et 1 adresse d'agenda révoqués.\n"
    )
    assert feed_status(app, old) == 404
    assert [(e.action, e.object_type, e.ip) for e in seen if e.action == "token.revoke"] == [
        ("token.revoke", "feed_token", "cli")
    ]
    new = new_feed(app, "reader", series_id)
    assert feed_status(app, new) == 200
    rida("user", "sso-only", "reader", "--off")
    assert feed_status(app, new) == 200
    assert (
        "; 0 jeton d'API et 1 adresse d'agenda" in rida("user", "sso-only", "reader", "--on").stdout
    )
    assert feed_status(app, new) == 404


def test_the_break_glass_admin_keeps_its_password(app, browser, rida):
    admin = account(app, "admin")
    # The only active administrator with a password.
    refused = browser.form(f"/admin/comptes/{admin.id}/fournisseur-uniquement", {"sso_only": "1"})
    assert refused.status_code == 400
    assert "accès de secours" in refused.get_data(as_text=True)
    assert rida.error_paths("user", "sso-only", "admin", "--on") == ["sso_only"]
    assert not account(app, "admin").sso_only
    rida("user", "set-role", "rapporteur", "admin")
    # Another administrator now; but « admin » is the break-glass account.
    app.config.update(PASSWORD_LOGIN=False, BREAK_GLASS_ADMIN="admin")
    again = browser.form(f"/admin/comptes/{admin.id}/fournisseur-uniquement", {"sso_only": "1"})
    assert again.status_code == 400 and "administrateur de secours" in again.get_data(as_text=True)
    rida.env["RIDA_BREAK_GLASS_ADMIN"] = "admin"
    assert rida.error_paths("user", "sso-only", "admin", "--on") == ["sso_only"]
    assert post_login(app.test_client(), "admin", PASSWORD).status_code == 302
    # Without a break-glass name, the other administrator keeps the route open.
    del rida.env["RIDA_BREAK_GLASS_ADMIN"]
    rida("user", "sso-only", "admin", "--on")
    assert account(app, "admin").sso_only


def test_non_admins_get_404_and_the_csrf_token_is_required(app, browser):
    user_id = sso_account(app, "pending@sante.fr", approval_pending=True)
    (identity,) = identity_ids(app, user_id)
    posts = [
        (f"/admin/comptes/{user_id}/approbation", {}),
        (f"/admin/comptes/{user_id}/identites/retrait", {"identity_id": identity}),
        (f"/admin/comptes/{user_id}/fournisseur-uniquement", {"sso_only": "1"}),
    ]
    for login in ("rapporteur", "member", "reader"):
        other = Browser(app.test_client()).login(login)
        for url, data in posts:
            assert other.form(url, data).status_code == 404
    for url, data in posts:  # the admin, without the token
        assert browser.client.post(url, data=data).status_code == 400
    for url, data in posts:
        assert browser.form(url.replace(str(user_id), "987654"), data).status_code == 404
    after = account(app, "pending@sante.fr")
    assert after.approval_pending and not after.sso_only
    assert identity_ids(app, user_id) == [identity]


def test_user_list_shows_the_linked_identities(app, rida):
    sso_account(app, "one@sante.fr")
    sso_account(app, "two@sante.fr", subject="two")
    rows = {r["login"]: r for r in json.loads(rida("user", "list", "--json").stdout)}
    assert rows["one@sante.fr"]["identities"] == [
        {"provider": "psc", "issuer": ISSUER, "subject": SUBJECT, "email": None}
    ]
    assert rows["admin"]["identities"] == []
    lines = {line.split()[0]: line for line in rida("user", "list").stdout.splitlines()}
    assert lines["one@sante.fr"].endswith(f"identités : psc {ISSUER} {SUBJECT}")
    assert lines["two@sante.fr"].endswith(f"identités : psc {ISSUER} two")
    assert lines["admin"].endswith("identités : -")
