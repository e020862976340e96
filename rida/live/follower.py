"""One thread per process that follows the change log and hands each new entry to the
subscribers of its meeting.

It runs only while someone subscribes (started by the first subscriber, idle without
any). It wakes when entries may have been committed: at once after a commit of this
process that wrote some (:func:`rida.live.changes.add_waker`), else by a cheap poll
(SQLite: every ``poll`` seconds, two ``stat`` calls tell whether the database's files
changed, :func:`rida.db.change_marker`; only then is the log read, on a connection taken
from the pool and given back: nothing is held in between), or on PostgreSQL by ``LISTEN``
(:func:`rida.db.listener`); and in any case it reads every ``safety_poll`` seconds, since
no signal is trusted alone (``NOTIFY`` is not durable). It then reads the entries
above its cursor once, in ``seq`` order, and queues them to the subscribers of their
meeting (``access`` entries also to the subscribers of the account they name).

Sequence numbers grow with commit order (:mod:`rida.live.changes`), so reading
"everything above the cursor" never skips an entry that commits late.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable

from sqlalchemy import Engine

from rida import db
from rida.live import changes
from rida.live.entries import Entry, last_seq, read

log = logging.getLogger(__name__)


class Subscriber:
    """The queue of one stream: entries pushed by the follower, taken by the stream."""

    def __init__(
        self, meeting_id: int, user_id: int, limit: int, gone: Callable[[], bool] | None = None
    ):
        self.meeting_id, self.user_id, self.limit = meeting_id, user_id, limit
        self.gone = gone  # whether the client has disconnected, when the server can tell
        self._items: deque[Entry] = deque()
        self._ready = threading.Condition()
        self.overflowed = False  # more than ``limit`` entries waiting: the stream ends
        self.stopped = False  # the server stops

    def push(self, entries: list[Entry]) -> None:
        with self._ready:
            if len(self._items) + len(entries) > self.limit:
                self.overflowed = True
                self._items.clear()
            else:
                self._items.extend(entries)
            self._ready.notify()

    def stop(self) -> None:
        with self._ready:
            self.stopped = True
            self._ready.notify()

    def take(self, timeout: float) -> list[Entry]:
        """The entries waiting, waiting for some at most ``timeout`` seconds."""
        with self._ready:
            if not self._items and not self.stopped and not self.overflowed:
                self._ready.wait(max(0.0, timeout))
            found = list(self._items)
            self._items.clear()
            return found


STOP_CHECK = 1.0  # seconds a LISTEN may wait before the thread looks whether to stop


class Follower:
    def __init__(self, engine: Engine, *, poll: float, safety_poll: float, queue_limit: int):
        self.engine, self.poll, self.safety_poll = engine, poll, safety_poll
        self.queue_limit = queue_limit
        self.cursor = 0  # the last seq handed out
        self.wake = threading.Event()
        self._lock = threading.Lock()
        self._by_meeting: dict[int, set[Subscriber]] = defaultdict(set)
        self._by_user: dict[int, set[Subscriber]] = defaultdict(set)
        self._count = 0
        self._active = threading.Event()  # set while someone subscribes
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._listener: db.Listener | None = None
        self._swept = self._read_at = 0.0
        self._marker: tuple[int, ...] | None = None

    def subscribe(
        self, meeting_id: int, user_id: int, gone: Callable[[], bool] | None = None
    ) -> tuple[Subscriber, int]:
        """A new subscriber, and the seq from which it receives every entry (those up to it
        are read from the table: :func:`read`). ``gone``: whether its client has left (then
        its stream is ended within a second, not at its next heartbeat)."""
        sub = Subscriber(meeting_id, user_id, self.queue_limit, gone)
        with self._lock:
            if self._stop.is_set():
                sub.stopped = True
            if not self._count:  # idle until now: the cursor may be behind
                self.cursor = max(self.cursor, last_seq(self.engine))
            self._by_meeting[meeting_id].add(sub)
            self._by_user[user_id].add(sub)
            self._count += 1
            start = self.cursor
            self._active.set()
            if self._thread is None and not self._stop.is_set():
                self._thread = threading.Thread(target=self._run, name="rida-live", daemon=True)
                changes.add_waker(self.wake)
                self._thread.start()
        return sub, start

    def unsubscribe(self, sub: Subscriber) -> None:
        with self._lock:
            subs = self._by_meeting.get(sub.meeting_id)
            if subs is None or sub not in subs:
                return
            for index, key in ((self._by_meeting, sub.meeting_id), (self._by_user, sub.user_id)):
                index[key].discard(sub)
                if not index[key]:
                    del index[key]
            self._count -= 1
            if not self._count:
                self._active.clear()

    @property
    def subscribers(self) -> int:
        return self._count

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread and end every stream (the server stops)."""
        with self._lock:
            self._stop.set()
            everyone = [sub for subs in self._by_meeting.values() for sub in subs]
            thread, self._thread = self._thread, None
        for sub in everyone:
            sub.stop()
        self._active.set()
        self.wake.set()
        changes.remove_waker(self.wake)
        if thread is not None:
            thread.join(timeout)

    # --- the thread --------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self._active.is_set():
                self._close_listener()
                self._active.wait()
                continue
            try:
                if self._wait():
                    self._catch_up()
                self._sweep()
            except Exception:  # the database is away: retry, the streams stay open
                log.exception("Suivi du journal des changements en échec ; nouvel essai.")
                self._close_listener()
                self._stop.wait(self.safety_poll)
        self._close_listener()

    def _wait(self) -> bool:
        """Wait for a reason to read the log: woken by this process, a change of the
        SQLite files (``poll``), a NOTIFY (PostgreSQL), or ``safety_poll`` seconds since
        the last read (whatever the reason: never trust a single signal)."""
        if db.is_sqlite(self.engine):
            woken = self.wake.wait(self.poll)
        else:
            if self._listener is None:
                self._listener = db.listener(self.engine, changes.CHANNEL)
            woken = self.wake.is_set()
            if self._listener is not None and not woken:
                # At most STOP_CHECK seconds: a stop is seen, and the connection closed.
                woken = self._listener.wait(min(self.safety_poll, STOP_CHECK))
        self.wake.clear()
        due = time.monotonic() >= self._read_at + self.safety_poll
        if not db.is_sqlite(self.engine):
            return woken or due
        marker, self._marker = self._marker, db.change_marker(self.engine)
        return woken or due or marker != self._marker or self._marker is None

    def _close_listener(self) -> None:
        if self._listener is not None:
            listener, self._listener = self._listener, None
            listener.close()

    def _sweep(self) -> None:
        """At most once a second: end the streams whose client has left."""
        now = time.monotonic()
        if now < self._swept + 1.0:
            return
        self._swept = now
        with self._lock:
            watched = [sub for subs in self._by_meeting.values() for sub in subs if sub.gone]
        for sub in watched:
            if sub.gone is not None and sub.gone():
                sub.stop()

    def _catch_up(self) -> None:
        self._read_at = time.monotonic()
        for entries in read(self.engine, self.cursor):
            self._dispatch(entries)

    def _dispatch(self, entries: Iterable[Entry]) -> None:
        queued: dict[Subscriber, list[Entry]] = defaultdict(list)
        with self._lock:
            for entry in entries:
                if entry.seq <= self.cursor:  # a subscriber moved the cursor meanwhile
                    continue
                self.cursor = entry.seq
                targets = set(self._by_meeting.get(entry.meeting_id or 0, ()))
                user = entry.payload.get("user_id") if entry.kind == "access" else None
                if isinstance(user, int):
                    targets |= self._by_user.get(user, set())
                for sub in targets:
                    queued[sub].append(entry)
            for sub, found in queued.items():
                sub.push(found)
