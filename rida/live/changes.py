"""The change log: every change of a meeting, recorded in its own transaction.

Every write session of :mod:`rida.db` is followed, as by the audit log and the search
outbox. After each flush, the inserted, changed and deleted rows, participants, actions
and meeting headers are noted (with the fields that changed); just before the commit, the
transaction's notes become ``change_log`` entries (:mod:`rida.live.payloads` says what
each carries), inserted on the same connection, committed or rolled back with the change:

- one entry per record and transaction (a row created then edited is one ``create``; a
  row created then deleted is nothing), ``status`` for an action's or a meeting's status;
- renumbering is one ``order`` entry per meeting and kind, with the full list of uids,
  never one update per shifted row;
- an ``access`` entry, first, when who may read changes: a meeting's classification,
  series, creator or rapporteur, a participant removed, a series membership, an account's
  session epoch, role or activity, an API token revoked, a logout (:func:`signed_out`);
- :func:`record` adds an entry that is no record's change (presence).

Sequence numbers grow with commit order: the entries are inserted as late as possible,
under :func:`rida.db.lock_commit_order` (PostgreSQL; SQLite's single writer needs
nothing), with a ``NOTIFY`` (:func:`rida.db.notify`). After the commit, the followers of
this process are woken at once (:func:`add_waker`). Nothing in the domain code knows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import Engine, Table, func, insert
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction
from sqlmodel import Session, col, select

from rida import db
from rida.live import notes, payloads
from rida.models import Action, Change, RidaRow, utcnow
from rida.util.wakers import Wakers

CHANGES: Table = Change.__table__  # type: ignore[attr-defined]
_INSERT = insert(CHANGES)  # built once: this runs on every save
CHANNEL = "rida_change"  # PostgreSQL NOTIFY channel
WROTE = "rida.live.wrote"  # session.info: this transaction wrote entries

_wakers = Wakers()
_pruners: list[Callable[[Engine], None]] = []


def add_waker(event: threading.Event) -> None:
    """``event`` is set after every commit of this process that wrote entries."""
    _wakers.add(event)


def remove_waker(event: threading.Event) -> None:
    _wakers.remove(event)


def add_pruner(pruner: Callable[[Engine], None]) -> None:
    """``pruner(engine)`` is called after every commit that wrote entries
    (:mod:`rida.live.retention`: it decides whether it is time)."""
    _pruners.append(pruner)


def record(
    session: OrmSession,
    *,
    meeting_id: int | None,
    kind: str,
    op: str,
    uid: str | None = None,
    payload: dict[str, Any] | None = None,
    fields: list[str] | None = None,
) -> None:
    """Add an entry that is no record's change (presence, a conflict's notice) to the
    transaction of ``session``."""
    entry = {"meeting_id": meeting_id, "kind": kind, "op": op, "uid": uid, "revision": None}
    notes.pending(session).extra.append(
        entry | {"fields": list(fields or []), "payload": payload or {}}
    )


def last_seq(session: Session) -> int:
    """The newest entry's seq (0 if none): a page read after it follows the stream from it
    (``?since=``), missing nothing committed in between."""
    return int(session.exec(select(func.max(col(Change.seq)))).one() or 0)


def last_author(
    session: Session, meeting_id: int, kind: str, uid: str | None, field: str, *, scan: int = 50
) -> dict[str, Any] | None:
    """Who last changed ``field`` of a record (``{"login", "name"}``), as the newest of its
    last ``scan`` entries says; None if unknown (older, or changed by a command)."""
    found = select(Change).where(Change.meeting_id == meeting_id, Change.kind == kind)
    found = found.where(Change.uid == uid) if uid is not None else found
    for change in session.exec(found.order_by(col(Change.seq).desc()).limit(scan)):
        if change.op in ("create", "update", "status") and field in change.fields:
            return change.actor
    return None


def signed_out(session: OrmSession, user_id: int, login_at: object) -> None:
    """A login session of ``user_id`` ends (logout): its streams close (``login_at``, the
    session's login time, tells it from the account's other sessions)."""
    notes.access(notes.pending(session), None, {"user_id": user_id, "login_at": login_at})


def _before_flush(session: OrmSession, _context: UOWTransaction, _instances: object) -> None:
    """Actions linked to a row being deleted lose their link in the database (``ON DELETE
    SET NULL``), unseen by the ORM: note them now."""
    if not session.info.get(db.WRITE):
        return
    rows = [obj.id for obj in session.deleted if isinstance(obj, RidaRow) and obj.id is not None]
    if rows:
        linked = select(Action.id).where(col(Action.row_id).in_(rows))
        notes.pending(session).unlinked.update(session.connection().execute(linked).scalars())


def _after_flush(session: OrmSession, _context: UOWTransaction) -> None:
    if not session.info.get(db.WRITE):
        return
    pending = notes.pending(session)
    for obj in session.new:
        notes.note(pending, obj, "create")
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            notes.note(pending, obj, "update")
    for obj in session.deleted:
        notes.note(pending, obj, "delete")


def _entries(session: Session, pending: notes.Pending) -> list[dict[str, Any]]:
    for action_id in sorted(pending.unlinked):
        action = session.get(Action, action_id)
        if action is not None:
            session.expire(action, ["row_id"])  # the database has set it to NULL
            note = pending.notes.setdefault(id(action), notes.Note(action, "action", "update"))
            note.fields.add("row")
    entries = [
        {"meeting_id": m, "kind": "access", "op": "update", "payload": p}
        for (m, _), p in pending.access.items()
    ]
    deleted = set()
    for note in pending.notes.values():
        entries.append(_entry(session, note))
        if note.kind == "meeting" and note.op == "delete":
            deleted.add(note.obj.id)
    for meeting_id, kind in sorted(pending.order):
        if meeting_id not in deleted:
            order = payloads.order(session, meeting_id, kind)
            entries.append(
                {"meeting_id": meeting_id, "kind": kind, "op": "order", "payload": {"order": order}}
            )
    return entries + pending.extra


def _entry(session: Session, note: notes.Note) -> dict[str, Any]:
    obj = note.obj
    entry = {"meeting_id": payloads.meeting_of(obj), "kind": note.kind}
    entry["uid"] = getattr(obj, "uid", None)  # a meeting has none: its id is meeting_id
    if note.op == "delete":
        key = {"id": obj.id} if note.kind == "meeting" else {"uid": obj.uid}
        return entry | {"op": "delete", "payload": key}
    op = "status" if "status" in note.fields and note.kind in ("action", "meeting") else note.op
    return entry | {
        "op": op,
        "revision": getattr(obj, "revision", None),
        "fields": sorted(note.fields),
        "payload": payloads.payload(session, note.kind, obj),
    }


def _before_commit(orm_session: OrmSession) -> None:
    if not orm_session.info.get(db.WRITE):
        return
    orm_session.flush()  # the last changes are noted before their entries are written
    pending = orm_session.info.pop(notes.PENDING, None)
    if pending is None:
        return
    session = cast(Session, orm_session)
    entries = _entries(session, pending)
    if not entries:
        return
    user_id, actor = payloads.who(session, orm_session.info.get(db.ACTOR))
    common: dict[str, Any] = {"uid": None, "revision": None, "fields": []}
    common |= {"user_id": user_id, "actor": actor, "at": utcnow()}
    rows = [common | entry for entry in entries]
    conn = orm_session.connection()
    db.lock_commit_order(conn)
    conn.execute(_INSERT, rows)
    db.notify(conn, CHANNEL)
    orm_session.info[WROTE] = True


def _after_commit(session: OrmSession) -> None:
    if session.info.pop(WROTE, False):
        _wakers.wake()
        engine = session.info[db.WRITE]  # the engine itself (the bind is a copy of it)
        for pruner in _pruners:
            pruner(engine)


def _after_rollback(session: OrmSession, _previous: object) -> None:
    session.info.pop(notes.PENDING, None)
    session.info.pop(WROTE, None)


def _listen() -> None:
    from sqlalchemy import event

    event.listen(OrmSession, "before_flush", _before_flush)
    event.listen(OrmSession, "after_flush", _after_flush)
    event.listen(OrmSession, "before_commit", _before_commit)
    event.listen(OrmSession, "after_commit", _after_commit)
    event.listen(OrmSession, "after_soft_rollback", _after_rollback)


_listen()
