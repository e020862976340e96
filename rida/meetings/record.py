"""A meeting with everything its compte-rendu shows, loaded in a few queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from rida.meetings.participants import participants_of
from rida.models import Action, Meeting, Participation, Person, RidaRow, Series


@dataclass
class ActionLine:
    action: Action
    owner: Person | None
    row_number: int | None


@dataclass
class Record:
    meeting: Meeting
    series: Series
    organiser: Person | None
    rapporteur: Person | None
    participants: list[tuple[Participation, Person]]
    rows: list[RidaRow]
    actions: list[ActionLine] = field(default_factory=list)

    @property
    def actions_by_row(self) -> dict[int, list[ActionLine]]:
        out: dict[int, list[ActionLine]] = {}
        for line in self.actions:
            if line.row_number is not None:
                out.setdefault(line.row_number, []).append(line)
        return out


def load(session: Session, meeting: Meeting) -> Record:
    rows = list(
        session.exec(
            select(RidaRow).where(RidaRow.meeting_id == meeting.id).order_by(RidaRow.number)
        ).all()
    )
    numbers = {r.id: r.number for r in rows}
    found = session.exec(
        select(Action, Person)
        .outerjoin(Person, Action.owner_id == Person.id)
        .where(Action.meeting_id == meeting.id)
        .order_by(Action.position, Action.id)
    ).all()
    return Record(
        meeting=meeting,
        series=session.get(Series, meeting.series_id),
        organiser=session.get(Person, meeting.organiser_id) if meeting.organiser_id else None,
        rapporteur=session.get(Person, meeting.rapporteur_id) if meeting.rapporteur_id else None,
        participants=participants_of(session, meeting.id),
        rows=rows,
        actions=[ActionLine(a, owner, numbers.get(a.row_id)) for a, owner in found],
    )
