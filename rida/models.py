"""The tables of rida (SQLModel).

Vocabulary follows the ANS compte-rendu: a *series* (a Task Force) holds *meetings*
(workshops); a meeting has *participations* of *persons*, numbered *RIDA rows* and
*actions*. Every record the editor changes carries a ``revision`` counter for optimistic
concurrency, and rows, participations and actions carry a ``uid`` the browser can create
offline.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Protocol, overload

from sqlalchemy import JSON, BigInteger, Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

NATURES = ("I", "D", "A")
STATUSES = ("draft", "review", "validated")
CLASSIFICATIONS = ("public", "restricted", "confidential")
ATTENDANCES = ("present", "excused", "absent")
ACTION_KINDS = ("bilateral_interview", "workshop", "document", "other")
ACTION_STATUSES = ("open", "in_progress", "done", "cancelled")
ROLES = ("admin", "rapporteur", "member", "reader")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@overload
def aware(moment: dt.datetime) -> dt.datetime: ...
@overload
def aware(moment: None) -> None: ...
def aware(moment: dt.datetime | None) -> dt.datetime | None:
    """Stored datetimes come back naive from SQLite: they are UTC."""
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class _Stored(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(row: _Stored) -> int:
    """The id of a row read from the database. SQLModel types ``row.id`` as ``int | None``
    (None only until a new row is first flushed)."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} not stored yet: no id")
    return row.id


def new_uid() -> str:
    return uuid.uuid4().hex


def json_list() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


def json_dict() -> Any:
    return Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Series(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    created_at: dt.datetime = Field(default_factory=utcnow)


class Person(SQLModel, table=True):
    """One real person (or, with an empty last name, an organisation), reused across meetings."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=700, index=True)  # not unique: see find_or_create
    last_name: str = Field(default="", max_length=200)
    first_name: str = Field(default="", max_length=200)
    entity: str = Field(default="", max_length=200)
    function: str = Field(default="", max_length=300)
    email: str = Field(default="", max_length=300)


class PersonAlias(SQLModel, table=True):
    """A person merged into another (:mod:`rida.meetings.identity`): its spelling and its
    old id, kept so that history reads (« ABD » became « ABDELLI Karim ») and so that the
    same spelling typed again finds the person it was merged into."""

    __tablename__ = "person_alias"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    merged_id: int  # the merged person's id (its record is gone)
    key: str = Field(max_length=700, index=True)
    last_name: str = Field(default="", max_length=200)
    first_name: str = Field(default="", max_length=200)
    entity: str = Field(default="", max_length=200)
    merged_by: str = Field(default="", max_length=200)
    merged_at: dt.datetime = Field(default_factory=utcnow)


# A meeting's own wording of the compte-rendu's fixed sentences, in ``Meeting.extensions``
# under this key (the rida/1 extension of docs/rida-format.md; rida.compte_rendu.wording
# holds the template's wording of each).
WORDING_KEY = "x-rida-wording"
WORDING_NAMES = ("objectives_intro", "results_heading", "organiser_note", "rapporteur_note")


class Meeting(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    series_id: int = Field(foreign_key="series.id", index=True)
    title: str = Field(max_length=1000)
    subject: str = Field(default="", max_length=1000)
    meeting_type: str = Field(default="", max_length=1000)
    date: dt.date
    start_time: str = Field(default="", max_length=5)
    end_time: str = Field(default="", max_length=5)
    location: str = Field(default="", max_length=1000)
    status: str = Field(default="draft", max_length=20)
    classification: str = Field(default="public", max_length=20)
    version: str = Field(default="0.1", max_length=20)
    review_deadline: dt.date | None = None
    organiser_id: int | None = Field(default=None, foreign_key="person.id")
    organiser_function: str = Field(default="", max_length=300)
    rapporteur_id: int | None = Field(default=None, foreign_key="person.id")
    rapporteur_function: str = Field(default="", max_length=300)
    reference_documents: list[str] = json_list()
    objectives: list[str] = json_list()
    summary: str = ""
    comments: list[str] = json_list()
    results: str = ""
    extensions: dict[str, Any] = json_dict()
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class Participation(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, max_length=64, unique=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", index=True)
    position: int = 0
    attendance: str = Field(default="present", max_length=20)
    function: str = Field(default="", max_length=300)
    extensions: dict[str, Any] = json_dict()
    revision: int = 1
    # The revision of each field's last change, for conflicts per field (none: unchanged
    # since the record was created).
    field_revisions: dict[str, int] = json_dict()


class RidaRow(SQLModel, table=True):
    __tablename__ = "rida_row"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, max_length=64, unique=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    number: int
    nature: str | None = Field(default=None, max_length=1)
    subject: str = ""
    question: str = ""
    answer: str = ""
    extensions: dict[str, Any] = json_dict()
    revision: int = 1
    # The revision of each field's last change, for conflicts per field (none: unchanged
    # since the record was created).
    field_revisions: dict[str, int] = json_dict()
    updated_at: dt.datetime = Field(default_factory=utcnow)


class Action(SQLModel, table=True):
    """Something to do after the meeting, optionally born from a RIDA row (``row_id``)."""

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, max_length=64, unique=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    row_id: int | None = Field(default=None, foreign_key="rida_row.id", ondelete="SET NULL")
    position: int = 0
    title: str
    kind: str = Field(default="other", max_length=30)
    owner_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    owner_function: str = Field(default="", max_length=300)
    due_date: dt.date | None = Field(default=None, index=True)
    status: str = Field(default="open", max_length=20)
    notes: str = ""
    extensions: dict[str, Any] = json_dict()
    revision: int = 1
    # The revision of each field's last change, for conflicts per field (none: unchanged
    # since the record was created).
    field_revisions: dict[str, int] = json_dict()
    # The meeting record this action opened (an *Entretien bilatéral* for a
    # ``bilateral_interview``): validating its minutes offers to close the action.
    linked_meeting_id: int | None = Field(
        default=None, foreign_key="meeting.id", ondelete="SET NULL"
    )


class ActionEvent(SQLModel, table=True):
    """One status change of an action, kept forever: who, when, why, and in which meeting's
    session (``meeting_id``: the follow-up that reviewed it; None from the dashboard/CLI).
    ``old_status`` is None for the action's creation."""

    __tablename__ = "action_event"

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True, ondelete="CASCADE")
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", ondelete="SET NULL")
    old_status: str | None = Field(default=None, max_length=20)
    new_status: str = Field(max_length=20)
    comment: str = ""
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    user_name: str = Field(default="", max_length=200)
    at: dt.datetime = Field(default_factory=utcnow)


class FeedToken(SQLModel, table=True):
    """A secret calendar-feed URL (stored hashed) for one series or one person. The feed
    shows what its creator (``user_id``) may read, nothing more."""

    __tablename__ = "feed_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    series_id: int | None = Field(default=None, foreign_key="series.id", ondelete="CASCADE")
    person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="CASCADE")
    created_at: dt.datetime = Field(default_factory=utcnow)
    revoked_at: dt.datetime | None = None


class MeetingVersion(SQLModel, table=True):
    """A validated version, frozen: the compte-rendu's Source and its DOCX bytes."""

    __tablename__ = "meeting_version"
    __table_args__ = (UniqueConstraint("meeting_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    version: str = Field(max_length=20)
    source: str = Field(sa_column=Column(Text, nullable=False))
    docx: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    sha256: str = Field(max_length=64)
    validated_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    validated_by_name: str = Field(default="", max_length=200)
    validated_at: dt.datetime = Field(default_factory=utcnow)
    # Imported as validated, kept so on request although this many blocking checks failed.
    forced_checks: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class ReviewRound(SQLModel, table=True):
    """One sending of a draft to the participants for remarks."""

    __tablename__ = "review_round"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    version: str = Field(max_length=20)
    deadline: dt.date
    sent_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    sent_by_name: str = Field(default="", max_length=200)
    sent_at: dt.datetime = Field(default_factory=utcnow)


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=100, unique=True)
    password_hash: str = Field(max_length=300)
    role: str = Field(default="reader", max_length=20)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    active: bool = True
    created_at: dt.datetime = Field(default_factory=utcnow)
    # Part of every login session's id: raised by a password change or reset, a role
    # change or deactivation, it ends every session opened before.
    session_epoch: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # OpenID Connect (rida.accounts.oidc): signs in only through a provider; made by a
    # first sign-in and waiting for an administrator; RPPS/ADELI of Pro Santé Connect.
    sso_only: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    approval_pending: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    professional_id: str | None = Field(default=None, max_length=40)


class OidcIdentity(SQLModel, table=True):
    """An identity at an OpenID Connect provider (issuer + subject) linked to an account."""

    __tablename__ = "oidc_identity"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    provider: str = Field(max_length=40)
    issuer: str = Field(max_length=300)
    subject: str = Field(max_length=255)
    email: str | None = Field(default=None, max_length=300)
    created_at: dt.datetime = Field(default_factory=utcnow)
    last_login_at: dt.datetime | None = None


class SeriesMember(SQLModel, table=True):
    __tablename__ = "series_member"

    series_id: int = Field(foreign_key="series.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")


class OrganisationMember(SQLModel, table=True):
    """An account that follows an organisation's actions (an organisation: a
    :class:`Person` with no last name) besides those of its own person's entity: they are
    in its « mes actions », its reminders and its calendar, and it changes their status
    (:func:`rida.access.followed_owners`). Set by an admin."""

    __tablename__ = "organisation_member"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    created_at: dt.datetime = Field(default_factory=utcnow)


class ApiToken(SQLModel, table=True):
    """A secret for scripts (``Authorization: Bearer rida_<prefix>_<secret>``), shown once:
    only its SHA-256 is kept; ``prefix`` (visible) names it for listing and revoking."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    name: str = Field(default="", max_length=200)
    prefix: str = Field(max_length=16, unique=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    last_used_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None


class RoomLink(SQLModel, table=True):
    """A secret link for a room's projector (``/reunions/<id>/direct?salle=<token>``): the
    live view of one meeting without an account, the Europe/Paris calendar ``day`` it was
    made, while the meeting is a draft that is not confidential and until revoked. Only the
    token's SHA-256 is kept (see :mod:`rida.live.room`)."""

    __tablename__ = "room_link"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    created_by: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_at: dt.datetime = Field(default_factory=utcnow)
    day: dt.date
    first_used_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None


class LoginFailure(SQLModel, table=True):
    """One refused login (wrong password or unknown login), for the lockout; the rows of a
    login are forgotten at its next successful login, all rows after a day."""

    __tablename__ = "login_failure"

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=100, index=True)
    ip: str = Field(default="", max_length=64, index=True)
    at: dt.datetime = Field(default_factory=utcnow, index=True)


class SeriesGlossary(SQLModel, table=True):
    """Terms a series uses for one thing (``MSS``, ``MSSanté``), equivalent in searches;
    ``series_id`` None: a group of the whole instance's glossary."""

    __tablename__ = "series_glossary"

    id: int | None = Field(default=None, primary_key=True)
    series_id: int | None = Field(
        default=None, foreign_key="series.id", index=True, ondelete="CASCADE"
    )
    terms: list[str] = json_list()


class SearchOutbox(SQLModel, table=True):
    """A meeting whose search documents must be (re)indexed: written in the same
    transaction as the change, with an id that grows with commit order. Each index (one
    per host) applies the entries above its own position (:class:`SearchConsumer`);
    entries every index has passed are pruned. No foreign key: the meeting may have been
    deleted, which the indexers turn into a removal."""

    __tablename__ = "search_outbox"
    # SQLite: AUTOINCREMENT, so that an id is never given twice, even after pruning.
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int
    created_at: dt.datetime = Field(default_factory=utcnow)


class SearchConsumer(SQLModel, table=True):
    """Where a search index stands in the outbox: the last entry it applied (``position``)
    and when it last said so. ``name`` is the index's host and folder; the row named
    :data:`rida.search.outbox.PRUNED` holds the highest entry pruned, below which an index
    that was away must be rebuilt."""

    __tablename__ = "search_consumer"

    name: str = Field(primary_key=True, max_length=300)
    position: int = Field(default=0, sa_type=BigInteger)
    seen_at: dt.datetime = Field(default_factory=utcnow)


class Change(SQLModel, table=True):
    """One committed change, in commit order (``seq``): the change log that live views
    follow (:mod:`rida.live`). Written in the same transaction as the change itself;
    ``payload`` holds the new values a client needs (only the uid for a deletion). No
    foreign keys: the meeting or the account may be gone while the entry is still read.
    ``meeting_id`` is None for a change concerning no single meeting (an account's or a
    series membership's, ``kind`` « access »)."""

    __tablename__ = "change_log"
    # SQLite: AUTOINCREMENT, so that a seq is never given twice, even after pruning.
    __table_args__ = {"sqlite_autoincrement": True}

    seq: int | None = Field(default=None, primary_key=True)
    meeting_id: int | None = Field(default=None, index=True)
    kind: str = Field(max_length=20)
    op: str = Field(max_length=20)
    uid: str | None = Field(default=None, max_length=64)
    revision: int | None = None
    fields: list[str] = json_list()
    payload: dict[str, Any] = json_dict()
    user_id: int | None = None
    actor: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    at: dt.datetime = Field(default_factory=utcnow)


class AuditEntry(SQLModel, table=True):
    """One line of the audit log, never updated nor deleted (triggers refuse it): who
    (``login`` kept even once the account is gone), when (UTC), from where, what, the
    changed values. ``hash`` is the SHA-256 of the entry's canonical JSON, which includes
    ``prev_hash``, the previous entry's hash (:mod:`rida.audit.chain`). Ids are given by
    the chain (1, 2, 3…), not by the database."""

    __tablename__ = "audit_entry"

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: dt.datetime = Field(index=True)
    user_id: int | None = Field(default=None, index=True)
    login: str | None = Field(default=None, max_length=200)
    ip: str | None = Field(default=None, max_length=100)
    action: str = Field(max_length=40, index=True)
    object_type: str | None = Field(default=None, max_length=60)
    object_id: str | None = Field(default=None, max_length=100)
    meeting_id: int | None = Field(default=None, index=True)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class Figure(SQLModel, table=True):
    """An image of a meeting (a poll's results…), referenced from its Markdown as
    ``![texte alternatif](figure:N)``; ``number`` is N, unique within the meeting and kept
    by export and import (``x-rida-figures``). Stored in the database: on every host,
    in the backups."""

    __tablename__ = "figure"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    number: int
    media_type: str = Field(max_length=20)
    width: int
    height: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    sha256: str = Field(max_length=64)
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: dt.datetime = Field(default_factory=utcnow)
