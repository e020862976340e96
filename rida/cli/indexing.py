"""The search indexer of ``rida serve`` in a process of its own, at a lower priority.

Indexing a change (Whoosh, pure Python) costs more CPU than the save that queued it. As a
thread of the web process, it held the interpreter lock while saves waited; in a process
of its own, niced (:data:`NICE`), the kernel gives the web processes the CPU first: saves
stay fast under load and the index lags a little instead (it is seconds at worst, and
``rida search-check`` tells). One per ``rida serve``, whatever ``--workers``; the web
processes run no indexer. With PostgreSQL search (the index written by each change's
transaction) there is nothing to drain, and the process ends at once.

It is forked before any thread or connection exists, ends on SIGTERM or SIGINT (Ctrl+C
reaches the whole process group), and also when the server that forked it is gone.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from typing import Any

log = logging.getLogger(__name__)

NICE = 10
# The configuration of a web process of ``rida serve``: it holds the server lock, and the
# indexing process indexes for it.
WEB_PROCESS = {"SERVER_PROCESS": True, "SEARCH_INDEXER": False}
WATCH = 1.0  # seconds between two looks at the parent


def spawn() -> int:
    """Fork the indexing process; its pid."""
    parent = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        _run(parent)
    except BaseException:  # noqa: BLE001 - reported, then the child ends
        log.exception("Processus d'indexation arrêté sur une erreur.")
        code = 1
    finally:
        os._exit(code)


def stop(pid: int, timeout: float = 15.0) -> None:
    """Ask the indexing process to end, and wait for it (a bounded time)."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:  # reaped already (gunicorn's master reaps any child)
            return
        if done:
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)


def _run(parent: int) -> None:
    os.nice(NICE)
    ended = threading.Event()

    def end(_signum: int, _frame: Any) -> None:
        ended.set()

    signal.signal(signal.SIGTERM, end)
    signal.signal(signal.SIGINT, end)
    from rida.app import create_core_app
    from rida.search import indexer

    app = create_core_app({"SEARCH_INDEXER": True})
    running = app.extensions.get(indexer.EXTENSION)
    if running is None:  # the index is written in the transaction: nothing to drain
        return
    while not ended.wait(WATCH) and os.getppid() == parent:
        pass
    running.stop()
