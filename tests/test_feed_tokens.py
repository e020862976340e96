"""Calendar subscriptions: /agenda creates, lists and revokes secret feed URLs, and
/feeds/<token>.ics serves the calendar without a session."""

from __future__ import annotations

import hashlib
import re

import pytest
from icalendar import Calendar
from sqlmodel import select

from rida import db
from rida.models import FeedToken, Person, Series, User
from tests.conftest import Browser, draft_document, import_doc


@pytest.fixture
def series_id(app, demo_meeting) -> int:
    with app.app_context():
        return db.session().exec(select(Series.id)).one()


def created_url(page: str) -> str:
    return re.search(r'id="feed-url" class="feed-url" value="([^"]+)"', page).group(1)


def subscribe(browser: Browser, choice: str) -> str:
    response = browser.form("/agenda", {"feed": choice})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    return created_url(response.get_data(as_text=True))


def fetch(client, url: str):  # type: ignore[no-untyped-def]
    return client.get(url.removeprefix("http://localhost"))


def test_series_feed_shown_once_stored_hashed_served_without_login(
    app, browser, series_id, demo_meeting
):
    assert 'href="/agenda"' in browser.client.get("/").get_data(as_text=True)
    url = subscribe(browser, f"series-{series_id}")
    token = re.fullmatch(r"http://localhost/feeds/([A-Za-z0-9_-]{43})\.ics", url).group(1)
    page = browser.client.get("/agenda").get_data(as_text=True)
    assert token not in page and "Série : Task Force MSSanté" in page
    with app.app_context():
        stored = db.session().exec(select(FeedToken)).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert stored.series_id == series_id and stored.person_id is None
    anonymous = app.test_client()
    response = fetch(anonymous, url)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "Set-Cookie" not in response.headers
    cal = Calendar.from_ical(response.data)
    assert len(cal.walk("VTODO")) == 3
    link = str(cal.walk("VTODO")[0]["URL"])
    assert link.startswith(f"http://localhost/reunions/{demo_meeting}#action-")


def test_webcal_variant_and_revocation(app, browser, series_id):
    response = browser.form("/agenda", {"feed": f"series-{series_id}"})
    page = response.get_data(as_text=True)
    url = created_url(page)
    assert f'value="webcal{url.removeprefix("http")}"' in page
    with app.app_context():
        feed_id = db.session().exec(select(FeedToken.id)).one()
    refused = browser.client.post(f"/agenda/{feed_id}/revocation")  # no CSRF token
    assert refused.status_code == 400
    assert fetch(app.test_client(), url).status_code == 200
    revoked = browser.form(f"/agenda/{feed_id}/revocation", {})
    assert revoked.status_code == 302
    assert "Aucune adresse d'abonnement" in browser.client.get("/agenda").get_data(as_text=True)
    assert fetch(app.test_client(), url).status_code == 404


def test_wrong_revoked_and_deactivated_tokens_get_the_same_404(app, client, browser, series_id):
    live = subscribe(browser, f"series-{series_id}")
    revoked = subscribe(browser, f"series-{series_id}")
    with app.app_context(), db.transaction() as s:
        feed_id = max(s.exec(select(FeedToken.id)).all())
    browser.form(f"/agenda/{feed_id}/revocation", {})
    assert fetch(client, live).status_code == 200
    with app.app_context(), db.transaction() as s:
        s.exec(select(User).where(User.login == "admin")).one().active = False
    answers = [
        fetch(app.test_client(), url)
        for url in (live, revoked, "/feeds/nope.ics", "/feeds/" + "A" * 43 + ".ics")
    ]
    assert {(r.status_code, r.data, r.mimetype) for r in answers} == {
        (404, b"Calendrier introuvable.\n", "text/plain")
    }


def test_my_actions_feed_needs_a_linked_person(app, series_id):
    member = Browser(app.test_client()).login("member")
    page = member.client.get("/agenda").get_data(as_text=True)
    assert 'value="mine"' not in page
    refused = member.form("/agenda", {"feed": "mine"})
    assert refused.status_code == 400
    assert "votre compte n&#39;est relié à aucune personne" in refused.get_data(as_text=True)
    with app.app_context(), db.transaction() as s:
        bris = s.exec(select(Person).where(Person.last_name == "BRIS")).one()
        s.exec(select(User).where(User.login == "member")).one().person_id = bris.id
    assert "Mes actions (Edouard BRIS)" in member.client.get("/agenda").get_data(as_text=True)
    cal = Calendar.from_ical(fetch(app.test_client(), subscribe(member, "mine")).data)
    assert [str(t["SUMMARY"]) for t in cal.walk("VTODO")] == [
        "Envoi de la nouvelle version des exigences",
        "Atelier industriel avec les éditeurs",  # the ANS's: BRIS's account is of the ANS
    ]


def test_unreadable_series_and_other_peoples_feeds_are_refused(app, browser, series_id):
    doc = draft_document() | {"series": "Groupe restreint", "classification": "restricted"}
    import_doc(app, doc)
    with app.app_context():
        hidden = db.session().exec(select(Series.id).where(Series.name == "Groupe restreint")).one()
    reader = Browser(app.test_client()).login("reader")
    assert f'value="series-{hidden}"' not in reader.client.get("/agenda").get_data(as_text=True)
    refused = reader.form("/agenda", {"feed": f"series-{hidden}"})
    assert refused.status_code == 400 and "série inconnue" in refused.get_data(as_text=True)
    assert reader.form("/agenda", {"feed": "everything"}).status_code == 400
    subscribe(browser, f"series-{hidden}")  # the admin reads it
    with app.app_context():
        feed_id = db.session().exec(select(FeedToken.id)).one()
    assert reader.form(f"/agenda/{feed_id}/revocation", {}).status_code == 404
    assert app.test_client().get("/agenda").status_code == 302  # login first
