"""The iCalendar feed (rida.actions.calendar_feed): open actions as VTODO, planned meetings as
VEVENT, only what the account may read; read back with the icalendar package."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from icalendar import Calendar
from sqlmodel import select

from rida import db
from rida.actions import calendar_feed
from rida.models import Action, Person, User
from tests.conftest import draft_document, import_doc

TODAY = dt.date(2030, 5, 1)
BASE = "https://rida.example.org/"


def meeting_doc(date: str, title: str, **header: object) -> dict:
    doc = copy.deepcopy(draft_document())
    doc.update(title=title, date=date, **header)
    for action in doc["actions"]:
        action["title"] = f"{title} / {action['title']}"
    return doc


@pytest.fixture
def meetings(app) -> dict[str, int]:
    past = meeting_doc("2030-04-01", "Passée")
    past["actions"][0]["status"] = "in_progress"
    past["actions"][1]["status"] = "done"
    past["actions"][2]["status"] = "cancelled"
    return {
        "past": import_doc(app, past),
        "planned": import_doc(
            app,
            meeting_doc(
                "2030-05-06", "Prévue", start_time="09:30", end_time="12:00", location="ANS, Paris"
            ),
        ),
        "secret": import_doc(
            app, meeting_doc("2030-06-01", "Secrète", classification="confidential")
        ),
    }


def feed(app, login: str, **scope: object) -> Calendar:
    with app.app_context():
        s = db.session()
        user = s.exec(select(User).where(User.login == login)).one()
        data = calendar_feed.ics_for(s, user, base_url=BASE, today=TODAY, **scope)
    return Calendar.from_ical(data)


def todos(cal: Calendar) -> dict[str, object]:
    return {str(t["SUMMARY"]): t for t in cal.walk("VTODO")}


def test_open_actions_are_todos_with_due_date_status_and_link(app, meetings):
    cal = feed(app, "admin")
    assert cal["VERSION"] == "2.0" and cal["PRODID"] == calendar_feed.PRODID
    found = todos(cal)
    # Done and cancelled actions are not in the feed; in progress ones are.
    assert "Passée / Atelier industriel avec les éditeurs" not in found
    assert "Passée / Envoi de la nouvelle version des exigences" not in found
    started = found[
        "Passée / Entretiens bilatéraux avec les opérateurs pour obtenir les "
        "éléments de coûts nécessaires à la modélisation économique"
    ]
    assert started["STATUS"] == "IN-PROCESS"
    sent = found["Prévue / Envoi de la nouvelle version des exigences"]
    assert sent["STATUS"] == "NEEDS-ACTION"
    assert sent.decoded("DUE") == dt.date(2022, 1, 14)  # a DATE, not a date-time
    with app.app_context():
        action = (
            db.session()
            .exec(
                select(Action).where(
                    Action.title == "Prévue / Envoi de la nouvelle version des exigences"
                )
            )
            .one()
        )
    assert sent["UID"] == f"action-{action.uid}@rida"
    link = f"https://rida.example.org/reunions/{meetings['planned']}#action-{action.id}"
    assert sent["URL"] == link
    description = str(sent["DESCRIPTION"])
    for part in (
        "Porteur : Edouard BRIS",
        "Série : Task Force MSSanté",
        "Réunion : Prévue du 06/05/2030",
        "Envoi prévu la semaine du 10/01.",
        link,
    ):
        assert part in description
    assert "Porteur : ANS" in str(
        found["Prévue / Atelier industriel avec les éditeurs"]["DESCRIPTION"]
    )


def test_planned_meetings_are_events_in_paris_time(app, meetings):
    events = {str(e["SUMMARY"]): e for e in feed(app, "admin").walk("VEVENT")}
    assert sorted(events) == ["Prévue", "Secrète"]  # the past meeting is not planned
    planned = events["Prévue"]
    start, end = planned.decoded("DTSTART"), planned.decoded("DTEND")
    assert (start.isoformat(), end.isoformat()) == (
        "2030-05-06T09:30:00+02:00",
        "2030-05-06T12:00:00+02:00",
    )
    assert str(start.tzinfo) == "Europe/Paris"
    assert planned["LOCATION"] == "ANS, Paris"
    assert planned["UID"] == f"meeting-{meetings['planned']}@rida"
    assert planned["URL"] == f"https://rida.example.org/reunions/{meetings['planned']}"
    whole_day = events["Secrète"]  # no times: the whole day
    assert whole_day.decoded("DTSTART") == dt.date(2030, 6, 1)
    assert whole_day.decoded("DTEND") == dt.date(2030, 6, 2)
    assert "LOCATION" not in whole_day


def test_only_what_the_account_may_read(app, meetings):
    admin, reader = feed(app, "admin"), feed(app, "reader")
    assert any(t.startswith("Secrète / ") for t in todos(admin))
    assert not any(t.startswith("Secrète / ") for t in todos(reader))
    assert [str(e["SUMMARY"]) for e in reader.walk("VEVENT")] == ["Prévue"]
    with app.app_context():
        assert (
            calendar_feed.ics_for(db.session(), None, base_url=BASE).count(b"BEGIN:V") == 1
        )  # nobody: an empty VCALENDAR


def test_person_and_series_scopes(app, meetings):
    with app.app_context():
        bris = db.session().exec(select(Person).where(Person.last_name == "BRIS")).one()
    mine = feed(app, "admin", person_id=bris.id)
    assert sorted(todos(mine)) == [
        f"{m} / Envoi de la nouvelle version des exigences" for m in ("Prévue", "Secrète")
    ]
    # Édouard Bris takes part in every meeting (the demo's participants).
    assert [str(e["SUMMARY"]) for e in mine.walk("VEVENT")] == ["Prévue", "Secrète"]
    assert "BRIS" in str(mine["X-WR-CALNAME"])
    assert todos(feed(app, "admin", series_id=999)) == {}
    # The UIDs do not change from one fetch to the next: clients update, not duplicate.
    uids = [str(c["UID"]) for c in feed(app, "admin").walk() if "UID" in c]
    assert uids == [str(c["UID"]) for c in feed(app, "admin").walk() if "UID" in c]


CANARY = "CANARI-91b2 revue des habilitations"


def test_my_feed_has_my_organisations_actions_that_i_may_read(app, meetings):
    """An account linked to Édouard BRIS (ANS) follows the ANS's actions; not the ANS
    action of a restricted meeting it may not read (a canary word), which an account of
    the series sees."""
    restricted = meeting_doc(
        "2030-05-20",
        "Restreinte",
        series="TF restreinte",
        classification="restricted",
        participants=[p for p in draft_document()["participants"] if p["entity"] == "DNS"],
    )
    restricted["actions"].append(
        {
            "title": CANARY,
            "kind": "other",
            "owner": {"entity": "ANS"},
            "due_date": "2030-05-25",
            "status": "open",
            "rida": None,
            "notes": None,
        }
    )
    import_doc(app, restricted)
    with app.app_context(), db.transaction() as s:
        bris = s.exec(select(Person).where(Person.last_name == "BRIS")).one()
        member = s.exec(select(User).where(User.login == "member")).one()
        member.person_id = bris.id
        bris_id = bris.id
    mine = todos(feed(app, "member", person_id=bris_id))
    assert "Prévue / Atelier industriel avec les éditeurs" in mine  # the ANS's
    assert "Prévue / Envoi de la nouvelle version des exigences" in mine  # his own
    assert str(mine["Prévue / Atelier industriel avec les éditeurs"]["DESCRIPTION"]).startswith(
        "Porteur : ANS"
    )
    data = b"".join(feed(app, "member", person_id=bris_id).to_ical() for _ in range(1)).decode()
    assert "CANARI" not in data and "Restreinte" not in data
    # The admin's feed of BRIS: the admin belongs to no organisation, so BRIS's own only.
    assert CANARY not in todos(feed(app, "admin", person_id=bris_id))
    assert CANARY in todos(feed(app, "admin"))
