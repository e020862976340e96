"""An action's status and its history.

Every status change is an :class:`~rida.models.ActionEvent`: who, when, the comment, and the
meeting whose session reviewed it (the follow-up of a later meeting, or the action's own
meeting in the editor); changes from the dashboard, the API or the CLI carry no meeting.
Setting the status an action already has changes nothing and records nothing, so a replayed
request or closing an already closed action never duplicates the history.

A progress note is an event too, one that keeps the status (``old_status == new_status``,
:func:`is_note`): :func:`add_note`, or :func:`set_status` given the status the action has
already and a comment. A note is never lost, and never doubled: a note equal to the comment
of the action's last event by the same author in the same meeting is already there (a
replayed request); a note typed just after a status change of the same author in the same
meeting session that had no comment becomes that change's comment. Notes are plain text,
escaped wherever they are shown.

Status changes are allowed on actions of validated meetings: the follow-up happens after the
minutes are frozen, and the frozen compte-rendu keeps the status it was validated with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from rida import fields
from rida.actions.action_dicts import action_dict
from rida.fields import FieldError
from rida.meetings.editing import Conflict
from rida.models import ACTION_STATUSES, Action, ActionEvent, Meeting, User

OPEN_STATUSES = ("open", "in_progress")
CLOSED_STATUSES = ("done", "cancelled")
COMMENT_LIMIT = 2000


def who(user: User | None, name: str = "cli") -> tuple[int | None, str]:
    """The id and name kept in a history entry: the account, or ``name`` (e.g. ``cli``)."""
    return (user.id, user.login) if user is not None else (None, name)


def record(
    session: Session,
    action: Action,
    new_status: str,
    *,
    old_status: str | None,
    user: User | None = None,
    name: str = "cli",
    comment: str = "",
    meeting_id: int | None = None,
) -> ActionEvent:
    user_id, user_name = who(user, name)
    event = ActionEvent(
        action_id=action.id,
        old_status=old_status,
        new_status=new_status,
        comment=comment,
        user_id=user_id,
        user_name=user_name,
        meeting_id=meeting_id,
    )
    session.add(event)
    return event


def set_status(
    session: Session,
    action: Action,
    status: Any,
    *,
    user: User | None = None,
    name: str = "cli",
    comment: Any = "",
    meeting: Meeting | None = None,
    revision: Any = None,
) -> ActionEvent | None:
    """Give ``action`` the status ``status``; the event recorded, or None when it already had
    it (idempotent). ``revision`` (optional): the revision the caller saw; a stale one is a
    :class:`~rida.meetings.Conflict` unless the action already has ``status``."""
    status = fields.choice(status, "status", ACTION_STATUSES)
    comment = fields.text(comment, "comment", limit=COMMENT_LIMIT) or ""
    if revision is not None and type(revision) is not int:
        raise FieldError("revision", "entier attendu")
    if action.status == status:
        if comment.strip():
            return add_note(session, action, comment, user=user, name=name, meeting=meeting)
        return None
    if revision is not None and revision != action.revision:
        raise Conflict(
            action_dict(session, action), "Cette action a été modifiée par quelqu'un d'autre."
        )
    if meeting is not None and meeting.status == "validated":
        raise FieldError("meeting", "le compte-rendu de cette réunion est validé")
    old = action.status
    action.status = status
    action.revision += 1
    action.field_revisions = {**(action.field_revisions or {}), "status": action.revision}
    session.add(action)
    session.flush()
    event = record(
        session,
        action,
        status,
        old_status=old,
        user=user,
        name=name,
        comment=comment,
        meeting_id=meeting.id if meeting is not None else None,
    )
    session.flush()
    return event


def is_note(event: ActionEvent) -> bool:
    """A progress note: an event that kept the status."""
    return event.old_status == event.new_status


def add_note(
    session: Session,
    action: Action,
    text: Any,
    *,
    user: User | None = None,
    name: str = "cli",
    meeting: Meeting | None = None,
) -> ActionEvent | None:
    """Add the progress note ``text`` to ``action``'s history, its status unchanged; the
    event holding it, or None when the same note is there already (a replay)."""
    text = (fields.text(text, "comment", limit=COMMENT_LIMIT) or "").strip()
    if not text:
        raise FieldError("comment", "la note est vide")
    if meeting is not None and meeting.status == "validated":
        raise FieldError("meeting", "le compte-rendu de cette réunion est validé")
    user_id, user_name = who(user, name)
    meeting_id = meeting.id if meeting is not None else None
    last = session.exec(
        select(ActionEvent)
        .where(ActionEvent.action_id == action.id)
        .order_by(col(ActionEvent.at).desc(), col(ActionEvent.id).desc())
    ).first()
    same_author = (
        last is not None
        and last.user_id == user_id
        and last.user_name == user_name
        and last.meeting_id == meeting_id
    )
    if last is not None and same_author:
        if last.comment.strip() == text:
            return None
        if meeting_id is not None and not last.comment and not is_note(last):
            last.comment = text  # the comment of the change just made, typed after it
            session.add(last)
            session.flush()
            return last
    event = record(
        session,
        action,
        action.status,
        old_status=action.status,
        user=user,
        name=name,
        comment=text,
        meeting_id=meeting_id,
    )
    session.flush()
    return event


def history(session: Session, action_id: int) -> list[ActionEvent]:
    """The status changes of one action, oldest first, across every meeting."""
    return list(
        session.exec(
            select(ActionEvent)
            .where(ActionEvent.action_id == action_id)
            .order_by(col(ActionEvent.at), col(ActionEvent.id))
        ).all()
    )


def event_dict(event: ActionEvent, meetings: dict[int, Meeting] | None = None) -> dict[str, Any]:
    """``meetings``: the reviewing meetings the reader may read; given, the others are
    shown as null (neither id nor title of a meeting one may not read), and so is the
    comment written during them (a comment belongs to the meeting where it was written)."""
    meeting = (meetings or {}).get(event.meeting_id) if event.meeting_id else None
    hidden = meetings is not None and event.meeting_id is not None and meeting is None
    shown = event.meeting_id if meetings is None else meeting.id if meeting else None
    return {
        "id": event.id,
        "at": event.at.isoformat(),
        "kind": "note" if is_note(event) else "status",
        "user": event.user_name,
        "old_status": event.old_status,
        "status": event.new_status,
        "comment": None if hidden else event.comment,
        "meeting": shown,
        "meeting_title": meeting.title if meeting is not None else None,
    }


def closing_days(session: Session, actions: Iterable[Action]) -> dict[int, dt.date]:
    """For each closed action (done or cancelled), the day it was closed: the date of the
    meeting whose session closed it, else the day of the change; an action closed with no
    history (imported closed) counts as closed on its own meeting's date."""
    closed = {a.id: a for a in actions if a.status in CLOSED_STATUSES and a.id is not None}
    if not closed:
        return {}
    # Columns, not ActionEvent objects: five times faster for the dashboard's chart.
    found = session.exec(
        select(
            ActionEvent.action_id,
            ActionEvent.old_status,
            ActionEvent.new_status,
            ActionEvent.at,
            Meeting.date,
        )
        .outerjoin(Meeting, col(ActionEvent.meeting_id) == Meeting.id)
        .where(col(ActionEvent.action_id).in_(list(closed)))
        .order_by(col(ActionEvent.at), col(ActionEvent.id))
    ).all()
    days: dict[int, dt.date] = {}
    for action_id, old_status, new_status, at, meeting_day in found:
        if new_status in CLOSED_STATUSES and old_status not in CLOSED_STATUSES:
            days[action_id] = meeting_day or at.date()
    missing = {i: a.meeting_id for i, a in closed.items() if i not in days}
    if missing:
        dates: dict[int, dt.date] = dict(
            session.exec(
                select(Meeting.id, Meeting.date).where(col(Meeting.id).in_(set(missing.values())))
            ).all()
        )
        for i, meeting_id in missing.items():
            days[i] = dates[meeting_id]
    return days
