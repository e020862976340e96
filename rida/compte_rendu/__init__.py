"""The compte-rendu: the documents made from a meeting's record.

Every writer takes one :class:`Source`: the meeting as a normalised ``rida/1`` document
plus the follow-up (actions of earlier meetings of the series still open). A validated
version keeps its Source and its DOCX bytes frozen; a draft's Source is read from the
database. The layout is specified in ``docs/compte-rendu-layout.md``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, or_, select

from rida import exchange
from rida.models import CLASSIFICATIONS, Action, Meeting, Person, RidaRow

FORMATS = ("docx", "md", "html", "pdf")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}
OPEN_STATUSES = ("open", "in_progress")


@dataclass(frozen=True)
class Source:
    """What a compte-rendu is made from (JSON-serialisable, frozen with a version)."""

    doc: dict[str, Any]
    follow_up: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps({"doc": self.doc, "follow_up": self.follow_up}, ensure_ascii=False,
                          sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Source:
        data = json.loads(text)
        return cls(doc=data["doc"], follow_up=data.get("follow_up", []))


def source(session: Session, meeting: Meeting) -> Source:
    return Source(doc=exchange.export_document(session, meeting),
                  follow_up=follow_up(session, meeting))


def follow_up(session: Session, meeting: Meeting) -> list[dict[str, Any]]:
    """Open actions of the earlier meetings of ``meeting``'s series, oldest first.

    Only meetings classified no more strictly than ``meeting`` contribute, so that the
    compte-rendu of a public meeting never shows what a confidential one decided."""
    allowed = CLASSIFICATIONS[:CLASSIFICATIONS.index(meeting.classification) + 1]
    found = session.exec(
        select(Action, Meeting, Person, RidaRow)
        .join(Meeting, col(Action.meeting_id) == Meeting.id)
        .outerjoin(Person, col(Action.owner_id) == Person.id)
        .outerjoin(RidaRow, col(Action.row_id) == RidaRow.id)
        .where(Meeting.series_id == meeting.series_id, Meeting.id != meeting.id,
               col(Meeting.classification).in_(allowed),
               or_(Meeting.date < meeting.date,
                   (Meeting.date == meeting.date) & (col(Meeting.id) < meeting.id)),
               col(Action.status).in_(OPEN_STATUSES))
        .order_by(Meeting.date, Meeting.id, Action.position, Action.id)).all()
    return [{
        "meeting": {"id": m.id, "title": m.title, "date": m.date.isoformat()},
        "title": a.title,
        "kind": a.kind,
        "owner": exchange.person_dict(owner, a.owner_function),
        "due_date": a.due_date.isoformat() if a.due_date else None,
        "status": a.status,
        "rida": row.number if row is not None else None,
    } for a, m, owner, row in found]


def render(src: Source, fmt: str, *, template: str | Path | None = None) -> bytes:
    """The compte-rendu of ``src`` in format ``fmt`` (one of :data:`FORMATS`); ``template``:
    the reference DOCX (setting ``RIDA_DOCX_TEMPLATE``; None: the one shipped)."""
    if fmt == "docx":
        from rida.compte_rendu import docx

        return docx.render(src, template)
    raise ValueError(f"unknown format: {fmt}")


