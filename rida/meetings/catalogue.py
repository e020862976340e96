"""Meetings as summaries, for lists (the API, ``rida list``).

Written with SQLAlchemy Core on a light description of the two tables it reads, so that
``rida list`` runs without the ORM (a test checks the description against the models).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Date, Integer, Select, String, column, select, table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

MEETING = table(
    "meeting",
    column("id", Integer),
    column("series_id", Integer),
    column("title", String),
    column("date", Date),
    column("status", String),
    column("classification", String),
    column("version", String),
)
SERIES = table("series", column("id", Integer), column("name", String))


def catalogue(
    connection: Connection | Session, among: Select[Any] | None = None
) -> list[dict[str, Any]]:
    """Meetings as summaries (id, series, title, date, status, classification, version),
    newest first. ``connection`` is a Core connection or an ORM session; ``among``, a
    query of meeting ids, restricts them (``select(Meeting.id).where(readable(user))``)."""
    m = MEETING.c
    query = (
        select(m.id, SERIES.c.name, m.title, m.date, m.status, m.classification, m.version)
        .join_from(MEETING, SERIES, SERIES.c.id == m.series_id)
        .order_by(m.date.desc(), m.id.desc())
    )
    if among is not None:
        query = query.where(m.id.in_(among))
    return [
        {
            "id": row.id,
            "series": row.name,
            "title": row.title,
            "date": row.date.isoformat(),
            "status": row.status,
            "classification": row.classification,
            "version": row.version,
        }
        for row in connection.execute(query)
    ]
