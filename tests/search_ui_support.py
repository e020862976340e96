"""Meetings imported and indexed for the search tests (the real index, no outbox)."""

from __future__ import annotations

import copy

from flask import Flask

from rida import db, exchange, search
from tests.conftest import draft_document

SECRET_WORD = "zorglubien"
SCRIPT = "<script>alert('rida')</script>"


def index(app: Flask, *docs: dict) -> list[int]:
    """Import these rida/1 documents and index them; their meeting ids."""
    with app.app_context(), db.transaction() as s:
        ids = [exchange.import_document(s, doc).id for doc in docs]
    with app.app_context(), db.transaction() as s:
        search.index_meetings(s, ids)
    return ids


def demo() -> dict:
    return draft_document()


def confidential() -> dict:
    """A confidential meeting nobody but admins may read, with a word of its own."""
    doc = copy.deepcopy(draft_document())
    doc.update(
        classification="confidential", title=f"Atelier {SECRET_WORD}", series="Task Force secrète"
    )
    doc["rida"][0]["question"] = f"Le financement {SECRET_WORD} des inducteurs."
    return doc


def scripted() -> dict:
    """The demo with a ``<script>`` typed in a row (it must show as text)."""
    doc = copy.deepcopy(draft_document())
    doc["rida"][2]["question"] = f"Injection {SCRIPT} dans la ligne"
    return doc


def rows(hits: list[dict]) -> set[int]:
    return {h["row"] for h in hits if h["kind"] == "row"}
