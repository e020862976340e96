"""A meeting written back as a normalised ``rida/1`` document."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from rida.exchange.validation import FORMAT, optional
from rida.meetings import figures
from rida.models import (
    Action,
    Meeting,
    Participation,
    Person,
    RidaRow,
    Series,
)


def person_dict(person: Person | None, function: str = "") -> dict[str, str | None] | None:
    if person is None:
        return None
    return {
        "last_name": optional(person.last_name),
        "first_name": optional(person.first_name),
        "entity": optional(person.entity),
        "function": optional(function),
    }


def export_document(session: Session, meeting: Meeting) -> dict[str, Any]:
    """The meeting as a normalised rida/1 document."""
    series = session.get(Series, meeting.series_id)
    people = _people(session, meeting)
    participations = session.exec(
        select(Participation)
        .where(Participation.meeting_id == meeting.id)
        .order_by(Participation.position)
    ).all()
    rows = session.exec(
        select(RidaRow).where(RidaRow.meeting_id == meeting.id).order_by(RidaRow.number)
    ).all()
    numbers = {row.id: row.number for row in rows}
    actions = session.exec(
        select(Action).where(Action.meeting_id == meeting.id).order_by(Action.position, Action.id)
    ).all()
    return {
        "format": FORMAT,
        "id": meeting.id,
        "series": series.name if series else None,
        "title": meeting.title,
        "subject": optional(meeting.subject),
        "meeting_type": optional(meeting.meeting_type),
        "date": meeting.date.isoformat(),
        "start_time": optional(meeting.start_time),
        "end_time": optional(meeting.end_time),
        "location": optional(meeting.location),
        "status": meeting.status,
        "classification": meeting.classification,
        "version": meeting.version,
        "organiser": person_dict(people.get(meeting.organiser_id), meeting.organiser_function),
        "rapporteur": person_dict(people.get(meeting.rapporteur_id), meeting.rapporteur_function),
        "reference_documents": list(meeting.reference_documents),
        "participants": [
            {
                **person_dict(people[p.person_id], p.function),
                "attendance": p.attendance,
                **p.extensions,
            }
            for p in participations
        ],
        "objectives": list(meeting.objectives),
        "summary": optional(meeting.summary),
        "rida": [
            {
                "number": r.number,
                "nature": r.nature,
                "subject": r.subject,
                "question": optional(r.question),
                "answer": optional(r.answer),
                **r.extensions,
            }
            for r in rows
        ],
        "comments": list(meeting.comments),
        "results": optional(meeting.results),
        "actions": [
            {
                "title": a.title,
                "kind": a.kind,
                "owner": person_dict(people.get(a.owner_id), a.owner_function),
                "due_date": a.due_date.isoformat() if a.due_date else None,
                "status": a.status,
                "rida": numbers.get(a.row_id),
                "notes": optional(a.notes),
                **a.extensions,
            }
            for a in actions
        ],
        **meeting.extensions,
        **_figures(session, meeting),
    }


def _figures(session: Session, meeting: Meeting) -> dict[str, Any]:
    """``x-rida-figures``: the meeting's images, base64 (only when it has some)."""
    found = figures.for_meeting(session, meeting.id)
    return {figures.DOC_KEY: figures.document_items(found)} if found else {}


def _people(session: Session, meeting: Meeting) -> dict[int, Person]:
    ids = {meeting.organiser_id, meeting.rapporteur_id}
    ids |= set(
        session.exec(
            select(Participation.person_id).where(Participation.meeting_id == meeting.id)
        ).all()
    )
    ids |= set(session.exec(select(Action.owner_id).where(Action.meeting_id == meeting.id)).all())
    ids.discard(None)
    found = session.exec(select(Person).where(Person.id.in_(ids))).all() if ids else []
    return {p.id: p for p in found}
