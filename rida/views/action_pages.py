"""Pages' forms on one action: open its bilateral interview, close it once the interview's
minutes are validated. POST forms (CSRF), back to a page with a French message."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import Session, col, select

from rida import access, actions, compte_rendu, db
from rida.actions import action_history, action_status, actions_of, interviews
from rida.actions.follow_up import overdue
from rida.circuit import versions
from rida.compte_rendu import wording
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


@bp.post("/actions/<int:action_id>/note")
@login_required
def add_note(action_id: int) -> ResponseReturnValue:
    """A progress note on the action, its status unchanged (the dashboard's row form);
    back to the page given in ``next`` (a local path), else the action's meeting."""
    user = auth.logged_in()
    back = request.form.get("next", "")
    if not back.startswith("/") or back.startswith("//") or "\\" in back:
        back = url_for("pages.view", meeting_id=_origin(action_id)) + f"#action-{action_id}"
    try:
        with db.transaction() as s:
            action = readable_action(s, user, action_id)
            if not access.may_set_status(s, user, action):
                abort(403)
            event = action_status.add_note(s, action, request.form.get("note", ""), user=user)
            title = action.title
    except FieldError as e:
        flash(f"Note non enregistrée : {e.message}.", "error")
        return redirect(back)
    flash(
        f"Note de suivi ajoutée à l'action « {title} »."
        if event
        else f"Cette note figure déjà dans l'historique de l'action « {title} ».",
        "info",
    )
    return redirect(back)


def page_context(
    s: Session, meeting: Meeting, user: User | None, *, editor: bool = False
) -> dict[str, Any]:
    """What the read view and the editor show of actions beyond their fields: the
    follow-up (and, in the ``editor``, what it leaves out of the document that ``user``
    may read), each action's history and interview, the follow-up actions that are late,
    the actions this (validated) interview may close."""
    own = actions_of(s, id_of(meeting))
    linked = action_history.interviews(s, own, user)
    until = versions.validated_at(s, meeting)  # a validated page stays as it was validated
    follow = action_history.follow_up_lines(s, meeting, user, until, public_read=public_read())
    held = action_history.withheld_lines(s, meeting, user) if editor else []
    shown = [*own, *(line.action for line in follow)]
    statuses = action_history.as_of(s, shown, until) if until is not None else {}
    frozen = versions.find(s, id_of(meeting), meeting.version) if until is not None else None
    record: dict[str, Any] = {}
    if frozen is not None:
        record = _frozen_record(s, compte_rendu.Source.from_json(frozen.source), own, user)
        statuses.update(record["statuses"])
    # Late on the meeting's date (as in the document); on a live page, today as well.
    days = (meeting.date,) if until is not None else (meeting.date, dt.date.today())
    followed = [line.action for line in [*follow, *held]]
    return {
        "follow_up": follow,
        "withheld": held,
        "late": {a.id for a in followed if overdue(a, *days, status=statuses.get(a.id or 0))},
        # Due before then, whatever the status: late again if the editor reopens it.
        "past_due": {a.id for a in followed if overdue(a, *days, status="open")},
        # A validated page: its follow-up as frozen, and the situation now, apart.
        "frozen_follow_up": record.get("follow_up"),
        "current": (_current(s, meeting, own, user) if frozen is not None else None),
        "histories": action_history.histories(s, [a.id for a in own if a.id], user, until),
        "statuses": statuses,
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


def _frozen_record(
    s: Session, src: compte_rendu.Source, own: list[Action], user: User | None
) -> dict[str, Any]:
    """What a validated version froze of actions: the statuses of the meeting's own
    actions (same order: a validated meeting's actions no longer move) and its follow-up,
    each item kept when ``user`` may read its origin meeting."""
    frozen_actions = src.doc.get("actions") or []
    statuses = (
        {a.id: f["status"] for a, f in zip(own, frozen_actions, strict=True) if a.id}
        if len(frozen_actions) == len(own)
        else {}
    )
    origins = {item["meeting"]["id"] for item in src.follow_up}
    allowed = (
        set(
            s.exec(
                select(Meeting.id).where(
                    col(Meeting.id).in_(origins), access.readable(user, public_read=public_read())
                )
            ).all()
        )
        if origins
        else set()
    )
    follow = [
        {
            **item,
            "origin_label": wording.follow_up_cells(item)[0],
            "owner_label": wording.follow_up_cells(item)[2],
            "due_label": wording.follow_up_cells(item)[3],
            "note_lines": wording.follow_up_notes(item),
        }
        for item in src.follow_up
        if item["meeting"]["id"] in allowed
    ]
    return {"statuses": statuses, "follow_up": follow}


def _current(s: Session, meeting: Meeting, own: list[Action], user: User | None) -> dict[str, Any]:
    """The situation now of the actions a validated page shows (its own and its live
    follow-up), with their whole history: shown apart from the validated record."""
    follow = action_history.follow_up_lines(s, meeting, user, public_read=public_read())
    shown = [*own, *(line.action for line in follow if line.action not in own)]
    return {
        "date": dt.date.today(),
        "actions": shown,
        "histories": action_history.histories(s, [a.id for a in shown if a.id], user),
    }
