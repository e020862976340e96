"""What is indexed, read from the database: one document per meeting header, RIDA row and
action, the same for every engine.

A row's organisations are the speakers it names (``LIFEN :``, ``- ESEA NA :``: the rule of
:mod:`rida.meetings.speakers`, the one the editor suggests prefixes by); an
action's, its owner's entity; a header's, the entities of its participants, organiser and
rapporteur. Each document carries a ``stamp`` (a hash of what is indexed) so that
:func:`rida.search.check` can tell a stale document from a fresh one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from rida.meetings import speakers as speaker_rule
from rida.meetings.people import display_name
from rida.models import Action, Meeting, Participation, Person, RidaRow, Series
from rida.render import ACTION_STATUS_LABELS  # what the pages show: snippets read the same
from rida.search.analysis import VERSION


@dataclass(frozen=True)
class SearchDoc:
    key: str  # "meeting:12", "row:12:4" (number), "action:12:31" (id)
    kind: str  # "meeting", "row", "action"
    meeting_id: int
    row: int | None
    action: int | None
    title: str
    text: str
    series: str
    meeting_title: str
    meeting_type: str
    status: str
    classification: str
    date: dt.date
    nature: str | None = None  # rows only: "I", "D", "A" or "none"
    organisations: tuple[str, ...] = ()
    stamp: str = field(default="", compare=False)

    @property
    def ident(self) -> tuple[int, str, int | None]:
        """``(meeting_id, kind, key)``: row number, action id or None for the header."""
        return (self.meeting_id, self.kind, self.row if self.kind == "row" else self.action)


def speakers(text: str) -> list[str]:
    """The organisations a text names as speakers (:func:`rida.meetings.speakers.names`)."""
    return speaker_rule.names(text)


def unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values if v and v.strip()))


def stamped(doc: SearchDoc) -> SearchDoc:
    content = repr(
        (
            VERSION,
            doc.title,
            doc.text,
            doc.series,
            doc.meeting_title,
            doc.meeting_type,
            doc.status,
            doc.classification,
            doc.date,
            doc.nature,
            doc.organisations,
        )
    )
    digest = hashlib.blake2b(content.encode(), digest_size=12).hexdigest()
    return SearchDoc(**{**doc.__dict__, "stamp": digest})


def person_text(person: Person | None, function: str = "") -> str:
    if person is None:
        return ""
    parts = [display_name(person), person.entity, function or person.function]
    return " ".join(p for p in parts if p)


def documents(
    session: Session, meeting_ids: Iterable[int], *, fresh: bool = False
) -> dict[int, list[SearchDoc]]:
    """The documents of each meeting that exists among ``meeting_ids``; ``fresh``: read
    from the database even the records this session already holds (what another
    transaction committed since they were loaded)."""
    ids = sorted(set(meeting_ids))
    if not ids:
        return {}

    def query(statement: Any) -> Any:
        if fresh:
            statement = statement.execution_options(populate_existing=True)
        return session.exec(statement)

    meetings = query(select(Meeting).where(col(Meeting.id).in_(ids))).all()
    if not meetings:
        return {}
    ids = [m.id for m in meetings]
    series = {
        s.id: s.name
        for s in query(select(Series).where(col(Series.id).in_({m.series_id for m in meetings})))
    }
    participations: dict[int, list[Participation]] = defaultdict(list)
    for p in query(
        select(Participation)
        .where(col(Participation.meeting_id).in_(ids))
        .order_by(col(Participation.position))
    ):
        participations[p.meeting_id].append(p)
    rows: dict[int, list[RidaRow]] = defaultdict(list)
    for r in query(
        select(RidaRow).where(col(RidaRow.meeting_id).in_(ids)).order_by(col(RidaRow.number))
    ):
        rows[r.meeting_id].append(r)
    actions: dict[int, list[Action]] = defaultdict(list)
    for a in query(
        select(Action).where(col(Action.meeting_id).in_(ids)).order_by(col(Action.position))
    ):
        actions[a.meeting_id].append(a)
    person_ids = {p.person_id for ps in participations.values() for p in ps}
    person_ids |= {m.organiser_id for m in meetings} | {m.rapporteur_id for m in meetings}
    person_ids |= {a.owner_id for acts in actions.values() for a in acts}
    person_ids.discard(None)
    people = {p.id: p for p in query(select(Person).where(col(Person.id).in_(person_ids)))}
    found: dict[int, list[SearchDoc]] = {}
    for m in meetings:
        found[m.id] = meeting_documents(
            m, series[m.series_id], participations[m.id], rows[m.id], actions[m.id], people
        )
    return found


def meeting_documents(
    m: Meeting,
    series: str,
    participations: list[Participation],
    rows: list[RidaRow],
    actions: list[Action],
    people: dict[int, Person],
) -> list[SearchDoc]:
    common = _common(m, series)
    organiser, rapporteur = people.get(m.organiser_id), people.get(m.rapporteur_id)
    attendees = [people[p.person_id] for p in participations]
    header_text = "\n".join(
        filter(
            None,
            [
                series,
                m.subject,
                m.meeting_type,
                m.location,
                m.date.strftime("%d/%m/%Y"),
                *m.objectives,
                *m.reference_documents,
                m.summary,
                *m.comments,
                m.results,
                person_text(organiser, m.organiser_function),
                person_text(rapporteur, m.rapporteur_function),
                *(person_text(people[p.person_id], p.function) for p in participations),
            ],
        )
    )
    entities = unique(p.entity for p in [organiser, rapporteur, *attendees] if p is not None)
    docs = [
        SearchDoc(
            key=f"meeting:{m.id}",
            kind="meeting",
            row=None,
            action=None,
            title=m.title,
            text=header_text,
            organisations=entities,
            **common,
        )
    ]
    docs += [_row_document(r, common) for r in rows]
    for a in actions:
        owner = people.get(a.owner_id)
        text = "\n".join(
            filter(
                None,
                [
                    a.notes,
                    person_text(owner, a.owner_function),
                    ACTION_STATUS_LABELS.get(a.status, a.status),
                    a.due_date.strftime("%d/%m/%Y") if a.due_date else "",
                ],
            )
        )
        docs.append(
            SearchDoc(
                key=f"action:{m.id}:{a.id}",
                kind="action",
                row=None,
                action=a.id,
                title=a.title,
                text=text,
                organisations=unique([owner.entity] if owner else []),
                **common,
            )
        )
    return [stamped(d) for d in docs]


def _common(m: Meeting, series: str) -> dict[str, Any]:
    """What every document of meeting ``m`` carries of it."""
    return {
        "meeting_id": m.id,
        "series": series,
        "meeting_title": m.title,
        "meeting_type": m.meeting_type,
        "status": m.status,
        "classification": m.classification,
        "date": m.date,
    }


def _row_document(r: RidaRow, common: dict[str, Any]) -> SearchDoc:
    text = "\n".join(filter(None, [r.question, r.answer]))
    return SearchDoc(
        key=f"row:{r.meeting_id}:{r.number}",
        kind="row",
        row=r.number,
        action=None,
        title=r.subject,
        text=text,
        nature=r.nature or "none",
        organisations=unique(speakers(text)),
        **common,
    )


def row_documents(session: Session, row_ids: Iterable[int]) -> list[SearchDoc]:
    """The documents of these rows alone (by id), read afresh: what a change of their
    own fields (not of their number, nor of their meeting's header) needs rewritten; the
    same documents as :func:`documents` gives for them."""
    ids = sorted(set(row_ids))
    if not ids:
        return []
    found = session.exec(
        select(RidaRow, Meeting, Series.name)
        .join(Meeting, col(Meeting.id) == col(RidaRow.meeting_id))
        .join(Series, col(Series.id) == col(Meeting.series_id))
        .where(col(RidaRow.id).in_(ids))
        .execution_options(populate_existing=True)
    ).all()
    return [stamped(_row_document(r, _common(m, series))) for r, m, series in found]
