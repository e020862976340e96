"""The providers of the instance on the app, and the logout's part of OpenID Connect
(:mod:`rida.accounts.oidc`): kept apart from :mod:`rida.views.oidc`, which needs
:mod:`rida.views.auth`, itself needing this."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request, url_for

from rida.accounts.oidc import config, protocol

EXTENSION = "rida.oidc"
SIGNED_IN = "oidc_signed_in"  # in the login session: provider name and ID token


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = config.load(
        app.config["OIDC_PROVIDERS_FILE"], app.config["DATA_DIR"]
    )
    if app.extensions[EXTENSION]:
        # Registered before the security headers' hook, so it runs after it.
        app.after_request(_allow_provider_forms)


def _origin(url: object) -> str | None:
    parts = urlsplit(url) if isinstance(url, str) else None
    return f"{parts.scheme}://{parts.netloc}" if parts and parts.scheme and parts.netloc else None


def provider_origins(*, fetch: bool = False) -> list[str]:
    """Where the sign-in button and the logout send the browser: each provider's origins
    (its discovery URL's, and its endpoints' once its metadata is known; ``fetch`` reads
    it, the login page does)."""
    found: set[str | None] = set()
    for provider in providers().values():
        found.add(_origin(provider.discovery_url))
        try:
            meta = protocol.metadata(provider) if fetch else protocol.cached_metadata(provider)
        except protocol.SignInError:
            meta = None
        for key in ("authorization_endpoint", "end_session_endpoint"):
            found.add(_origin((meta or {}).get(key)))
    return sorted(o for o in found if o)


def _allow_provider_forms(response: Response) -> Response:
    """The CSP's ``form-action 'self'`` also lets the forms that leave for a provider go
    (Chromium applies it to a form's redirections: the sign-in button, the logout)."""
    csp = response.headers.get("Content-Security-Policy", "")
    if "form-action 'self'" in csp and response.mimetype == "text/html":
        origins = provider_origins(fetch=request.endpoint == "auth.login")
        csp = csp.replace("form-action 'self'", " ".join(["form-action 'self'", *origins]))
        response.headers["Content-Security-Policy"] = csp
    return response


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
