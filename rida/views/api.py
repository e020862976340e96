"""The JSON API of meetings: rida/1 documents, and the header, row and participant updates
the editor sends (its actions: :mod:`rida.views.actions_api`)."""

from __future__ import annotations

from typing import Any

from flask import abort, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import Session, select

from rida import access, db, exchange
from rida.circuit import versions
from rida.fields import FieldError
from rida.meetings import editing as edits
from rida.meetings import participants
from rida.meetings.catalogue import catalogue
from rida.meetings.editing import row_dict, row_order
from rida.meetings.participants import participant_dict
from rida.models import Meeting, Participation, Person, RidaRow
from rida.views import auth, docx_template, editing, json_api, readable_meeting, writable
from rida.views.auth import login_required
from rida.views.figures import markdown_with_figures
from rida.views.json_api import body, object_field, prefixed

bp = json_api.blueprint("api", __name__)


# --- Meetings --------------------------------------------------------------------------


@bp.get("/meetings")
@login_required
def list_meetings() -> ResponseReturnValue:
    readable = select(Meeting.id).where(access.readable(auth.user()))
    return {"meetings": catalogue(db.session(), readable)}


@bp.get("/meetings/<int:meeting_id>")
@login_required
def get_meeting(meeting_id: int) -> ResponseReturnValue:
    return exchange.export_document(db.session(), readable_meeting(meeting_id))


@bp.post("/meetings")
@login_required
def create_meeting() -> ResponseReturnValue:
    user = auth.user()
    if not access.can_create(user):
        abort(403)
    doc = exchange.loads(json_api.raw_body())
    keep = request.args.get("keep_validated", "false")
    if keep not in ("true", "false"):
        raise FieldError("keep_validated", "valeur attendue : true ou false")
    with db.transaction() as s:
        imported = versions.import_checked(
            s, doc, user, template=docx_template(), keep_validated=keep == "true"
        )
        meeting = imported.meeting
    return {
        "id": meeting.id,
        "url": url_for("pages.view", meeting_id=meeting.id),
        "import": imported.as_dict(),
    }, 201


@bp.patch("/meetings/<int:meeting_id>")
@login_required
def patch_meeting(meeting_id: int) -> ResponseReturnValue:
    data = body()
    with editing(meeting_id) as (s, meeting):
        header = edits.update_meeting(
            s,
            meeting,
            data.get("fields"),
            object_field(data, "base"),
            visible=access.visible_people(auth.user()),
        )
    return {"meeting": header}


# --- Preview of a cell ------------------------------------------------------------------

PREVIEW_MAX = 100_000


@bp.post("/meetings/<int:meeting_id>/preview")
@login_required
def preview(meeting_id: int) -> ResponseReturnValue:
    """How a text the editor holds (a question, an answer, an action's notes...) will read:
    the Markdown of the read view and the DOCX, sanitised, the meeting's figures shown.
    For the meeting's editors only, although nothing is stored: the editor is their tool."""
    text = body().get("text", "")
    if not isinstance(text, str):
        raise FieldError("text", "texte attendu")
    if len(text) > PREVIEW_MAX:
        raise FieldError(
            "text", f"texte trop long pour l'aperçu ({PREVIEW_MAX} caractères au plus)"
        )
    with writable(meeting_id, own_records=True):
        pass
    return {"html": str(markdown_with_figures(meeting_id)(text))}


# --- RIDA rows -------------------------------------------------------------------------


def _row(s: Session, meeting_id: int, uid: str) -> RidaRow:
    return edits.find_row(s, meeting_id, uid) or abort(404)


@bp.post("/meetings/<int:meeting_id>/rows")
@login_required
def add_row(meeting_id: int) -> ResponseReturnValue:
    data = body()
    with editing(meeting_id) as (s, meeting), prefixed("rida[new]"):
        row = edits.add_row(
            s, meeting, object_field(data, "fields"), uid=data.get("uid"), after=data.get("after")
        )
        result = {"row": row_dict(row), "order": row_order(edits.rows_of(s, meeting_id))}
    return result, 201


@bp.patch("/meetings/<int:meeting_id>/rows/<uid>")
@login_required
def patch_row(meeting_id: int, uid: str) -> ResponseReturnValue:
    data = body()
    with editing(meeting_id) as (s, meeting):
        row = _row(s, meeting_id, uid)
        with prefixed(f"rida[{row.number - 1}]"):
            row = edits.update_row(
                s,
                row,
                data.get("revision"),
                object_field(data, "fields"),
                object_field(data, "base"),
            )
        result = {"row": row_dict(row)}
    return result


@bp.delete("/meetings/<int:meeting_id>/rows/<uid>")
@login_required
def delete_row(meeting_id: int, uid: str) -> ResponseReturnValue:
    with editing(meeting_id) as (s, meeting):
        rows = edits.delete_row(s, meeting, _row(s, meeting_id, uid))
        result = {"order": row_order(rows)}
    return result


@bp.post("/meetings/<int:meeting_id>/rows/<uid>/move")
@login_required
def move_row(meeting_id: int, uid: str) -> ResponseReturnValue:
    data = body()
    with editing(meeting_id) as (s, meeting):
        rows = edits.move_row(
            s, meeting, _row(s, meeting_id, uid), data.get("direction"), data.get("to")
        )
        result = {"order": row_order(rows)}
    return result


# --- Participants ----------------------------------------------------------------------


def _participant(s: Session, meeting_id: int, uid: str) -> Participation:
    return participants.find(s, meeting_id, uid) or abort(404)


def _participant_list(s: Session, meeting_id: int) -> list[dict[str, Any]]:
    return [
        participant_dict(p, person) for p, person in participants.participants_of(s, meeting_id)
    ]


@bp.post("/meetings/<int:meeting_id>/participants")
@login_required
def add_participant(meeting_id: int) -> ResponseReturnValue:
    data = body()
    with editing(meeting_id, own_records=False) as (s, meeting), prefixed("participants[new]"):
        p, person = participants.add(
            s, meeting, data, visible=access.visible_people(auth.user()), uid=data.get("uid")
        )
        result = {
            "participant": participant_dict(p, person),
            "participants": _participant_list(s, meeting_id),
        }
    return result, 201


@bp.patch("/meetings/<int:meeting_id>/participants/<uid>")
@login_required
def patch_participant(meeting_id: int, uid: str) -> ResponseReturnValue:
    data = body()
    with editing(meeting_id, own_records=False) as (s, meeting):
        p = _participant(s, meeting_id, uid)
        with prefixed(f"participants[{p.position}]"):
            p = participants.update(
                s,
                p,
                data.get("revision"),
                object_field(data, "fields"),
                object_field(data, "base"),
                visible=access.visible_people(auth.user()),
            )
        result = {"participant": participant_dict(p, s.get_one(Person, p.person_id))}
    return result


@bp.delete("/meetings/<int:meeting_id>/participants/<uid>")
@login_required
def delete_participant(meeting_id: int, uid: str) -> ResponseReturnValue:
    with editing(meeting_id, own_records=False) as (s, meeting):
        participants.remove(s, meeting, _participant(s, meeting_id, uid))
        result = {"participants": _participant_list(s, meeting_id)}
    return result


@bp.post("/meetings/<int:meeting_id>/participants/<uid>/move")
@login_required
def move_participant(meeting_id: int, uid: str) -> ResponseReturnValue:
    data = body()
    with editing(meeting_id, own_records=False) as (s, meeting):
        participants.move(
            s, meeting, _participant(s, meeting_id, uid), data.get("direction"), data.get("to")
        )
        result = {"participants": _participant_list(s, meeting_id)}
    return result
