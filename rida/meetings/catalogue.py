"""Meetings as summaries, for lists (the API, ``rida list``)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from rida.models import Meeting, Series


def catalogue(session: Session, where: Any = None) -> list[dict[str, Any]]:
    """Meetings as summaries (id, series, title, date, status, classification, version),
    newest first; ``where`` restricts them (see rida.access.readable)."""
    query = (
        select(Meeting, Series.name)
        .join(Series)
        .order_by(col(Meeting.date).desc(), col(Meeting.id).desc())
    )
    if where is not None:
        query = query.where(where)
    return [
        {
            "id": m.id,
            "series": name,
            "title": m.title,
            "date": m.date.isoformat(),
            "status": m.status,
            "classification": m.classification,
            "version": m.version,
        }
        for m, name in session.exec(query).all()
    ]
