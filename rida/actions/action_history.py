"""What a page shows of actions beyond their own fields: the history of their status
changes (with the meeting that reviewed each one) and the follow-up of a meeting.

A change made during a meeting the reader may not read is shown without that meeting and
without its comment (a comment belongs to the meeting where it was written), so that a
history never reveals what was said in a confidential meeting. The page of a validated
meeting shows its actions as they stood when it was validated: statuses and histories
stop there (:func:`as_of`), so that published minutes do not keep changing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from rida.access import readable
from rida.actions.follow_up import follow_up, reason, withheld
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
    withheld: str = ""  # why it is not in this meeting's document (see withheld_lines)


def histories(
    session: Session,
    action_ids: Iterable[int],
    user: User | None,
    until: dt.datetime | None = None,
) -> dict[int, list[HistoryLine]]:
    """The status changes of each action, oldest first (one query); ``until``: only
    those made until then."""
    ids = list(action_ids)
    if not ids:
        return {}
    query = (
        select(ActionEvent, Meeting)
        .outerjoin(Meeting, (col(ActionEvent.meeting_id) == Meeting.id) & readable(user))
        .where(col(ActionEvent.action_id).in_(ids))
        .order_by(col(ActionEvent.at), col(ActionEvent.id))
    )
    if until is not None:
        query = query.where(col(ActionEvent.at) <= until)
    out: dict[int, list[HistoryLine]] = {i: [] for i in ids}
    for event, meeting in session.exec(query).all():
        hidden = event.meeting_id is not None and meeting is None
        out[event.action_id].append(
            HistoryLine(
                at=event.at,
                user=event.user_name,
                old_status=event.old_status,
                new_status=event.new_status,
                comment="" if hidden else event.comment,
                meeting=meeting,
            )
        )
    return out


def as_of(session: Session, actions: Iterable[Action], until: dt.datetime) -> dict[int, str]:
    """The status each action had at ``until``: the old status of its first change after
    then, else its status now."""
    current = {a.id: a.status for a in actions if a.id is not None}
    if not current:
        return {}
    later = session.exec(
        select(ActionEvent.action_id, ActionEvent.old_status)
        .where(col(ActionEvent.action_id).in_(list(current)), col(ActionEvent.at) > until)
        .order_by(col(ActionEvent.at).desc(), col(ActionEvent.id).desc())
    ).all()
    for action_id, old_status in later:  # newest first: the first change after wins
        current[action_id] = old_status or current[action_id]
    return {i: s for i, s in current.items() if s is not None}


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


def follow_up_lines(
    session: Session,
    meeting: Meeting,
    user: User | None,
    until: dt.datetime | None = None,
    *,
    public_read: bool = False,
) -> list[FollowUpLine]:
    """The "Suivi des actions" of ``meeting`` with each action's history (until ``until``),
    re-checked for ``user``: only the actions of meetings they may read (their rights may
    have changed since, or they read it as an anonymous visitor)."""
    items = follow_up(session, meeting)
    origins = {m.id for _, m, _, _ in items}
    allowed = (
        set(
            session.exec(
                select(Meeting.id).where(
                    col(Meeting.id).in_(origins), readable(user, public_read=public_read)
                )
            ).all()
        )
        if origins
        else set()
    )
    lines = [FollowUpLine(a, m, owner, row) for a, m, owner, row in items if m.id in allowed]
    return _completed(session, lines, user, until)


def withheld_lines(session: Session, meeting: Meeting, user: User | None) -> list[FollowUpLine]:
    """The actions left out of ``meeting``'s follow-up because their meeting is more
    restricted, among the meetings ``user`` may read, each with why (for the editor)."""
    lines = [
        FollowUpLine(a, m, owner, row, withheld=reason(m))
        for a, m, owner, row in withheld(session, meeting, user)
    ]
    return _completed(session, lines, user, None)


def _completed(
    session: Session, lines: list[FollowUpLine], user: User | None, until: dt.datetime | None
) -> list[FollowUpLine]:
    """``lines`` with each action's history (until ``until``) and interview."""
    actions = [line.action for line in lines]
    found = histories(session, [a.id for a in actions if a.id is not None], user, until)
    linked = interviews(session, actions, user)
    for line in lines:
        line.history = found.get(line.action.id or 0, [])
        line.interview = linked.get(line.action.id or 0)
    return lines
