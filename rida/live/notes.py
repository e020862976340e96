"""What the flushes of one transaction changed, noted for its change-log entries.

One note per record and transaction (created, updated with the union of the changed
fields, or deleted: a record created then deleted leaves no note), the (meeting, kind)
pairs renumbered, and the ``access`` changes (who may read what).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import inspect
from sqlalchemy.orm import Session as OrmSession

from rida.live import payloads
from rida.models import ApiToken, SeriesMember, User

PENDING = "rida.live.pending"  # session.info: this transaction's notes


@dataclass
class Note:
    obj: Any
    kind: str
    op: str  # create, update, delete
    fields: set[str] = field(default_factory=set)


@dataclass
class Pending:
    notes: dict[int, Note] = field(default_factory=dict)  # by id() of the record
    order: set[tuple[int, str]] = field(default_factory=set)  # (meeting, kind)
    access: dict[tuple[int | None, str], dict[str, Any]] = field(default_factory=dict)
    unlinked: set[int] = field(default_factory=set)  # actions whose row is deleted
    extra: list[dict[str, Any]] = field(default_factory=list)


def pending(session: OrmSession) -> Pending:
    found = session.info.get(PENDING)
    if found is None:
        found = session.info[PENDING] = Pending()
    return cast(Pending, found)


def access(pending: Pending, meeting_id: int | None, payload: dict[str, Any]) -> None:
    """Who may read ``meeting_id`` (None: the meetings of the account or series named in
    ``payload``) has changed; noted once per transaction."""
    pending.access[(meeting_id, repr(sorted(payload.items())))] = payload


def changed(obj: object) -> set[str]:
    """The columns of ``obj`` whose value this flush changed."""
    state = inspect(obj)
    found = set()
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.added and (not history.deleted or history.deleted[0] != history.added[0]):
            found.add(attr.key)
    return found


def note(pending: Pending, obj: Any, op: str) -> None:
    """Note that ``obj`` was created, updated or deleted (``op``) by the last flush."""
    kind = payloads.kind_of(obj)
    meeting = payloads.meeting_of(obj)
    if kind is None or meeting is None:
        _note_access(pending, obj, op)
        return
    known = pending.notes.get(id(obj))
    if op == "create":
        pending.notes[id(obj)] = Note(obj, kind, "create")
    elif op == "delete":
        if known is not None and known.op == "create":
            del pending.notes[id(obj)]  # never seen outside this transaction
        else:
            pending.notes[id(obj)] = Note(obj, kind, "delete")
        if kind in ("participant", "meeting"):
            access(pending, meeting, {})
    else:
        columns = changed(obj)
        order = payloads.ORDER_COLUMN.get(kind)
        if order in columns:
            pending.order.add((meeting, kind))
        content = columns - payloads.NOT_CONTENT - {order}
        if (kind == "meeting" and content & payloads.MEETING_ACCESS) or (
            kind == "participant" and "person_id" in content
        ):
            access(pending, meeting, {})
        if content:
            found = pending.notes.setdefault(id(obj), Note(obj, kind, "update"))
            found.fields |= {payloads.field_name(c) for c in content}


def _note_access(pending: Pending, obj: Any, op: str) -> None:
    """Accounts, their API tokens and series memberships: who may read what."""
    if isinstance(obj, SeriesMember):
        if op != "update":
            access(pending, None, {"series_id": obj.series_id, "user_id": obj.user_id})
        return
    if not isinstance(obj, User | ApiToken) or op == "create":
        return
    watched = payloads.USER_ACCESS if isinstance(obj, User) else payloads.TOKEN_ACCESS
    if op == "delete" or changed(obj) & watched:
        user_id = obj.id if isinstance(obj, User) else obj.user_id
        access(pending, None, {"user_id": user_id})
