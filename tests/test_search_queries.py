"""Query syntax, filters, facets, sorting, pages, glossary, suggestions and bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask

from rida import db
from rida.search import Filters, Results
from rida.search.glossary import set_groups
from tests.conftest import demo_document
from tests.search_support import demo_with, find, index_document, rows

pytestmark = pytest.mark.both_engines  # each test with Whoosh and with PostgreSQL


@pytest.fixture(scope="module")
def app(module_app: Flask) -> Flask:
    """The tests of this module only read: one app (per engine) for all."""
    return module_app


@pytest.fixture(scope="module")
def two(app: Flask) -> tuple[int, int]:
    """The demo (2022, series MSSanté) and a later draft in another series."""
    first = index_document(app, demo_document())
    later = demo_with(
        series="Task Force Autre",
        title="Atelier suivant",
        date="2023-03-10",
        status="draft",
        version="0.1",
        classification="public",
    )
    later["rida"] = [
        {
            "number": 1,
            "nature": "D",
            "subject": "Inducteurs retenus",
            "question": "ESEA NA : le nombre de BAL reste l'inducteur principal.",
            "answer": "",
        },
        {
            "number": 2,
            "nature": "I",
            "subject": "Calendrier",
            "question": "Préparation du prochain atelier <script>alert(1)</script>.",
            "answer": "DNS : le compte-rendu sera diffusé.",
        },
    ]
    later["actions"] = []
    return first, index_document(app, later)


def by_meeting(found: Results) -> set[tuple[int, int | None]]:
    return {(h.meeting, h.row) for h in found.hits if h.kind == "row"}


def test_words_are_all_required(app: Flask, two: tuple[int, int]) -> None:
    assert rows(find(app, "inducteur LIFEN")) == [4, 5, 6, 8]
    assert rows(find(app, "inducteur LIFEN GCS")) == [8]


def test_exclusion(app: Flask, two: tuple[int, int]) -> None:
    first, _ = two
    found = find(app, "inducteur -BAL", filters=Filters(series=("Task Force MSSanté",)))
    assert rows(found) == [6]
    assert rows(
        find(
            app, 'inducteur -"nombre de domaines"', filters=Filters(series=("Task Force MSSanté",))
        )
    ) == [6, 8]


def test_prefix(app: Flask, two: tuple[int, int]) -> None:
    _, later = two
    assert by_meeting(find(app, "prepar*")) == {(later, 2)}
    assert 4 in rows(find(app, "induc*"))


def test_a_too_short_prefix_is_refused_with_a_message(app: Flask, two: tuple[int, int]) -> None:
    found = find(app, "i*")
    assert found.total == 0 and "trop court" in found.message


def test_hyphenated_query_words(app: Flask, two: tuple[int, int]) -> None:
    _, later = two
    for text in ("compte-rendu", '"compte rendu"', "compte rendu", "compterendu"):
        assert by_meeting(find(app, text)) == {(later, 2)}, text
    assert rows(find(app, "autoconfiguration")) == rows(find(app, "auto-configuration")) == [6]


def test_filters_restrict_without_changing_scores(app: Flask, two: tuple[int, int]) -> None:
    everything = {
        (h.meeting, h.kind, h.row, h.action): h.score for h in find(app, "financement").hits
    }
    only_a = find(app, "financement", filters=Filters(nature=("A",)))
    assert rows(only_a) == [7, 8] and only_a.total == 2
    for h in only_a.hits:
        assert h.score == pytest.approx(everything[(h.meeting, h.kind, h.row, h.action)])


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(series=("Task Force Autre",)), {"later"}),
        (Filters(nature=("none",)), {"first"}),
        (Filters(organisation=("ESEA NA",)), {"first", "later"}),
        (Filters(organisation=("GCS SARA",)), {"first"}),
        (Filters(status=("draft",)), {"later"}),
        (Filters(classification=("public",)), {"first", "later"}),
        (Filters(meeting_type=("Atelier",)), {"first", "later"}),
        (Filters(date_from=dt.date(2023, 1, 1)), {"later"}),
        (Filters(date_to=dt.date(2022, 12, 31)), {"first"}),
        (Filters(date_from=dt.date(2022, 1, 7), date_to=dt.date(2022, 1, 7)), {"first"}),
    ],
)
def test_each_filter(
    app: Flask, two: tuple[int, int], filters: Filters, expected: set[str]
) -> None:
    ids = dict(zip(("first", "later"), two, strict=True))
    found = find(app, "inducteur", filters=filters)
    assert {h.meeting for h in found.hits} == {ids[e] for e in expected}


def test_filters_alone_list_matching_documents_newest_first(
    app: Flask, two: tuple[int, int]
) -> None:
    found = find(app, "", filters=Filters(nature=("D",)))
    assert by_meeting(found) == {(two[1], 1)} and found.message is None


def test_facets_count_every_match(app: Flask, two: tuple[int, int]) -> None:
    found = find(app, "inducteur", filters=Filters(series=("Task Force MSSanté",)))
    assert found.total == 6  # rows 4-8 and the header
    assert dict(found.facets["nature"]) == {"I": 2, "A": 2, "none": 1}
    assert found.facets["series"] == [("Task Force MSSanté", 6)]
    assert found.facets["year"] == [("2022", 6)]
    organisations = dict(found.facets["organisation"])
    assert organisations["LIFEN"] == 4 and organisations["ESEA NA"] == 2


def test_sort_by_date_puts_the_newest_meeting_first(app: Flask, two: tuple[int, int]) -> None:
    found = find(app, "inducteur", sort="date")
    assert found.hits[0].meeting == two[1]
    assert [h.date for h in found.hits] == sorted((h.date for h in found.hits), reverse=True)


def test_pagination(app: Flask, two: tuple[int, int]) -> None:
    whole = find(app, "ANS", per_page=100)
    pages = [find(app, "ANS", page=p, per_page=4) for p in (1, 2, 3, 4)]
    assert all(p.total == whole.total for p in pages)
    seen = [(h.meeting, h.kind, h.row, h.action) for p in pages for h in p.hits]
    assert seen == [(h.meeting, h.kind, h.row, h.action) for h in whole.hits]
    assert find(app, "ANS", page=99, per_page=4).hits == []


def test_snippets_are_escaped_with_marks(app: Flask, two: tuple[int, int]) -> None:
    found = find(app, "prochain atelier", filters=Filters(series=("Task Force Autre",)))
    snippet = found.hits[0].snippet
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet
    assert "<mark>prochain</mark> <mark>atelier</mark>" in snippet


def test_glossary_of_the_series_applies_at_query_time(app: Flask, two: tuple[int, int]) -> None:
    first, later = two
    with app.app_context(), db.transaction() as s:
        from rida.models import Meeting

        series_id = s.get(Meeting, first).series_id
        set_groups(
            s,
            series_id,
            [["MSS", "MSSanté"], ["CR", "compte-rendu"], ["ESEA NA", "ESEA Nouvelle Aquitaine"]],
        )
    assert by_meeting(find(app, "ESEA Nouvelle Aquitaine")) == {(first, 1), (first, 5), (first, 7)}
    # The other series has no glossary: « ESEA NA » there is only itself.
    assert (later, 1) in by_meeting(find(app, "ESEA NA"))
    assert (later, 1) not in by_meeting(find(app, "ESEA Nouvelle Aquitaine"))
    assert rows(find(app, "CR", filters=Filters(series=("Task Force MSSanté",)))) == []
    assert {h.kind for h in find(app, "CR").hits} == {"meeting"}  # the summary says « CR »
    assert set(rows(find(app, "MSSanté"))) >= {2, 9}
    with app.app_context(), db.transaction() as s:
        set_groups(s, series_id, [])


def test_a_glossary_group_needs_two_terms(app: Flask, two: tuple[int, int]) -> None:
    with app.app_context(), db.transaction() as s, pytest.raises(ValueError, match="deux"):
        set_groups(s, 1, [["MSS", " MSS "]])


def test_zero_results_suggest_a_correction(app: Flask, two: tuple[int, int]) -> None:
    found = find(app, "financment inducteur")
    assert found.total == 0 and found.suggestion == "financement inducteur"
    assert find(app, "inducteur -BAL -LIFEN -GCS -ANS -DNS").suggestion is None


def test_the_suggestion_is_the_nearest_word(app: Flask, two: tuple[int, int]) -> None:
    """« finacement » is one edit from *financement*, two from *finement*: the nearest
    wins, whatever the alphabetical order (Whoosh's own corrector took the last word)."""
    doc = demo_with(title="Finement", status="draft", version="0.1")
    doc["rida"] = [{**doc["rida"][0], "subject": "Découpé finement"}]
    doc["actions"] = []
    index_document(app, doc)
    assert find(app, "finacement").suggestion == "financement"


BAD = [
    "",
    "   ",
    "le la de",
    "x" * 10_000,
    "AND OR NOT",
    "( ) [ ] ^ ~ : * ? \\ / !",
    '"unbalanced quote',
    'a"b"c"',
    "title:foo text:bar",
    "*",
    "-",
    "--",
    "-*",
    "\x00",
    "((((inducteur",
    "inducteur~2^3",
    "🙂 émoji",
    '""',
    '-"nombre de"',
    "-inducteur",
    "du la les de des",
    "ANS " * 3000,
    '"' * 51,
]


@pytest.mark.parametrize("text", BAD, ids=range(len(BAD)))
def test_bad_input_gives_a_result_never_an_error(
    app: Flask, two: tuple[int, int], text: str
) -> None:
    found = find(app, text)
    assert found.total >= 0 and len(found.hits) <= found.total


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Saisissez"),
        ("le la de", "mots trop courants"),
        ("x" * 10_000, "trop longue"),
        ('"inducteur', "Guillemet non fermé"),
        ("-inducteur", "en plus des exclusions"),
        ("OR ANS", "« OR » en début de recherche"),
        ("ANS OR -DNS", "« OR » relie deux termes"),
    ],
)
def test_bad_input_explains_itself_in_french(
    app: Flask, two: tuple[int, int], text: str, message: str
) -> None:
    assert message in find(app, text).message
