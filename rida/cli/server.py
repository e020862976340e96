"""``rida serve``: the application behind a production WSGI server (waitress).

A live stream (``GET /api/meetings/<id>/events``) holds a thread for as long as it is
open: waitress runs ``--threads`` plus as many threads as live streams may be open
(``RIDA_LIVE_MAX_STREAMS``, enforced by the app), so that open streams never take the
threads the saves need, and accepts connections for all of them. Each event is sent as
soon as the stream yields it (waitress 3 writes a task's output to the socket at once).
SIGTERM and Ctrl+C end the streams first (the browsers reconnect to the next server),
then stop waitress. With ``--workers N`` (N > 1; by default, the number of cores), N
processes serve the same port (gunicorn, :mod:`rida.cli.workers`), each as above.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import click

from rida import create_app, settings
from rida.util import cores


def server_options(threads: int, streams: int, searches: int = 0) -> dict[str, int]:
    """Waitress's threads and connection limit for ``threads`` request threads, ``streams``
    live streams and ``searches`` searches waiting their turn (rida.views.search_gate;
    each browser may also keep a connection or two alive)."""
    return {
        "threads": threads + streams + searches,
        "connection_limit": max(100, 2 * streams + 4 * threads + searches),
        # Keep reading a connection while its request runs: a stream whose client has left
        # is noticed at once (environ["waitress.client_disconnected"]), not at its next write.
        "channel_request_lookahead": 1,
    }


@click.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, envvar="HOST", help="Adresse d'écoute."
)
@click.option(
    "--port", default=5000, show_default=True, type=int, envvar="PORT", help="Port d'écoute."
)
@click.option(
    "--threads",
    default=8,
    show_default=True,
    type=int,
    help="Nombre de fils de traitement des requêtes (plus un par flux en direct possible).",
)
@click.option(
    "--workers",
    default=lambda: cores.cores(),
    show_default="le nombre de cœurs",
    type=click.IntRange(1, 64),
    help="Nombre de processus serveurs (au-delà de 1 : gunicorn, sur le même port).",
)
def serve(host: str, port: int, threads: int, workers: int) -> None:
    """Sert l'application (waitress ; gunicorn avec plusieurs processus)."""
    from rida.cli import indexing

    config = settings.load()
    options = server_options(
        threads, int(str(config["LIVE_MAX_STREAMS"])), int(str(config["SEARCH_QUEUE"]))
    )
    if not config.get("SECRET_KEY"):  # made once, before any process reads it
        settings.secret_key(Path(str(config["DATA_DIR"])))
    indexer = indexing.spawn()  # first: forked before any thread or connection exists
    try:
        if workers > 1:  # each worker makes its own app after the fork, none is made here
            from rida.cli import workers as gunicorn

            click.echo(f"rida est servi sur http://{host}:{port}/ par {workers} processus")
            gunicorn.run(host, port, workers, options["threads"], options["connection_limit"])
        else:
            _serve(host, port, options)
    finally:
        indexing.stop(indexer)


def _serve(host: str, port: int, options: dict[str, int]) -> None:
    """One process: waitress."""
    from waitress import create_server

    from rida.cli import indexing
    from rida.live import stream

    app = create_app(indexing.WEB_PROCESS)
    server = create_server(app, host=host, port=port, ident="rida", **options)

    def stop(signum: int, _frame: Any) -> None:
        stream.shutdown(app)  # the streams end, their threads come back
        raise KeyboardInterrupt(f"signal {signum}")  # waitress then stops

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"rida est servi sur http://{host}:{port}/ (Ctrl+C pour arrêter)")
    try:
        server.run()
    finally:
        stream.shutdown(app)
