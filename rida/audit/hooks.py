"""Every create, update and delete of a write session, recorded in its transaction.

:func:`rida.db.write_session` *tracks* each session it opens. After each flush, every
inserted, changed or deleted record (except the logs themselves and the search outbox and its
positions) gets an
entry: all its values for a creation or a deletion, only the changed columns' before and
after values for an update. Bulk ``DELETE`` statements are recorded too, row by row. Two
changes are named by what they mean: an action whose status changes
(``status.change``) and a frozen version (``validation``). Who acts is the session's
:class:`~rida.audit.record.Actor` (``session.info``), set by the web or CLI layer.

Nothing in the domain code knows about it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Delete, Table, inspect, select
from sqlalchemy import event as sa_event
from sqlalchemy.orm import ORMExecuteState, SessionTransaction, UOWTransaction
from sqlalchemy.orm import Session as OrmSession

from rida import db
from rida.audit import anchor, chain, events
from rida.audit.record import ACTOR, Actor, entry, event_entry

# Not audited: the log itself, the search queue, the change log (each of its entries
# tells of a change audited on its own), and the failed-login counter (each failure is
# already an event of its own, ``login.failure``).
NOT_AUDITED = {"audit_entry", "search_outbox", "search_consumer", "change_log", "login_failure"}
MEETING = "meeting"
# An update changing only these is not worth an entry (a token's use is stamped once a
# minute at most: the API calls themselves are not what the log traces).
BOOKKEEPING = {"updated_at", "last_used_at"}
# Columns never recorded: the revision of each field's last change follows the fields
# themselves (rida.meetings.editing.apply_revision), already in the entry.
NOT_RECORDED = {"field_revisions"}


def act_as(session: OrmSession, actor: Actor) -> None:
    """The changes of ``session`` from now on are ``actor``'s (e.g. a command's --user)."""
    session.info[ACTOR] = actor


def actor_of(session: OrmSession) -> Actor:
    return session.info.get(ACTOR) or Actor()


LAST = "rida.audit.last"  # session.info key: (id, hash) of the last entry appended
PENDING = "rida.audit.pending"  # session.info key: the entries to append at the commit
APPENDED = "rida.audit.appended"  # session.info key: the commit's append is done
SAVEPOINTS = "rida.audit.savepoints"  # session.info key: pending entries when each began


def _append(session: OrmSession, entries: list[dict[str, Any]]) -> None:
    """Append ``entries`` to the chain just before the commit, in order: the chain's lock
    (:mod:`rida.audit.chain`) is then held for the shortest time (on PostgreSQL, writers
    of different meetings run side by side until their commit, :mod:`rida.db`). Those of
    a savepoint rolled back are dropped with it."""
    if not entries:
        return
    if session.info.get(APPENDED):  # a flush after the commit's append: at once
        _write(session, entries)
    else:
        session.info.setdefault(PENDING, []).extend(entries)


def _write(session: OrmSession, entries: list[dict[str, Any]]) -> None:
    rows = chain.append(session.connection(), entries)
    if rows:
        session.info[LAST] = (rows[-1]["id"], rows[-1]["hash"])


def _before_commit(session: OrmSession) -> None:
    if not session.info.get(db.WRITE):
        return
    session.flush()  # the last changes get their entries first
    _write(session, session.info.pop(PENDING, []))
    session.info[APPENDED] = True


def record_event(session: OrmSession, event: events.Event) -> None:
    """Append the entry of ``event`` in the transaction of ``session``, after the changes
    made so far (flushed first: an event follows the changes it tells about)."""
    session.flush()
    _append(session, [event_entry(event, actor_of(session))])


# --- Row changes ---------------------------------------------------------------------------


def _table(obj: object) -> str | None:
    table = getattr(type(obj), "__tablename__", None)
    return table if isinstance(table, str) and table not in NOT_AUDITED else None


def _key(obj: object) -> str:
    """The primary key (set once flushed; the identity is not yet, for a new record)."""
    state = inspect(obj)
    return ",".join(str(part) for part in state.mapper.primary_key_from_instance(obj))


def _meeting_of(table: str, values: dict[str, Any]) -> int | None:
    return values.get("id") if table == MEETING else values.get("meeting_id")


def _values(obj: object) -> dict[str, Any]:
    """The loaded column values of ``obj``, empty ones left out."""
    state = inspect(obj)
    loaded = state.dict
    return {
        attr.key: loaded[attr.key]
        for attr in state.mapper.column_attrs
        if attr.key in loaded
        and loaded[attr.key] not in (None, "", [], {})
        and attr.key not in NOT_RECORDED
    }


def _changes(obj: object) -> tuple[dict[str, Any], dict[str, Any]]:
    """The changed columns of ``obj`` in this flush: (before, after)."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not history.added or attr.key in NOT_RECORDED:
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0]
        if old != new:
            before[attr.key], after[attr.key] = old, new
    return before, after


def _created(table: str, obj: object, actor: Actor) -> dict[str, Any]:
    values = _values(obj)
    action = events.VALIDATED if table == "meeting_version" else "create"
    return entry(
        action,
        actor,
        object_type=table,
        object_id=_key(obj),
        meeting_id=_meeting_of(table, values),
        after=values,
    )


def _updated(table: str, obj: object, actor: Actor) -> dict[str, Any] | None:
    before, after = _changes(obj)
    if not set(after) - BOOKKEEPING:
        return None
    action = events.STATUS_CHANGED if table == "action" and "status" in after else "update"
    meeting = _meeting_of(table, inspect(obj).dict)
    return entry(
        action,
        actor,
        object_type=table,
        object_id=_key(obj),
        meeting_id=meeting,
        before=before,
        after=after,
    )


def _deleted(table: str, values: dict[str, Any], key: str, actor: Actor) -> dict[str, Any]:
    return entry(
        "delete",
        actor,
        object_type=table,
        object_id=key,
        meeting_id=_meeting_of(table, values),
        before=values,
    )


def flushed(session: OrmSession) -> list[dict[str, Any]]:
    """The entries of what ``session`` just flushed (called after a flush)."""
    actor = actor_of(session)
    found: list[dict[str, Any]] = []
    for obj in session.new:
        if (table := _table(obj)) is not None:
            found.append(_created(table, obj, actor))
    for obj in session.dirty:
        table = _table(obj)
        updated = _updated(table, obj, actor) if table and session.is_modified(obj) else None
        if updated is not None:
            found.append(updated)
    for obj in session.deleted:
        if (table := _table(obj)) is not None:
            found.append(_deleted(table, _values(obj), _key(obj), actor))
    return found


def _after_flush(session: OrmSession, _context: UOWTransaction) -> None:
    if session.info.get(db.WRITE):
        _append(session, flushed(session))


def _bulk_delete(state: ORMExecuteState) -> None:
    """Record the rows a bulk ``DELETE`` is about to remove (same transaction)."""
    session = state.session
    statement = state.statement
    if not (state.is_delete and isinstance(statement, Delete) and session.info.get(db.WRITE)):
        return
    table = statement.table
    if not isinstance(table, Table):  # an ORM bulk delete is on its model's table
        return
    if table.name in NOT_AUDITED:
        return
    where = statement.whereclause
    query = select(table) if where is None else select(table).where(where)
    rows = session.connection().execute(query).mappings().all()
    keys = [column.name for column in table.primary_key.columns]
    actor = actor_of(session)
    _append(
        session,
        [
            _deleted(
                table.name,
                {k: v for k, v in row.items() if v not in (None, "", [], {})},
                ",".join(str(row[k]) for k in keys),
                actor,
            )
            for row in rows
        ],
    )


def _after_commit(session: OrmSession) -> None:
    """Anchor the last entry the transaction appended (:mod:`rida.audit.anchor`)."""
    _forget(session)
    last = session.info.pop(LAST, None)
    anchors = anchor.of(session.info.get(db.WRITE)) if last is not None else None
    if anchors is not None:
        anchors.write(*last)


def _savepoint(session: OrmSession, transaction: SessionTransaction) -> None:
    if transaction.nested:
        marks = session.info.setdefault(SAVEPOINTS, {})
        marks[id(transaction)] = len(session.info.get(PENDING, ()))


def _after_rollback(session: OrmSession, previous: SessionTransaction) -> None:
    if previous.nested:  # the savepoint's entries go, the rest still counts
        mark = session.info.get(SAVEPOINTS, {}).pop(id(previous), None)
        if mark is not None and PENDING in session.info:
            del session.info[PENDING][mark:]
        return
    _forget(session)
    session.info.pop(LAST, None)


def _forget(session: OrmSession) -> None:
    for key in (PENDING, APPENDED, SAVEPOINTS):
        session.info.pop(key, None)


def _listen() -> None:
    sa_event.listen(OrmSession, "after_flush", _after_flush)
    sa_event.listen(OrmSession, "do_orm_execute", _bulk_delete)
    sa_event.listen(OrmSession, "before_commit", _before_commit)
    sa_event.listen(OrmSession, "after_commit", _after_commit)
    sa_event.listen(OrmSession, "after_transaction_create", _savepoint)
    sa_event.listen(OrmSession, "after_soft_rollback", _after_rollback)


_listen()
