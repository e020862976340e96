"""Administrators manage accounts: ``/admin/comptes`` and ``rida user …``."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from sqlmodel import select

from rida import db
from rida.accounts.account_admin import BREAK_GLASS_STAYS, LAST_PASSWORD_ADMIN
from rida.audit import events
from rida.models import Person, Series, SeriesMember
from tests.accounts_support import Rida, account, post_login, recorded
from tests.conftest import PASSWORD, Browser


@pytest.fixture
def rida(app, tmp_path) -> Rida:  # type: ignore[no-untyped-def]
    return Rida(tmp_path / "data")


@pytest.fixture
def series_id(app, demo_meeting) -> int:
    with app.app_context(), db.write_session(db.engine()) as s:
        return s.exec(select(Series.id)).one()


def shown_password(response) -> str:  # type: ignore[no-untyped-def]
    return re.search(
        r'id="shown-password"[^>]*value="([^"]+)"', response.get_data(as_text=True)
    ).group(1)


def test_only_admins_see_the_page(app, client):
    assert client.get("/admin/comptes").status_code == 302  # anonymous: log in first
    for login in ("rapporteur", "member", "reader"):
        user = Browser(app.test_client()).login(login)
        assert user.client.get("/admin/comptes").status_code == 404
        assert user.form("/admin/comptes", {"login": "x1", "role": "admin"}).status_code == 404
        assert "/admin/comptes" not in user.client.get("/").get_data(as_text=True)
    admin = Browser(app.test_client()).login("admin")
    home = admin.client.get("/").get_data(as_text=True)
    assert 'href="/admin/comptes"' in home and 'href="/compte/jetons"' in home
    page = admin.client.get("/admin/comptes").get_data(as_text=True)
    for login in ("admin", "rapporteur", "member", "reader"):
        assert f'<th scope="row">{login}</th>' in page


def test_create_an_account_with_a_password_shown_once(app, browser):
    created = browser.form("/admin/comptes", {"login": "nouvelle", "role": "member"})
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    password = shown_password(created)
    assert post_login(app.test_client(), "nouvelle", password).status_code == 302
    assert password not in browser.client.get("/admin/comptes").get_data(as_text=True)
    again = browser.form("/admin/comptes", {"login": "nouvelle", "role": "member"})
    assert again.status_code == 400 and "existe déjà" in again.get_data(as_text=True)
    assert browser.form("/admin/comptes", {"login": "x y", "role": "member"}).status_code == 400
    assert browser.form("/admin/comptes", {"login": "ok2", "role": "boss"}).status_code == 400
    assert (
        browser.client.post("/admin/comptes", data={"login": "z9", "role": "reader"}).status_code
        == 400
    )  # no CSRF token


def test_role_active_password_person_and_series(app, browser, series_id):
    member = account(app, "member")
    with recorded() as seen:
        assert (
            browser.form(f"/admin/comptes/{member.id}/role", {"role": "rapporteur"}).status_code
            == 302
        )
        assert (
            browser.form(
                f"/admin/comptes/{member.id}/series", {"series_id": str(series_id), "action": "add"}
            ).status_code
            == 302
        )
        assert browser.form(f"/admin/comptes/{member.id}/actif", {"active": "0"}).status_code == 302
    assert [e.action for e in seen] == [events.PERMISSION_CHANGED] * 3
    assert (seen[0].before, seen[0].after) == ({"role": "member"}, {"role": "rapporteur"})
    assert seen[2].after == {"active": False} and seen[0].ip == "127.0.0.1"
    assert seen[0].user_id == account(app, "admin").id and seen[0].object_id == str(member.id)
    assert post_login(app.test_client(), "member", PASSWORD).status_code == 401  # disabled
    page = browser.client.get("/admin/comptes").get_data(as_text=True)
    assert "désactivé" in page and "Réactiver" in page
    browser.form(f"/admin/comptes/{member.id}/actif", {"active": "1"})
    reset = browser.form(f"/admin/comptes/{member.id}/mot-de-passe", {})
    password = shown_password(reset)
    assert post_login(app.test_client(), "member", PASSWORD).status_code == 401
    assert post_login(app.test_client(), "member", password).status_code == 302
    with app.app_context(), db.write_session(db.engine()) as s:
        person = s.exec(select(Person).where(Person.last_name == "GUEYE")).one().id
        assert s.get(SeriesMember, (series_id, member.id)) is not None
    browser.form(f"/admin/comptes/{member.id}/personne", {"person_id": str(person)})
    assert account(app, "member").person_id == person
    assert (
        browser.form(f"/admin/comptes/{member.id}/personne", {"person_id": "99999"}).status_code
        == 400
    )
    browser.form(
        f"/admin/comptes/{member.id}/series", {"series_id": str(series_id), "action": "remove"}
    )
    with app.app_context(), db.write_session(db.engine()) as s:
        assert s.get(SeriesMember, (series_id, member.id)) is None
    assert browser.form("/admin/comptes/99999/role", {"role": "reader"}).status_code == 404


def test_the_last_admin_stays(app, browser):
    admin = account(app, "admin")
    refused = browser.form(f"/admin/comptes/{admin.id}/role", {"role": "reader"})
    assert refused.status_code == 400
    assert "au moins un administrateur actif" in refused.get_data(as_text=True)
    assert browser.form(f"/admin/comptes/{admin.id}/actif", {"active": "0"}).status_code == 400
    assert account(app, "admin").role == "admin" and account(app, "admin").active


def test_the_last_admin_with_a_password_stays(app, browser, rida):
    """Break-glass: with other administrators signing in through their provider only, the
    last one able to sign in with a password is neither demoted nor deactivated."""
    admin, sso = account(app, "admin"), account(app, "rapporteur")
    rida("user", "set-role", "rapporteur", "admin")
    rida("user", "sso-only", "rapporteur", "--on")
    for url, data, refused in (
        (f"/admin/comptes/{admin.id}/role", {"role": "reader"}, "Rôle inchangé"),
        (f"/admin/comptes/{admin.id}/actif", {"active": "0"}, "Compte inchangé"),
    ):
        page = browser.form(url, data)
        assert page.status_code == 400
        assert f"{refused} : {LAST_PASSWORD_ADMIN}." in unescape(page.get_data(as_text=True))
    for args, path in (
        (("user", "set-role", "admin", "member"), "role"),
        (("user", "disable", "admin"), "active"),
    ):
        result = rida(*args, code=1)
        assert json.loads(result.stderr[result.stderr.index("{\n") :])["errors"] == [
            {"path": path, "message": LAST_PASSWORD_ADMIN}
        ]
    assert account(app, "admin").role == "admin" and account(app, "admin").active
    # The SSO-only administrator may go: the password route stays open.
    assert browser.form(f"/admin/comptes/{sso.id}/actif", {"active": "0"}).status_code == 302
    rida("user", "enable", "rapporteur")
    assert browser.form(f"/admin/comptes/{sso.id}/role", {"role": "member"}).status_code == 302
    # With another administrator able to sign in with a password, this one may go too.
    rida("user", "set-role", "rapporteur", "admin")
    rida("user", "set-role", "member", "admin")
    rida("user", "disable", "admin")
    rida("user", "enable", "admin")
    assert (
        browser.login("admin")
        .form(f"/admin/comptes/{admin.id}/role", {"role": "reader"})
        .status_code
        == 302
    )
    assert account(app, "admin").role == "reader"


def test_with_password_sign_in_closed_the_break_glass_admin_stays(app, browser, rida):
    """RIDA_PASSWORD_LOGIN=0: only the break-glass administrator may sign in with a password,
    so the guard counts it alone: it is neither demoted, deactivated nor made SSO-only,
    however many other administrators have a password (unusable); they may go."""
    admin, other = account(app, "admin"), account(app, "rapporteur")
    rida("user", "set-role", "rapporteur", "admin")  # another administrator, with a password
    app.config.update(PASSWORD_LOGIN=False, BREAK_GLASS_ADMIN="admin")
    rida.env.update(RIDA_PASSWORD_LOGIN="0", RIDA_BREAK_GLASS_ADMIN="admin")
    keeps_password = "c'est l'administrateur de secours : il garde son mot de passe"
    for url, data, refused, message in (
        ("role", {"role": "reader"}, "Rôle inchangé", BREAK_GLASS_STAYS),
        ("actif", {"active": "0"}, "Compte inchangé", BREAK_GLASS_STAYS),
        ("fournisseur-uniquement", {"sso_only": "1"}, "Mode de connexion inchangé", keeps_password),
    ):
        page = browser.form(f"/admin/comptes/{admin.id}/{url}", data)
        assert page.status_code == 400
        assert f"{refused} : {message}." in unescape(page.get_data(as_text=True))
    for args, path, message in (
        (("user", "set-role", "admin", "member"), "role", BREAK_GLASS_STAYS),
        (("user", "disable", "admin"), "active", BREAK_GLASS_STAYS),
        (("user", "sso-only", "admin", "--on"), "sso_only", keeps_password),
    ):
        result = rida(*args, code=1)
        assert json.loads(result.stderr[result.stderr.index("{\n") :])["errors"] == [
            {"path": path, "message": message}
        ]
    stored = account(app, "admin")
    assert (stored.role, stored.active, stored.sso_only) == ("admin", True, False)
    assert post_login(app.test_client(), "admin", PASSWORD).status_code == 302
    # The other administrator's password is of no use: it may be demoted, deactivated…
    assert browser.form(f"/admin/comptes/{other.id}/role", {"role": "member"}).status_code == 302
    rida("user", "set-role", "rapporteur", "admin")
    assert browser.form(f"/admin/comptes/{other.id}/actif", {"active": "0"}).status_code == 302
    rida("user", "enable", "rapporteur")
    rida("user", "sso-only", "rapporteur", "--on")  # … or made SSO-only
    rida("user", "sso-only", "rapporteur", "--off")
    # Password sign-in open again: the other administrator's password counts.
    rida.env["RIDA_PASSWORD_LOGIN"] = "1"
    rida("user", "set-role", "admin", "member")
    assert account(app, "admin").role == "member"


def test_cli_user_commands(app, rida, series_id):
    rows = json.loads(rida("user", "list", "--json").stdout)
    assert [(r["login"], r["role"], r["active"]) for r in rows] == [
        ("admin", "admin", True),
        ("member", "member", True),
        ("rapporteur", "rapporteur", True),
        ("reader", "reader", True),
    ]
    with recorded() as seen:
        assert "rôle rapporteur" in rida("user", "set-role", "reader", "rapporteur").stdout
        rida("user", "disable", "reader")
        rida("user", "enable", "reader")
        rida("user", "member", "add", "reader", str(series_id))
    assert [e.ip for e in seen] == ["cli"] * 4
    assert {e.action for e in seen} == {events.PERMISSION_CHANGED}
    assert "(déjà)" in rida("user", "member", "add", "reader", "Task Force MSSanté").stdout
    listed = rida("user", "list").stdout
    assert re.search(r"reader\s+rapporteur\s+actif .*séries : Task Force MSSanté", listed), listed
    rida("user", "member", "remove", "reader", "Task Force MSSanté")
    rida("user", "password", "reader", stdin="un nouveau mot de passe\n")
    assert post_login(app.test_client(), "reader", "un nouveau mot de passe").status_code == 302
    generated = rida("user", "password", "reader", "--generate-password").stdout
    password = generated.split("Mot de passe : ")[1].strip()
    assert post_login(app.test_client(), "reader", password).status_code == 302


@pytest.mark.parametrize(
    ("args", "path"),
    [
        (("user", "set-role", "reader", "boss"), "role"),
        (("user", "set-role", "ghost", "reader"), "login"),
        (("user", "disable", "ghost"), "login"),
        (("user", "disable", "admin"), "active"),
        (("user", "set-role", "admin", "reader"), "role"),
        (("user", "member", "add", "reader", "Série inconnue"), "series"),
        (("user", "member", "remove", "ghost", "1"), "login"),
    ],
)
def test_cli_user_errors_name_the_field(rida, args, path):
    assert rida.error_paths(*args) == [path]


def test_cli_short_password_is_refused(rida):
    stderr = rida("user", "password", "reader", stdin="court\n", code=1).stderr
    assert '"path": "password"' in stderr


def test_cli_links_an_account_to_a_person_and_to_organisations(app, rida, series_id):
    with recorded() as seen:
        linked = rida("user", "link", "reader", "Edouard BRIS").stdout
        assert linked == "Compte « reader » relié à Edouard BRIS (ANS).\n"
        assert "(déjà)" in rida("user", "link", "reader", "bris edouard (ans)").stdout
        added = rida("user", "organisation", "add", "reader", "ans").stdout
        assert added == "« reader » membre de l'organisation « ANS »\n"
        assert "(déjà)" in rida("user", "organisation", "add", "reader", "ANS").stdout
        rida("user", "organisation", "remove", "reader", "ANS")
        assert rida("user", "unlink", "reader").stdout == "Compte « reader » délié.\n"
    assert [e.ip for e in seen] == ["cli"] * 4
    assert {e.action for e in seen} == {events.PERMISSION_CHANGED}
    assert seen[0].before == {"person_id": None} and isinstance(seen[0].after["person_id"], int)
    assert seen[1].after["organisation"] == "ANS" and seen[1].after["member"] is True
    assert seen[3].after == {"person_id": None}
    assert account(app, "reader").person_id is None
    assert "n'était relié à personne" in rida("user", "unlink", "reader").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("user", "link", "reader", "Personne Inconnue"),
            "personne « Personne Inconnue » inconnue",
        ),
        (("user", "link", "reader", "99999"), "personne n° 99999 inconnue"),
        (("user", "link", "ghost", "1"), "compte « ghost » inconnu"),
        (("user", "organisation", "add", "reader", "Nulle part"), "organisation « Nulle part »"),
        (("user", "organisation", "add", "reader", "Edouard BRIS"), "inconnue"),
    ],
)
def test_cli_link_errors_are_french_json(rida, series_id, args, message):
    stderr = rida(*args, code=1).stderr
    error = json.loads(stderr[stderr.index("{\n") :])["errors"][0]
    assert message in error["message"]
