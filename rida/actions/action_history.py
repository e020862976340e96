"""What a page shows of actions beyond their own fields: the history of their status
changes (with the meeting that reviewed each one) and the follow-up of a meeting.

A change made during a meeting the reader may not read is shown without that meeting, so
that a history never reveals a confidential meeting's title.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from rida.access import readable
from rida.actions.follow_up import follow_up
from rida.models import Action, ActionEvent, Meeting, Person, RidaRow, User


@dataclass(frozen=True)
class HistoryLine:
    at: dt.datetime
    user: str
    old_status: str | None
    new_status: str
    comment: str
    meeting: Meeting | None


@dataclass
class FollowUpLine:
    """One action reviewed in a meeting's "Suivi des actions"."""

    action: Action
    origin: Meeting
    owner: Person | None
    row: RidaRow | None
    history: list[HistoryLine] = field(default_factory=list)
    interview: Meeting | None = None


def histories(
    session: Session, action_ids: Iterable[int], user: User | None
) -> dict[int, list[HistoryLine]]:
    """The status changes of each action, oldest first (one query)."""
    ids = list(action_ids)
    if not ids:
        return {}
    found = session.exec(
        select(ActionEvent, Meeting)
        .outerjoin(Meeting, (col(ActionEvent.meeting_id) == Meeting.id) & readable(user))
        .where(col(ActionEvent.action_id).in_(ids))
        .order_by(col(ActionEvent.at), col(ActionEvent.id))
    ).all()
    out: dict[int, list[HistoryLine]] = {i: [] for i in ids}
    for event, meeting in found:
        out[event.action_id].append(
            HistoryLine(
                at=event.at,
                user=event.user_name,
                old_status=event.old_status,
                new_status=event.new_status,
                comment=event.comment,
                meeting=meeting,
            )
        )
    return out


def interviews(
    session: Session, actions: Iterable[Action], user: User | None
) -> dict[int, Meeting]:
    """The interview meeting each action opened, when ``user`` may read it."""
    linked = {a.id: a.linked_meeting_id for a in actions if a.linked_meeting_id is not None}
    if not linked:
        return {}
    found = {
        m.id: m
        for m in session.exec(
            select(Meeting).where(col(Meeting.id).in_(set(linked.values())), readable(user))
        )
    }
    return {i: found[m] for i, m in linked.items() if m in found}


def follow_up_lines(session: Session, meeting: Meeting, user: User | None) -> list[FollowUpLine]:
    """The "Suivi des actions" of ``meeting`` with each action's history."""
    lines = [FollowUpLine(a, m, owner, row) for a, m, owner, row in follow_up(session, meeting)]
    actions = [line.action for line in lines]
    found = histories(session, [a.id for a in actions if a.id is not None], user)
    linked = interviews(session, actions, user)
    for line in lines:
        line.history = found.get(line.action.id or 0, [])
        line.interview = linked.get(line.action.id or 0)
    return lines
