"""Searches in processes of their own, at a lower priority: the saves keep the CPU.

A search is Python work (Whoosh; the snippets on PostgreSQL), tens of milliseconds of
CPU. Run in the server's process, it holds the interpreter lock that the saves need: a
save makes dozens of database calls, and after each one it waits for the lock again
behind the searches (py-spy on the loaded server: a save's time went to taking the lock
back, and the other saves queued behind it for the database's write lock). So ``rida
serve`` gives each server process ``SEARCH_PROCESSES`` search processes, started clean
(``spawn``: nothing of the server's threads or connections), each with the application
without its web layer, niced by ``SEARCH_NICE``: the system runs the saves first. The
request thread waits for the answer without holding anything (its database connection
went back before, :mod:`rida.views.search_gate`); the page is made in the server.

The processes start with the first search (about a second, once), not with the server.
A search process that dies (killed, out of memory) breaks the pool: the search that was
running is answered « réessayez » and the next one starts a new pool. Under ``flask run``
and in the tests' apps (``SEARCH_PROCESSES`` 0, or no server process) searches run in the
request's thread, as before.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from rida import db
from rida.util import cores

if TYPE_CHECKING:
    from rida.search import Query, Results

log = logging.getLogger(__name__)
AppFactory = Callable[[dict[str, Any]], db.App]

EXTENSION = "rida.search.processes"
# The search's own limit is the gate's wait (rida.views.search_gate); past this, the
# process is stuck, not busy.
ANSWER_TIMEOUT = 60.0
PARENT_CHECK_SECONDS = 1.0


class Broken(Exception):
    """The search process died during the search."""


class Pool:
    """``size`` search processes, started on first use (or by :meth:`start`)."""

    def __init__(self, make_app: AppFactory, config: dict[str, Any], size: int, nice: int):
        self.make_app, self.config, self.size, self.nice = make_app, config, size, nice
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _running(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    max_workers=self.size,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start_child,
                    initargs=(self.make_app, self.config, self.nice, os.getpid()),
                )
            return self._executor

    def start(self) -> None:
        """Start every process now (each makes its app: about a second), not at the
        first searches."""
        executor = self._running()
        for _ in range(self.size):
            executor.submit(_ready)

    def search(self, user_id: int | None, query: Query) -> Results:
        """``query`` for the account ``user_id`` (None: anonymous), in a search process."""
        executor = self._running()
        try:
            future: Future[Results] = executor.submit(_search, user_id, query)
            return future.result(timeout=ANSWER_TIMEOUT)
        except BrokenProcessPool as e:
            with self._lock:
                if self._executor is executor:
                    self._executor = None
            executor.shutdown(wait=False, cancel_futures=True)
            log.warning("search process died: %s", e)
            raise Broken(str(e)) from e

    def close(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


def _portable(config: dict[str, Any]) -> dict[str, Any]:
    """The settings a search process needs: the app's, minus what does not cross a
    process boundary, and with no server duties (lock, indexer, pool)."""
    found = {}
    for key, value in config.items():
        try:
            pickle.dumps(value)
        except Exception:  # noqa: BLE001  (functions, objects of the parent: left behind)
            continue
        found[key] = value
    found.update(SERVER_PROCESS=False, SEARCH_INDEXER=False, SEARCH_PROCESSES=0)
    return found


def init_app(app: db.App, make_app: AppFactory) -> None:
    """A pool for a server process (``SERVER_PROCESS``) with ``SEARCH_PROCESSES`` > 0;
    ``make_app`` (a module-level function: it crosses to the process by name) makes the
    search process's app from the settings."""
    if not app.config.get("SERVER_PROCESS"):
        return
    size = cores.host_share(app.config, "SEARCH_PROCESSES")
    if size <= 0:
        return
    nice = int(app.config.get("SEARCH_NICE", 5))
    pool = Pool(make_app, _portable(dict(app.config)), size, nice)
    app.extensions[EXTENSION] = pool  # started by the first search: a server that never
    # searches (most of the tests' servers) starts no process


def pool_of(app: db.App) -> Pool | None:
    found: Pool | None = app.extensions.get(EXTENSION)
    return found


# In a search process.

_app: db.App | None = None


def _start_child(make_app: AppFactory, config: dict[str, Any], nice: int, server: int) -> None:
    global _app
    threading.Thread(target=_end_with, args=(server,), daemon=True).start()
    if nice:
        os.nice(nice)
    _app = make_app(config)


def _end_with(parent: int) -> None:
    """End this search process when its server process is gone (killed: no shutdown came,
    and a worker waiting for its turn on the pool's queue would wait forever). ``parent``
    is the server's pid as the server saw it: this process may start after it died."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def _ready() -> bool:
    return _app is not None


def _search(user_id: int | None, query: Query) -> Results:
    from rida.models import User
    from rida.search import guard

    assert _app is not None, "search process not started"
    with _app.app_context():
        session = db.session()
        user = None if user_id is None else session.get(User, user_id)
        return guard.search(session, user, query)
