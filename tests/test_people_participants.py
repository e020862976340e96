"""A participant's names corrected in place (the ``person`` field of PATCH
/api/meetings/<id>/participants/<uid>): the participant becomes the person so named,
among the people the user may see; clear errors with their field path."""

from __future__ import annotations

from sqlmodel import select

from rida import db
from rida.models import Participation, Person
from tests.test_trust_people import SECRET, _attacker, _world


def _participant(browser, meeting: int, last_name: str) -> dict:
    """The participant named ``last_name``: its uid, revision and person."""
    with browser.client.application.app_context():
        p, person = (
            db.session()
            .exec(
                select(Participation, Person)
                .join(Person)
                .where(Participation.meeting_id == meeting, Person.last_name == last_name)
            )
            .one()
        )
    return {"uid": p.uid, "revision": p.revision, "person_id": person.id}


def _patch(browser, meeting: int, part: dict, person: object):  # type: ignore[no-untyped-def]
    return browser.json(
        "PATCH",
        f"/api/meetings/{meeting}/participants/{part['uid']}",
        {"revision": part["revision"], "fields": {"person": person}},
    )


def test_names_corrected_make_the_participant_the_person_so_named(app, browser, demo_meeting):
    part = _participant(browser, demo_meeting, "GUEYE")
    done = _patch(
        browser, demo_meeting, part, {"last_name": "GUEYE-N", "first_name": "Mike", "entity": "ANS"}
    )
    assert done.status_code == 200, done.get_json()
    body = done.get_json()["participant"]
    assert body["last_name"] == "GUEYE-N" and body["person"]["last_name"] == "GUEYE-N"
    assert body["person_id"] != part["person_id"]
    with app.app_context():
        # the old person record is not renamed (renaming everywhere is the people page's)
        assert db.session().get(Person, part["person_id"]).last_name == "GUEYE"
    # a known person's names (any case or accents) make it that person
    part = _participant(browser, demo_meeting, "GUEYE-N")
    again = _patch(
        browser, demo_meeting, part, {"last_name": "gueye", "first_name": "mike", "entity": "ans"}
    )
    assert again.status_code == 200
    assert again.get_json()["participant"]["person_id"] == _participant_id(app, "GUEYE")


def _participant_id(app, last_name: str) -> int:
    with app.app_context():
        return db.session().exec(select(Person.id).where(Person.last_name == last_name)).first()


def test_bad_names_are_refused_with_their_path(browser, demo_meeting):
    part = _participant(browser, demo_meeting, "GUEYE")
    cases = [
        ({"last_name": " ", "first_name": "Mike"}, "person.last_name", "le nom est obligatoire"),
        (
            {"last_name": "BRIS", "first_name": "Edouard", "entity": "ANS"},
            "person",
            "participe déjà",
        ),
        ("GUEYE", "person", "objet attendu"),
        ({"last_name": "X", "email": "x@y.fr"}, "person.email", "champ inconnu"),
        ({"last_name": "X" * 201}, "person.last_name", "texte trop long"),
    ]
    for value, path, message in cases:
        refused = _patch(browser, demo_meeting, part, value)
        assert refused.status_code == 400, (value, refused.get_json())
        [error] = refused.get_json()["errors"]
        assert error["path"].endswith(path) and message in error["message"], error


def test_a_hidden_namesake_is_not_taken_when_names_are_corrected(app, client):
    w = _world(app)
    attacker = _attacker(client)
    part = _participant(attacker, w["own"], "GUEYE")
    names = {k: SECRET[k] for k in ("last_name", "first_name", "entity")}
    done = _patch(attacker, w["own"], part, names)
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["participant"]["person_id"] != w["hidden"]
    assert SECRET["function"] not in done.get_data(as_text=True)


def test_names_changed_meanwhile_by_someone_else_are_a_conflict(browser, demo_meeting):
    part = _participant(browser, demo_meeting, "GUEYE")
    first = _patch(browser, demo_meeting, part, {"last_name": "GUEYE-A", "first_name": "Mike"})
    assert first.status_code == 200
    stale = _patch(browser, demo_meeting, part, {"last_name": "GUEYE-B", "first_name": "Mike"})
    assert stale.status_code == 409, stale.get_json()
    assert stale.get_json()["current"]["person"]["last_name"] == "GUEYE-A"
    # another field changed at the same stale revision is no conflict
    other = browser.json(
        "PATCH",
        f"/api/meetings/{demo_meeting}/participants/{part['uid']}",
        {"revision": part["revision"], "fields": {"attendance": "excused"}},
    )
    assert other.status_code == 200, other.get_json()
