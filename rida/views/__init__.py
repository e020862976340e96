"""Web views, one blueprint per area; thin: parse, check access, call the domain, render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from flask import abort, current_app, make_response
from flask_login import current_user

from rida import access, db
from rida.models import Meeting
from rida.views import auth


def public_read() -> bool:
    """Whether anonymous visitors may read the published minutes (``RIDA_PUBLIC_READ``)."""
    return bool(current_app.config.get("PUBLIC_READ"))


def login_or_public(view: Callable[..., Any]) -> Callable[..., Any]:
    """``login_required``, except for anonymous visitors when the instance is public: the
    view then serves them what :func:`readable_meeting` lets them read."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated and not public_read():
            return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
        return view(*args, **kwargs)

    return wrapper


def readable_meeting(meeting_id: int) -> Meeting:
    """The meeting if the current user may read it; 404 otherwise (no existence leak). An
    anonymous visitor of a public instance is sent to the login page instead, whether the
    meeting exists or not."""
    user = auth.user()
    meeting = access.readable_meeting(db.session(), user, meeting_id, public_read=public_read())
    if meeting is None:
        if user is None:
            abort(make_response(current_app.login_manager.unauthorized()))  # type: ignore[attr-defined]
        abort(404)
    return meeting


def docx_template() -> Path | None:
    """The reference DOCX of this instance (setting ``RIDA_DOCX_TEMPLATE``)."""
    return current_app.config.get("DOCX_TEMPLATE")
