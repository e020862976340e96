"""``GET /healthz``: whether this server process can serve, for a load balancer or a
monitor: its database answers and its search index opens. No account needed, and it says
nothing else (no version, no counts, no error text): 200 ``{"status": "ok", ...}`` or 503
with the part that fails."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from rida import db, search

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


def _database() -> bool:
    try:
        with db.engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - whatever the reason, this process cannot serve
        log.exception("/healthz : la base ne répond pas.")
        return False
    return True


def _search() -> bool:
    try:
        return search.backend().healthy()
    except Exception:  # noqa: BLE001
        log.exception("/healthz : l'index de recherche ne s'ouvre pas.")
        return False


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    checks = {"database": _database(), "search": _search()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "error"}
    body |= {name: "ok" if ok else "error" for name, ok in checks.items()}
    return jsonify(body), 200 if healthy else 503, {"Cache-Control": "no-store"}
