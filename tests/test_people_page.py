"""/personnes: the e-mail address each person's reminders go to."""

from __future__ import annotations

from sqlmodel import select

from rida import db
from rida.models import Person


def person(app, last_name: str) -> Person:
    with app.app_context():
        return db.session().exec(select(Person).where(Person.last_name == last_name)).first()


def test_editor_sets_and_clears_an_address(app, browser, demo_meeting):
    browser.login()
    page = browser.client.get("/personnes").get_data(as_text=True)
    slosar = person(app, "Slosar") or person(app, "SLOSAR")
    assert f'for="email-{slosar.id}"' in page
    url = f"/personnes/{slosar.id}/email"
    assert browser.form(url, {"email": "m.slosar@example.org"}).status_code == 302
    assert person(app, slosar.last_name).email == "m.slosar@example.org"
    browser.form(url, {"email": ""})
    assert person(app, slosar.last_name).email == ""


def test_bad_address_is_refused_with_a_message(app, browser, demo_meeting):
    browser.login()
    slosar = person(app, "Slosar") or person(app, "SLOSAR")
    r = browser.form(f"/personnes/{slosar.id}/email", {"email": "pas-une-adresse"})
    assert r.status_code == 302
    page = browser.client.get("/personnes").get_data(as_text=True)
    assert "Adresse e-mail invalide" in page
    assert person(app, slosar.last_name).email == ""


def test_readers_may_not(app, browser, demo_meeting):
    browser.login("reader")
    assert browser.client.get("/personnes").status_code == 403
    assert browser.form("/personnes/1/email", {"email": "a@b.fr"}).status_code == 403
