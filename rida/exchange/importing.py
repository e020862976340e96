"""A validated ``rida/1`` document turned into a new meeting, in the caller's
transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, or_, true
from sqlmodel import Session, col, select

from rida import fields
from rida.access import NOT_A_MEMBER, can_edit_series, visible_people
from rida.exchange.validation import extensions, validate
from rida.fields import FieldError, ValidationError
from rida.meetings import figures
from rida.meetings.people import find_or_create
from rida.models import (
    Action,
    Meeting,
    Participation,
    Person,
    RidaRow,
    Series,
    SeriesMember,
    User,
)


class _People:
    """The persons of one import, looked up among those ``visible`` selects (the importing
    user's :func:`~rida.access.visible_people`; everyone for the command line) and among
    those this import already created: a name repeated in a document is one person."""

    def __init__(self, session: Session, visible: ColumnElement[bool]):
        self.session = session
        self.visible = visible
        self.created: list[int] = []

    def __call__(self, data: dict[str, Any]) -> Person:
        visible = or_(self.visible, col(Person.id).in_(self.created))
        person = find_or_create(self.session, data, visible=visible)
        assert person.id is not None
        self.created.append(person.id)
        return person


def import_document(session: Session, doc: Any, user: User | None = None) -> Meeting:
    """Validate ``doc`` and create a new meeting from it in the caller's transaction.

    Its persons are matched by name among the people ``user`` may see (everyone when
    ``user`` is None: an import from the command line); a namesake they may not see is
    not reused, see :func:`rida.meetings.people.find_or_create`."""
    data = validate(doc)
    images = figures.parse_items(data[figures.DOC_KEY]) if figures.DOC_KEY in data else []
    person_of = _People(session, true() if user is None else visible_people(user))
    series = session.exec(select(Series).where(Series.name == data["series"])).first()
    if series is not None and user is not None and not can_edit_series(session, user, series.id):
        # A new meeting joins an existing series only by its members (or an admin).
        raise ValidationError([FieldError("series", f"« {series.name} » : {NOT_A_MEMBER}")])
    if series is None:
        series = Series(name=data["series"])
        session.add(series)
        session.flush()
        if user is not None:
            session.add(SeriesMember(series_id=series.id, user_id=user.id))
    meeting = Meeting(
        series_id=series.id,
        created_by=user.id if user else None,
        **header_values(data, person_of),
    )
    session.add(meeting)
    session.flush()
    for i, p in enumerate(data["participants"]):
        person = person_of(p)
        session.add(
            Participation(
                meeting_id=meeting.id,
                person_id=person.id,
                position=i,
                attendance=p["attendance"],
                function=p["function"] or "",
                extensions=extensions(p),
            )
        )
    rows = {}
    for r in data["rida"]:
        row = rida_row(meeting.id, r)
        session.add(row)
        rows[r["number"]] = row
    session.flush()
    for i, a in enumerate(data["actions"]):
        owner = person_of(a["owner"]) if a["owner"] else None
        session.add(
            Action(
                meeting_id=meeting.id,
                position=i,
                title=a["title"],
                kind=a["kind"],
                owner_id=owner.id if owner else None,
                owner_function=(a["owner"] or {}).get("function") or "",
                due_date=fields.date(a["due_date"], ""),
                status=a["status"],
                row_id=rows[a["rida"]].id if a["rida"] is not None else None,
                notes=a["notes"] or "",
                extensions=extensions(a),
            )
        )
    for number, image in images:
        figures.add(session, meeting, image, user, number=number)
    session.flush()
    return meeting


def rida_row(meeting_id: int | None, r: dict[str, Any]) -> RidaRow:
    """The row ``r`` of a validated document, new in the meeting ``meeting_id``."""
    return RidaRow(
        meeting_id=meeting_id,
        number=r["number"],
        nature=r["nature"],
        subject=r["subject"],
        question=r["question"] or "",
        answer=r["answer"] or "",
        extensions=extensions(r),
    )


def header_values(
    data: dict[str, Any], person_of: Callable[[dict[str, Any]], Person]
) -> dict[str, Any]:
    """Meeting column values from a validated document's header (its persons found or
    created by ``person_of``)."""
    values: dict[str, Any] = {
        "title": data["title"],
        "date": fields.date(data["date"], "date"),
        "status": data["status"],
        "classification": data["classification"],
        "version": data["version"],
        "reference_documents": data["reference_documents"],
        "objectives": data["objectives"],
        "comments": data["comments"],
        # The figures are rows of their own (rida.meetings.figures), not extensions.
        "extensions": {k: v for k, v in extensions(data).items() if k != figures.DOC_KEY},
    }
    for key in (
        "subject",
        "meeting_type",
        "start_time",
        "end_time",
        "location",
        "summary",
        "results",
    ):
        values[key] = data[key] or ""
    for role in ("organiser", "rapporteur"):
        person = person_of(data[role]) if data[role] else None
        values[f"{role}_id"] = person.id if person else None
        values[f"{role}_function"] = (data[role] or {}).get("function") or ""
    return values
