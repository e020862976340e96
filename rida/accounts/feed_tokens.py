"""Secret calendar-feed URLs.

A feed token is shown once, at its creation, and stored as its SHA-256 only: whoever reads
the database cannot subscribe. Looking a token up hashes it and finds the hash through the
unique index, so the secret itself is never compared byte by byte. A token is for one series
the account may read, or for the account's own person (« mes actions »); the feed shows
what the account may read *now*, and stops answering (404) once revoked or once the
account is deactivated. When an account is made to sign in through its provider only, its
live feeds are revoked (:func:`revoke_all`): one created in its password days is a
password-era credential.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlmodel import Session, col, select

from rida.access import readable
from rida.audit import events
from rida.fields import FieldError
from rida.models import FeedToken, Meeting, Person, Series, SeriesMember, User, utcnow

TOKEN_BYTES = 32


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Feed:
    token: FeedToken
    series: Series | None
    person: Person | None


def readable_series(session: Session, user: User) -> list[Series]:
    """The series ``user`` may subscribe to: member of, or with a meeting they may read."""
    query = select(Series).order_by(Series.name)
    if user.role != "admin":
        member = select(SeriesMember.series_id).where(SeriesMember.user_id == user.id)
        shown = select(Meeting.series_id).where(readable(user))
        query = query.where(col(Series.id).in_(member) | col(Series.id).in_(shown))
    return list(session.exec(query).all())


def create(
    session: Session, user: User, *, series_id: int | None = None, mine: bool = False
) -> tuple[FeedToken, str]:
    """A new feed of one readable series, or (``mine``) of the user's own actions; the
    record and the secret token, which is not kept anywhere."""
    if mine == (series_id is not None):
        raise FieldError("feed", "choisissez une série ou « mes actions »")
    person_id = None
    if mine:
        if user.person_id is None:
            raise FieldError("feed", "votre compte n'est relié à aucune personne")
        person_id = user.person_id
    elif series_id not in {s.id for s in readable_series(session, user)}:
        raise FieldError("series_id", "série inconnue")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = FeedToken(
        token_hash=digest(token), user_id=user.id, series_id=series_id, person_id=person_id
    )
    session.add(feed)
    session.flush()
    return feed, token


def feeds_of(session: Session, user: User) -> list[Feed]:
    """The user's feeds still active, newest first."""
    found = session.exec(
        select(FeedToken, Series, Person)
        .outerjoin(Series, col(FeedToken.series_id) == Series.id)
        .outerjoin(Person, col(FeedToken.person_id) == Person.id)
        .where(FeedToken.user_id == user.id, col(FeedToken.revoked_at).is_(None))
        .order_by(col(FeedToken.created_at).desc(), col(FeedToken.id).desc())
    ).all()
    return [Feed(t, s, p) for t, s, p in found]


def revoke(session: Session, user: User, feed_id: int) -> FeedToken | None:
    """Revoke one of the user's feeds (idempotent); None if it is not theirs."""
    feed = session.get(FeedToken, feed_id)
    if feed is None or feed.user_id != user.id:
        return None
    if feed.revoked_at is None:
        feed.revoked_at = utcnow()
        session.add(feed)
    return feed


def revoke_all(
    session: Session, user: User, reason: str, *, actor: User | None = None, ip: str | None = None
) -> int:
    """Revoke every live feed of ``user``, each audited (``token.revoke`` on the
    ``feed_token``) with ``reason``; how many. In the transaction of ``session``, with the
    change that needs it."""
    live = session.exec(
        select(FeedToken)
        .where(FeedToken.user_id == user.id, col(FeedToken.revoked_at).is_(None))
        .order_by(col(FeedToken.id))
    ).all()
    for feed in live:
        feed.revoked_at = utcnow()
        session.add(feed)
        details = {"account": user.login, "reason": reason}
        events.token_revoked("feed_token", str(feed.id), actor, ip, session=session, **details)
    return len(live)


def resolve(session: Session, token: str) -> tuple[FeedToken, User] | None:
    """The live feed and its active creator for ``token``; None for a wrong, revoked or
    orphaned token, or one whose account is deactivated (all alike)."""
    found = session.exec(
        select(FeedToken, User)
        .join(User, col(FeedToken.user_id) == User.id)
        .where(
            FeedToken.token_hash == digest(token),
            col(FeedToken.revoked_at).is_(None),
            col(User.active).is_(True),
        )
    ).first()
    return (found[0], found[1]) if found is not None else None
