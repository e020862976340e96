"""Pages' forms on one action: open its bilateral interview, close it once the interview's
minutes are validated. POST forms (CSRF), back to a page with a French message."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import Session

from rida import access, actions, db
from rida.actions import action_history, actions_of, interviews
from rida.circuit import versions
from rida.fields import FieldError
from rida.models import Action, Meeting, User, id_of
from rida.views import auth, public_read, readable_action
from rida.views.auth import login_required

bp = Blueprint("action_pages", __name__)


@bp.post("/reunions/<int:meeting_id>/actions/<uid>/entretien")
@login_required
def open_interview(meeting_id: int, uid: str) -> ResponseReturnValue:
    """Create (once) the « Entretien bilatéral » meeting of the action ``uid`` of
    ``meeting_id`` (the editor knows actions by uid); open its editor."""
    user = auth.user()
    try:
        with db.transaction() as s:
            origin = access.readable_meeting(s, user, meeting_id) or abort(404)
            action = actions.find(s, meeting_id, uid) or abort(404)
            # It links the action to the new meeting: a change of the origin meeting.
            if not access.may_edit(s, user, origin):
                abort(403)
            meeting, created = interviews.open_interview(s, action, user)
            interview_id = meeting.id
    except FieldError as e:
        flash(f"Entretien non ouvert : {e.message}.", "error")
        return redirect(url_for("pages.view", meeting_id=meeting_id))
    if not created:
        flash("Cet entretien bilatéral existe déjà : le voici.", "info")
    # The creator may read the meeting, and edit it with an editor role.
    target = "pages.edit" if access.may_write(user) else "pages.view"
    return redirect(url_for(target, meeting_id=interview_id))


def _origin(action_id: int) -> int:
    action = db.session().get(Action, action_id)
    return action.meeting_id if action is not None else 0


@bp.post("/actions/<int:action_id>/cloture-entretien")
@login_required
def close_interview(action_id: int) -> ResponseReturnValue:
    """Close the action (done) because its interview's minutes were validated."""
    user = auth.logged_in()
    try:
        with db.transaction() as s:
            action = readable_action(s, user, action_id)
            if not access.may_set_status(s, user, action):
                abort(403)
            interview_id = action.linked_meeting_id
            event = interviews.close_action(s, action, user, name=user.login)
            title = action.title
    except FieldError as e:
        flash(f"Action non close : {e.message}.", "error")
        return redirect(url_for("pages.view", meeting_id=_origin(action_id)))
    flash(
        f"Action « {title} » close." if event else f"L'action « {title} » était déjà close.", "info"
    )
    return redirect(url_for("pages.view", meeting_id=interview_id) + "#interview-actions")


def page_context(s: Session, meeting: Meeting, user: User | None) -> dict[str, Any]:
    """What the read view and the editor show of actions beyond their fields: the
    follow-up, each action's history and interview, the actions this (validated) interview
    may close."""
    own = actions_of(s, id_of(meeting))
    linked = action_history.interviews(s, own, user)
    until = versions.validated_at(s, meeting)  # a validated page stays as it was validated
    follow = action_history.follow_up_lines(s, meeting, user, until, public_read=public_read())
    shown = [*own, *(line.action for line in follow)]
    return {
        "follow_up": follow,
        "histories": action_history.histories(s, [a.id for a in own if a.id], user, until),
        "statuses": action_history.as_of(s, shown, until) if until is not None else {},
        "interviews": linked,
        "interview_by_uid": {a.uid: linked[a.id] for a in own if a.id in linked},
        "to_close": [
            a
            for a in interviews.actions_to_close(s, meeting, user)
            if access.may_set_status(s, user, a)
        ],
        "closing_comment": interviews.closing_comment(meeting),
        "origins": interviews.origins(s, meeting, user),
        "may_open_interview": access.may_edit(s, user, meeting),
    }
