"""Reading the audit log back in tests (straight from the table)."""

from __future__ import annotations

from flask import Flask
from sqlmodel import col, select

from rida import db
from rida.models import AuditEntry, RidaRow


def entries(app: Flask, **where: object) -> list[AuditEntry]:
    """The entries matching ``where`` (column == value), oldest first."""
    with app.app_context(), db.write_session(db.engine()) as s:
        query = select(AuditEntry).order_by(col(AuditEntry.id))
        for name, value in where.items():
            query = query.where(getattr(AuditEntry, name) == value)
        return list(s.exec(query).all())


def last_id(app: Flask) -> int:
    found = entries(app)
    return found[-1].id if found else 0


def first_row(app: Flask, meeting_id: int, number: int = 1) -> RidaRow:
    """The meeting's row ``number`` (the first by default)."""
    with app.app_context(), db.write_session(db.engine()) as s:
        return s.exec(
            select(RidaRow)
            .where(RidaRow.meeting_id == meeting_id, RidaRow.number >= number)
            .order_by(col(RidaRow.number))
        ).first()
