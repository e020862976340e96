"""Bilateral interviews: the meeting record an action of kind ``bilateral_interview``
opens, and closing the action once that meeting's minutes are validated.

Opening is idempotent: the action keeps the meeting it opened (``linked_meeting_id``), and
opening it again returns that meeting. The interview belongs to the action's series, is
typed « Entretien bilatéral », classified ``confidential``, dated on the action's due date
(else today), organised by the organiser of the meeting the action comes from (else by
the owner, when a person), has the owner and the organiser as participants, and the
creating account's person as rapporteur when known.

Its title names the *counterpart*, whom the interview is with (:func:`counterpart`), never
the owner's organisation: the owner is the one who holds the interview (« Entretiens
bilatéraux avec les opérateurs », owner ANS, is an interview with the operators).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlmodel import Session, col, select

from rida.access import readable
from rida.actions import action_status
from rida.fields import FieldError
from rida.meetings import editing, participants, speakers
from rida.meetings.people import fold
from rida.models import Action, ActionEvent, Meeting, Person, RidaRow, User

MEETING_TYPE = "Entretien bilatéral"
CLASSIFICATION = "confidential"


# « … avec ENOVACOM pour … »: who comes after « avec », up to what the action is for.
_WITH = re.compile(
    r"\bavec\s+(?P<who>.+?)\s*(?:$|[,;:(—–]|\s-\s|\s(?:pour|sur|afin|au sujet|concernant|"
    r"à propos|en vue|d'ici|dans|lors)\b)",
    re.IGNORECASE,
)


def counterpart(action: Action, owner: Person | None, row: RidaRow | None) -> str:
    """Whom the interview of ``action`` is with, in this order:

    1. who the title names after « avec » (« Entretien bilatéral avec ENOVACOM sur les
       coûts » → ``ENOVACOM``; « Entretiens bilatéraux avec les opérateurs pour … » →
       ``les opérateurs``);
    2. else the speakers of the action's RIDA row question (``LIFEN : …``), then of its
       answer, other than the owner's organisation (``LIFEN / ENOVACOM``);
    3. else nothing (the title is then the action's title).

    The owner's organisation is never the counterpart: the owner holds the interview."""
    found = _WITH.search(action.title)
    if found and found.group("who").strip():
        return found.group("who").strip()
    own = fold(owner.entity) if owner is not None and owner.entity else None
    if row is not None:
        for text in (row.question, row.answer):
            names = [n for n in speakers.names(text or "") if fold(n) != own]
            if names:
                return " / ".join(dict.fromkeys(names))
    return ""


def interview_title(action: Action, owner: Person | None, row: RidaRow | None = None) -> str:
    """« Entretien bilatéral — ENOVACOM »: after the :func:`counterpart`, else the action's
    title."""
    return f"{MEETING_TYPE} — {counterpart(action, owner, row) or action.title}"


def open_interview(
    session: Session, action: Action, user: User | None, today: dt.date | None = None
) -> tuple[Meeting, bool]:
    """The interview meeting of ``action`` and whether it was created now."""
    if action.kind != "bilateral_interview":
        raise FieldError(
            "kind", "seule une action de type « Entretien bilatéral » ouvre un entretien"
        )
    if action.linked_meeting_id is not None:
        existing = session.get(Meeting, action.linked_meeting_id)
        if existing is not None:
            return existing, False
    origin = session.get(Meeting, action.meeting_id)
    assert origin is not None
    owner = session.get(Person, action.owner_id) if action.owner_id is not None else None
    row = session.get(RidaRow, action.row_id) if action.row_id is not None else None
    organiser_id = origin.organiser_id or (
        owner.id if owner is not None and owner.last_name else None
    )
    meeting = editing.create_meeting(
        session,
        origin.series_id,
        user,
        {
            "title": interview_title(action, owner, row),
            "date": (action.due_date or today or dt.date.today()).isoformat(),
            "meeting_type": MEETING_TYPE,
            "classification": CLASSIFICATION,
            "subject": action.title,
        },
    )
    # the owner of an action, the organiser of a meeting the user reads: visible to them
    people = [owner.id if owner is not None and owner.last_name else None, organiser_id]
    for person_id in dict.fromkeys(p for p in people if p is not None):
        participants.add(
            session, meeting, {"person_id": person_id}, visible=col(Person.id) == person_id
        )
    if organiser_id is not None:
        meeting.organiser_id = organiser_id
        session.add(meeting)
    action.linked_meeting_id = meeting.id
    session.add(action)
    session.flush()
    return meeting, True


def closing_comment(meeting: Meeting) -> str:
    return f"Compte-rendu de l'entretien validé (v{meeting.version})"


def actions_to_close(session: Session, meeting: Meeting, user: User | None) -> list[Action]:
    """The still-open actions whose interview is ``meeting``, once its minutes are
    validated, among those ``user`` may read (``user`` None: all, for the CLI)."""
    if meeting.status != "validated":
        return []
    query = (
        select(Action)
        .join(Meeting, col(Action.meeting_id) == Meeting.id)
        .where(
            Action.linked_meeting_id == meeting.id,
            col(Action.status).in_(action_status.OPEN_STATUSES),
        )
        .order_by(Action.id)
    )
    if user is not None:
        query = query.where(readable(user))
    return list(session.exec(query).all())


def close_action(
    session: Session, action: Action, user: User | None, name: str = "cli"
) -> ActionEvent | None:
    """Close ``action`` (status ``done``) because its interview's minutes are validated;
    None when it was already done (idempotent)."""
    meeting = (
        session.get(Meeting, action.linked_meeting_id)
        if action.linked_meeting_id is not None
        else None
    )
    if meeting is None or meeting.status != "validated":
        raise FieldError("action", "le compte-rendu de l'entretien n'est pas validé")
    return action_status.set_status(
        session, action, "done", user=user, name=name, comment=closing_comment(meeting)
    )


@dataclass
class Origin:
    """The action an interview comes from, with its meeting (read by the user)."""

    action: Action
    meeting: Meeting

    @property
    def number(self) -> int:
        return self.action.position + 1


def origins(session: Session, meeting: Meeting, user: User | None) -> list[Origin]:
    """The actions whose interview is ``meeting``, of meetings ``user`` may read (``user``
    None: all, for the CLI), oldest first: what the interview « comes from »."""
    query = (
        select(Action, Meeting)
        .join(Meeting, col(Action.meeting_id) == Meeting.id)
        .where(Action.linked_meeting_id == meeting.id)
        .order_by(Action.id)
    )
    if user is not None:
        query = query.where(readable(user))
    return [Origin(a, m) for a, m in session.exec(query).all()]
