"""Search results only include what the account may read: hits, snippets and facets."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlmodel import select

from rida import db
from rida.models import Meeting, SeriesMember, User
from tests.conftest import demo_document
from tests.search_support import demo_with, find, index_document

pytestmark = pytest.mark.both_engines  # each test with Whoosh and with PostgreSQL

SECRET = "Projet Zanzibar"


def variant(series: str, classification: str) -> dict:
    doc = demo_with(
        series=series,
        classification=classification,
        status="draft",
        version="0.1",
        title=f"Atelier {classification}",
    )
    doc["rida"] = [dict(r) for r in doc["rida"]]
    doc["rida"][3]["answer"] += f" {SECRET} ({classification})."
    return doc


@pytest.fixture
def meetings(app: Flask) -> dict[str, int]:
    ids = {
        "public": index_document(app, demo_document()),
        "restricted": index_document(app, variant("Série restreinte", "restricted")),
        "confidential": index_document(app, variant("Série confidentielle", "confidential")),
    }
    with app.app_context(), db.transaction() as s:
        member = s.exec(select(User).where(User.login == "member")).one()
        restricted = s.get(Meeting, ids["restricted"])
        s.add(SeriesMember(series_id=restricted.series_id, user_id=member.id))
    return ids


def test_a_reader_never_sees_restricted_or_confidential_rows(
    app: Flask, meetings: dict[str, int]
) -> None:
    found = find(app, "inducteur", login="reader", per_page=100)
    assert {h.meeting for h in found.hits} == {meetings["public"]}
    secret = find(app, "Zanzibar", login="reader")
    assert secret.total == 0 and secret.hits == []


def test_facet_counts_leave_out_what_one_may_not_read(app: Flask, meetings: dict[str, int]) -> None:
    found = find(app, "inducteur", login="reader")
    assert found.facets["series"] == [("Task Force MSSanté", 6)]
    assert found.total == 6
    assert all(count <= 6 for _, count in found.facets["organisation"])
    assert find(app, "Zanzibar", login="reader").facets == {
        "nature": [],
        "series": [],
        "organisation": [],
        "year": [],
    }


def test_no_suggestion_is_drawn_from_unreadable_text_that_matches(
    app: Flask, meetings: dict[str, int]
) -> None:
    found = find(app, "Zanzibar", login="reader")
    assert found.suggestion is None  # the word exists: nothing to correct


def test_a_series_member_reads_the_restricted_meeting_not_the_confidential(
    app: Flask, meetings: dict[str, int]
) -> None:
    found = find(app, "Zanzibar", login="member")
    assert {h.meeting for h in found.hits} == {meetings["restricted"]}
    assert all("confidential" not in h.snippet for h in found.hits)
    assert found.facets["series"] == [("Série restreinte", 1)]


def test_an_admin_reads_everything(app: Flask, meetings: dict[str, int]) -> None:
    found = find(app, "Zanzibar", login="admin")
    assert {h.meeting for h in found.hits} == {meetings["restricted"], meetings["confidential"]}


def test_an_anonymous_search_finds_nothing(app: Flask, meetings: dict[str, int]) -> None:
    from rida import search
    from rida.search import Query

    with app.app_context(), db.write_session(db.engine()) as s:
        assert search.search(s, None, Query("inducteur")).total == 0


def test_a_meeting_made_confidential_disappears_before_reindexing(
    app: Flask, meetings: dict[str, int]
) -> None:
    with app.app_context(), db.transaction() as s:
        s.get(Meeting, meetings["public"]).classification = "confidential"
    assert find(app, "inducteur", login="reader").total == 0  # access read from the database


def test_a_deleted_meeting_still_in_the_index_is_never_shown(
    app: Flask, meetings: dict[str, int]
) -> None:
    with app.app_context(), db.transaction() as s:
        s.delete(s.get(Meeting, meetings["confidential"]))
    found = find(app, "Zanzibar", login="admin")
    assert {h.meeting for h in found.hits} == {meetings["restricted"]}
