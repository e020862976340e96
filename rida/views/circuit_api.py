"""The JSON API of the validation circuit: checks, transitions, frozen versions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, abort
from flask.typing import ResponseReturnValue
from sqlmodel import Session

from rida import compte_rendu, db
from rida.audit import events
from rida.circuit import files, versions
from rida.models import Meeting, MeetingVersion
from rida.views import auth, docx_template, json_api, login_or_public, readable_meeting, writable
from rida.views.auth import login_required
from rida.views.json_api import body

bp = json_api.blueprint("circuit_api", __name__)


def _state(s: Session, meeting: Meeting) -> dict[str, Any]:
    return {
        "status": meeting.status,
        "version": meeting.version,
        "review_deadline": meeting.review_deadline.isoformat() if meeting.review_deadline else None,
        "checks": [c.as_dict() for c in versions.checks(s, meeting, auth.user())],
    }


@bp.get("/meetings/<int:meeting_id>/checks")
@login_required
def checks(meeting_id: int) -> ResponseReturnValue:
    return _state(db.session(), readable_meeting(meeting_id))


def _transition(meeting_id: int, change: Callable[[Session, Meeting], object]) -> dict[str, Any]:
    """Apply ``change`` to the meeting in a write transaction; answer the new state."""
    with writable(meeting_id) as (s, meeting):
        done = change(s, meeting)
        result = _state(s, meeting)
        if isinstance(done, MeetingVersion):
            result["frozen"] = versions.version_dict(done)
    return result


@bp.post("/meetings/<int:meeting_id>/review")
@login_required
def review(meeting_id: int) -> ResponseReturnValue:
    deadline = body().get("deadline")
    return _transition(
        meeting_id, lambda s, m: versions.send_to_review(s, m, deadline, auth.user())
    )


@bp.post("/meetings/<int:meeting_id>/draft")
@login_required
def draft(meeting_id: int) -> ResponseReturnValue:
    return _transition(meeting_id, versions.back_to_draft)


@bp.post("/meetings/<int:meeting_id>/validate")
@login_required
def validate(meeting_id: int) -> ResponseReturnValue:
    """200 with the frozen version, or 409 ``blocked`` with the checklist."""
    return _transition(
        meeting_id, lambda s, m: versions.validate(s, m, auth.user(), template=docx_template())
    )


@bp.post("/meetings/<int:meeting_id>/amend")
@login_required
def amend(meeting_id: int) -> ResponseReturnValue:
    return _transition(meeting_id, versions.amend)


@bp.get("/meetings/<int:meeting_id>/versions")
@login_required
def list_versions(meeting_id: int) -> ResponseReturnValue:
    meeting = readable_meeting(meeting_id)
    s = db.session()
    return {
        "status": meeting.status,
        "version": meeting.version,
        "versions": [versions.version_dict(v) for v in versions.frozen_versions(s, meeting_id)],
        "reviews": [versions.review_dict(r) for r in versions.review_rounds(s, meeting_id)],
    }


@bp.get("/meetings/<int:meeting_id>/versions/<name>")
@login_or_public
def frozen_version(meeting_id: int, name: str) -> ResponseReturnValue:
    """``1.0`` or ``1.0.json``: the frozen rida/1 document; ``1.0.docx``: the frozen DOCX."""
    meeting = readable_meeting(meeting_id)
    fmt = "docx" if name.endswith(".docx") else "json"
    version = name.removesuffix(f".{fmt}")
    frozen = versions.find(db.session(), meeting_id, version) or abort(404)
    stem = f"compte-rendu-{meeting.id}-v{frozen.version}"
    events.emit(
        events.DOWNLOADED,
        object_type="meeting_version",
        object_id=str(frozen.id),
        meeting_id=meeting.id,
        after={
            "version": frozen.version,
            "format": fmt,
            "file": f"{stem}.{fmt}",
            "sha256": frozen.sha256,
        },
    )
    if fmt == "docx":
        return Response(
            frozen.docx,
            mimetype=compte_rendu.MEDIA_TYPES["docx"],
            headers={
                "Content-Disposition": files.content_disposition(f"{stem}.docx"),
                "X-Content-SHA256": frozen.sha256,
            },
        )
    return Response(
        versions.frozen_json(frozen),
        mimetype="application/json",
        headers={"Content-Disposition": files.content_disposition(f"{stem}.json", inline=True)},
    )
