"""PostgreSQL's own SQL, the only module with it (:mod:`rida.db` has SQLite's): the
write transactions' advisory locks and their order, the change log's commit order,
``NOTIFY`` and ``LISTEN``, and the error codes a retry may not meet. Each function does
nothing (or answers None) on SQLite, so that callers need not ask.

SQLite has one writer at a time (BEGIN IMMEDIATE). PostgreSQL lets writers run side by
side, so a write transaction first takes, at its BEGIN (before its first read: two saves
of one row never both read the same revision, and the second overwrite the first),
transaction-level advisory locks, always in this order, so that no two transactions
ever wait for each other in a circle:

1. the writers' lock (WRITERS, ALL_WRITERS): shared by the transactions that change one
   meeting's own records (``rida.db.MEETING_OPTION``: the editor's saves), exclusive
   for every other write (imports, the circuit, accounts, commands...), which thus runs
   alone;
2. a meeting writer, then its meeting's lock (WRITERS, meeting id): writers of one
   meeting take turns, those of different meetings do not wait for each other;
3. the search index's locks (rida.search.postgresql_index), just before the commit;
4. last, the commit-order lock, held from the first change-log or audit entry to the
   commit (both are written as late as possible).
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import Connection, Engine, text

WRITERS = 0x72696477  # "ridw": the first key of the writers' locks
ALL_WRITERS = -1  # the second key of the writers' lock; a meeting id for a meeting's

# The key of the transaction-level advisory lock that orders the change log, which the
# audit chain takes too (rida.audit.chain): a transaction writing both logs takes one
# lock (twice: it is re-entrant), never two in some order.
COMMIT_ORDER_LOCK = 0x72696461  # "rida"


def lock_writers(conn: Connection, meeting: int | None) -> None:
    """Take the writers' locks of a write transaction starting on ``conn`` (PostgreSQL),
    for ``meeting``'s writers or, with None, for a writer of anything."""
    if meeting is None:
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:k, :all)"), {"k": WRITERS, "all": ALL_WRITERS}
        )
    else:
        conn.execute(
            text("SELECT pg_advisory_xact_lock_shared(:k, :all), pg_advisory_xact_lock(:k, :m)"),
            {"k": WRITERS, "all": ALL_WRITERS, "m": meeting},
        )


def lock_commit_order(conn: Connection) -> None:
    """Hold, until this transaction ends, the lock under which change-log entries get
    their sequence numbers, so that those numbers grow with commit order: taken just
    before inserting them (as late as possible). SQLite needs nothing: its single writer
    (``BEGIN IMMEDIATE``) already commits transactions one at a time, in order."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": COMMIT_ORDER_LOCK})


# SQLSTATE classes and codes of errors that a retry may not meet: a deadlock or
# serialization failure (class 40), a lock or statement timeout, a server shutting down,
# a lost connection (class 08).
TRANSIENT_STATES = ("40", "08", "55P03", "57014", "57P01", "57P02", "57P03")


def notify(conn: Connection, channel: str) -> None:
    """PostgreSQL: wake the listeners of ``channel`` when this transaction commits
    (``pg_notify``, delivered at commit, dropped on rollback). SQLite: nothing (the
    followers poll)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": channel})


class Listener(Protocol):
    def wait(self, timeout: float) -> bool: ...

    def close(self) -> None: ...


class _PostgresListener:
    """A dedicated connection (outside the pool) that LISTENs to one channel."""

    def __init__(self, engine: Engine, channel: str):
        cargs, cparams = engine.dialect.create_connect_args(engine.url)
        self._conn: Any = engine.dialect.connect(*cargs, **cparams)
        try:
            self._conn.autocommit = True
            self._conn.execute(f'LISTEN "{channel}"')
        except BaseException:
            self._conn.close()
            raise

    def wait(self, timeout: float) -> bool:
        """Whether a notification came within ``timeout`` seconds (those queued meanwhile
        are consumed too)."""
        found = any(True for _ in self._conn.notifies(timeout=timeout, stop_after=1))
        if found:
            for _ in self._conn.notifies(timeout=0.0):
                pass
        return found

    def close(self) -> None:
        self._conn.close()


def listener(engine: Engine, channel: str) -> Listener | None:
    """A listener of ``channel`` on PostgreSQL; None on SQLite (poll instead)."""
    if engine.dialect.name != "postgresql":
        return None
    return _PostgresListener(engine, channel)
