"""The indexer: one background thread per server process that keeps this host's search
index up to date with the outbox.

It wakes when a commit of this process queued meetings (an event set by
:mod:`rida.search.outbox`), when SQLite's files change (a commit of another process: two
``stat`` calls every 0.1 s, as the live follower does) and every ``poll`` seconds in any
case. Under a stream of commits (autosaves) it starts at most one pass every ``interval``
seconds after a pass that indexed something, so that one pass (one index commit) covers
the changes of that time; a change made after a quiet moment is indexed at once. Each
pass reads the entries above the index's position (:mod:`rida.search.positions`),
(re)indexes their meetings through the index function (``rida.search.index_meetings`` by
default) and then moves the position to the last entry read; entries are never deleted
for another host's index. Delivery is at least once; indexing a meeting twice is
harmless. An index found behind what was pruned (a host away for days) is rebuilt. An
index error is logged and retried with a growing delay; the web requests never wait for
the index and never fail because of it. At start, whatever a crash left above the
position is applied first.

Only one process of a host applies entries at a time: each pass holds an exclusive
``flock`` on a lock file next to the index directory (``<index dir>.lock``), taken
without waiting; a process that finds it held skips the pass (another process is at
it). The lock is released with the pass, or by the kernel if the process dies. The
processes of one host share the index directory; other hosts have their own.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlmodel import Session

from rida import db
from rida.search import outbox, positions

log = logging.getLogger(__name__)

IndexFunction = Callable[[Session, Iterable[int]], None]
CHECK = 0.1  # seconds between two looks at SQLite's files (a commit of any process)


def _default_index(session: Session, meeting_ids: Iterable[int]) -> None:
    from rida import search

    search.index_meetings(session, meeting_ids)


@contextmanager
def flocked(path: Path, *, wait: bool) -> Iterator[bool]:
    """Hold an exclusive ``flock`` on ``path`` (waiting for it if ``wait``); yields whether
    it is held."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # releases the lock


class Indexer:
    def __init__(
        self,
        app: db.App,
        directory: Path,
        index: IndexFunction = _default_index,
        *,
        poll: float = 0.5,
        max_delay: float = 30.0,
        batch: int = 200,
        interval: float = 0.0,
    ):
        self.app = app
        self.directory = directory
        self.lock_path = lock_of(directory)
        self.name = positions.name_of(directory)
        self.index = index
        self.poll = poll
        self.interval = interval
        self.max_delay = max_delay
        self.batch = batch
        self.wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- one pass ------------------------------------------------------------------

    def drain(self) -> int:
        """Apply every entry above the index's position now; the number applied, or 0 if
        another process holds the lock. Index errors propagate (the position stays)."""
        with flocked(self.lock_path, wait=False) as held:
            if not held:
                return 0
            total = 0
            while not self._stop.is_set():
                count = self._apply_batch()
                total += count
                if count < self.batch:
                    break
            return total

    def _apply_batch(self) -> int:
        position = positions.read(self.directory)
        with self.app.app_context():
            with db.read_session(db.engine()) as session:
                if positions.behind(session, position):
                    return self._rebuild(session)
                entries = positions.after(session, position, self.batch)
                if entries:
                    self.index(session, sorted({meeting for _, meeting in entries}))
            if entries:
                position = entries[-1][0]
                positions.write(self.directory, position)
                with db.transaction() as session:
                    positions.advance(session, self.name, position)
        return len(entries)

    def _rebuild(self, session: Session) -> int:
        from rida import search

        log.warning(
            "Index de recherche %s en retard sur des modifications déjà élaguées : "
            "reconstruction depuis la base.",
            self.directory,
        )
        search.rebuild(session)
        return 1

    # --- the thread ----------------------------------------------------------------

    def start(self) -> Indexer:
        outbox.add_waker(self.wake)
        self._thread = threading.Thread(target=self._run, name="rida-search-indexer", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self.wake.set()
        outbox.remove_waker(self.wake)
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        failures = 0
        marker: tuple[int, ...] | None = None
        drained_at = -self.poll
        woken = True
        while not self._stop.is_set():
            self.wake.clear()  # before the pass: a commit during it wakes the next one
            # SQLite: look at the files' fingerprint every CHECK seconds (two ``stat``
            # calls), drain when it changed (a commit, maybe of another process), when
            # woken, and every ``poll`` seconds in any case.
            seen = db.change_marker(self.app.extensions["rida.engine"])
            changed = woken or seen is None or seen != marker
            if not changed and time.monotonic() < drained_at + self.poll:
                woken = self.wake.wait(CHECK)
                continue
            marker = seen
            started = drained_at = time.monotonic()
            try:
                indexed = self.drain()
            except Exception:
                failures += 1
                delay = min(self.poll * 2**failures, self.max_delay)
                if failures == 1:
                    log.exception(
                        "Indexation de la recherche en échec ; nouvel essai dans "
                        "%.1f s (les modifications restent en file).",
                        delay,
                    )
                else:
                    log.warning(
                        "Indexation de la recherche toujours en échec (%d essais) ; "
                        "nouvel essai dans %.1f s.",
                        failures,
                        delay,
                    )
                self._stop.wait(delay)
                continue
            if failures:
                log.info("Indexation de la recherche rétablie après %d échecs.", failures)
                failures = 0
            if indexed:
                # An index commit costs more than indexing a meeting (segment flush, merge,
                # every thread's searcher reopened): gather what a stream of autosaves queues.
                self._stop.wait(max(0.0, started + self.interval - time.monotonic()))
            woken = self.wake.wait(CHECK if seen is not None else self.poll)


EXTENSION = "rida.search.indexer"


def directory_of(app: db.App) -> Path:
    """The app's index folder: ``SEARCH_DIR``, else ``search`` in the data folder."""
    return Path(app.config.get("SEARCH_DIR") or Path(app.config["DATA_DIR"]) / "search")


def lock_of(directory: Path) -> Path:
    """``<index dir>.lock``: beside the index directory, which a rebuild may replace."""
    return directory.with_name(directory.name + ".lock")


def lock_path(app: db.App) -> Path:
    return lock_of(directory_of(app))


def init_app(app: db.App, index: IndexFunction = _default_index) -> Indexer | None:
    """Start the app's indexer unless ``SEARCH_INDEXER`` is false (the default under
    ``TESTING`` and in the ``rida`` command, which never leave a thread behind) or the
    engine indexes in the transaction of each change (nothing is queued)."""
    from rida import search

    if not app.config.get("SEARCH_INDEXER", not app.testing) or search.in_transaction(app):
        return None
    indexer = Indexer(
        app,
        directory_of(app),
        index,
        poll=float(app.config.get("SEARCH_INDEXER_POLL", 0.5)),
        max_delay=float(app.config.get("SEARCH_INDEXER_MAX_DELAY", 30.0)),
        interval=float(app.config.get("SEARCH_INDEXER_INTERVAL", 0.5)),
    )
    app.extensions[EXTENSION] = indexer.start()
    return indexer


@contextmanager
def exclusive(app: db.App) -> Iterator[None]:
    """No indexer of any process of this host applies entries while this holds
    (``rida reindex``)."""
    with flocked(lock_path(app), wait=True):
        yield


def of(app: db.App) -> Indexer | None:
    """The running indexer of ``app``, if any."""
    return app.extensions.get(EXTENSION)


def catch_up(app: db.App, index: IndexFunction = _default_index) -> int:
    """Apply the outbox now, in this process, unless another process is at it (a command
    that changed meetings, ``rida search-check``). Never raises: an index error is logged
    and the entries wait for the server."""
    try:
        return Indexer(app, directory_of(app), index).drain()
    except Exception as e:  # the index is derived: never fail the caller because of it
        log.warning("Indexation de la recherche différée (%s) : les réunions restent en file.", e)
        return 0
