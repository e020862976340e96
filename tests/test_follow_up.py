"""The follow-up rule: an action appears in the later meetings of its series until closed."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from sqlmodel import select

from rida import db
from rida.actions import action_status
from rida.actions.follow_up import follow_up
from rida.fields import FieldError
from rida.models import Action, ActionEvent, Meeting
from tests.conftest import demo_document, import_doc


def meeting_doc(date: str, title: str, statuses: tuple[str, ...] = ()) -> dict:
    doc = copy.deepcopy(demo_document())
    doc.update(title=title, date=date, status="draft", version="0.1")
    doc["actions"] = [
        dict(doc["actions"][0], title=f"{title} / action {i}", status=status)
        for i, status in enumerate(statuses)
    ]
    return doc


def titles(app, meeting_id: int) -> list[str]:
    with app.app_context(), db.write_session(db.engine()) as s:
        return [a.title for a, *_ in follow_up(s, s.get(Meeting, meeting_id))]


def change(app, title: str, status: str, meeting_id: int | None = None, comment: str = ""):
    with app.app_context(), db.write_session(db.engine()) as s:
        action = s.exec(select(Action).where(Action.title == title)).one()
        meeting = s.get(Meeting, meeting_id) if meeting_id else None
        return action_status.set_status(s, action, status, meeting=meeting, comment=comment)


@pytest.fixture
def three(app) -> list[int]:
    first = import_doc(app, meeting_doc("2022-01-07", "M1", ("open", "cancelled", "done")))
    return [
        first,
        import_doc(app, meeting_doc("2022-02-07", "M2")),
        import_doc(app, meeting_doc("2022-03-07", "M3")),
    ]


def test_open_action_appears_until_done_then_disappears(app, three):
    m1, m2, m3 = three
    assert titles(app, m1) == []
    # Cancelled and done ones never appear; the open one appears in both later meetings.
    assert titles(app, m2) == titles(app, m3) == ["M1 / action 0"]
    change(app, "M1 / action 0", "done", m2, "Entretiens menés")
    # Closed during M2's session: still in M2 (where it was reviewed), gone from M3.
    assert titles(app, m2) == ["M1 / action 0"]
    assert titles(app, m3) == []
    m4 = import_doc(app, meeting_doc("2022-04-07", "M4"))
    assert titles(app, m4) == []


def test_in_progress_stays_and_history_spans_meetings(app, three):
    m1, m2, m3 = three
    change(app, "M1 / action 0", "in_progress", m2, "Planifié")
    assert titles(app, m3) == ["M1 / action 0"]
    change(app, "M1 / action 0", "done", m3)
    assert titles(app, m2) == titles(app, m3) == ["M1 / action 0"]
    with app.app_context(), db.write_session(db.engine()) as s:
        action = s.exec(select(Action).where(Action.title == "M1 / action 0")).one()
        events = action_status.history(s, action.id)
        assert [(e.old_status, e.new_status, e.meeting_id) for e in events] == [
            ("open", "in_progress", m2),
            ("in_progress", "done", m3),
        ]
        assert events[0].comment == "Planifié" and events[0].user_name == "cli"


def test_closing_outside_a_meeting_uses_the_day_of_the_change(app, three):
    m1, m2, m3 = three  # all in 2022: closing today is after every one of them
    change(app, "M1 / action 0", "cancelled")
    assert titles(app, m2) == titles(app, m3) == ["M1 / action 0"]
    later = import_doc(
        app, meeting_doc((dt.date.today() + dt.timedelta(days=1)).isoformat(), "Demain")
    )
    assert titles(app, later) == []


def test_setting_the_same_status_records_nothing(app, three):
    assert change(app, "M1 / action 0", "done") is not None
    assert change(app, "M1 / action 0", "done") is None
    with app.app_context(), db.write_session(db.engine()) as s:
        assert len(s.exec(select(ActionEvent)).all()) == 1


def test_bad_status_and_validated_meeting_are_refused(app, three, validated_meeting):
    with pytest.raises(FieldError) as bad:
        change(app, "M1 / action 0", "finished")
    assert bad.value.path == "status"
    with pytest.raises(FieldError) as frozen:
        change(app, "M1 / action 0", "done", validated_meeting)
    assert frozen.value.path == "meeting"


def test_only_meetings_every_reader_may_read_feed_the_follow_up(app):
    """A confidential meeting is read by its participants, who need not be members of the
    series: restricted and other confidential meetings stay out of its follow-up."""
    earlier = {}
    for i, classification in enumerate(("public", "restricted", "confidential")):
        doc = meeting_doc(f"2022-01-0{i + 1}", classification, ("open",))
        earlier[classification] = import_doc(app, doc | {"classification": classification})
    later = {
        c: import_doc(app, meeting_doc("2022-02-07", f"later {c}") | {"classification": c})
        for c in ("public", "restricted", "confidential")
    }
    assert titles(app, later["public"]) == ["public / action 0"]
    assert titles(app, later["restricted"]) == ["public / action 0", "restricted / action 0"]
    assert titles(app, later["confidential"]) == ["public / action 0"]


def withheld_titles(app, meeting_id: int, login: str | None, **kw) -> list[str]:
    from rida.actions.follow_up import withheld
    from rida.models import User

    with app.app_context(), db.write_session(db.engine()) as s:
        user = s.exec(select(User).where(User.login == login)).one() if login else None
        return [a.title for a, *_ in withheld(s, s.get(Meeting, meeting_id), user, **kw)]


def test_withheld_actions_are_those_of_more_restricted_meetings_one_may_read(app):
    """What the classification rule leaves out of a meeting's follow-up, among the
    meetings the viewer may read: a member of the series reads the restricted one, not the
    confidential one; an admin (and the CLI) all; nobody without an account."""
    from tests.conftest import join_series

    for i, classification in enumerate(("public", "restricted", "confidential")):
        doc = meeting_doc(f"2022-01-0{i + 1}", classification, ("open", "done"))
        import_doc(app, doc | {"classification": classification})
    later = import_doc(app, meeting_doc("2022-02-07", "later"))
    join_series(app, "rapporteur", later)
    assert titles(app, later) == ["public / action 0"]
    assert withheld_titles(app, later, "rapporteur") == ["restricted / action 0"]
    both = ["restricted / action 0", "confidential / action 0"]
    assert withheld_titles(app, later, "admin") == both
    assert withheld_titles(app, later, None, everything=True) == both
    assert withheld_titles(app, later, None) == []
    assert withheld_titles(app, later, "reader") == []  # not a member
