"""The JSON API: meetings as rida/1, and the field and row updates the editor sends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Blueprint, abort, request, url_for
from flask_login import login_required
from sqlmodel import Session

from rida import access, db, exchange, meetings
from rida.circuit import versions
from rida.fields import FieldError, ValidationError, type_name
from rida.meetings import Conflict, participants, row_dict, row_order
from rida.meetings.participants import participant_dict
from rida.models import Meeting
from rida.views import auth, docx_template, readable_meeting

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.errorhandler(ValidationError)
def _invalid(e: ValidationError):  # type: ignore[no-untyped-def]
    return e.as_dict(), 400


@bp.errorhandler(FieldError)
def _field(e: FieldError):  # type: ignore[no-untyped-def]
    return ValidationError([e]).as_dict(), 400


@bp.errorhandler(versions.VersionError)
def _status(e: versions.VersionError):  # type: ignore[no-untyped-def]
    return e.as_dict(), 409


@bp.errorhandler(Conflict)
def _conflict(e: Conflict):  # type: ignore[no-untyped-def]
    return {"error": "conflict", "message": e.message, "current": e.current}, 409


def raw_body() -> bytes:
    """The request's JSON text. A form body (`curl -d`) has already been parsed, hence
    consumed, by the CSRF check: say so rather than report an empty document."""
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raise FieldError(
            "$",
            "document JSON attendu (en-tête Content-Type: application/json), "
            f"reçu {request.mimetype}",
        )
    return request.get_data()


def body() -> dict[str, Any]:
    data = exchange.loads(raw_body())
    if not isinstance(data, dict):
        raise FieldError("$", "objet JSON attendu")
    return data


def object_field(data: dict[str, Any], name: str) -> dict[str, Any]:
    """``data[name]`` when it must be an object of field values (absent: none)."""
    value = data.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise FieldError(name, f"objet attendu, reçu {type_name(value)}")
    return value


def _prefixed(prefix: str):  # type: ignore[no-untyped-def]
    """Re-raise field errors with the path of the record they concern."""

    @contextmanager
    def wrap() -> Iterator[None]:
        try:
            yield
        except FieldError as e:
            raise FieldError(f"{prefix}.{e.path}", e.message) from None

    return wrap()


@contextmanager
def writable(meeting_id: int) -> Iterator[tuple[Session, Meeting]]:
    """A write transaction on a meeting the current user may change (404/403 otherwise);
    the access rule is checked inside the transaction, in one query."""
    user = auth.user()
    with db.transaction() as s:
        meeting = access.readable_meeting(s, user, meeting_id)
        if meeting is None:
            abort(404)
        if not access.may_edit(s, user, meeting):
            abort(403)
        yield s, meeting


@contextmanager
def editing(meeting_id: int) -> Iterator[tuple[Session, Meeting]]:
    """:func:`writable`, for a change of the record: 409 once the meeting is validated.
    Every editing endpoint goes through here."""
    with writable(meeting_id) as (s, meeting):
        versions.ensure_editable(meeting)
        yield s, meeting


# --- Meetings --------------------------------------------------------------------------


@bp.get("/meetings")
@login_required
def list_meetings():  # type: ignore[no-untyped-def]
    return {"meetings": meetings.catalogue(db.session(), access.readable(auth.user()))}


@bp.get("/meetings/<int:meeting_id>")
@login_required
def get_meeting(meeting_id: int):  # type: ignore[no-untyped-def]
    return exchange.export_document(db.session(), readable_meeting(meeting_id))


@bp.post("/meetings")
@login_required
def create_meeting():  # type: ignore[no-untyped-def]
    user = auth.user()
    if not access.can_create(user):
        abort(403)
    doc = exchange.loads(raw_body())
    with db.transaction() as s:
        meeting = versions.import_document(s, doc, user, template=docx_template())
    return {"id": meeting.id, "url": url_for("pages.view", meeting_id=meeting.id)}, 201


@bp.patch("/meetings/<int:meeting_id>")
@login_required
def patch_meeting(meeting_id: int):  # type: ignore[no-untyped-def]
    data = body()
    with editing(meeting_id) as (s, meeting):
        header = meetings.update_meeting(s, meeting, data.get("fields"), object_field(data, "base"))
    return {"meeting": header}


# --- RIDA rows -------------------------------------------------------------------------


def _row(s: Session, meeting: Meeting, uid: str):  # type: ignore[no-untyped-def]
    return meetings.find_row(s, meeting.id, uid) or abort(404)


@bp.post("/meetings/<int:meeting_id>/rows")
@login_required
def add_row(meeting_id: int):  # type: ignore[no-untyped-def]
    data = body()
    with editing(meeting_id) as (s, meeting), _prefixed("rida[new]"):
        row = meetings.add_row(
            s, meeting, object_field(data, "fields"), uid=data.get("uid"), after=data.get("after")
        )
        result = {"row": row_dict(row), "order": row_order(meetings.rows_of(s, meeting.id))}
    return result, 201


@bp.patch("/meetings/<int:meeting_id>/rows/<uid>")
@login_required
def patch_row(meeting_id: int, uid: str):  # type: ignore[no-untyped-def]
    data = body()
    with editing(meeting_id) as (s, meeting):
        row = _row(s, meeting, uid)
        with _prefixed(f"rida[{row.number - 1}]"):
            row = meetings.update_row(s, row, data.get("revision"), object_field(data, "fields"))
        result = {"row": row_dict(row)}
    return result


@bp.delete("/meetings/<int:meeting_id>/rows/<uid>")
@login_required
def delete_row(meeting_id: int, uid: str):  # type: ignore[no-untyped-def]
    with editing(meeting_id) as (s, meeting):
        rows = meetings.delete_row(s, meeting, _row(s, meeting, uid))
        result = {"order": row_order(rows)}
    return result


@bp.post("/meetings/<int:meeting_id>/rows/<uid>/move")
@login_required
def move_row(meeting_id: int, uid: str):  # type: ignore[no-untyped-def]
    data = body()
    with editing(meeting_id) as (s, meeting):
        rows = meetings.move_row(
            s, meeting, _row(s, meeting, uid), data.get("direction"), data.get("to")
        )
        result = {"order": row_order(rows)}
    return result


# --- Participants ----------------------------------------------------------------------


def _participant(s: Session, meeting: Meeting, uid: str):  # type: ignore[no-untyped-def]
    return participants.find(s, meeting.id, uid) or abort(404)


def _participant_list(s: Session, meeting: Meeting) -> list[dict[str, Any]]:
    return [
        participant_dict(p, person) for p, person in participants.participants_of(s, meeting.id)
    ]


@bp.post("/meetings/<int:meeting_id>/participants")
@login_required
def add_participant(meeting_id: int):  # type: ignore[no-untyped-def]
    data = body()
    with editing(meeting_id) as (s, meeting), _prefixed("participants[new]"):
        p, person = participants.add(s, meeting, data, uid=data.get("uid"))
        result = {
            "participant": participant_dict(p, person),
            "participants": _participant_list(s, meeting),
        }
    return result, 201


@bp.patch("/meetings/<int:meeting_id>/participants/<uid>")
@login_required
def patch_participant(meeting_id: int, uid: str):  # type: ignore[no-untyped-def]
    data = body()
    with editing(meeting_id) as (s, meeting):
        p = _participant(s, meeting, uid)
        with _prefixed(f"participants[{p.position}]"):
            p = participants.update(s, p, data.get("revision"), object_field(data, "fields"))
        result = {"participant": participant_dict(p, s.get(participants.Person, p.person_id))}
    return result


@bp.delete("/meetings/<int:meeting_id>/participants/<uid>")
@login_required
def delete_participant(meeting_id: int, uid: str):  # type: ignore[no-untyped-def]
    with editing(meeting_id) as (s, meeting):
        participants.remove(s, meeting, _participant(s, meeting, uid))
        result = {"participants": _participant_list(s, meeting)}
    return result


@bp.post("/meetings/<int:meeting_id>/participants/<uid>/move")
@login_required
def move_participant(meeting_id: int, uid: str):  # type: ignore[no-untyped-def]
    data = body()
    with editing(meeting_id) as (s, meeting):
        participants.move(
            s, meeting, _participant(s, meeting, uid), data.get("direction"), data.get("to")
        )
        result = {"participants": _participant_list(s, meeting)}
    return result
