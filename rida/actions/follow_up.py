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

What the rule leaves out because its meeting is more restricted (:func:`withheld`) is still
shown to the rapporteur in the editor, marked as not published, and counted by a warning of
the validation checklist: only the actions of meetings the viewer may read themselves, so
that nobody learns a hidden action exists. An open action is overdue (:func:`overdue`) when
its due date is before the day it is looked at from: the meeting's date in the document,
today as well on a live page.

The progress notes the follow-up shows (:func:`notes`) obey the same two conditions: the
comments of an action's history written in or before M (linked to M or to an earlier
meeting every reader of M may read, or written up to M's date from the dashboard, the CLI or
the API). A note written during a restricted meeting never shows in a public one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, or_, select

from rida.access import readable, readable_by_all
from rida.actions.action_status import CLOSED_STATUSES, OPEN_STATUSES, closing_days
from rida.models import Action, ActionEvent, Meeting, Person, RidaRow, User, aware

FollowUpItem = tuple[Action, Meeting, Person | None, RidaRow | None]


CEILING = {
    "public": ("public",),
    "restricted": ("public", "restricted"),
    "confidential": ("public",),
}


# Why an action of a more restricted meeting stays out of the document, by the
# classification of its meeting (the only ones left out: every account reads a public one).
WITHHELD_REASONS = {
    "restricted": "réunion d'origine en diffusion restreinte",
    "confidential": "réunion d'origine confidentielle",
}


def follow_up(session: Session, meeting: Meeting) -> list[FollowUpItem]:
    """(action, origin meeting, owner, origin row) reviewed in ``meeting``, oldest first."""
    return _reviewed(
        session,
        meeting,
        col(Meeting.classification).in_(CEILING.get(meeting.classification, ("public",))),
        readable_by_all(session, meeting),
    )


def withheld(
    session: Session, meeting: Meeting, user: User | None, *, everything: bool = False
) -> list[FollowUpItem]:
    """The actions the rule would review in ``meeting`` but leaves out of its document
    because their meeting is more restricted, among the meetings ``user`` may read
    (``everything``: all of them, for the CLI), oldest first."""
    if user is None and not everything:
        return []
    published = {a.id for a, *_ in follow_up(session, meeting)}
    found = _reviewed(session, meeting, *(() if everything else (readable(user),)))
    return [item for item in found if item[0].id not in published]


def reason(origin: Meeting) -> str:
    """Why an action of ``origin`` is not in a later meeting's document."""
    return WITHHELD_REASONS.get(origin.classification, "réunion d'origine plus restreinte")


def overdue(action: Action, *days: dt.date, status: str | None = None) -> bool:
    """Whether ``action`` is open (``status``: the one it had then, if not its status now)
    and due before one of ``days`` (the meeting's date; today as well on a live page)."""
    return (
        (status or action.status) in OPEN_STATUSES
        and action.due_date is not None
        and any(action.due_date < day for day in days)
    )


def _reviewed(
    session: Session, meeting: Meeting, *where: ColumnElement[bool]
) -> list[FollowUpItem]:
    """The actions of the earlier meetings of the series (among ``where``) that were still
    open on ``meeting``'s date."""
    found = session.exec(
        select(Action, Meeting, Person, RidaRow)
        .join(Meeting, col(Action.meeting_id) == Meeting.id)
        .outerjoin(Person, col(Action.owner_id) == Person.id)
        .outerjoin(RidaRow, col(Action.row_id) == RidaRow.id)
        .where(
            Meeting.series_id == meeting.series_id,
            Meeting.id != meeting.id,
            *where,
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
