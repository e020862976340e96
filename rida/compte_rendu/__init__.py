"""The compte-rendu: the documents made from a meeting's record.

Every writer takes one :class:`Source`: the meeting as a normalised ``rida/1`` document
plus the follow-up (actions of earlier meetings of the series still open). A validated
version keeps its Source and its DOCX bytes frozen; a draft's Source is read from the
database. The layout is specified in ``docs/compte-rendu-layout.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import Session

from rida import exchange
from rida.actions.follow_up import follow_up as follow_up_items
from rida.actions.follow_up import notes as follow_up_notes
from rida.actions.numbering import number
from rida.compte_rendu.source import Source as Source
from rida.models import Meeting, aware

FORMATS = ("docx", "md", "html", "pdf")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}


def source(session: Session, meeting: Meeting) -> Source:
    return Source(
        doc=exchange.export_document(session, meeting), follow_up=follow_up(session, meeting)
    )


def follow_up(session: Session, meeting: Meeting) -> list[dict[str, Any]]:
    """The "Suivi des actions" of ``meeting`` (rule in :mod:`rida.actions.follow_up`)."""
    found = follow_up_items(session, meeting)
    notes = follow_up_notes(session, meeting, [a.id for a, *_ in found if a.id is not None])
    return [
        {
            "meeting": {"id": m.id, "title": m.title, "date": m.date.isoformat()},
            "number": number(a),
            "title": a.title,
            "kind": a.kind,
            "owner": exchange.person_dict(owner, a.owner_function),
            "due_date": a.due_date.isoformat() if a.due_date else None,
            "status": a.status,
            "rida": row.number if row is not None else None,
            "action": a.id,
            "notes": [
                {
                    "at": aware(e.at).isoformat(),
                    "user": e.user_name,
                    "old_status": e.old_status,
                    "status": e.new_status,
                    "text": e.comment,
                }
                for e in notes.get(a.id or 0, [])
            ],
        }
        for a, m, owner, row in found
    ]


def render(
    src: Source, fmt: str, *, template: str | Path | None = None, soffice: str | None = None
) -> bytes:
    """The compte-rendu of ``src`` in format ``fmt`` (one of :data:`FORMATS`).

    ``template``: the reference DOCX (setting ``RIDA_DOCX_TEMPLATE``; None: the one
    shipped). ``pdf`` needs LibreOffice (``soffice``, from PATH unless given) and raises
    :class:`rida.compte_rendu.pdf.PdfUnavailable` without it."""
    if fmt == "docx":
        from rida.compte_rendu import docx

        return docx.render(src, template)
    if fmt == "md":
        from rida.compte_rendu import markdown

        return markdown.render(src).encode()
    if fmt == "html":
        from rida.compte_rendu import html

        return html.render(src).encode()
    if fmt == "pdf":
        from rida.compte_rendu import pdf

        return pdf.convert(render(src, "docx", template=template), soffice=soffice)
    raise ValueError(f"unknown format: {fmt}")
