"""The search audit's findings, each a query on realistic minutes
(tests/fixtures/search_audit.json), with either engine: past participles find their
family, word order does not change the answer, ``OR`` is a disjunction, a name after an
apostrophe is found by its parts, an ISO date finds a French one, a speaker with a long
note is an organisation, the whole instance's glossary applies to every series and to the
organisation filter and facet, and the stems are light enough that *opérations* is not
*opérateurs* nor *communication* *commun*."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask

from rida import db
from rida.search import Filters, Results
from rida.search.glossary import set_groups
from tests.conftest import demo_document
from tests.search_support import find, index_document

pytestmark = pytest.mark.both_engines  # each test with Whoosh and with PostgreSQL

FIXTURE = Path(__file__).parent / "fixtures" / "search_audit.json"
MEETINGS = json.loads(FIXTURE.read_text(encoding="utf-8"))["meetings"]


@pytest.fixture(scope="module")
def app(module_app: Flask) -> Flask:
    """The tests of this module only read: one app (per engine) for all."""
    return module_app


@pytest.fixture(scope="module")
def ids(app: Flask) -> dict[str, int]:
    """Meeting ids by series ("A": Task Force MSSanté, "B": Comité des opérateurs), with
    the demo's glossary as the whole instance's."""
    found = {}
    for key, meeting in zip("AB", MEETINGS, strict=True):
        doc = {
            **demo_document(),
            "series": meeting["series"],
            "title": meeting["title"],
            "date": meeting["date"],
            "actions": [],
            "rida": [{"number": i + 1, **row} for i, row in enumerate(meeting["rows"])],
        }
        found[key] = index_document(app, doc)
    with app.app_context(), db.transaction() as s:
        set_groups(s, None, [["MSS", "MSSanté"], ["ESEA NA", "ESEA Nouvelle Aquitaine"]])
    return found


def rows(found: Results, ids: dict[str, int]) -> set[str]:
    """The row hits as ``A1``, ``B2``…"""
    names = {meeting: key for key, meeting in ids.items()}
    return {f"{names[h.meeting]}{h.row}" for h in found.hits if h.kind == "row"}


def search(app: Flask, ids: dict[str, int], text: str, **options: object) -> set[str]:
    return rows(find(app, text, per_page=100, **options), ids)


@pytest.mark.parametrize(
    ("participle", "family"),
    [
        ("financée", {"A1", "A7"}),  # A7: « seuil commun de financement »
        ("déployée", {"A2", "B3"}),  # B3: « le déploiement régional »
        ("envoyée", {"A4", "B2"}),  # B2: « l'envoi de la nouvelle version »
    ],
)
def test_a_past_participle_finds_its_family(
    app: Flask, ids: dict[str, int], participle: str, family: set[str]
) -> None:
    assert search(app, ids, participle) == family


def test_the_order_of_the_words_does_not_change_the_answer(app: Flask, ids: dict[str, int]) -> None:
    assert search(app, ids, "seuils publiés") == search(app, ids, "publier seuils") == {"A3", "B1"}


def test_or_in_capitals_is_a_disjunction(app: Flask, ids: dict[str, int]) -> None:
    assert search(app, ids, "ENOVACOM OR MIPIH") == {"A2", "A5"}
    assert search(app, ids, "ENOVACOM OU MIPIH") == {"A2", "A5"}
    assert search(app, ids, "BAL plus OR prévue") == {"A5", "A8"}  # OR binds first
    assert search(app, ids, "ENOVACOM or MIPIH") == set()  # lower case: words


def test_a_name_after_an_apostrophe_is_found_by_its_parts(app: Flask, ids: dict[str, int]) -> None:
    for text in ("connell", "o'connell", "O'CONNELL", "O’Connell"):
        assert search(app, ids, text) == {"A4"}, text


def test_an_iso_date_finds_the_french_one(app: Flask, ids: dict[str, int]) -> None:
    iso, french = find(app, "2022-02-18", per_page=100), find(app, "18/02/2022", per_page=100)
    assert rows(iso, ids) == rows(french, ids) == {"A4"}
    headers = {h.meeting for h in iso.hits if h.kind == "meeting"}
    assert headers == {h.meeting for h in french.hits if h.kind == "meeting"} == {ids["A"]}
    assert search(app, ids, '"comité du 2022-02-18"') == {"A4"}


def test_a_speaker_with_a_long_note_is_an_organisation(app: Flask, ids: dict[str, int]) -> None:
    found = find(app, "déployée")
    assert ("ENOVACOM", 1) in found.facets["organisation"]
    assert search(app, ids, "", filters=Filters(organisation=("ENOVACOM",))) == {"A2"}


def test_the_instance_glossary_applies_to_every_series(app: Flask, ids: dict[str, int]) -> None:
    assert search(app, ids, "mssante") == {"B1"}  # « la MSS », in the other series
    assert search(app, ids, "MSS") == {"B1"}


def test_the_glossary_applies_to_the_organisation_filter_and_facet(
    app: Flask, ids: dict[str, int]
) -> None:
    everyone = {"A1", "A8", "B2"}
    for name in ("ESEA NA", "ESEA Nouvelle Aquitaine"):
        assert search(app, ids, "", filters=Filters(organisation=(name,))) == everyone, name
    facet = dict(find(app, "opérateurs OR BAL").facets["organisation"])
    assert facet["ESEA NA"] == 3 and "ESEA Nouvelle Aquitaine" not in facet


def test_operations_are_not_operators(app: Flask, ids: dict[str, int]) -> None:
    assert search(app, ids, "opérations") == search(app, ids, "opération") == {"A5"}
    assert search(app, ids, "opérateurs") == {"A1", "A3", "A4", "A6", "A7", "B2"}


def test_communication_is_not_commun(app: Flask, ids: dict[str, int]) -> None:
    assert search(app, ids, "communication") == {"A6"}
    assert search(app, ids, "commun") == {"A7"}
