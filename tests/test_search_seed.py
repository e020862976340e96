"""The seed compte-rendu (the demo, imported through rida.circuit.versions) answers as the issue
says; snippets from the noisier seeds (OCR errors, curly apostrophes, non-breaking spaces
before colons) are found too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask

from rida.search import Results, facets, output
from tests.conftest import demo_document
from tests.search_support import find, index_document, rows

pytestmark = pytest.mark.both_engines  # each test with Whoosh and with PostgreSQL

NOISY = Path(__file__).parent / "fixtures" / "search_noisy.json"


@pytest.fixture(scope="module")
def app(module_app: Flask) -> Flask:
    """The tests of this module only read: one app (per engine) for all."""
    return module_app


@pytest.fixture(scope="module")
def demo(app: Flask) -> int:
    return index_document(app, demo_document())


def test_inducteur_finds_rows_4_to_8(app: Flask, demo: int) -> None:
    assert rows(find(app, "inducteur")) == [4, 5, 6, 7, 8]


def test_bilateral_finds_row_8_and_the_bilateral_interview_action(app: Flask, demo: int) -> None:
    found = find(app, "bilatéral")
    assert rows(found) == [8]
    actions = [h for h in found.hits if h.kind == "action"]
    assert [a.title for a in actions] == [
        "Entretiens bilatéraux avec les opérateurs pour obtenir les éléments de coûts "
        "nécessaires à la modélisation économique"
    ]
    assert found.total == 2


def test_conformite_without_accent_finds_rows_1_and_3(app: Flask, demo: int) -> None:
    found = find(app, "conformite")
    assert rows(found) == [1, 3] and found.total == 2


def test_mise_en_oeuvre_finds_row_2(app: Flask, demo: int) -> None:
    assert rows(find(app, "mise en oeuvre")) == [2]


def test_bal_finds_rows_4_5_7_and_8(app: Flask, demo: int) -> None:
    found = find(app, "BAL")
    assert rows(found) == [4, 5, 7, 8] and found.total == 4


def test_an_exact_phrase_finds_the_exact_phrase_only(app: Flask, demo: int) -> None:
    found = find(app, '"nombre de domaines"')
    assert rows(found) == [4, 5, 7]  # row 8 says « nombre de BAL et de domaines »
    for hit in found.hits:
        assert "<mark>nombre</mark> de <mark>domaines</mark>" in hit.snippet


def test_a_hit_points_at_its_meeting_row_and_nature(app: Flask, demo: int) -> None:
    hit = next(h for h in find(app, "conformite").hits if h.row == 3)
    assert (hit.meeting, hit.kind, hit.title, hit.nature) == (
        demo,
        "row",
        "Preuves de déploiement",
        "I",
    )
    assert hit.meeting_title == "Atelier modèle économique #1"
    assert hit.series == "Task Force MSSanté" and hit.date.isoformat() == "2022-01-07"


def test_the_header_is_found_by_participants_and_objectives(app: Flask, demo: int) -> None:
    for text in ("LAPEYRIE", "Gueye", "sondage", "Capgemini"):
        found = find(app, text)
        assert [(h.kind, h.meeting) for h in found.hits] == [("meeting", demo)], text


def test_actions_are_found_by_owner_and_notes(app: Flask, demo: int) -> None:
    found = find(app, "éditeurs")
    assert [h.kind for h in found.hits] == ["action"]
    assert any(h.kind == "action" for h in find(app, "Bris semaine").hits)


def test_ans_ranks_the_organisation_above_the_word(app: Flask) -> None:
    doc = demo_document()
    doc["rida"][8]["question"] = "Depuis des ans, rien ne change pour les opérateurs."
    doc["rida"][8]["answer"] = "Vu"
    doc["rida"][0]["answer"] = "ANS : la mise en conformité est à organiser."
    meeting = index_document(app, doc)
    found = find(app, "ANS", per_page=100)
    mine = [h for h in found.hits if h.meeting == meeting]
    assert 9 in rows(found)
    assert mine[-1].row == 9  # « ans » the word comes after every « ANS »


@pytest.fixture(scope="module")
def noisy(app: Flask) -> int:
    doc = demo_document()
    extra = json.loads(NOISY.read_text(encoding="utf-8"))["rows"]
    doc["rida"] = [{"number": i + 1, "nature": "I", **row} for i, row in enumerate(extra)]
    doc["actions"] = []
    return index_document(app, doc)


@pytest.mark.parametrize(
    ("text", "row"),
    [
        ("pièces jointes", 1),  # OCR « piéces »
        ("même", None),  # a stop word: nothing to search
        ("lui-même", 1),  # OCR « lui-méme »: hyphenated, accent misread
        ("lui-meme", 1),
        ("état d'avancement", 1),  # OCR « I'état »
        ("très grandes entreprises", 2),
        ("entièrement", 2),  # OCR « entiérement »
        ("heure actuelle", 3),  # curly apostrophe « l’heure »
        ("hébergement", 3),  # « d’hébergement »
        ('"à l\'heure actuelle"', 3),
        ("souveraineté", 3),
    ],
)
def test_noisy_seed_snippets_are_found(app: Flask, noisy: int, text: str, row: int | None) -> None:
    found = find(app, text, per_page=100)
    assert sorted(h.row for h in found.hits if h.meeting == noisy) == ([row] if row else [])


def test_a_speaker_before_a_non_breaking_space_and_colon_is_an_organisation(
    app: Flask, noisy: int
) -> None:
    found = find(app, "cloud")
    assert rows(found) == [3]
    assert ("NUMSPOT", 1) in found.facets["organisation"]


# Broad queries count at most COUNT_CAP matches: the total becomes « plus de N », the
# page of hits is unchanged.


def test_exact_total_under_the_cap(app: Flask, demo: int) -> None:
    found = find(app, "BAL")
    assert found.total == len(found.hits) > 3 and found.total_is_exact
    assert output.results_dict(found)["total_is_exact"] is True


def test_a_broad_query_counts_up_to_the_cap(
    app: Flask, demo: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    complete = find(app, "BAL").hits
    monkeypatch.setattr(facets, "COUNT_CAP", 3)
    found = find(app, "BAL")
    assert found.hits == complete  # the page is unchanged
    assert found.total == 3 and not found.total_is_exact
    assert sum(count for _, count in found.facets["nature"]) == 3
    assert output.total_label(found) == "plus de 3 résultats"


def test_total_labels() -> None:
    assert output.total_label(Results(total=1, hits=[], facets={})) == "1 résultat"
    assert (
        output.total_label(Results(total=2000, hits=[], facets={}, total_is_exact=False))
        == "plus de 2\u202f000 résultats"
    )
