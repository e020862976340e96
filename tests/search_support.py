"""Helpers for the search tests: import documents, index them, search as an account."""

from __future__ import annotations

from flask import Flask
from sqlmodel import select

from rida import db, search
from rida.circuit import versions
from rida.models import User
from rida.search import Filters, Query, Results
from tests.conftest import demo_document


def index_document(app: Flask, doc: dict) -> int:
    """Import a rida/1 document (frozen if validated) and index its meeting."""
    with app.app_context(), db.write_session(db.engine()) as s:
        meeting_id = versions.import_document(s, doc).id
    reindex(app, meeting_id)
    return meeting_id


def reindex(app: Flask, *meeting_ids: int) -> None:
    with app.app_context(), db.write_session(db.engine()) as s:
        search.index_meetings(s, meeting_ids)


def find(app: Flask, text: str = "", login: str = "admin", **options: object) -> Results:
    filters = options.pop("filters", Filters())
    with app.app_context(), db.write_session(db.engine()) as s:
        user = s.exec(select(User).where(User.login == login)).one()
        return search.search(s, user, Query(text, filters=filters, **options))  # type: ignore[arg-type]


def rows(results: Results) -> list[int]:
    """Row numbers of the row hits, sorted."""
    return sorted(h.row for h in results.hits if h.kind == "row" and h.row is not None)


def demo_with(**changes: object) -> dict:
    return {**demo_document(), **changes}
