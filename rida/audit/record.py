"""What an audit entry holds: who acts, and values made safe to log.

Secrets (password and token hashes) are masked, large frozen content is left out (the
frozen version is itself immutable), everything else is turned into plain JSON so that
the stored entry and the hashed one are the same text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from rida import db
from rida.audit.events import Event

ACTOR = db.ACTOR  # session.info key: the Actor of a write session
MASK = "***"
OMITTED = "(non journalisé)"
# Column or key names whose values are never logged (password and token hashes, secrets).
SECRET = re.compile(r"password|secret|token|api_key|digest|^hash$", re.IGNORECASE)
# Columns whose content is not copied into the log: (table, column).
LEFT_OUT = {("meeting_version", "source"), ("meeting_version", "docx")}


@dataclass(frozen=True)
class Actor:
    """Who makes the changes of a write session, and from where (``cli`` for commands)."""

    user_id: int | None = None
    login: str | None = None
    ip: str | None = None


def utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` in UTC, naive (a naive one is taken as UTC): one form for every engine."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.replace(tzinfo=None)


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON (dates in ISO form, bytes as their size)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return utc(value).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return f"({len(value)} octets)"
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return str(value)


def loggable(table: str | None, values: dict[str, Any] | None) -> dict[str, Any] | None:
    """``values`` (column → value) as they may be logged: secrets masked, frozen content
    left out; None when there is nothing."""
    if not values:
        return None
    out: dict[str, Any] = {}
    for key, value in values.items():
        if SECRET.search(key):
            out[key] = MASK
        elif (table, key) in LEFT_OUT:
            out[key] = OMITTED
        else:
            out[key] = jsonable(value)
    return out


def entry(
    action: str,
    actor: Actor,
    *,
    object_type: str | None = None,
    object_id: Any = None,
    meeting_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The fields of a new entry (the chain adds id, time and hashes)."""
    return {
        "user_id": actor.user_id,
        "login": actor.login,
        "ip": actor.ip,
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "meeting_id": meeting_id,
        "before": loggable(object_type, before),
        "after": loggable(object_type, after),
    }


def event_entry(event: Event, actor: Actor) -> dict[str, Any]:
    """The entry of an emitted event; who and where default to the session's actor."""
    if event.user_id is not None or event.login is not None:
        actor = Actor(event.user_id, event.login, event.ip or actor.ip)
    elif event.ip is not None:
        actor = Actor(actor.user_id, actor.login, event.ip)
    after = {**(event.after or {}), **event.details} or None
    return entry(
        event.action,
        actor,
        object_type=event.object_type,
        object_id=event.object_id,
        meeting_id=event.meeting_id,
        before=event.before,
        after=after,
    )
