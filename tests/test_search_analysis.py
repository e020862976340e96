"""The French analyzer, rule by rule, in the order of the chain."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rida.search.analysis import (
    acronyms,
    fold,
    index_terms,
    is_acronym,
    phrase_terms,
    positioned_terms,
    spelling_words,
    terms,
    word_forms,
)
from rida.search.spelling import distance


def test_tokenise_and_lowercase() -> None:
    assert terms("Financement SÉGUR") == ["financ", "segur"]


def test_french_stop_words_are_dropped() -> None:
    assert terms("le nombre de domaines pour les opérateurs") == ["nombr", "domain", "operateur"]


def test_stop_words_leave_gaps_in_positions() -> None:
    assert positioned_terms("le nombre de domaines") == [(1, "nombr"), (3, "domain")]


def test_the_primary_form_folds_accents_before_stemming() -> None:
    assert terms("conformité") == terms("conformite") == ["conformit"]
    assert terms("sécurité") == terms("securite")
    assert terms("œuvre") == terms("oeuvre") == ["oeuvr"]
    assert terms("Æsthétique") == terms("aesthetique")
    assert fold("L’Œuvre d’été") == "L'OEuvre d'ete"


def test_the_alternate_form_stems_before_folding_so_participles_find_their_family() -> None:
    """Folding first made « financée » ``finance``, a stem no other word of the family
    has (the audit: financée, déployée, envoyée found nothing)."""
    assert word_forms("financée") == ["finance", "financ"]
    assert "financ" in word_forms("financement") + word_forms("financer")
    assert "deploi" in word_forms("déployée") and word_forms("déploiement") == ["deploi"]
    assert "envoi" in word_forms("envoyée") and word_forms("envoi") == ["envoi"]
    # Both forms are indexed, at the same position; a phrase reads the primary one.
    assert index_terms("financée") == [(0, "finance"), (0, "financ")]
    assert phrase_terms("seuils publiés") == [(0, "seuil"), (1, "publ")]
    assert "publi" in word_forms("publiés") and word_forms("publier") == ["publi"]


def test_curly_and_straight_apostrophes_alike() -> None:
    assert terms("l’opérateur") == terms("l'opérateur") == terms("opérateur") == ["operateur"]
    assert terms("d‘accès") == terms("d'accès") == ["acce"]


def test_elisions_are_stripped() -> None:
    assert terms("l'opérateur d'accès") == ["operateur", "acce"]
    assert terms("jusqu'au lorsqu'un") == []


def test_an_elided_stop_word_is_dropped() -> None:
    assert terms("qu'elles qu'il s'il") == []


def test_ocr_capital_i_for_l_is_an_elision() -> None:
    assert terms("I'état") == terms("l'état") == ["etat"]


def test_words_with_an_apostrophe_that_is_not_an_elision_stay_whole() -> None:
    assert terms("aujourd'hui") == ["aujourd'hui"]
    assert terms("prud'hommes") == ["prud'homm"]  # no capital after the apostrophe


def test_a_name_after_an_apostrophe_is_indexed_whole_and_in_parts() -> None:
    assert terms("O'CONNELL") == ["o'connel", "o", "connel"]
    assert word_forms("connell") == ["connel"] and word_forms("o'connell") == ["o'connel"]
    assert terms("O’Neill") == ["o'neil", "o", "neil"]
    assert spelling_words("Kevin O'CONNELL") == ["kevin", "o'connell", "o", "connell"]


def test_dates_are_one_term_in_iso_form_whichever_way_they_are_written() -> None:
    assert terms("18/02/2022") == ["2022-02-18", "18", "02", "2022"]
    assert terms("2022-02-18") == ["2022-02-18", "2022", "02", "18"]
    assert word_forms("18/02/22") == word_forms("2022-02-18") == ["2022-02-18"]
    assert terms("31/02/2022") == ["31", "02", "2022"]  # no such day: numbers
    # A phrase reads a date as its ISO term: the spelling does not matter.
    assert phrase_terms("réunion du 18/02/2022") == phrase_terms("réunion du 2022-02-18")


def test_french_snowball_stemming() -> None:
    assert terms("inducteurs") == terms("inducteur") == ["inducteur"]
    assert terms("bilatéraux") == terms("bilatéral") == ["bilateral"]
    assert terms("préparation") == terms("préparer") == ["prepar"]


def test_lighter_stems_keep_agents_and_communication_apart() -> None:
    """Snowball gave *opérations* and *opérateurs* one stem, *communication* and *commun*
    one too (the audit: ``opérations`` found only rows about operators)."""
    assert terms("opérations") == terms("opération") == terms("opérer") == ["oper"]
    assert terms("opérateurs") == terms("opératrice") == ["operateur"]
    assert terms("communication") == terms("communiquer") == ["communiqu"]
    assert terms("commun") == terms("communes") == ["commun"]
    assert terms("vérification") == terms("vérifier") == ["verifi"]
    assert terms("publication") == ["publiqu"]
    assert terms("amateur") == ["amateur"]  # too short a stem: Snowball's own


def test_hyphenated_words_are_indexed_joined_and_split() -> None:
    found = terms("auto-configuration")
    assert found == ["autoconfigur", "auto", "configur"]
    assert terms("autoconfiguration")[0] in found
    assert terms("configuration")[0] in found


def test_hyphen_parts_take_consecutive_positions_after_the_joined_form() -> None:
    assert positioned_terms("auto-configuration des clients") == [
        (0, "auto"),
        (1, "configur"),
        (3, "client"),
    ]


def test_acronyms_are_kept_exact_case() -> None:
    assert acronyms("Le nombre de BAL, la TF MSS et l'ANS ; les ans passent") == [
        "BAL",
        "TF",
        "MSS",
        "ANS",
    ]
    assert acronyms("ENOVACOM Lifen a B") == []  # more than six letters, mixed case, one


def test_stop_words_never_swallow_acronyms() -> None:
    assert terms("CE SA") == []  # stop words in the text field...
    assert acronyms("CE SA") == ["CE", "SA"]  # ...still findable as acronyms


def test_is_acronym() -> None:
    assert is_acronym("ANS") and is_acronym("MSS") and not is_acronym("ans")
    assert not is_acronym("A") and not is_acronym("ABCDEFG")


def test_non_breaking_spaces_and_punctuation_separate_words() -> None:
    assert terms("LIFEN\u00a0: préférable") == ["lifen", "prefer"]


def _edit_distance(a: str, b: str) -> int:
    """The reference: the full table, transpositions of neighbours counted as one edit."""
    d = [[i + j if not i * j else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(
                d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])
            )
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


@given(st.text("abc", max_size=7), st.text("abc", max_size=7), st.integers(1, 3))
def test_the_suggestions_distance_counts_a_transposition_once(a: str, b: str, limit: int) -> None:
    assert distance(a, b, limit) == min(_edit_distance(a, b), limit + 1)
    assert distance("inducteru", "inducteur") == 1  # so « inducteur », not « inducteurs »
