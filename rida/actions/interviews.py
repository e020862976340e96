"""Bilateral interviews: the meeting record an action of kind ``bilateral_interview``
opens, and closing the action once that meeting's minutes are validated.

Opening is idempotent: the action keeps the meeting it opened (``linked_meeting_id``), and
opening it again returns that meeting. The interview belongs to the action's series, is
typed « Entretien bilatéral », classified ``confidential``, dated on the action's due date
(else today), has the owner as participant when the owner is a person, and the creating
account's person as rapporteur when known.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from rida.access import readable
from rida.actions import action_status
from rida.fields import FieldError
from rida.meetings import editing, participants
from rida.meetings.people import display_name
from rida.models import Action, ActionEvent, Meeting, Person, User

MEETING_TYPE = "Entretien bilatéral"
CLASSIFICATION = "confidential"


def interview_title(action: Action, owner: Person | None) -> str:
    """« Entretien bilatéral — ANS »: the owner's organisation or name, else the title."""
    about = (owner.entity or display_name(owner)) if owner is not None else ""
    return f"{MEETING_TYPE} — {about or action.title}"


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
    meeting = editing.create_meeting(
        session,
        origin.series_id,
        user,
        {
            "title": interview_title(action, owner),
            "date": (action.due_date or today or dt.date.today()).isoformat(),
            "meeting_type": MEETING_TYPE,
            "classification": CLASSIFICATION,
            "subject": action.title,
        },
    )
    if owner is not None and owner.last_name:
        # the owner of an action of a meeting the user reads: visible to them
        participants.add(
            session, meeting, {"person_id": owner.id}, visible=col(Person.id) == owner.id
        )
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
