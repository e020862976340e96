"""The search outbox: which meetings must be (re)indexed, recorded with each change.

Every write session of :mod:`rida.db` is *tracked*: after each flush, the meetings whose
header, participants, RIDA rows, actions or frozen versions were inserted, updated or
deleted, and the meetings naming a changed person or belonging to a renamed series, get
one ``search_outbox`` row each, inserted on the same connection, hence committed or rolled
back with the change itself. Nothing in the domain code knows about it.

The entries are inserted just before the commit, under the commit-order lock
(:func:`rida.db.lock_commit_order`), so that their ids grow with commit order: an index
that has applied every entry up to some id has missed none below it. Each index (one per
host) follows the table from its own position (:mod:`rida.search.positions`); nobody
drains it for the others. This module only writes it and tells the indexers of this
process, after a commit, that there is work.

An engine whose index lives in the database (PostgreSQL) needs no outbox: for the write
sessions of its engine (:func:`index_in_transaction`), the changed meetings are gathered
instead, and indexed just before the commit, by the same transaction (index and change
are committed or rolled back together; nothing to drain).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from itertools import chain

from sqlalchemy import Engine, insert, inspect, select, union
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction
from sqlmodel import Session

from rida import db
from rida.models import (
    Action,
    Meeting,
    MeetingVersion,
    Participation,
    Person,
    RidaRow,
    SearchOutbox,
    Series,
    utcnow,
)
from rida.util.wakers import Wakers

QUEUED = "rida.search.queued"  # session.info key: meeting ids queued in this transaction
WRITTEN = "rida.search.written"  # session.info key: their entries are inserted
CHANGED = "rida.search.changed"  # session.info key: meeting ids to index before the commit
CHANGED_ROWS = "rida.search.changed_rows"  # ... and meeting id -> ids of rows to index alone
# Fields that change no document (rida.search.documents), and those of a row that change
# its own document only.
BOOKKEEPING = {"updated_at", "field_revisions"}
ROW_OWN_FIELDS = {"nature", "subject", "question", "answer", "extensions", "revision"} | BOOKKEEPING
OUTBOX = SearchOutbox.__table__
# Records of these classes belong to the meeting named by their ``meeting_id``.
MEETING_PARTS = (RidaRow, Action, Participation, MeetingVersion)

_wakers = Wakers()
# Engines whose write sessions index their changed meetings themselves, before commit.
IndexFunction = Callable[[Session, set[int], dict[int, set[int]]], None]
_in_transaction: weakref.WeakKeyDictionary[Engine, IndexFunction] = weakref.WeakKeyDictionary()


def index_in_transaction(engine: Engine, index: IndexFunction) -> None:
    """The write sessions of ``engine`` call ``index(session, meeting_ids, rows)`` before
    each commit, with the meetings their changes touched and, of other meetings, the rows
    whose own fields alone changed (:func:`changed_meetings`), instead of queueing them."""
    _in_transaction[engine] = index


def add_waker(event: threading.Event) -> None:
    """``event`` is set after every commit that queued meetings (the indexer waits on it)."""
    _wakers.add(event)


def remove_waker(event: threading.Event) -> None:
    _wakers.remove(event)


def enqueue(session: OrmSession, meeting_ids: Iterable[int]) -> set[int]:
    """Queue ``meeting_ids`` in the current transaction of ``session`` (once each per
    transaction): inserted just before the commit, or at once if this transaction's
    entries were already written; returns the ids newly queued."""
    queued: set[int] = session.info.setdefault(QUEUED, set())
    fresh = set(meeting_ids) - queued
    if fresh:
        queued |= fresh
        if session.info.get(WRITTEN):  # flushed after the entries were written
            _insert(session, fresh)
    return fresh


def _insert(session: OrmSession, meeting_ids: set[int]) -> None:
    conn = session.connection()
    db.lock_commit_order(conn)  # held until the commit: ids grow with commit order
    now = utcnow()
    conn.execute(
        insert(OUTBOX), [{"meeting_id": m, "created_at": now} for m in sorted(meeting_ids)]
    )
    session.info[WRITTEN] = True


def changed_meetings(session: OrmSession, rows: dict[int, set[int]] | None = None) -> set[int]:
    """The meetings touched by the pending changes of ``session`` (called after a flush,
    while ``new``, ``dirty`` and ``deleted`` still describe what was flushed). With
    ``rows``, a row whose own fields alone changed (not its number) is put there instead
    (meeting id → row ids), and a meeting whose update is only bookkeeping is left out:
    their meeting's other documents are unchanged."""
    meetings: set[int | None] = set()
    people: set[int | None] = set()
    series: set[int | None] = set()
    for obj in chain(session.new, session.deleted, _modified(session)):
        if rows is not None and obj not in session.new and obj not in session.deleted:
            if isinstance(obj, RidaRow) and _changed(obj) <= ROW_OWN_FIELDS:
                rows.setdefault(obj.meeting_id, set()).add(obj.id)
                continue
            if isinstance(obj, Meeting) and _changed(obj) <= BOOKKEEPING:
                continue
        if isinstance(obj, Meeting):
            meetings.add(obj.id)
        elif isinstance(obj, MEETING_PARTS):
            meetings.update(_values(obj, "meeting_id"))
        elif isinstance(obj, Person) and obj not in session.new:
            people.add(obj.id)
        elif isinstance(obj, Series) and obj not in session.new:
            series.add(obj.id)
    if people or series:
        meetings.update(_naming(session, people, series))
    return {meeting for meeting in meetings if meeting is not None}


def _changed(obj: object) -> set[str]:
    """The attributes of ``obj`` changed by the flush."""
    return {attr.key for attr in inspect(obj).attrs if attr.history.has_changes()}


def _modified(session: OrmSession) -> Iterator[object]:
    return (obj for obj in session.dirty if session.is_modified(obj, include_collections=False))


def _values(obj: object, attr: str) -> set[int]:
    """The current value of ``attr`` and, if it changed in this flush, the previous one."""
    history = inspect(obj).attrs[attr].history
    return {v for v in chain(history.unchanged, history.added, history.deleted) if v is not None}


def _naming(session: OrmSession, people: set[int], series: set[int]) -> set[int]:
    """Meetings that name one of ``people`` (participant, organiser, rapporteur, owner)
    or belong to one of ``series``."""
    queries = []
    if people:
        queries += [
            select(Participation.meeting_id).where(Participation.person_id.in_(people)),
            select(Action.meeting_id).where(Action.owner_id.in_(people)),
            select(Meeting.id).where(Meeting.organiser_id.in_(people)),
            select(Meeting.id).where(Meeting.rapporteur_id.in_(people)),
        ]
    if series:
        queries.append(select(Meeting.id).where(Meeting.series_id.in_(series)))
    return set(session.connection().execute(union(*queries)).scalars())


def _after_flush(session: OrmSession, _context: UOWTransaction) -> None:
    engine = session.info.get(db.WRITE)
    if not engine:
        return
    if engine in _in_transaction:
        rows: dict[int, set[int]] = session.info.setdefault(CHANGED_ROWS, {})
        session.info.setdefault(CHANGED, set()).update(changed_meetings(session, rows))
    else:
        enqueue(session, changed_meetings(session))


def _before_commit(session: OrmSession) -> None:
    engine = session.info.get(db.WRITE)
    if not engine:
        return
    index = _in_transaction.get(engine)
    session.flush()
    if index is None:
        queued = session.info.get(QUEUED)
        if queued and not session.info.get(WRITTEN):
            _insert(session, queued)
        return
    while CHANGED in session.info:
        index(session, session.info.pop(CHANGED), session.info.pop(CHANGED_ROWS, {}))
        session.flush()


def _after_commit(session: OrmSession) -> None:
    session.info.pop(WRITTEN, None)
    if session.info.pop(QUEUED, None):
        _wakers.wake()


def _after_rollback(session: OrmSession, previous: object) -> None:
    session.info.pop(WRITTEN, None)  # written again at commit (a duplicate is harmless)
    if not getattr(previous, "nested", False):  # a savepoint's: the rest still counts
        session.info.pop(QUEUED, None)
        session.info.pop(CHANGED, None)
        session.info.pop(CHANGED_ROWS, None)


def _listen() -> None:
    from sqlalchemy import event

    event.listen(OrmSession, "after_flush", _after_flush)
    # First of the before-commit listeners: the index is written before the change log
    # takes its commit-order lock (rida.live.changes), which is held until the commit.
    event.listen(OrmSession, "before_commit", _before_commit, insert=True)
    event.listen(OrmSession, "after_commit", _after_commit)
    event.listen(OrmSession, "after_soft_rollback", _after_rollback)


_listen()
