"""What administrators do with OpenID Connect accounts (web page and command line):
approve an account waiting for approval, remove an identity's link, make an account sign
in through its provider only (or give it back its password).

Making an account SSO-only ends its open sessions and revokes its live API tokens and
calendar feeds, in the same transaction: what was obtained with its password no longer
works. Its tokens and feeds created afterwards (signed in through its provider) work as
any.

An account may not be made SSO-only if that would close the break-glass route: the
break-glass administrator (``RIDA_BREAK_GLASS_ADMIN``) keeps its password, and so does the
last active administrator able to sign in with a password (with password sign-in closed,
the break-glass administrator is the only one able to).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from rida.accounts import account_admin, api_tokens, feed_tokens
from rida.accounts.account_admin import OPEN, Actor, PasswordRoute
from rida.accounts.oidc import linking
from rida.audit import events
from rida.fields import FieldError
from rida.models import OidcIdentity, User


def short_subject(subject: str) -> str:
    """The subject as shown on the page: long ones shortened (the whole one in a title)."""
    return subject if len(subject) <= 16 else f"{subject[:8]}…{subject[-4:]}"


def identities(session: Session) -> dict[int, list[dict[str, Any]]]:
    """Every account's linked identities, by account id (oldest first)."""
    found: dict[int, list[dict[str, Any]]] = {}
    for i in session.exec(select(OidcIdentity).order_by(col(OidcIdentity.id))):
        found.setdefault(i.user_id, []).append(
            {
                "id": i.id,
                "provider": i.provider,
                "issuer": i.issuer,
                "subject": i.subject,
                "short": short_subject(i.subject),
                "email": i.email,
            }
        )
    return found


def approve(session: Session, target: User, actor: Actor) -> bool:
    """Approve an account waiting for approval; False if it was not waiting."""
    return linking.approve(session, target, actor.user, actor.ip)


def unlink_identity(session: Session, target: User, identity_id: int, actor: Actor) -> str:
    """Remove one identity of ``target``; its provider's name."""
    identity = session.get(OidcIdentity, identity_id)
    if identity is None or identity.user_id != target.id:
        raise FieldError("identity_id", "identité inconnue pour ce compte")
    session.delete(identity)
    account_admin.emit(
        session,
        events.SSO_UNLINKED,
        actor,
        target,
        provider=identity.provider,
        subject=identity.subject,
    )
    return identity.provider


def unlink_provider(session: Session, target: User, provider: str, actor: Actor) -> int:
    """Remove every identity of ``target`` at ``provider`` (by its name); how many."""
    removed = linking.unlink(session, target, provider, actor.ip, actor.user)
    if removed == 0:
        raise FieldError("provider", f"aucune identité « {provider} » liée à ce compte")
    return removed


def _keep_break_glass(session: Session, target: User, route: PasswordRoute) -> None:
    if route.break_glass and target.login == route.break_glass:
        raise FieldError(
            "sso_only", "c'est l'administrateur de secours : il garde son mot de passe"
        )
    account_admin.keep_an_admin(session, target, "sso_only", password=route)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {many if n > 1 else one}"


@dataclass(frozen=True)
class SsoOnlyChange:
    """What :func:`set_sso_only` did: ``changed`` (False: it already was so), and how many
    API tokens and calendar feeds it revoked."""

    changed: bool
    tokens_revoked: int = 0
    feeds_revoked: int = 0

    def message(self, login: str, on: bool) -> str:
        """The French sentence for the page and the command line."""
        how = "par fournisseur uniquement" if on else "aussi par mot de passe"
        if not self.changed:
            return f"Compte « {login} » : connexion {how} (déjà)."
        if not on:
            return f"Compte « {login} » : connexion {how}."
        tokens = _count(self.tokens_revoked, "jeton d'API", "jetons d'API")
        feeds = _count(self.feeds_revoked, "adresse d'agenda", "adresses d'agenda")
        return f"Compte « {login} » : connexion {how} ; {tokens} et {feeds} révoqués."


def set_sso_only(
    session: Session, target: User, on: bool, actor: Actor, route: PasswordRoute = OPEN
) -> SsoOnlyChange:
    """Make ``target`` sign in through its provider only (``on``) or with its password
    too. ``route``: who may sign in with a password (the break-glass administrator keeps
    it). Going SSO-only ends the account's sessions and revokes its live API tokens and
    calendar feeds (all obtained with its password, perhaps): only what it gets through
    its provider afterwards works."""
    if target.sso_only == on:
        return SsoOnlyChange(changed=False)
    if on:
        _keep_break_glass(session, target, route)
    target.sso_only = on
    tokens = feeds = 0
    if on:  # its password sessions end (its provider's too: one epoch for all)
        account_admin.end_sessions(target)
        by, ip = actor.user, actor.ip
        tokens = api_tokens.revoke_all(session, target, "sso_only", actor=by, ip=ip)
        feeds = feed_tokens.revoke_all(session, target, "sso_only", actor=by, ip=ip)
    session.add(target)
    account_admin.emit(
        session,
        events.SSO_ONLY_CHANGED,
        actor,
        target,
        before={"sso_only": not on},
        after={"sso_only": on},
        tokens_revoked=tokens,
        feeds_revoked=feeds,
    )
    return SsoOnlyChange(changed=True, tokens_revoked=tokens, feeds_revoked=feeds)
