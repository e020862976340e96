"""The one access rule, checked for each classification and role."""

import pytest
from sqlmodel import select

from rida import access, db, exchange
from rida.accounts import create_user
from rida.models import Meeting, SeriesMember, User
from tests.conftest import PASSWORD, demo_document


@pytest.fixture
def world(app):
    """Three meetings of one series, one per classification; users of every kind."""
    with app.app_context(), db.write_session(db.engine()) as s:
        ids = {}
        for c in ("public", "restricted", "confidential"):
            doc = demo_document() | {"classification": c, "title": c}
            ids[c] = exchange.import_document(s, doc).id
        series_id = s.get(Meeting, ids["public"]).series_id
        users = {u.login: u for u in s.exec(select(User)).all()}
        slosar = s.get(Meeting, ids["public"]).organiser_id  # a participant of all three
        rapporteur = s.get(Meeting, ids["public"]).rapporteur_id
        users["insider"] = create_user(s, "insider", PASSWORD, "member", person_id=slosar)
        users["writer"] = create_user(s, "writer", PASSWORD, "rapporteur", person_id=rapporteur)
        users["in-series"] = create_user(s, "in-series", PASSWORD, "member")
        s.add(SeriesMember(series_id=series_id, user_id=users["in-series"].id))
    return app, ids, users


def readable_titles(app, user):
    with app.app_context(), db.write_session(db.engine()) as s:
        return {m.title for m in s.exec(select(Meeting).where(access.readable(user)))}


@pytest.mark.parametrize(
    ("login", "expected"),
    [
        ("admin", {"public", "restricted", "confidential"}),
        ("reader", {"public"}),
        ("member", {"public"}),
        ("in-series", {"public", "restricted"}),
        ("insider", {"public", "restricted", "confidential"}),
        ("writer", {"public", "restricted", "confidential"}),
    ],
)
def test_readable_by_classification(world, login, expected):
    app, _ids, users = world
    assert readable_titles(app, users[login]) == expected


def test_anonymous_and_inactive_read_nothing(world):
    app, _ids, users = world
    assert readable_titles(app, None) == set()
    users["admin"].active = False
    assert readable_titles(app, users["admin"]) == set()


def test_edit_needs_read_and_an_editor_role(world):
    app, ids, users = world
    with app.app_context(), db.write_session(db.engine()) as s:
        assert access.can_edit(s, users["writer"], ids["confidential"])
        assert not access.can_edit(s, users["insider"], ids["public"])  # member role
        assert not access.can_edit(s, users["rapporteur"], ids["confidential"])  # cannot read
        # A rapporteur edits the meetings of the series they are a member of.
        assert not access.can_edit(s, users["rapporteur"], ids["public"])
        series_id = s.get(Meeting, ids["public"]).series_id
        s.add(SeriesMember(series_id=series_id, user_id=users["rapporteur"].id))
        s.flush()
        assert access.can_edit(s, users["rapporteur"], ids["public"])
        assert not access.can_create(users["reader"])


def test_people_picker_shows_only_people_of_readable_meetings(app):
    from rida.models import Person

    with app.app_context(), db.write_session(db.engine()) as s:
        doc = demo_document() | {
            "classification": "confidential",
            "participants": [{"last_name": "SECRET", "first_name": "Agent", "entity": "X"}],
        }
        exchange.import_document(s, doc)
        exchange.import_document(s, demo_document())
        users = {u.login: u for u in s.exec(select(User)).all()}
        names = {
            p.last_name
            for p in s.exec(select(Person).where(access.visible_people(users["reader"])))
        }
        assert "SLOSAR" in names and "SECRET" not in names
        names = {
            p.last_name for p in s.exec(select(Person).where(access.visible_people(users["admin"])))
        }
        assert "SECRET" in names
