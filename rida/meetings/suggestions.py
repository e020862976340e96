"""What the editor offers while typing: the subjects and speaker prefixes of the series'
recent meetings."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlmodel import Session, col, select

from rida.meetings import speakers
from rida.models import Meeting, Participation, Person, RidaRow


def suggestions(
    session: Session, series_id: int, where: Any = None, limit_meetings: int = 50
) -> dict[str, list[str]]:
    """Subjects and speaker prefixes (`LIFEN : `) used in the series' recent meetings
    (those ``where`` allows: see rida.access.readable), most used first."""
    recent = (
        select(Meeting.id)
        .where(Meeting.series_id == series_id)
        .order_by(col(Meeting.date).desc())
        .limit(limit_meetings)
    )
    if where is not None:
        recent = recent.where(where)
    found = session.exec(
        select(RidaRow.subject, RidaRow.question, RidaRow.answer).where(
            col(RidaRow.meeting_id).in_(recent)
        )
    ).all()
    subjects = Counter(subject for subject, _, _ in found if subject)
    # One regex pass over all the texts (each on its own lines) instead of one per field:
    # same matches in the same order, several times faster on a long history.
    said = Counter(speakers.names_in(text for _, q, a in found for text in (q, a)))
    entities = session.exec(
        select(Person.entity).join(Participation).where(col(Participation.meeting_id).in_(recent))
    ).all()
    # An entity is offered only if the rule reads it as a speaker, so that every prefix the
    # editor inserts is one the search facet recognises.
    said.update(" ".join(e.split()) for e in entities if e and speakers.is_speaker(e))
    return {
        "subjects": [s for s, _ in subjects.most_common(200)],
        "speakers": [speakers.suggestion(s) for s, _ in said.most_common(200)],
    }
