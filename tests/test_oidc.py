"""Sign-in through OpenID Connect against a real provider, LemonLDAP::NG (tests/oidc_support.py):
the provider's own login form, its codes, its signed ID tokens and userinfo, its logout."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlmodel import select

from rida import accounts, db
from rida.accounts.oidc import linking, protocol
from rida.accounts.oidc.protocol import SignInError
from rida.models import AuditEntry, OidcIdentity, User
from rida.views import oidc_session as oidc
from tests import oidc_support
from tests.conftest import PASSWORD, Browser, make_app

CLI = "/usr/share/lemonldap-ng/bin/lemonldap-ng-cli"


@pytest.fixture(scope="session")
def llng() -> str:
    return oidc_support.ensure_started()


def oidc_app(tmp_path: Path, template_db: Path, secret: str, **options: object) -> Flask:
    data_dir = tmp_path / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(template_db, data_dir / "rida.sqlite3")
    if not (data_dir / "search").exists():
        shutil.copytree(template_db.parent / "search", data_dir / "search")
    path = oidc_support.providers_file(data_dir, secret, **options)
    return make_app(data_dir, OIDC_PROVIDERS_FILE=path)


@pytest.fixture
def make(tmp_path: Path, template_db: Path, llng: str) -> Iterator:
    apps: list[Flask] = []

    def build(**options: object) -> tuple[Flask, FlaskClient]:
        app = oidc_app(tmp_path / str(len(apps)), template_db, llng, **options)
        apps.append(app)
        return app, app.test_client()

    yield build
    for app in apps:
        with app.app_context():
            db.engine().dispose()


def begin(client: FlaskClient) -> str:
    page = client.get("/connexion").get_data(as_text=True)
    assert "Se connecter avec LemonLDAP::NG" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/connexion/oidc/llng", data={"csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def sign_in(client: FlaskClient, user: str = "dwho"):  # type: ignore[no-untyped-def]
    back = oidc_support.portal_sign_in(begin(client), user)
    return client.get("/connexion/oidc/llng/retour?" + urlencode(back)), back


def actions(app: Flask) -> list[tuple[str, dict]]:
    with app.app_context(), db.write_session(db.engine()) as s:
        return [(e.action, e.after or {}) for e in s.exec(select(AuditEntry)).all()]


def add_user(app: Flask, login: str, **fields: object) -> None:
    with app.app_context(), db.transaction() as s:
        user = accounts.create_user(s, login, PASSWORD, "member")
        for key, value in fields.items():
            setattr(user, key, value)
        s.add(user)


def test_authorization_request_has_pkce_state_nonce_and_acr(make):
    app, client = make()
    query = parse_qs(urlsplit(begin(client)).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["state"] and query["nonce"] and query["acr_values"] == ["eidas1"]
    assert query["client_id"] == ["rida"]


def test_first_sign_in_links_by_verified_email_then_by_subject(make):
    app, client = make(link_by_verified_email=True, trust_email=True)
    add_user(app, "dwho@badwolf.org")
    response, _ = sign_in(client)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/deconnexion", data={"csrf_token": _csrf(client)})
    response, _ = sign_in(client)  # the link (issuer + subject) now
    assert response.status_code == 302
    with app.app_context(), db.write_session(db.engine()) as s:
        identity = s.exec(select(OidcIdentity)).one()
        assert (identity.issuer, identity.subject) == (oidc_support.PORTAL, "dwho")
        user = s.get(User, identity.user_id)
        assert user.login == "dwho@badwolf.org" and user.professional_id == "dwho"
    logged = actions(app)
    assert [d["rule"] for a, d in logged if a == "sso.link"] == ["verified_email"]
    assert [d.get("method") for a, d in logged if a == "login.success"] == ["oidc", "oidc"]


def _csrf(client: FlaskClient) -> str:
    page = client.get("/connexion").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_unknown_user_with_provisioning_off_is_refused(make):
    app, client = make()
    response, _ = sign_in(client)
    assert response.status_code == 401
    assert "Aucun compte rida" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert ("sso.refusal", "unknown_identity") in [(a, d.get("reason")) for a, d in actions(app)]


def test_provisioned_account_waits_for_approval_then_signs_in(make):
    app, client = make(provisioning=True, default_role="reader")
    response, _ = sign_in(client, "rtyler")
    assert response.status_code == 403 and "approbation" in response.get_data(as_text=True)
    with app.app_context(), db.transaction() as s:
        user = s.exec(select(User).where(User.login == "rtyler@badwolf.org")).one()
        assert user.approval_pending and user.sso_only and user.role == "reader"
        linking.approve(s, user, None, "cli")
    response, _ = sign_in(client, "rtyler")
    assert response.status_code == 302 and client.get("/").status_code == 200
    assert "account.approve" in [a for a, _ in actions(app)]


def test_allow_listed_domain_signs_in_at_once(make):
    app, client = make(provisioning=True, allowed_email_domains=["badwolf.org"])
    response, _ = sign_in(client, "msmith")
    assert response.status_code == 302 and client.get("/").status_code == 200


def test_wrong_state_and_replayed_callback_are_refused(make):
    app, client = make(provisioning=True, allowed_email_domains=["badwolf.org"])
    back = oidc_support.portal_sign_in(begin(client))
    forged = client.get("/connexion/oidc/llng/retour?" + urlencode({**back, "state": "x" * 30}))
    assert forged.status_code == 401
    assert "Demande de connexion inconnue" in forged.get_data(as_text=True)
    response, back = sign_in(client)
    assert response.status_code == 302
    replay = app.test_client().get("/connexion/oidc/llng/retour?" + urlencode(back))
    assert replay.status_code == 401
    reasons = [d.get("reason") for a, d in actions(app) if a == "sso.refusal"]
    assert reasons == ["state_mismatch", "state_mismatch"]


def test_disabled_account_and_removed_link_are_refused(make):
    app, client = make(provisioning=True, allowed_email_domains=["badwolf.org"])
    assert sign_in(client)[0].status_code == 302
    client.post("/deconnexion", data={"csrf_token": _csrf(client)})
    with app.app_context(), db.transaction() as s:
        user = s.exec(select(User).where(User.login == "dwho@badwolf.org")).one()
        user.active = False
        s.add(user)
    response, _ = sign_in(client)
    assert response.status_code == 403 and "désactivé" in response.get_data(as_text=True)
    app2, client2 = make()  # provisioning off
    add_user(app2, "dwho@badwolf.org")
    with app2.app_context(), db.transaction() as s:
        user = s.exec(select(User).where(User.login == "dwho@badwolf.org")).one()
        s.add(
            OidcIdentity(
                user_id=user.id, provider="llng", issuer=oidc_support.PORTAL, subject="dwho"
            )
        )
    assert sign_in(client2)[0].status_code == 302
    client2.post("/deconnexion", data={"csrf_token": _csrf(client2)})
    with app2.app_context(), db.transaction() as s:
        user = s.exec(select(User).where(User.login == "dwho@badwolf.org")).one()
        assert linking.unlink(s, user, "llng", "cli") == 1
    response, _ = sign_in(client2)
    assert response.status_code == 401
    assert "sso.unlink" in [a for a, _ in actions(app2)]


def test_logout_ends_the_provider_session_with_id_token_hint(make):
    app, client = make(provisioning=True, allowed_email_domains=["badwolf.org"])
    sign_in(client)
    response = client.post("/deconnexion", data={"csrf_token": _csrf_logged(client)})
    target = urlsplit(response.headers["Location"])
    assert (
        f"{target.scheme}://{target.netloc}{target.path}" == f"{oidc_support.PORTAL}/oauth2/logout"
    )
    query = parse_qs(target.query)
    assert query["post_logout_redirect_uri"] == ["http://localhost/connexion"]
    assert jwt.decode(query["id_token_hint"][0], _public_key()).claims["sub"] == "dwho"


def _csrf_logged(client: FlaskClient) -> str:
    return re.search(
        r'name="csrf-token" content="([^"]+)"', client.get("/").get_data(as_text=True)
    ).group(1)


def _private_key() -> RSAKey:
    out = subprocess.run(
        [
            "su",
            "www-data",
            "-s",
            "/bin/sh",
            "-c",
            f"{CLI} get oidcServicePrivateKeySig oidcServiceKeyIdSig",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pem = out[out.index("-----BEGIN") : out.index("-----", out.index("-----END") + 5) + 5]
    kid = re.search(r"oidcServiceKeyIdSig = (\S*)", out)
    return RSAKey.import_key(pem, {"kid": kid.group(1)} if kid and kid.group(1) else None)


def _public_key() -> RSAKey:
    return RSAKey.import_key(_private_key().as_dict(private=False))


def _forged(**claims: object) -> str:
    key = _private_key()
    now = int(time.time())
    base = {
        "iss": oidc_support.PORTAL,
        "aud": "rida",
        "sub": "dwho",
        "iat": now,
        "exp": now + 300,
        "nonce": "n",
    }
    header = {"alg": "RS256", **({"kid": key.kid} if key.kid else {})}
    return jwt.encode(header, {**base, **claims}, key)


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"iss": "http://evil.example"}, "id_token_"),
        ({"aud": "another-client"}, "id_token_"),
        ({"exp": int(time.time()) - 600}, "id_token_expired_token"),
        ({"nonce": "replayed"}, "nonce_mismatch"),
    ],
)
def test_forged_id_tokens_are_refused(make, claims, reason):
    app, _ = make()
    with app.test_request_context():
        provider = oidc.providers()["llng"]
        with pytest.raises(SignInError) as refused:
            protocol.verify_id_token(provider, _forged(**claims), "n")
        assert refused.value.reason.startswith(reason)
        assert refused.value.message == protocol.INVALID


def test_clock_skew_is_tolerated(make):
    app, _ = make()
    with app.test_request_context():
        provider = oidc.providers()["llng"]
        claims = protocol.verify_id_token(provider, _forged(exp=int(time.time()) - 30), "n")
        assert claims["sub"] == "dwho"


def test_password_login_off_keeps_the_break_glass_admin(make):
    app, client = make()
    app.config.update(PASSWORD_LOGIN=False, BREAK_GLASS_ADMIN="admin")
    page = client.get("/connexion").get_data(as_text=True)
    assert "Accès de secours" in page
    refused = client.post(
        "/connexion", data={"login": "member", "password": PASSWORD, "csrf_token": _csrf(client)}
    )
    assert refused.status_code == 403 and "désactivée" in refused.get_data(as_text=True)
    ok = client.post(
        "/connexion", data={"login": "admin", "password": PASSWORD, "csrf_token": _csrf(client)}
    )
    assert ok.status_code == 302


def test_sso_only_account_cannot_use_its_password(make):
    app, client = make()
    add_user(app, "solo", sso_only=True)
    refused = client.post(
        "/connexion", data={"login": "solo", "password": PASSWORD, "csrf_token": _csrf(client)}
    )
    assert refused.status_code == 403 and "fournisseur d'identité" in refused.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_sso_only_revokes_the_password_era_token_not_the_provider_era_one(make):
    app, client = make(link_by_verified_email=True, trust_email=True)
    add_user(app, "dwho@badwolf.org")
    api = app.test_client()

    def status(token: str) -> int:
        headers = {"Authorization": f"Bearer {token}"}
        return api.get("/api/meetings", headers=headers).status_code

    def created(page) -> str:  # type: ignore[no-untyped-def]
        return re.search(r'value="(rida_[^"]+)"', page.get_data(as_text=True)).group(1)

    # Signed in with its password, the account creates a token.
    own = Browser(app.test_client()).login("dwho@badwolf.org")
    old = created(own.form("/compte/jetons", {"name": "ancien"}))
    assert status(old) == 200
    admin = Browser(app.test_client()).login("admin")
    with app.app_context(), db.write_session(db.engine()) as s:
        user_id = s.exec(select(User.id).where(User.login == "dwho@badwolf.org")).one()
    on = admin.form(f"/admin/comptes/{user_id}/fournisseur-uniquement", {"sso_only": "1"})
    assert on.status_code == 302
    assert status(old) == 401
    assert own.client.get("/compte/jetons").status_code == 302  # its session ended too
    # Signed in through its provider, it creates a new one: that one works.
    assert sign_in(client)[0].status_code == 302
    page = client.post(
        "/compte/jetons", data={"name": "nouveau", "csrf_token": _csrf_logged(client)}
    )
    new = created(page)
    assert status(new) == 200 and status(old) == 401
