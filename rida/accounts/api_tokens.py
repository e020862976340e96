"""API tokens for scripts: ``Authorization: Bearer rida_<prefix>_<secret>``.

A token is shown once, at its creation; only the SHA-256 of the whole token is kept, found
through a unique index (the secret is never compared byte by byte). The ``prefix`` is
visible: it names the token in lists and for revocation. A token stops working when
revoked, when expired, or when its account is deactivated. When an account is made to sign
in through its provider only, its live tokens are revoked (:func:`revoke_all`): a token
created in its password days is a password-era credential.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from sqlmodel import Session, col, select

from rida.accounts.feed_tokens import digest  # one way to hash a secret token
from rida.audit import events
from rida.fields import FieldError
from rida.models import ApiToken, User, aware, utcnow

PREFIX_BYTES = 4
SECRET_BYTES = 32
MAX_EXPIRES_DAYS = 3650
FORMAT = re.compile(r"rida_([0-9a-f]{8})_[A-Za-z0-9_-]{20,100}", re.ASCII)
# last_used_at is written at most this often (not one write per API call).
TOUCH_EVERY = dt.timedelta(minutes=1)


def create(
    session: Session,
    user: User,
    *,
    name: str = "",
    expires_days: int | None = None,
    actor: User | None = None,
    ip: str | None = None,
) -> tuple[ApiToken, str]:
    """A new token of ``user``: the record and the token itself (kept nowhere)."""
    name = (name or "").strip()
    if len(name) > 200:
        raise FieldError("name", "nom de 200 caractères au plus")
    if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRES_DAYS:
        raise FieldError("expires_days", f"durée de 1 à {MAX_EXPIRES_DAYS} jours")
    if not user.active:
        raise FieldError("login", f"le compte « {user.login} » est désactivé")
    prefix = secrets.token_hex(PREFIX_BYTES)
    while session.exec(select(ApiToken.id).where(ApiToken.prefix == prefix)).first():
        prefix = secrets.token_hex(PREFIX_BYTES)  # pragma: no cover - 1 in 4 billion
    token = f"rida_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    now = utcnow()
    record = ApiToken(
        user_id=user.id,
        name=name,
        prefix=prefix,
        token_hash=digest(token),
        created_at=now,
        expires_at=now + dt.timedelta(days=expires_days) if expires_days else None,
    )
    session.add(record)
    session.flush()
    events.emit(
        events.TOKEN_CREATED,
        session=session,
        **_who(actor, ip),
        object_type="api_token",
        object_id=prefix,
        after={
            "user": user.login,
            "name": name,
            "expires_at": record.expires_at.isoformat() if record.expires_at else None,
        },
    )
    return record, token


def _who(actor: User | None, ip: str | None) -> dict[str, object]:
    return {
        "user_id": actor.id if actor else None,
        "login": actor.login if actor else None,
        "ip": ip,
    }


def tokens_of(session: Session, user: User | None = None) -> list[tuple[ApiToken, User]]:
    """Tokens (of one account, or all), newest first, with their account."""
    query = select(ApiToken, User).join(User, col(ApiToken.user_id) == User.id)
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return [
        (t, u)
        for t, u in session.exec(
            query.order_by(col(ApiToken.created_at).desc(), col(ApiToken.id).desc())
        ).all()
    ]


def state(token: ApiToken, now: dt.datetime | None = None) -> str:
    """``active``, ``revoked`` or ``expired``."""
    if token.revoked_at is not None:
        return "revoked"
    expires = aware(token.expires_at)
    if expires is not None and expires <= (now or utcnow()):
        return "expired"
    return "active"


def revoke(
    session: Session,
    prefix: str,
    *,
    owner: User | None = None,
    actor: User | None = None,
    ip: str | None = None,
) -> ApiToken:
    """Revoke the token named ``prefix`` (of ``owner`` only, when given); idempotent."""
    query = select(ApiToken).where(ApiToken.prefix == (prefix or "").strip())
    if owner is not None:
        query = query.where(ApiToken.user_id == owner.id)
    token = session.exec(query).first()
    if token is None:
        raise FieldError("prefix", f"jeton « {prefix} » inconnu")
    if token.revoked_at is None:
        _revoke(session, token, actor, ip)
    return token


def revoke_all(
    session: Session, user: User, reason: str, *, actor: User | None = None, ip: str | None = None
) -> int:
    """Revoke every live token of ``user`` (not revoked, not expired), each audited with
    ``reason``; how many. In the transaction of ``session``, with the change that needs it."""
    now = utcnow()
    live = session.exec(
        select(ApiToken)
        .where(ApiToken.user_id == user.id, col(ApiToken.revoked_at).is_(None))
        .order_by(col(ApiToken.id))
    ).all()
    revoked = [t for t in live if state(t, now) == "active"]
    for token in revoked:
        _revoke(session, token, actor, ip, account=user.login, reason=reason)
    return len(revoked)


def _revoke(
    session: Session, token: ApiToken, actor: User | None, ip: str | None, **details: object
) -> None:
    token.revoked_at = utcnow()
    session.add(token)
    events.token_revoked("api_token", token.prefix, actor, ip, session=session, **details)


def resolve(
    session: Session, token: str, now: dt.datetime | None = None
) -> tuple[ApiToken, User] | None:
    """The live token and its active account; None for a malformed, unknown, revoked or
    expired token, or one whose account is deactivated (all alike)."""
    if not FORMAT.fullmatch(token or ""):
        return None
    found = session.exec(
        select(ApiToken, User)
        .join(User, col(ApiToken.user_id) == User.id)
        .where(
            ApiToken.token_hash == digest(token),
            col(ApiToken.revoked_at).is_(None),
            col(User.active).is_(True),
        )
    ).first()
    if found is None or state(found[0], now) != "active":
        return None
    return found[0], found[1]


def needs_touch(token: ApiToken, now: dt.datetime | None = None) -> bool:
    last = aware(token.last_used_at)
    return last is None or (now or utcnow()) - last >= TOUCH_EVERY


def touch(session: Session, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is not None:
        token.last_used_at = utcnow()
        session.add(token)


def as_dict(token: ApiToken, user: User) -> dict[str, object]:
    def iso(at: dt.datetime | None) -> str | None:
        at = aware(at)
        return at.isoformat(timespec="seconds") if at is not None else None

    return {
        "prefix": token.prefix,
        "login": user.login,
        "name": token.name,
        "state": state(token),
        "created_at": iso(token.created_at),
        "last_used_at": iso(token.last_used_at),
        "expires_at": iso(token.expires_at),
        "revoked_at": iso(token.revoked_at),
    }
