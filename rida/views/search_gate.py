"""Searches take turns, so that saves never wait behind them.

A search costs tens of milliseconds of CPU (Whoosh in Python, or the PostgreSQL query
and its snippets); an autosave, a few. When readers ask for more searches than the
process can serve, every request used to wait in the server's one queue, the saves
behind the searches. Here at most ``SEARCH_CONCURRENCY`` searches run at once in a
process; the others wait their turn (at most ``SEARCH_QUEUE`` of them, at most
``SEARCH_WAIT_SECONDS`` each), holding a server thread but no CPU and no database
connection. ``rida serve`` gives
the server that many threads more (:func:`rida.cli.server.server_options`), so the
threads the saves need stay free. A search that finds the queue full, or waits too long,
is answered « réessayez » (HTTP 503 with ``Retry-After``), never an error page.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from flask import Flask, current_app

from rida import db
from rida.search import Query, Results, guard, processes
from rida.util import cores
from rida.views import auth

BUSY = "Trop de recherches en cours : réessayez dans un instant."
EXTENSION = "rida.views.search_gate"


class Busy(Exception):
    """No turn came: the queue was full, or the wait too long."""

    retry_after = 2


class Gate:
    def __init__(self, concurrency: int, queue: int, wait: float) -> None:
        self.turns = threading.BoundedSemaphore(max(1, concurrency))
        self.queue, self.wait = max(0, queue), wait
        self._waiting = 0
        self._lock = threading.Lock()

    @contextmanager
    def turn(self, before_waiting: Callable[[], None] | None = None) -> Iterator[None]:
        """A turn; ``before_waiting`` is called when the search has to wait for one."""
        if not self.turns.acquire(blocking=False):
            with self._lock:
                if self._waiting >= self.queue:
                    raise Busy(BUSY)
                self._waiting += 1
            if before_waiting is not None:
                before_waiting()
            try:
                deadline = time.monotonic() + self.wait
                if not self.turns.acquire(timeout=max(0.0, deadline - time.monotonic())):
                    raise Busy(BUSY)
            finally:
                with self._lock:
                    self._waiting -= 1
        try:
            yield
        finally:
            self.turns.release()


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = Gate(
        cores.host_share(app.config, "SEARCH_CONCURRENCY"),
        int(app.config.get("SEARCH_QUEUE", 64)),
        float(app.config.get("SEARCH_WAIT_SECONDS", 10)),
    )


def search(query: Query) -> Results:
    """The current request's search, in its turn (else :class:`Busy`): in a search process
    when the app has them (:mod:`rida.search.processes`), else in this thread."""
    with turn():
        pool = processes.pool_of(current_app)
        if pool is None:
            return guard.search(db.session(), auth.user(), query)
        user = auth.user()
        user_id = None if user is None else user.id
        db.session().rollback()  # the connection goes back while the search process works
        try:
            return pool.search(user_id, query)
        except processes.Broken as e:
            raise Busy(BUSY) from e


def turn() -> AbstractContextManager[None]:
    """A turn of the current app's gate. A search that must wait gives its database
    connection back first: the request's read session (which loaded the account) ends its
    transaction, and takes a connection again once the turn comes. Waiting searches held
    the pool's connections, and the saves then waited for a connection behind them."""
    gate: Gate = current_app.extensions[EXTENSION]
    return gate.turn(before_waiting=lambda: db.session().rollback())
