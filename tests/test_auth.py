"""Logging in and out, and the protections around it."""

import re

from tests.conftest import PASSWORD, Browser


def login_token(client) -> str:
    page = client.get("/connexion").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_login_success_and_logout(client):
    token = login_token(client)
    response = client.post(
        "/connexion", data={"login": "rapporteur", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    home = client.get("/").get_data(as_text=True)
    assert "rapporteur (rapporteur)" in home
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', home).group(1)
    assert client.post("/deconnexion").status_code == 400  # no CSRF token
    assert client.post("/deconnexion", data={"csrf_token": csrf}).status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_in_french(client):
    token = login_token(client)
    response = client.post(
        "/connexion", data={"login": "admin", "password": "nope", "csrf_token": token}
    )
    assert response.status_code == 401
    assert "Identifiant ou mot de passe incorrect." in response.get_data(as_text=True)
    response = client.post(
        "/connexion", data={"login": "ghost", "password": "nope", "csrf_token": token}
    )
    assert response.status_code == 401


def test_login_without_csrf_token_is_refused(client):
    response = client.post("/connexion", data={"login": "admin", "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_next_parameter_cannot_redirect_elsewhere(client):
    token = login_token(client)
    for target in ("//evil.example/", "https://evil.example/", "/reunions/1"):
        response = client.post(
            f"/connexion?next={target}",
            data={"login": "admin", "password": PASSWORD, "csrf_token": token},
        )
        location = response.headers["Location"]
        assert location == target if target.startswith("/r") else location == "/"


def test_session_cookie_and_security_headers(client):
    token = login_token(client)
    response = client.post(
        "/connexion", data={"login": "admin", "password": PASSWORD, "csrf_token": token}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_and_api_need_login(client, demo_meeting):
    for url in ("/", f"/reunions/{demo_meeting}", f"/reunions/{demo_meeting}/modifier"):
        response = client.get(url)
        assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    response = client.get("/api/meetings")
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


def test_no_external_assets_in_pages(browser, demo_meeting):
    for url in (
        "/",
        f"/reunions/{demo_meeting}",
        f"/reunions/{demo_meeting}/modifier",
        "/connexion",
    ):
        html = browser.client.get(url).get_data(as_text=True)
        assert not re.search(r'(src|href)=["\']?(https?:)?//', html), url


def test_reader_cannot_open_the_editor(client, demo_meeting):
    reader = Browser(client).login("reader")
    assert reader.client.get(f"/reunions/{demo_meeting}").status_code == 200
    assert reader.client.get(f"/reunions/{demo_meeting}/modifier").status_code == 403
