"""The validation circuit and the frozen versions of a compte-rendu.

Statuses and numbering (``MAJOR.MINOR``):

- a new meeting is a draft, ``0.1``;
- :func:`send_to_review` (draft → review) keeps the number and records the round
  (version, deadline, who, when);
- :func:`back_to_draft` (review → draft) bumps the minor (``0.1`` → ``0.2``), so each
  review round has its own number;
- :func:`validate` (from draft or review, refused while a blocking check fails) gives
  ``1.0`` the first time (the next major while the major is 0) and keeps the number of an
  amendment (``1.1``); it freezes a snapshot: the Source (rida/1 document with status
  ``validated`` + follow-up), the DOCX bytes, their SHA-256, who and when;
- :func:`amend` (validated → draft) bumps the minor (``1.0`` → ``1.1``): the live record
  is edited again, the snapshot stays as it was.

A validated meeting is read-only: every change goes through :func:`ensure_editable`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from rida import compte_rendu, exchange, fields
from rida.actions.follow_up import withheld
from rida.circuit import validation
from rida.circuit.validation import Check
from rida.meetings.ordering import touch
from rida.models import Meeting, MeetingVersion, ReviewRound, User, aware

Template = str | Path | None

CURRENT = "current"


class VersionError(Exception):
    """A transition that the meeting's status does not allow (HTTP 409)."""

    code = "status"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def as_dict(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message}


class Frozen(VersionError):
    code = "validated"


class Blocked(VersionError):
    """Validation refused: ``checks`` holds the whole checklist."""

    code = "blocked"

    def __init__(self, checks: list[Check]):
        super().__init__(validation.summary(checks))
        self.checks = checks

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "checks": [c.as_dict() for c in self.checks]}


def parse(version: str) -> tuple[int, int]:
    major, minor = version.split(".")
    return int(major), int(minor)


def bump_minor(version: str) -> str:
    major, minor = parse(version)
    return f"{major}.{minor + 1}"


def frozen_message(meeting: Meeting) -> str:
    return (
        f"Ce compte-rendu est validé (v{meeting.version}) : il ne peut plus être modifié. "
        "Créez une nouvelle version pour l'amender."
    )


def ensure_editable(meeting: Meeting) -> None:
    if meeting.status == "validated":
        raise Frozen(frozen_message(meeting))


def _who(user: User | None, name: str) -> tuple[int | None, str]:
    return (user.id, user.login) if user is not None else (None, name)


# --- Checks and transitions ------------------------------------------------------------


def checks(
    session: Session, meeting: Meeting, user: User | None = None, *, everything: bool = False
) -> list[Check]:
    """The checklist of ``meeting`` as ``user`` sees it: the follow-up actions left out of
    the document are counted among the meetings they may read (``everything``: all, for
    the CLI)."""
    doc = exchange.export_document(session, meeting)
    deadline = meeting.review_deadline.isoformat() if meeting.review_deadline else None
    held = withheld(session, meeting, user, everything=everything)
    return validation.checklist(doc, deadline, len(held))


def send_to_review(
    session: Session,
    meeting: Meeting,
    deadline: Any,
    user: User | None,
    name: str = "cli",
    today: dt.date | None = None,
) -> ReviewRound:
    """draft → review, until ``deadline`` (ISO date, not before the meeting nor today)."""
    ensure_editable(meeting)
    if meeting.status != "draft":
        raise VersionError("Ce compte-rendu est déjà en relecture.")
    day = fields.date(deadline, "deadline", required=True)
    assert day is not None
    today = today or dt.date.today()
    if day < meeting.date:
        raise fields.FieldError(
            "deadline", "la date limite de relecture ne peut pas précéder la réunion"
        )
    if day < today:
        raise fields.FieldError("deadline", "la date limite de relecture est déjà passée")
    by, by_name = _who(user, name)
    meeting.status, meeting.review_deadline = "review", day
    touch(meeting)
    review = ReviewRound(
        meeting_id=meeting.id,
        version=meeting.version,
        deadline=day,
        sent_by=by,
        sent_by_name=by_name,
    )
    session.add_all([meeting, review])
    session.flush()
    return review


def back_to_draft(session: Session, meeting: Meeting) -> None:
    """review → draft, with the next minor number."""
    ensure_editable(meeting)
    if meeting.status != "review":
        raise VersionError("Seul un compte-rendu en relecture peut revenir en brouillon.")
    _next_draft(session, meeting)


def _next_draft(session: Session, meeting: Meeting) -> None:
    meeting.status, meeting.version = "draft", bump_minor(meeting.version)
    meeting.review_deadline = None
    touch(meeting)
    session.add(meeting)
    session.flush()


def validate(
    session: Session,
    meeting: Meeting,
    user: User | None,
    name: str = "cli",
    *,
    template: Template = None,
) -> MeetingVersion:
    """draft or review → validated, when no blocking check fails; freezes the version."""
    ensure_editable(meeting)
    found = checks(session, meeting, user)
    if validation.blocking(found):
        raise Blocked(found)
    major, _ = parse(meeting.version)
    if major == 0:
        meeting.version = "1.0"
    meeting.status = "validated"
    touch(meeting)
    session.add(meeting)
    session.flush()
    return freeze(session, meeting, user, name, template=template)


def amend(session: Session, meeting: Meeting) -> None:
    """validated → draft of the next minor version (the snapshot stays frozen)."""
    if meeting.status != "validated":
        raise VersionError("Seul un compte-rendu validé peut recevoir une nouvelle version.")
    _next_draft(session, meeting)


def freeze(
    session: Session,
    meeting: Meeting,
    user: User | None,
    name: str,
    *,
    template: Template = None,
    forced_checks: int = 0,
) -> MeetingVersion:
    """Snapshot the meeting as it is now (status and version already set); ``template``:
    the reference DOCX (None: the one shipped)."""
    if find(session, meeting.id, meeting.version) is not None:
        raise VersionError(f"La version {meeting.version} est déjà figée.")
    src = compte_rendu.source(session, meeting)
    docx = compte_rendu.render(src, "docx", template=template)
    by, by_name = _who(user, name)
    frozen = MeetingVersion(
        meeting_id=meeting.id,
        version=meeting.version,
        source=src.to_json(),
        docx=docx,
        sha256=hashlib.sha256(docx).hexdigest(),
        validated_by=by,
        validated_by_name=by_name,
        forced_checks=forced_checks,
    )
    session.add(frozen)
    session.flush()
    return frozen


@dataclass
class Imported:
    """A meeting just imported, and what became of a ``validated`` status."""

    meeting: Meeting
    checks: list[Check] = field(default_factory=list)  # run when imported as validated
    demoted: bool = False  # validated in the document, a draft here: blocking checks failed
    forced: int = 0  # kept validated on request despite this many failed blocking checks

    @property
    def failed(self) -> list[Check]:
        return validation.blocking(self.checks)

    def message(self) -> str | None:
        """What became of the status, in French (None: nothing to say)."""
        n = len(self.failed)
        s = "s" if n > 1 else ""
        if self.demoted:
            return (
                f"Document marqué « Validé » mais {n} contrôle{s} bloquant{s} en échec : "
                f"importé en brouillon (v{self.meeting.version}), à corriger puis valider."
            )
        if self.forced:
            return (
                f"Validé à l'import malgré {n} contrôle{s} bloquant{s} en échec "
                "(demandé explicitement)."
            )
        return None

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.meeting.status,
            "version": self.meeting.version,
            "demoted": self.demoted,
            "kept_validated_despite_checks": self.forced,
            "message": self.message(),
            "failed_checks": [c.as_dict() for c in self.failed],
        }


def import_document(
    session: Session, doc: Any, user: User | None = None, *, template: Template = None
) -> Meeting:
    """Import a trusted rida/1 document (the demo, fixtures): a validated one stays
    validated, frozen at once, the blocking checks that fail counted on its version. What
    a person hands in goes through :func:`import_checked`."""
    return import_checked(session, doc, user, template=template, keep_validated=True).meeting


def import_checked(
    session: Session,
    doc: Any,
    user: User | None = None,
    *,
    template: Template = None,
    keep_validated: bool = False,
) -> Imported:
    """Import a rida/1 document. A validated one is checked: frozen at once (by
    « import ») when no blocking check fails; else imported as a draft of the same version
    number, unless ``keep_validated`` (an explicit request: frozen, the number of failed
    checks recorded on the version, so audited and shown)."""
    meeting = exchange.import_document(session, doc, user)
    if meeting.status != "validated":
        return Imported(meeting)
    found = checks(session, meeting)
    failed = validation.blocking(found)
    if failed and not keep_validated:
        meeting.status = "draft"
        session.add(meeting)
        session.flush()
        return Imported(meeting, found, demoted=True)
    freeze(session, meeting, None, "import", template=template, forced_checks=len(failed))
    return Imported(meeting, found, forced=len(failed))


# --- Reading versions ------------------------------------------------------------------


def find(session: Session, meeting_id: int, version: str) -> MeetingVersion | None:
    return session.exec(
        select(MeetingVersion).where(
            MeetingVersion.meeting_id == meeting_id, MeetingVersion.version == version
        )
    ).first()


def validated_at(session: Session, meeting: Meeting) -> dt.datetime | None:
    """When ``meeting``'s current version was validated (None unless it is validated); an
    imported validated meeting, which has no frozen version, since its import (its last
    change: a validated meeting no longer changes)."""
    if meeting.status != "validated" or meeting.id is None:
        return None
    frozen = find(session, meeting.id, meeting.version)
    return frozen.validated_at if frozen is not None else meeting.updated_at


def forced_note(session: Session, meeting: Meeting) -> str | None:
    """« Validé à l'import malgré N contrôles… » for a meeting kept validated on request
    at its import although blocking checks failed; None otherwise."""
    if meeting.status != "validated" or meeting.id is None:
        return None
    frozen = find(session, meeting.id, meeting.version)
    if frozen is None or not frozen.forced_checks:
        return None
    n = frozen.forced_checks
    s = "s" if n > 1 else ""
    return f"Validé à l'import malgré {n} contrôle{s} bloquant{s} en échec."


def frozen_versions(session: Session, meeting_id: int) -> list[MeetingVersion]:
    found = session.exec(
        select(MeetingVersion)
        .where(MeetingVersion.meeting_id == meeting_id)
        .order_by(col(MeetingVersion.validated_at), col(MeetingVersion.id))
    )
    return sorted(found.all(), key=lambda v: parse(v.version))


def review_rounds(session: Session, meeting_id: int) -> list[ReviewRound]:
    return list(
        session.exec(
            select(ReviewRound)
            .where(ReviewRound.meeting_id == meeting_id)
            .order_by(col(ReviewRound.sent_at), col(ReviewRound.id))
        ).all()
    )


def frozen_document(frozen: MeetingVersion) -> dict[str, Any]:
    """The frozen rida/1 document of a version."""
    return compte_rendu.Source.from_json(frozen.source).doc


def frozen_json(frozen: MeetingVersion) -> bytes:
    """The frozen rida/1 document as JSON bytes (the same bytes at every download)."""
    return (json.dumps(frozen_document(frozen), ensure_ascii=False, indent=2) + "\n").encode()


def document(session: Session, meeting: Meeting, version: str) -> dict[str, Any] | None:
    """A version's rida/1 document: frozen, or the live record for ``current``."""
    if version == CURRENT:
        return exchange.export_document(session, meeting)
    frozen = find(session, meeting.id, version)
    return frozen_document(frozen) if frozen is not None else None


def version_dict(frozen: MeetingVersion) -> dict[str, Any]:
    return {
        "version": frozen.version,
        "status": "validated",
        "sha256": frozen.sha256,
        "validated_by": frozen.validated_by_name,
        "validated_at": aware(frozen.validated_at).isoformat(),
    }


def review_dict(review: ReviewRound) -> dict[str, Any]:
    return {
        "version": review.version,
        "deadline": review.deadline.isoformat(),
        "sent_by": review.sent_by_name,
        "sent_at": aware(review.sent_at).isoformat(),
    }
