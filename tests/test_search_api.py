"""GET /api/search: the same parameters as the results page, JSON, access rule applied."""

from __future__ import annotations

import pytest

from tests.search_ui_support import SECRET_WORD, confidential, demo, index, rows, scripted

pytestmark = pytest.mark.both_engines  # each test with Whoosh and with PostgreSQL


@pytest.fixture
def meetings(app) -> list[int]:
    return index(app, demo(), confidential())


def test_demo_answers_with_rows_actions_and_required_keys_first(browser, meetings):
    response = browser.client.get("/api/search?q=inducteur")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.json
    assert list(data)[:5] == ["total", "hits", "facets", "suggestion", "message"]
    assert list(data["hits"][0])[:5] == ["meeting", "kind", "row", "title", "snippet"]
    public = [h for h in data["hits"] if h["meeting"] == meetings[0]]
    assert {4, 5, 6, 7, 8} <= rows(public)
    assert data["total"] >= len(data["hits"])
    assert all(h["url"].startswith(f"/reunions/{h['meeting']}") for h in data["hits"])
    bilateral = browser.client.get("/api/search?q=bilat%C3%A9ral").json["hits"]
    assert any(
        h["kind"] == "action" and h["url"] == f"/reunions/{h['meeting']}#action-{h['action']}"
        for h in bilateral
    )


def test_filters_and_facets(browser, meetings):
    data = browser.client.get("/api/search?q=inducteur&nature=A").json
    assert data["hits"] and {h["nature"] for h in data["hits"]} == {"A"}
    assert {7, 8} <= rows(data["hits"])
    facets = browser.client.get("/api/search?q=financement").json["facets"]
    assert set(facets) >= {"nature", "series", "organisation", "year"}
    assert {"value": "2022", "count": facets["year"][0]["count"]} == facets["year"][0]
    none = browser.client.get("/api/search?q=inducteur&from=2023-01-01").json
    assert none["total"] == 0 and none["hits"] == []


def test_exact_phrase(browser, meetings):
    hits = browser.client.get('/api/search?q="nombre de domaines"').json["hits"]
    assert hits and all(
        "nombre de domaines" in h["snippet"].replace("<mark>", "").replace("</mark>", "").lower()
        for h in hits
    )


@pytest.mark.parametrize(
    "args, path",
    [
        ("nature=X", "nature"),
        ("from=07/01/2022", "from"),
        ("to=2022-13-01", "to"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("sort=score", "sort"),
        ("status=archived", "status"),
        ("classification=secret", "classification"),
        ("from=2022-02-01&to=2022-01-01", "to"),
    ],
)
def test_bad_parameters_are_400_with_their_path(browser, meetings, args, path):
    response = browser.client.get(f"/api/search?q=bal&{args}")
    assert response.status_code == 400
    assert response.json["error"] == "invalid"
    assert [e["path"] for e in response.json["errors"]] == [path]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "le la les de",
        '"unbalanced quote',
        "AND OR NOT ((",
        "x" * 10_000,
        "*",
        "-",
        "a:b:c",
        "title:(",
        "^~*?[",
        '""',
        "\u00a0",
        "inducteur\x00",
    ],
)
def test_hostile_queries_answer_never_500(browser, meetings, text):
    response = browser.client.get("/api/search", query_string={"q": text})
    assert response.status_code == 200, response.json
    assert isinstance(response.json["total"], int)


def test_snippets_are_escaped(browser, app):
    index(app, scripted())
    hits = browser.client.get("/api/search?q=injection").json["hits"]
    assert hits and "<script>" not in hits[0]["snippet"]
    assert "&lt;script&gt;" in hits[0]["snippet"]


def test_a_reader_never_sees_a_confidential_meeting(client, meetings):
    from tests.conftest import Browser

    reader = Browser(client).login("reader")
    data = reader.client.get(f"/api/search?q={SECRET_WORD}").json
    assert data["total"] == 0 and data["hits"] == []
    assert SECRET_WORD not in str(data)
    everything = reader.client.get("/api/search?q=financement").json
    assert {h["meeting"] for h in everything["hits"]} == {meetings[0]}
    assert "Task Force secrète" not in str(everything["facets"])
    near = reader.client.get(f"/api/search?q={SECRET_WORD[:-1]}x").json
    assert SECRET_WORD not in str(near)  # nor as a suggestion from the vocabulary


def test_login_required(client, meetings):
    response = client.get("/api/search?q=bal")
    assert response.status_code == 401 and SECRET_WORD not in response.get_data(as_text=True)
