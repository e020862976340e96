"""What every JSON endpoint shares: the ``/api`` blueprints and their error handlers, the
error shape, body parsing, field-error paths.

Every JSON error has the same shape: ``{"error": <code>, "message": <French sentence>}``,
plus ``errors`` (each with its ``path``) for invalid fields, ``current`` for a conflict.
The ``/api/...`` URLs are a public contract used by scripts: they stay in English, whatever
the pages' URLs (French) become."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Blueprint, request

from rida import db, exchange
from rida.circuit import versions
from rida.fields import FieldError, ValidationError, type_name
from rida.live import changes, payloads
from rida.meetings.editing import Conflict

PREFIX = "/api"

Answer = tuple[dict[str, Any], int]


def wants_json() -> bool:
    """Whether this request is answered in JSON (errors included): the API's URLs."""
    return request.path.startswith(PREFIX + "/")


def error(status: int, code: str, message: str, **extra: object) -> Answer:
    """The JSON error answer: our own French message, never an exception's text."""
    return {"error": code, "message": message, **extra}, status


def invalid(e: ValidationError | FieldError) -> Answer:
    """400 with every invalid field and its ``path``."""
    found = e if isinstance(e, ValidationError) else ValidationError([e])
    return found.as_dict(), 400


def conflict(e: Conflict) -> Answer:
    """409 with the record as it now is (a stale revision) and, for each field whose edits
    could not be merged, both versions and their base (``fields``) and, when known, who
    wrote the version the server holds (``by``). The editor who wrote it is told (see
    :func:`_tell_the_other_editor`)."""
    extra: dict[str, Any] = {}
    if e.fields:
        extra["fields"] = e.fields
        by = _tell_the_other_editor(e)
        if by is not None:
            extra["by"] = by
    return error(409, "conflict", e.message, current=e.current, **extra)


# The editor's saves that merge per field, and the kind of record each changes.
_FIELD_SAVES = {
    "api.patch_meeting": "meeting",
    "api.patch_row": "row",
    "api.patch_participant": "participant",
    "actions_api.patch_action": "action",
}


def _tell_the_other_editor(e: Conflict) -> dict[str, Any] | None:
    """Overlapping edits of one field: the live stream tells whoever saved first that the
    other editor is choosing between both versions (a ``notice`` change, in its own
    transaction: the save's was rolled back). Returns who wrote the server's version."""
    kind = _FIELD_SAVES.get(request.endpoint or "")
    args = request.view_args or {}
    meeting_id = args.get("meeting_id")
    if kind is None or not isinstance(meeting_id, int):
        return None
    uid = args.get("uid") if kind != "meeting" else None
    names = sorted(payloads.field_name(name) for name in e.fields)
    with db.transaction() as s:
        by = changes.last_author(s, meeting_id, kind, uid, names[0])
        changes.record(
            s,
            meeting_id=meeting_id,
            kind="notice",
            op="conflict",
            uid=uid,
            fields=names,
            payload={"kind": kind, "uid": uid, "fields": names},
        )
    return by


def version_error(e: versions.VersionError) -> Answer:
    """409: the meeting's status forbids it (validated, blocked checklist...)."""
    return e.as_dict(), 409


def blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint under ``/api`` whose field, conflict and status errors answer in JSON."""
    bp = Blueprint(name, import_name, url_prefix=PREFIX)
    bp.register_error_handler(ValidationError, invalid)
    bp.register_error_handler(FieldError, invalid)
    bp.register_error_handler(versions.VersionError, version_error)
    bp.register_error_handler(Conflict, conflict)
    return bp


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
    """The request's JSON object (a field error otherwise)."""
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


@contextmanager
def prefixed(prefix: str) -> Iterator[None]:
    """Re-raise field errors with the path of the record they concern
    (``title`` → ``rida[3].title``)."""
    try:
        yield
    except FieldError as e:
        raise FieldError(f"{prefix}.{e.path}", e.message) from None
