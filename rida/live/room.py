"""Room links: the live view of one meeting on a projector, without an account.

The rapporteur (whoever may edit the meeting) makes a link
``/reunions/<id>/direct?salle=<token>``; the token is ``secrets.token_urlsafe(32)``, shown
once, and only its SHA-256 is kept (found through the unique index, never compared byte by
byte). A token opens that meeting's live view and its change stream, nothing else, and
only while every rule below holds (checked on every use, by :func:`meeting_for_token`):

- the link is not revoked;
- it is used the Europe/Paris calendar day it was made;
- the meeting is a draft (``status == "draft"``) and is not confidential (a meeting made
  confidential or sent to review after the link was made closes it);
- its creator's account is still active and may still edit the meeting.

Making another link leaves the earlier ones working (the page that shows a new link may be
sent again by a browser reload: that must not cut the room off); revoking ends every link
of the meeting. Creation, revocation and the first use of a link are recorded in the audit
log (:mod:`rida.audit.events`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from rida import access
from rida.audit import events
from rida.fields import FieldError
from rida.models import Meeting, RoomLink, User, aware, id_of, utcnow

PARIS = ZoneInfo("Europe/Paris")
TOKEN_BYTES = 32
# What secrets.token_urlsafe(TOKEN_BYTES) makes (43 characters), with some room.
FORMAT = re.compile(r"[A-Za-z0-9_-]{20,100}", re.ASCII)

CONFIDENTIAL = "une réunion confidentielle ne peut pas être diffusée en salle"
NOT_A_DRAFT = "seul un brouillon peut être diffusé en salle"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def today(now: dt.datetime | None = None) -> dt.date:
    """The Europe/Paris calendar day of ``now`` (UTC by default)."""
    return (now or utcnow()).astimezone(PARIS).date()


def local_time(moment: dt.datetime) -> str:
    """``HH:MM``, Europe/Paris (a stored datetime comes back naive from SQLite: UTC)."""
    return aware(moment).astimezone(PARIS).strftime("%H:%M")


def refusal(meeting: Meeting) -> str | None:
    """Why ``meeting`` may not be shown through a room link now, or None."""
    if meeting.classification == "confidential":
        return CONFIDENTIAL
    if meeting.status != "draft":
        return NOT_A_DRAFT
    return None


def _who(actor: User, ip: str | None) -> dict[str, object]:
    return {"user_id": actor.id, "login": actor.login, "ip": ip}


def create(
    session: Session,
    meeting: Meeting,
    actor: User,
    *,
    ip: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[RoomLink, str]:
    """A new link for ``meeting`` made by ``actor`` (who may edit it: the caller checks);
    the record and the token (kept nowhere). Raises :class:`FieldError` for a confidential
    meeting or one that is not a draft."""
    reason = refusal(meeting)
    if reason is not None:
        raise FieldError("room_link", reason)
    now = now or utcnow()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = RoomLink(
        meeting_id=id_of(meeting),
        token_hash=digest(token),
        created_by=id_of(actor),
        created_at=now,
        day=today(now),
    )
    session.add(link)
    session.flush()
    events.emit(
        events.ROOM_LINK_CREATED,
        session=session,
        **_who(actor, ip),
        object_type="room_link",
        object_id=str(link.id),
        meeting_id=link.meeting_id,
        after={"day": link.day.isoformat()},
    )
    return link, token


def revoke(
    session: Session,
    meeting: Meeting,
    actor: User,
    *,
    ip: str | None = None,
    now: dt.datetime | None = None,
) -> list[RoomLink]:
    """Revoke every link of ``meeting`` still unrevoked; the links revoked (none: nothing
    to do)."""
    found = list(
        session.exec(
            select(RoomLink).where(
                RoomLink.meeting_id == meeting.id, col(RoomLink.revoked_at).is_(None)
            )
        ).all()
    )
    for link in found:
        link.revoked_at = now or utcnow()
        session.add(link)
        events.emit(
            events.ROOM_LINK_REVOKED,
            session=session,
            **_who(actor, ip),
            object_type="room_link",
            object_id=str(link.id),
            meeting_id=link.meeting_id,
            before={"revoked": False},
            after={"revoked": True},
        )
    return found


def active(session: Session, meeting_id: int, now: dt.datetime | None = None) -> list[RoomLink]:
    """The meeting's links made today and not revoked, newest first."""
    return list(
        session.exec(
            select(RoomLink)
            .where(
                RoomLink.meeting_id == meeting_id,
                col(RoomLink.revoked_at).is_(None),
                RoomLink.day == today(now),
            )
            .order_by(col(RoomLink.id).desc())
        ).all()
    )


def link_for_token(
    session: Session, meeting_id: int, token: str | None, now: dt.datetime | None = None
) -> tuple[RoomLink, Meeting] | None:
    """The live link of ``token`` for ``meeting_id`` and its meeting, when every rule of
    this module holds; None otherwise (malformed, unknown, another meeting's, revoked,
    another day's, meeting confidential or not a draft, creator no longer an editor of it:
    all alike)."""
    if not token or not FORMAT.fullmatch(token):
        return None
    link = session.exec(
        select(RoomLink).where(
            RoomLink.token_hash == digest(token),
            RoomLink.meeting_id == meeting_id,
            col(RoomLink.revoked_at).is_(None),
        )
    ).first()
    if link is None or link.day != today(now):
        return None
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or refusal(meeting) is not None:
        return None
    creator = session.get(User, link.created_by)
    if creator is None or not access.can_edit(session, creator, meeting_id):
        return None
    return link, meeting


def meeting_for_token(session: Session, meeting_id: int, token: str | None) -> Meeting | None:
    """The meeting that ``token`` lets a room see (its live view and change stream), or
    None: see :func:`link_for_token`. Reads only."""
    found = link_for_token(session, meeting_id, token)
    return found[1] if found is not None else None


def note_use(
    session: Session, link: RoomLink, *, ip: str | None = None, now: dt.datetime | None = None
) -> bool:
    """Record the first use of ``link`` (stamped and audited once); whether it was."""
    if link.first_used_at is not None:
        return False
    link.first_used_at = now or utcnow()
    session.add(link)
    events.emit(
        events.ROOM_LINK_USED,
        session=session,
        ip=ip,
        object_type="room_link",
        object_id=str(link.id),
        meeting_id=link.meeting_id,
        after={"day": link.day.isoformat()},
    )
    return True
