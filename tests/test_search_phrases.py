"""Exact phrases: a stop word inside a phrase must be a stop word in the text, not any
word (« données de santé » is not « données publiques santé »)."""

from __future__ import annotations

import pytest
from flask import Flask

from rida.search.analysis import GAP, phrase_terms, terms
from tests.search_support import demo_with, find, index_document

pytestmark = pytest.mark.both_engines  # each test with Whoosh and with PostgreSQL


@pytest.fixture(scope="module")
def app(module_app: Flask) -> Flask:
    return module_app


@pytest.fixture(scope="module")
def meeting(app: Flask) -> int:
    doc = demo_with(series="Task Force Phrases", title="Atelier phrases", date="2023-05-02")
    doc["rida"] = [
        {
            "number": 1,
            "nature": "I",
            "subject": "Hébergement",
            "question": "L'hébergement des données de santé est certifié.",
            "answer": "",
        },
        {
            "number": 2,
            "nature": "I",
            "subject": "Ouverture",
            "question": "Les données publiques santé sont ouvertes.",
            "answer": "",
        },
        {
            "number": 3,
            "nature": "I",
            "subject": "Portail",
            "question": "Données : santé publique, d’abord.",
            "answer": "",
        },
    ]
    doc["actions"] = []
    return index_document(app, doc)


def found_rows(app: Flask, text: str, meeting: int) -> list[int]:
    return sorted(
        h.row
        for h in find(app, text).hits
        if h.meeting == meeting and h.kind == "row" and h.row is not None
    )


def test_phrase_terms_mark_inner_stop_words_only() -> None:
    assert phrase_terms("de la donnée de santé du") == [
        (2, "donne"),
        (3, GAP + "sant"),
        (4, "sant"),
    ]
    assert phrase_terms("le de la") == []
    assert phrase_terms("mise en place de la stratégie") == [
        (0, "mis"),
        (1, GAP + "plac"),
        (2, "plac"),
        (3, GAP + "strateg"),
        (4, GAP + "strateg"),
        (5, "strateg"),
    ]
    assert not any(t.startswith(GAP) for t in terms("le nombre de domaines"))


def test_a_stop_word_in_a_phrase_must_be_a_stop_word(app: Flask, meeting: int) -> None:
    assert found_rows(app, '"données de santé"', meeting) == [1]
    assert found_rows(app, '"données publiques santé"', meeting) == [2]
    assert found_rows(app, '"données santé"', meeting) == [3]  # punctuation is no word


def test_ordinary_queries_ignore_the_gaps(app: Flask, meeting: int) -> None:
    assert found_rows(app, "données santé", meeting) == [1, 2, 3]
    assert found_rows(app, "données de santé", meeting) == [1, 2, 3]


def test_phrase_snippets_do_not_mark_stop_words(app: Flask, meeting: int) -> None:
    hit = next(h for h in find(app, '"données de santé"').hits if h.meeting == meeting)
    assert "<mark>de</mark>" not in hit.snippet and "<mark>santé</mark>" in hit.snippet
