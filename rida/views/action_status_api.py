"""Changing an action's status from anywhere (follow-up, dashboard): one JSON endpoint.

``POST /api/actions/<id>/status`` with ``{"status", "comment"?, "revision"?, "meeting"?}``:
``meeting`` is the id of the meeting whose follow-up is being reviewed (the change is then
part of that meeting's record). Same rules as the editor: 404 when the action's meeting may
not be read, 403 without the right to change it, 409 with the current action on a stale
revision, idempotent when the action already has the status. With the status it has already
(or without ``status``) and a ``comment``, the comment is a progress note
(:func:`rida.actions.action_status.add_note`): ``{"comment", "meeting"?}`` alone adds a note."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask.typing import ResponseReturnValue
from sqlmodel import Session, col, select

from rida import access, actions, db, fields
from rida.actions import action_status
from rida.fields import FieldError
from rida.models import Action, Meeting, id_of
from rida.views import auth, json_api, readable_action
from rida.views.auth import login_required
from rida.views.json_api import body

bp = json_api.blueprint("action_status_api", __name__)


def action_summary(s: Session, action: Action) -> dict[str, Any]:
    """The editor's action dict plus what pages outside the meeting need."""
    return actions.action_dict(s, action) | {"id": action.id, "meeting": action.meeting_id}


def _reviewing_meeting(s: Session, value: Any) -> Meeting | None:
    if value is None:
        return None
    meeting_id = fields.integer(value, "meeting")  # an id a column holds (2**31 - 1 at most)
    user = auth.user()
    meeting = access.readable_meeting(s, user, meeting_id)
    if meeting is None or not access.may_edit(s, user, meeting):
        raise FieldError("meeting", "réunion inconnue ou non modifiable")
    return meeting


@bp.post("/actions/<int:action_id>/status")
@login_required
def set_action_status(action_id: int) -> ResponseReturnValue:
    data = body()
    user = auth.user()
    with db.transaction() as s:
        action = readable_action(s, user, action_id)
        if not access.may_set_status(s, user, action):
            abort(403)
        meeting = _reviewing_meeting(s, data.get("meeting"))
        if data.get("status") is None:
            event = action_status.add_note(
                s, action, data.get("comment"), user=user, meeting=meeting
            )
        else:
            event = action_status.set_status(
                s,
                action,
                data.get("status"),
                user=user,
                comment=data.get("comment", ""),
                meeting=meeting,
                revision=data.get("revision"),
            )
        result = {
            "action": action_summary(s, action),
            "event": action_status.event_dict(event) if event else None,
        }
    return result


@bp.get("/actions/<int:action_id>/history")
@login_required
def action_history(action_id: int) -> ResponseReturnValue:
    s = db.session()
    user = auth.user()
    action = readable_action(s, user, action_id)
    events = action_status.history(s, action_id)
    reviewing = {e.meeting_id for e in events if e.meeting_id is not None}
    readable = (
        {
            id_of(m): m
            for m in s.exec(
                select(Meeting).where(col(Meeting.id).in_(reviewing), access.readable(user))
            )
        }
        if reviewing
        else {}
    )
    return {
        "action": action_summary(s, action),
        "history": [action_status.event_dict(e, readable) for e in events],
    }
