"""The OpenID Connect exchange with a provider, through Authlib: discovery, the
authorization code flow with PKCE (S256), ``state`` and ``nonce``; the ID token and a
signed userinfo verified against the provider's keys (issuer, audience, expiry with some
clock skew tolerated); the provider's logout URL.

Every failure is a :class:`SignInError` with a French message and a short reason for the
audit log; nothing here knows about accounts (:mod:`rida.accounts.oidc.linking`).
"""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken, UserInfo
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from rida.accounts.oidc.config import Provider

# Signatures accepted on an ID token or a userinfo: asymmetric only (never "none").
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
CACHE_SECONDS = 3600.0


class SignInError(Exception):
    """A refused sign-in: ``message`` for the person (French), ``reason`` for the log."""

    def __init__(self, reason: str, message: str, details: dict[str, Any] | None = None):
        super().__init__(reason)
        self.reason = reason
        self.message = message
        self.details = details or {}


UNREACHABLE = "Le fournisseur d'identité ne répond pas : réessayez dans un instant."
INVALID = "La réponse du fournisseur d'identité n'a pas pu être vérifiée : reconnectez-vous."


@dataclass
class Pending:
    """What the session keeps between the redirection and the return."""

    provider: str
    state: str
    nonce: str
    verifier: str
    next: str

    def as_dict(self) -> dict[str, str]:
        return dict(self.__dict__)


_cache: dict[str, tuple[float, Any]] = {}


def _get(provider: Provider, url: str, **kwargs: Any) -> requests.Response:
    try:
        response = requests.get(url, timeout=provider.timeout_seconds, **kwargs)
        response.raise_for_status()
    except requests.RequestException as error:
        raise SignInError("provider_unreachable", UNREACHABLE) from error
    return response


def _cached_json(provider: Provider, url: str, *, force: bool = False) -> Any:
    hit = _cache.get(url)
    if hit is not None and not force and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    try:
        value = _get(provider, url).json()
    except ValueError as error:
        raise SignInError("provider_bad_metadata", UNREACHABLE) from error
    _cache[url] = (time.monotonic(), value)
    return value


def metadata(provider: Provider) -> dict[str, Any]:
    data = _cached_json(provider, provider.discovery_url)
    if not isinstance(data, dict) or not all(
        isinstance(data.get(k), str) for k in ("issuer", "authorization_endpoint", "jwks_uri")
    ):
        raise SignInError("provider_bad_metadata", UNREACHABLE)
    return data


def cached_metadata(provider: Provider) -> dict[str, Any] | None:
    """The provider's metadata if already read (no network)."""
    hit = _cache.get(provider.discovery_url)
    return hit[1] if hit is not None and isinstance(hit[1], dict) else None


def keys(provider: Provider, *, force: bool = False) -> KeySet:
    try:
        return KeySet.import_key_set(
            _cached_json(provider, metadata(provider)["jwks_uri"], force=force)
        )
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise SignInError("provider_bad_keys", UNREACHABLE) from error


def _session(provider: Provider, **kwargs: Any) -> OAuth2Session:
    return OAuth2Session(
        provider.client_id,
        provider.client_secret,
        scope=provider.scopes,
        code_challenge_method="S256",
        token_endpoint_auth_method=provider.token_endpoint_auth_method,
        **kwargs,
    )


def begin(provider: Provider, redirect_uri: str, next_url: str) -> tuple[str, Pending]:
    """The provider's authorization URL to send the browser to, and what to keep."""
    pending = Pending(
        provider.name, generate_token(32), generate_token(32), generate_token(48), next_url
    )
    extra = {"acr_values": provider.acr_values} if provider.acr_values else {}
    with _session(provider, redirect_uri=redirect_uri) as client:
        url, _ = client.create_authorization_url(
            metadata(provider)["authorization_endpoint"],
            state=pending.state,
            nonce=pending.nonce,
            code_verifier=pending.verifier,
            **extra,
        )
    return str(url), pending


def _decode(provider: Provider, token: str) -> Any:
    """The verified JWT, with the keys refreshed once for an unknown key id (rotation)."""
    for force in (False, True):
        try:
            return jwt.decode(token, keys(provider, force=force), algorithms=ALGORITHMS)
        except JoseError as error:
            if force or error.error not in ("invalid_key_id", "bad_signature"):
                raise SignInError("invalid_signature", INVALID) from error
    raise AssertionError("unreachable")


def verify_id_token(
    provider: Provider,
    token: str,
    nonce: str,
    access_token: str | None = None,
    now: int | None = None,
) -> dict[str, Any]:
    """The claims of ``token`` once its signature, issuer, audience, expiry and nonce hold."""
    decoded = _decode(provider, token)
    options = {"iss": {"essential": True, "values": [metadata(provider)["issuer"]]}}
    params = {"nonce": nonce, "client_id": provider.client_id}
    if access_token is not None:
        params["access_token"] = access_token
    claims = CodeIDToken(decoded.claims, decoded.header, options, params)
    try:
        claims.validate(now=now, leeway=provider.leeway_seconds)
    except JoseError as error:
        reason = f"id_token_{getattr(error, 'error', 'invalid')}"
        if "nonce" in str(error.description or ""):
            reason = "nonce_mismatch"
        raise SignInError(reason, INVALID) from error
    return dict(claims)


def userinfo(provider: Provider, access_token: str, subject: str) -> dict[str, Any]:
    """The userinfo, plain JSON or a signed JWT (ProConnect), about ``subject``."""
    endpoint = metadata(provider).get("userinfo_endpoint")
    if not endpoint:
        return {}
    response = _get(provider, endpoint, headers={"Authorization": f"Bearer {access_token}"})
    if response.headers.get("Content-Type", "").split(";")[0].strip() == "application/jwt":
        decoded = _decode(provider, response.text.strip())
        options = {
            # SHOULD be there (OpenID Connect Core 5.3.2; ProConnect sends them): checked
            # when present.
            "iss": {"values": [metadata(provider)["issuer"]]},
            "aud": {"values": [provider.client_id]},
        }
        info = UserInfo(decoded.claims)
        try:
            from authlib.oauth2.claims import JWTClaims

            JWTClaims(decoded.claims, decoded.header, options).validate(
                leeway=provider.leeway_seconds
            )
        except JoseError as error:
            raise SignInError("userinfo_invalid", INVALID) from error
    else:
        try:
            info = UserInfo(response.json())
        except ValueError as error:
            raise SignInError("userinfo_invalid", INVALID) from error
    if info.get("sub") != subject:
        raise SignInError("userinfo_subject_mismatch", INVALID)
    return dict(info)


def finish(
    provider: Provider, pending: Pending | None, args: dict[str, str], redirect_uri: str
) -> tuple[dict[str, Any], str]:
    """Back from the provider: the identity's claims (ID token + userinfo) and the raw ID
    token (for the logout's ``id_token_hint``)."""
    if args.get("error"):
        raise SignInError(
            f"provider_{args['error'][:40]}",
            "Connexion annulée ou refusée par le fournisseur d'identité.",
        )
    if (
        pending is None
        or pending.provider != provider.name
        or not hmac.compare_digest(pending.state, args.get("state", ""))
    ):
        raise SignInError(
            "state_mismatch", "Demande de connexion inconnue ou déjà utilisée : recommencez."
        )
    if not args.get("code"):
        raise SignInError("no_code", INVALID)
    endpoint = metadata(provider).get("token_endpoint")
    try:
        with _session(provider, redirect_uri=redirect_uri) as client:
            client.timeout = provider.timeout_seconds
            token = client.fetch_token(
                endpoint,
                grant_type="authorization_code",
                code=args["code"],
                code_verifier=pending.verifier,
            )
    except requests.RequestException as error:
        raise SignInError("provider_unreachable", UNREACHABLE) from error
    except Exception as error:  # authlib's OAuthError and friends: a refused code
        raise SignInError("token_refused", INVALID) from error
    raw = token.get("id_token")
    if not isinstance(raw, str):
        raise SignInError("no_id_token", INVALID)
    claims = verify_id_token(provider, raw, pending.nonce, token.get("access_token"))
    access = token.get("access_token")
    info = userinfo(provider, access, str(claims["sub"])) if isinstance(access, str) else {}
    return {**info, **claims}, raw


def logout_url(provider: Provider, id_token: str, after: str) -> str | None:
    """The provider's end-session URL (with ``id_token_hint``), or None if it has none."""
    try:
        endpoint = metadata(provider).get("end_session_endpoint")
    except SignInError:
        return None
    if not endpoint:
        return None
    query = urlencode(
        {"id_token_hint": id_token, "post_logout_redirect_uri": after, "state": generate_token(16)}
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
