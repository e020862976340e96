"""Session expiry, enforced by the server: idle timeout, absolute lifetime, and
``/api/session`` (how long is left; « Rester connecté »)."""

from __future__ import annotations

import time
from urllib.parse import unquote

from rida.accounts.session_clock import LOGIN_AT, SEEN_AT
from rida.audit import events
from tests.accounts_support import recorded


def set_clock(browser, *, login_ago: float, seen_ago: float) -> float:
    """Date the session's login and last activity back; the time it was done (bounds below
    count from it: no fixed slack that a loaded machine could exceed)."""
    now = time.time()
    with browser.client.session_transaction() as sess:
        sess[LOGIN_AT] = now - login_ago
        sess[SEEN_AT] = now - seen_ago
    return now


def since(start: float) -> float:
    """Seconds since ``start``, rounded up (the server counts whole seconds)."""
    return time.time() - start + 1


def seen_at(browser) -> float:
    with browser.client.session_transaction() as sess:
        return sess[SEEN_AT]


def test_session_left_without_extending_it(browser):
    start = set_clock(browser, login_ago=600, seen_ago=600)
    before = seen_at(browser)
    state = browser.client.get("/api/session").get_json()
    assert 3000 - since(start) <= state["seconds_left"] <= 3000
    assert state["warning_seconds"] == 300 and state["idle_seconds"] == 3600
    assert seen_at(browser) == before  # asking is not activity


def test_any_other_request_is_activity(browser):
    start = set_clock(browser, login_ago=600, seen_ago=600)
    assert browser.client.get("/").status_code == 200
    assert seen_at(browser) >= start  # the visit was seen now, not 600 s ago
    assert browser.client.get("/api/session").get_json()["seconds_left"] >= 3600 - since(start)


def test_saying_where_one_is_in_the_editor_is_not_activity(browser, demo_meeting):
    set_clock(browser, login_ago=600, seen_ago=600)
    before = seen_at(browser)
    url = f"/api/meetings/{demo_meeting}/presence"
    assert browser.json("POST", url, {"row": None, "state": "here"}).status_code == 200
    assert seen_at(browser) == before  # the editor repeats it on its own


def test_stay_logged_in_needs_csrf_and_extends(browser):
    start = set_clock(browser, login_ago=600, seen_ago=3400)
    assert browser.client.post("/api/session").status_code == 400  # no CSRF token
    state = browser.json("POST", "/api/session", {}).get_json()
    assert state["seconds_left"] >= 3600 - since(start)


def test_idle_session_expires(browser):
    set_clock(browser, login_ago=3700, seen_ago=3601)
    with recorded() as seen:
        response = browser.client.get("/api/meetings")
    assert response.status_code == 401
    assert response.get_json()["error"] == "session_expired"
    assert [e.action for e in seen] == [events.LOGGED_OUT]
    assert seen[0].details == {"reason": "session_expired"}
    page = browser.client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Connectez-vous" in page  # logged out for good
    assert browser.client.get("/api/session").status_code == 401


def test_page_after_expiry_goes_to_login_with_a_message(browser):
    set_clock(browser, login_ago=3700, seen_ago=3601)
    response = browser.client.get("/actions")
    assert response.status_code == 302 and "/connexion?next=" in unquote(response.location)
    assert unquote(response.location).endswith("next=/actions")
    page = browser.client.get(response.location).get_data(as_text=True)
    assert "Votre session a expiré : reconnectez-vous." in page


def test_absolute_lifetime_even_when_active(browser):
    set_clock(browser, login_ago=12 * 3600 + 1, seen_ago=1)
    assert browser.client.get("/api/meetings").status_code == 401


def test_lifetime_caps_what_is_left(browser):
    set_clock(browser, login_ago=12 * 3600 - 100, seen_ago=0)
    assert browser.client.get("/api/session").get_json()["seconds_left"] <= 100


def test_a_session_without_timestamps_is_over(browser):
    with browser.client.session_transaction() as sess:
        del sess[LOGIN_AT]
    assert browser.client.get("/api/meetings").status_code == 401


def test_settings_shorten_the_session(app, client):
    app.config["SESSION_IDLE_SECONDS"] = 30
    from tests.conftest import Browser

    b = Browser(client).login("reader")
    assert b.client.get("/api/session").get_json()["seconds_left"] <= 30
    set_clock(b, login_ago=40, seen_ago=31)
    assert b.client.get("/api/meetings").status_code == 401


def test_the_editor_has_the_session_banner(browser, demo_meeting):
    page = browser.client.get(f"/reunions/{demo_meeting}/modifier").get_data(as_text=True)
    assert 'id="session-warning"' in page and "Rester connecté" in page
    assert 'role="alert"' in page and "session-clock.js" in page
    assert f"/connexion?next=/reunions/{demo_meeting}/modifier" in unquote(page)
