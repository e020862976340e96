"""Web views, one blueprint per area; thin: parse, check access, call the domain, render."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app

from rida import access, auth, db
from rida.models import Meeting


def readable_meeting(meeting_id: int) -> Meeting:
    """The meeting if the current user may read it; 404 otherwise (no existence leak)."""
    meeting = access.readable_meeting(db.session(), auth.user(), meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def docx_template() -> Path | None:
    """The reference DOCX of this instance (setting ``RIDA_DOCX_TEMPLATE``)."""
    return current_app.config.get("DOCX_TEMPLATE")
