"""rida: minutes of Task Force workshops with their RIDA table.

The packages follow the domain (``meetings``, ``actions``, ``circuit``, ``compte_rendu``,
``search``, ``accounts``, ``audit``, ``backups``), with the web (``views``) and the
command line (``cli``) on top; ``docs/architecture.md`` draws the map.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The application (:func:`rida.app.create_app`), imported only when asked for: the
    command line starts without Flask."""
    from rida.app import create_app as create

    return create(test_config)
