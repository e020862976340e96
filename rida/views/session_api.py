"""``/api/session``: how long the login session has left (GET, which does not extend it)
and « Rester connecté » (POST, CSRF-protected, which does)."""

from __future__ import annotations

import math
import time

from flask import Blueprint, session
from flask.typing import ResponseReturnValue

from rida.accounts import session_clock
from rida.views import auth
from rida.views.auth import login_required

bp = Blueprint("session_api", __name__, url_prefix="/api")


def _state() -> dict[str, object]:
    clock = auth.clock()
    left = clock.seconds_left(session, time.time())
    # Rounded up: the editor never announces the end before the server decides it.
    return {
        "seconds_left": max(0, math.ceil(left)),
        "warning_seconds": round(clock.warning),
        "idle_seconds": round(clock.idle),
    }


@bp.get("/session")
@login_required
def status() -> ResponseReturnValue:
    if auth.by_token():
        return {"seconds_left": None, "token": True}
    return _state()


@bp.post("/session")
@login_required
def extend() -> ResponseReturnValue:
    if auth.by_token():
        return {"seconds_left": None, "token": True}
    session_clock.seen(session, auth.clock(), time.time(), force=True)
    return _state()
