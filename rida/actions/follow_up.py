"""The "Suivi des actions" of a meeting.

The follow-up of meeting M lists the actions born in the earlier meetings of its series
that were still open on M's date: those open now, and those closed on or after M's date
(closed during M's own session, or later). So an action open in meeting 1 appears in
meetings 2 and 3 until it is done, then disappears from the meetings after; a cancelled
action never appears after it was cancelled. Nothing is copied: the rule is evaluated from
the actions and their history, so a new meeting of the series shows the open actions at
once, and the meeting where an action was closed keeps showing it (with its new status).
A validated compte-rendu freezes its follow-up with its version.

Only meetings that every reader of M may read contribute (the follow-up is part of the
document, exported and frozen alike for all its readers). Two conditions, both needed:
the classification ceiling (public meetings for a public or confidential M; public and
restricted ones for a restricted M: it holds whoever reads M later, a new member
included), and M's real readers today (:func:`rida.access.readers`: for a restricted M,
the members of the series *and* its participants, rapporteur and creator who have an
account, members or not) must each read the meeting. A page re-checks each line for its
viewer (:mod:`rida.actions.action_history`).

The progress notes the follow-up shows (:func:`notes`) obey the same two conditions: the
comments of an action's history written in or before M (linked to M or to an earlier
meeting every reader of M may read, or written up to M's date from the dashboard, the CLI or
the API). A note written during a restricted meeting never shows in a public one.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, or_, select

from rida.access import readable_by_all
from rida.actions.action_status import CLOSED_STATUSES, closing_days
from rida.models import Action, ActionEvent, Meeting, Person, RidaRow, aware

FollowUpItem = tuple[Action, Meeting, Person | None, RidaRow | None]


CEILING = {
    "public": ("public",),
    "restricted": ("public", "restricted"),
    "confidential": ("public",),
}


def follow_up(session: Session, meeting: Meeting) -> list[FollowUpItem]:
    """(action, origin meeting, owner, origin row) reviewed in ``meeting``, oldest first."""
    found = session.exec(
        select(Action, Meeting, Person, RidaRow)
        .join(Meeting, col(Action.meeting_id) == Meeting.id)
        .outerjoin(Person, col(Action.owner_id) == Person.id)
        .outerjoin(RidaRow, col(Action.row_id) == RidaRow.id)
        .where(
            Meeting.series_id == meeting.series_id,
            Meeting.id != meeting.id,
            col(Meeting.classification).in_(CEILING.get(meeting.classification, ("public",))),
            readable_by_all(session, meeting),
            or_(
                Meeting.date < meeting.date,
                (Meeting.date == meeting.date) & (col(Meeting.id) < meeting.id),
            ),
        )
        .order_by(Meeting.date, Meeting.id, Action.position, Action.id)
    ).all()
    closed = closing_days(session, [a for a, *_ in found if a.status in CLOSED_STATUSES])
    return [
        (a, m, owner, row)
        for a, m, owner, row in found
        if a.id not in closed or closed[a.id] >= meeting.date
    ]


def notes(
    session: Session, meeting: Meeting, action_ids: Iterable[int]
) -> dict[int, list[ActionEvent]]:
    """The commented events (progress notes, commented status changes) of each action that
    ``meeting``'s follow-up shows, oldest first (rule in the module's docstring)."""
    ids = list(action_ids)
    if not ids:
        return {}
    shareable = select(Meeting.id).where(
        col(Meeting.classification).in_(CEILING.get(meeting.classification, ("public",))),
        readable_by_all(session, meeting),
        Meeting.date <= meeting.date,
    )
    found = session.exec(
        select(ActionEvent)
        .where(
            col(ActionEvent.action_id).in_(ids),
            ActionEvent.comment != "",
            or_(
                ActionEvent.meeting_id == meeting.id,
                col(ActionEvent.meeting_id).is_(None),
                col(ActionEvent.meeting_id).in_(shareable),
            ),
        )
        .order_by(col(ActionEvent.at), col(ActionEvent.id))
    ).all()
    out: dict[int, list[ActionEvent]] = {}
    for event in found:
        # Linked to a meeting (M or an earlier one): written in it, whatever the day.
        if event.meeting_id is not None or aware(event.at).date() <= meeting.date:
            out.setdefault(event.action_id, []).append(event)
    return out
