"""The pages' URLs are French; the old English ones answer a permanent redirect to them
(:mod:`rida.views.moved`): one test per old URL, then what a redirect keeps (the query
string, a POST's body) and what it does not do (check access: the French URL does)."""

from __future__ import annotations

import pytest

from rida.views import moved
from tests.conftest import demo_document
from tests.test_api import as_user, create

# (method, old URL, new URL) for every moved rule, with meeting 7, action 3, uid "u1"...
OLD_TO_NEW = [
    ("GET", "/login", "/connexion"),
    ("POST", "/login", "/connexion"),
    ("POST", "/logout", "/deconnexion"),
    ("POST", "/meetings", "/reunions"),
    ("GET", "/meetings/7", "/reunions/7"),
    ("GET", "/meetings/7/edit", "/reunions/7/modifier"),
    ("POST", "/meetings/7/review", "/reunions/7/relecture"),
    ("POST", "/meetings/7/draft", "/reunions/7/brouillon"),
    ("POST", "/meetings/7/validate", "/reunions/7/validation"),
    ("POST", "/meetings/7/amend", "/reunions/7/amendement"),
    ("GET", "/meetings/7/versions", "/reunions/7/versions"),
    ("GET", "/meetings/7/compare", "/reunions/7/comparaison"),
    ("GET", "/meetings/7/compte-rendu.docx", "/reunions/7/compte-rendu.docx"),
    ("GET", "/meetings/7/historique", "/reunions/7/historique"),
    ("POST", "/meetings/7/actions/u1/interview", "/reunions/7/actions/u1/entretien"),
    ("POST", "/actions/3/close-interview", "/actions/3/cloture-entretien"),
    ("POST", "/agenda/3/revoke", "/agenda/3/revocation"),
    ("POST", "/compte/jetons/abcd1234/revoke", "/compte/jetons/abcd1234/revocation"),
]


def test_every_moved_rule_is_tested():
    assert len(OLD_TO_NEW) == sum(len(methods) for _, methods, _ in moved.MOVED)


@pytest.mark.parametrize(
    ("method", "old", "new"), OLD_TO_NEW, ids=[f"{m} {o}" for m, o, _ in OLD_TO_NEW]
)
def test_old_url_redirects_permanently(browser, method, old, new):
    """Logged in, with the CSRF token of a page: 301 for GET, 308 (same method and body)
    otherwise; the meeting 7 does not exist, the redirect does not care."""
    response = browser.client.get(old) if method == "GET" else browser.form(old, {})
    assert response.status_code == (301 if method == "GET" else 308)
    assert response.headers["Location"] == new


def test_the_redirect_keeps_the_query_string(client):
    response = client.get("/meetings/7/compare?from=1.0&to=current")
    assert response.headers["Location"] == "/reunions/7/comparaison?from=1.0&to=current"
    assert client.get("/login?next=/actions").headers["Location"] == "/connexion?next=/actions"


def test_anonymous_visitors_are_redirected_then_asked_to_log_in(client, demo_meeting):
    response = client.get(f"/meetings/{demo_meeting}/edit", follow_redirects=True)
    assert response.request.path == "/connexion"
    assert response.history[0].status_code == 301


def test_a_redirected_post_keeps_its_body(browser, demo_meeting):
    """Sending a meeting to review by its old URL: 308, and the browser posts the same form
    (deadline, CSRF token) to the French URL, which does it. (Werkzeug's test client cannot
    follow a 308 with a form body it has already read: the second POST is sent here.)"""
    form = {"deadline": "2099-01-01", "csrf_token": browser.token}
    moved_to = browser.client.post(f"/meetings/{demo_meeting}/review", data=form)
    assert moved_to.status_code == 308
    done = browser.client.post(moved_to.headers["Location"], data=form, follow_redirects=True)
    assert "envoyé en relecture" in done.get_data(as_text=True)


def test_a_redirected_post_still_needs_the_csrf_token(browser, demo_meeting):
    response = browser.client.post(f"/meetings/{demo_meeting}/review", data={})
    assert response.status_code == 400


def test_the_french_url_applies_the_access_rule(browser, app):
    """A member outside a confidential meeting gets the redirect (as for any id), then
    404 from the French URL, as for a meeting that does not exist."""
    meeting_id = create(browser, demo_document() | {"classification": "confidential"})
    member = as_user(app, "member")
    for old in (f"/meetings/{meeting_id}", "/meetings/987654"):
        response = member.client.get(old)
        assert response.status_code == 301
        assert member.client.get(response.headers["Location"]).status_code == 404
