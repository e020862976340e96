"""The JSON API of a meeting's actions, as the editor sends them.

Every change goes through :func:`rida.views.editing` (access rule, 409 once validated)."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask.typing import ResponseReturnValue
from sqlmodel import Session

from rida import access, actions
from rida.models import Action
from rida.views import auth, editing, json_api
from rida.views.auth import login_required
from rida.views.json_api import body, object_field, prefixed

bp = json_api.blueprint("actions_api", __name__)


def _action(s: Session, meeting_id: int, uid: str) -> Action:
    return actions.find(s, meeting_id, uid) or abort(404)


def _order(s: Session, meeting_id: int) -> list[dict[str, Any]]:
    return actions.action_order(actions.actions_of(s, meeting_id))


@bp.post("/meetings/<int:meeting_id>/actions")
@login_required
def add_action(meeting_id: int) -> ResponseReturnValue:
    data = body()
    with editing(meeting_id) as (s, meeting), prefixed("actions[new]"):
        action = actions.add(
            s,
            meeting,
            object_field(data, "fields"),
            visible=access.visible_people(auth.user()),
            uid=data.get("uid"),
        )
        result = {
            "action": actions.action_dict(s, action),
            "actions": _order(s, meeting_id),
            "warnings": actions.warnings(meeting, action),
        }
    return result, 201


@bp.patch("/meetings/<int:meeting_id>/actions/<uid>")
@login_required
def patch_action(meeting_id: int, uid: str) -> ResponseReturnValue:
    data = body()
    with editing(meeting_id) as (s, meeting):
        action = _action(s, meeting_id, uid)
        with prefixed(f"actions[{action.position}]"):
            user = auth.user()
            action = actions.update(
                s,
                meeting,
                action,
                data.get("revision"),
                object_field(data, "fields"),
                user,
                visible=access.visible_people(user),
                base=object_field(data, "base"),
            )
        result = {
            "action": actions.action_dict(s, action),
            "warnings": actions.warnings(meeting, action),
        }
    return result


@bp.delete("/meetings/<int:meeting_id>/actions/<uid>")
@login_required
def delete_action(meeting_id: int, uid: str) -> ResponseReturnValue:
    with editing(meeting_id) as (s, meeting):
        remaining = actions.delete(s, meeting, _action(s, meeting_id, uid))
        result = {"actions": actions.action_order(remaining)}
    return result


@bp.post("/meetings/<int:meeting_id>/actions/<uid>/move")
@login_required
def move_action(meeting_id: int, uid: str) -> ResponseReturnValue:
    data = body()
    with editing(meeting_id) as (s, meeting):
        items = actions.move(
            s, meeting, _action(s, meeting_id, uid), data.get("direction"), data.get("to")
        )
        result = {"actions": actions.action_order(items)}
    return result
