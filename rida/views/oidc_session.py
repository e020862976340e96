"""The providers of the instance on the app, and the logout's part of OpenID Connect
(:mod:`rida.accounts.oidc`): kept apart from :mod:`rida.views.oidc`, which needs
:mod:`rida.views.auth`, itself needing this."""

from __future__ import annotations

from flask import Flask, current_app, url_for

from rida.accounts.oidc import config, protocol

EXTENSION = "rida.oidc"
SIGNED_IN = "oidc_signed_in"  # in the login session: provider name and ID token


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = config.load(
        app.config["OIDC_PROVIDERS_FILE"], app.config["DATA_DIR"]
    )


def providers() -> dict[str, config.Provider]:
    found: dict[str, config.Provider] = current_app.extensions.get(EXTENSION, {})
    return found


def provider_logout(kept: object) -> str | None:
    """Where to send the browser after rida's logout: the provider's end-session URL (with
    ``id_token_hint``) for a session opened through a provider that has one, else None."""
    if not isinstance(kept, dict):
        return None
    provider = providers().get(str(kept.get("provider")))
    if provider is None or not isinstance(kept.get("id_token"), str):
        return None
    return protocol.logout_url(provider, kept["id_token"], url_for("auth.login", _external=True))
