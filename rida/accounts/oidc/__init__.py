"""Sign-in through OpenID Connect providers (ProConnect, Pro Santé Connect…).

:mod:`.config` reads the providers declared for the instance, :mod:`.protocol` talks to
them (Authlib), :mod:`.linking` turns a verified identity into a rida account. The views
are in :mod:`rida.views.oidc`.
"""

from __future__ import annotations

from flask import Flask, current_app

from rida.accounts.oidc import config

EXTENSION = "rida.oidc"


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = config.load(
        app.config["OIDC_PROVIDERS_FILE"], app.config["DATA_DIR"]
    )


def providers() -> dict[str, config.Provider]:
    found: dict[str, config.Provider] = current_app.extensions.get(EXTENSION, {})
    return found
