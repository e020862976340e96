"""Web views, one blueprint per area; thin: parse, check access, call the domain, render."""

from __future__ import annotations

from flask import abort

from rida import access, auth, db
from rida.models import Meeting


def readable_meeting(meeting_id: int) -> Meeting:
    """The meeting if the current user may read it; 404 otherwise (no existence leak)."""
    meeting = access.readable_meeting(db.session(), auth.user(), meeting_id)
    if meeting is None:
        abort(404)
    return meeting
