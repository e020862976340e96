"""``rida serve``: the application behind a production WSGI server (waitress)."""

from __future__ import annotations

import click

from rida import create_app


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
    help="Nombre de fils de traitement des requêtes.",
)
def serve(host: str, port: int, threads: int) -> None:
    """Sert l'application avec un serveur WSGI de production (waitress)."""
    from waitress import serve as waitress_serve

    app = create_app()
    click.echo(f"rida est servi sur http://{host}:{port}/ (Ctrl+C pour arrêter)")
    waitress_serve(app, host=host, port=port, threads=threads, ident="rida")
