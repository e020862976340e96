"""From a provider's verified identity to a rida account.

- An identity is linked to an account by its issuer and subject (``oidc_identity``).
- A first sign-in links to an existing account only by an explicit rule: the provider's
  ``link_by_verified_email`` and an address it vouches for (``email_verified``, or
  ``trust_email``), matching the account's login. Otherwise, with ``provisioning``, it
  creates an SSO-only account with the provider's default role, waiting for an
  administrator unless the e-mail's domain or the SIRET is on the allow list; without
  provisioning it is refused.
- A disabled account, or one still waiting for approval, is refused.
Every link, refusal and approval is emitted for the audit log.
"""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import Session, func, select

from rida.accounts import LOGIN, account_admin
from rida.accounts.account_admin import Actor
from rida.accounts.oidc.config import Provider
from rida.accounts.oidc.protocol import SignInError
from rida.audit import events
from rida.models import OidcIdentity, User, utcnow

NO_ACCOUNT = (
    "Aucun compte rida n'est associé à cette identité : demandez à un administrateur de "
    "vous créer un compte."
)
DISABLED = "Ce compte est désactivé : adressez-vous à un administrateur."
PENDING = (
    "Votre compte attend l'approbation d'un administrateur : vous pourrez vous connecter "
    "une fois approuvé."
)


def _email(provider: Provider, claims: dict[str, Any]) -> str | None:
    email = claims.get("email")
    return email.strip().lower() if isinstance(email, str) and "@" in email else None


def _verified(provider: Provider, claims: dict[str, Any]) -> bool:
    return provider.trust_email or claims.get("email_verified") is True


def _allowed(provider: Provider, email: str | None, claims: dict[str, Any]) -> bool:
    domain = email.rpartition("@")[2] if email else None
    siret = str(claims.get("siret") or "").strip()
    return (domain is not None and domain in provider.allowed_email_domains) or (
        bool(siret) and siret in provider.allowed_sirets
    )


def _professional_id(provider: Provider, claims: dict[str, Any]) -> str | None:
    value = claims.get(provider.professional_id_claim) if provider.professional_id_claim else None
    return str(value)[:40] if value else None


def _new_login(session: Session, email: str | None, subject: str) -> str:
    base = (
        email
        if email and LOGIN.fullmatch(email)
        else "sso-" + re.sub(r"[^A-Za-z0-9._-]", "", subject)[:60]
    )
    login, n = base[:100], 1
    while session.exec(select(User).where(User.login == login)).first() is not None:
        n += 1
        login = f"{base[:95]}-{n}"
    return login


def record_refusal(
    provider: str, error: SignInError, ip: str | None, user: User | None = None, **details: Any
) -> None:
    """The refusal in the audit log (in its own transaction: the sign-in's is undone)."""
    events.emit(
        events.SSO_REFUSED,
        ip=ip,
        login=user.login if user else None,
        object_type="user" if user else None,
        object_id=str(user.id) if user else None,
        details={"provider": provider, "reason": error.reason, **error.details, **details},
    )


def refusal(user: User) -> SignInError | None:
    """Why ``user`` may not sign in now (disabled, waiting for approval), or None."""
    if not user.active:
        return SignInError("account_disabled", DISABLED)
    if user.approval_pending:
        return SignInError("approval_pending", PENDING)
    return None


def _link(
    session: Session,
    provider: Provider,
    user: User,
    issuer: str,
    subject: str,
    email: str | None,
    ip: str | None,
    rule: str,
) -> OidcIdentity:
    identity = OidcIdentity(
        user_id=user.id or 0, provider=provider.name, issuer=issuer, subject=subject, email=email
    )
    session.add(identity)
    session.flush()
    events.by_account(
        events.SSO_LINKED,
        user,
        ip,
        session=session,
        provider=provider.name,
        issuer=issuer,
        subject=subject,
        rule=rule,
    )
    return identity


def _first_sign_in(
    session: Session,
    provider: Provider,
    claims: dict[str, Any],
    issuer: str,
    subject: str,
    ip: str | None,
) -> User:
    email = _email(provider, claims)
    details = {"issuer": issuer, "subject": subject, "email": email}
    if provider.link_by_verified_email and email and _verified(provider, claims):
        user = session.exec(select(User).where(func.lower(User.login) == email)).first()
        if user is not None:
            _link(session, provider, user, issuer, subject, email, ip, "verified_email")
            return user
    if not provider.provisioning:
        raise SignInError("unknown_identity", NO_ACCOUNT, details)
    pending = not _allowed(provider, email, claims)
    user = User(
        login=_new_login(session, email, subject),
        password_hash="",  # no password: signs in through its provider only
        role=provider.default_role,
        sso_only=True,
        approval_pending=pending,
        professional_id=_professional_id(provider, claims),
    )
    session.add(user)
    session.flush()
    _link(
        session,
        provider,
        user,
        issuer,
        subject,
        email,
        ip,
        "provisioned_pending" if pending else "provisioned",
    )
    return user


def sign_in(session: Session, provider: Provider, claims: dict[str, Any], ip: str | None) -> User:
    """The account of the identity in ``claims`` (verified), linked or made if the rules
    allow (a :class:`SignInError` otherwise). An account that :func:`refusal` refuses is
    returned too, without the success in the log: what was linked or made stays."""
    issuer, subject = str(claims["iss"]), str(claims["sub"])
    identity = session.exec(
        select(OidcIdentity).where(OidcIdentity.issuer == issuer, OidcIdentity.subject == subject)
    ).first()
    user = session.get(User, identity.user_id) if identity is not None else None
    if identity is None or user is None:
        user = _first_sign_in(session, provider, claims, issuer, subject, ip)
        identity = session.exec(
            select(OidcIdentity).where(
                OidcIdentity.issuer == issuer, OidcIdentity.subject == subject
            )
        ).one()
    if refusal(user) is not None:
        return user  # linked or made, kept; the caller refuses (record_refusal)
    identity.last_login_at = utcnow()
    identity.email = _email(provider, claims) or identity.email
    session.add(identity)
    professional_id = _professional_id(provider, claims)
    if professional_id and professional_id != user.professional_id:
        user.professional_id = professional_id
        session.add(user)
    events.by_account(
        events.LOGIN_SUCCEEDED, user, ip, session=session, method="oidc", provider=provider.name
    )
    return user


def approve(session: Session, user: User, by: User | None, ip: str | None) -> bool:
    """Let an account waiting for approval sign in; False if it was not waiting."""
    if not user.approval_pending:
        return False
    user.approval_pending = False
    session.add(user)
    account_admin.emit(session, events.ACCOUNT_APPROVED, Actor(by, ip), user)
    return True


def unlink(
    session: Session, user: User, provider: str, ip: str | None, by: User | None = None
) -> int:
    """Remove ``user``'s identities at ``provider``; how many there were."""
    found = session.exec(
        select(OidcIdentity).where(
            OidcIdentity.user_id == user.id, OidcIdentity.provider == provider
        )
    ).all()
    for identity in found:
        session.delete(identity)
        account_admin.emit(
            session,
            events.SSO_UNLINKED,
            Actor(by, ip),
            user,
            provider=provider,
            subject=identity.subject,
        )
    return len(found)
