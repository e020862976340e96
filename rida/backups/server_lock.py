"""Whether a server holds the data: a shared ``flock`` on ``RIDA_DATA_DIR/server.lock``.

Every server process (an app that runs the search indexer: ``rida serve``, ``flask run``)
holds a *shared* lock on this file for as long as it lives; the kernel releases it when
the process ends, even by SIGKILL, so a crash never leaves a stale marker (unlike a pid
file). ``rida restore`` takes it *exclusively* without waiting: if any server holds it,
the restore is refused; while the restore runs, a server that starts waits for it.
Commands (``rida import``…) do not take it.
"""

from __future__ import annotations

import fcntl
import os
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rida.db import App

LOCK_NAME = "server.lock"
EXTENSION = "rida.backups.server_lock"


class ServerRunning(Exception):
    """A server process holds the data directory."""


def _open(data_dir: Path) -> int:
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    return os.open(data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)


class Held:
    """A shared hold on a data dir, until :meth:`release` (or the process ends)."""

    def __init__(self, data_dir: Path):
        self.fd: int | None = _open(data_dir)
        fcntl.flock(self.fd, fcntl.LOCK_SH)  # waits while a restore runs

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def hold(app: App) -> Held:
    """Mark ``app``'s data dir as served by this process, until the app is collected or
    the process ends."""
    held = Held(Path(app.config["DATA_DIR"]))
    app.extensions[EXTENSION] = held
    weakref.finalize(app, held.release)
    return held


@contextmanager
def exclusive(data_dir: Path) -> Iterator[None]:
    """Hold the data dir alone; :class:`ServerRunning` if a server holds it."""
    fd = _open(data_dir)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ServerRunning(str(data_dir)) from None
        yield
    finally:
        os.close(fd)
