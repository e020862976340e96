"""Domain rules of meetings and RIDA rows, on the real database."""

import pytest
from sqlalchemy import true
from sqlmodel import Session

from rida import db
from rida.fields import FieldError
from rida.meetings import editing
from rida.meetings.editing import Conflict
from rida.meetings.suggestions import suggestions
from rida.models import Meeting


@pytest.fixture
def session(app, demo_meeting):
    with app.app_context(), db.write_session(db.engine()) as s:
        yield s


def numbers(s: Session, meeting_id: int) -> list[int]:
    return [r.number for r in editing.rows_of(s, meeting_id)]


def test_add_row_below_and_at_end(session, demo_meeting):
    m = session.get(Meeting, demo_meeting)
    third = editing.rows_of(session, m.id)[2]
    row = editing.add_row(session, m, {"subject": "Nouveau"}, uid="a" * 32, after=third.uid)
    assert row.number == 4
    assert numbers(session, m.id) == list(range(1, 11))
    last = editing.add_row(session, m, {}, uid="b" * 32)
    assert last.number == 11


def test_add_row_is_idempotent_on_uid(session, demo_meeting):
    m = session.get(Meeting, demo_meeting)
    first = editing.add_row(session, m, {"subject": "x"}, uid="c" * 32)
    again = editing.add_row(session, m, {"subject": "x"}, uid="c" * 32)
    assert first.id == again.id
    assert numbers(session, m.id) == list(range(1, 11))


def test_bad_uid_refused(session, demo_meeting):
    with pytest.raises(FieldError) as e:
        editing.add_row(session, session.get(Meeting, demo_meeting), {}, uid="../x")
    assert e.value.path == "uid"


def test_delete_and_move_keep_numbers_consecutive(session, demo_meeting):
    m = session.get(Meeting, demo_meeting)
    rows = editing.rows_of(session, m.id)
    editing.delete_row(session, m, rows[0])
    assert numbers(session, m.id) == list(range(1, 9))
    moved = rows[5]  # was 6, now 5
    editing.move_row(session, m, moved, "up")
    assert moved.number == 4
    editing.move_row(session, m, moved, "down")
    assert moved.number == 5
    first = editing.rows_of(session, m.id)[0]
    editing.move_row(session, m, first, "up")  # already first: no change
    assert first.number == 1
    with pytest.raises(FieldError):
        editing.move_row(session, m, first, "sideways")


def test_stale_revision_conflicts_unless_same_value(session, demo_meeting):
    row = editing.rows_of(session, demo_meeting)[0]
    editing.update_row(session, row, 1, {"answer": "Réponse A"})
    assert row.revision == 2
    # The same save replayed (its answer was lost): accepted, no new revision.
    assert editing.update_row(session, row, 1, {"answer": "Réponse A"}).revision == 2
    with pytest.raises(Conflict) as e:
        editing.update_row(session, row, 1, {"answer": "Réponse B"})
    assert e.value.current["answer"] == "Réponse A"
    assert e.value.current["revision"] == 2


def test_row_field_rules(session, demo_meeting):
    row = editing.rows_of(session, demo_meeting)[0]
    editing.update_row(session, row, 1, {"nature": "", "subject": "  Objet  "})
    assert (row.nature, row.subject) == (None, "Objet")
    for bad in ({"nature": "X"}, {"subject": "a\x00b"}, {"number": 3}, {}):
        with pytest.raises(FieldError):
            editing.update_row(session, row, row.revision, bad)


def test_header_conflicts_are_per_field(session, demo_meeting):
    m = session.get(Meeting, demo_meeting)

    def update(m, changes, base=None):  # every person visible: a command's view
        return editing.update_meeting(session, m, changes, base, visible=true())

    base = editing.header_dict(m)
    update(m, {"title": "Titre A"}, {"title": base["title"]})
    # Another editor, who saw the old title, changes another field: fine.
    update(m, {"location": "Visio"}, {"location": base["location"]})
    # ...but changing the title from the old base is a conflict.
    with pytest.raises(Conflict):
        update(m, {"title": "Titre B"}, {"title": base["title"]})
    # Replaying the value already there is not.
    update(m, {"title": "Titre A"}, {"title": base["title"]})
    header = update(m, {"date": "2022-01-08", "objectives": [" a "]})
    assert header["date"] == "2022-01-08" and header["objectives"] == ["a"]
    with pytest.raises(FieldError):
        update(m, {"status": "validated"})
    with pytest.raises(FieldError):
        update(m, {"organiser_id": 9999})


def test_suggestions_from_series_history(session, demo_meeting):
    series_id = session.get(Meeting, demo_meeting).series_id
    found = suggestions(session, series_id)
    assert found["subjects"][0] == "Inducteurs de financement"
    assert "Financement Ségur" in found["subjects"]
    for speaker in ("LIFEN : ", "ANS : ", "ESEA NA : ", "GCS SARA : ", "DNS : "):
        assert speaker in found["speakers"]


def test_create_meeting_and_series(session):
    series = editing.create_series(session, "  TF Test ", None)
    assert series.name == "TF Test"
    with pytest.raises(FieldError):
        editing.create_series(session, "TF Test", None)
    m = editing.create_meeting(
        session,
        series.id,
        None,
        {"title": "Atelier", "date": "2024-03-01", "classification": "restricted"},
    )
    assert (m.classification, m.status, m.version) == ("restricted", "draft", "0.1")
    with pytest.raises(FieldError):
        editing.create_meeting(session, series.id, None, {"title": "", "date": "2024-03-01"})
    with pytest.raises(FieldError):
        editing.create_meeting(session, series.id, None, {"title": "x", "date": "2024-02-30"})


def test_the_catalogue_describes_the_tables_as_the_models_do():
    """``rida list`` reads through a light description of two tables: it must match."""
    from rida.meetings.catalogue import MEETING, SERIES
    from rida.models import Meeting, Series

    for light, model in ((MEETING, Meeting.__table__), (SERIES, Series.__table__)):
        assert light.name == model.name
        for c in light.c:
            assert c.name in model.c, (light.name, c.name)
            assert c.type._type_affinity is model.c[c.name].type._type_affinity, c.name
