"""``rida serve --workers N`` (N > 1): N processes behind one port, by gunicorn.

Each worker is a process of its own with its own application (made after the fork:
nothing is shared but the database and the data directory), ``gthread`` workers with as
many threads as ``rida serve`` gives waitress (``--threads`` plus one per live stream
possible), so that a worker holds its live streams without starving its saves. What
must be shared lives in the database: the change log that every worker's follower reads
(:mod:`rida.live`), the search outbox that the host's index follows from its own
position, one indexer at a time under its file lock (:mod:`rida.search.indexer`), the
sessions in their signed cookies.

SIGTERM or Ctrl+C on the master: each worker ends its streams first (the browsers
reconnect to whatever serves next), finishes its requests and exits. SIGHUP: a graceful
restart (new workers, then the old ones stop as above).
"""

from __future__ import annotations

import signal
from typing import Any

from gunicorn.app.base import BaseApplication

from rida.live import stream


class Workers(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]):
        self.options = options
        self.count = int(options["workers"])
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from rida import create_app
        from rida.cli.indexing import WEB_PROCESS

        return create_app({**WEB_PROCESS, "SERVER_WORKERS": self.count})


def _post_worker_init(worker: Any) -> None:
    """A worker asked to stop (SIGTERM, or SIGINT/SIGQUIT) ends its live streams first:
    they never end by themselves, and the worker waits for its requests."""
    handlers: dict[int, Any] = {
        signal.SIGTERM: worker.handle_exit,
        signal.SIGINT: worker.handle_quit,
        signal.SIGQUIT: worker.handle_quit,
    }

    def stop(signum: int, frame: Any) -> None:
        stream.shutdown(worker.wsgi)
        handlers[signum](signum, frame)

    for signum in handlers:
        signal.signal(signum, stop)


def run(host: str, port: int, workers: int, threads: int, connections: int) -> None:
    Workers(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": threads,
            "worker_connections": connections,
            "graceful_timeout": 10,
            "keepalive": 5,
            "proc_name": "rida",
            "control_socket_disable": True,  # gunicorn 24+: no socket in the home directory
            "post_worker_init": _post_worker_init,
        }
    ).run()
