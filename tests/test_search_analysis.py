"""The French analyzer, rule by rule, in the order of the chain."""

from __future__ import annotations

from rida.search.analysis import acronyms, fold, is_acronym, positioned_terms, terms


def test_tokenise_and_lowercase() -> None:
    assert terms("Financement SÉGUR") == ["financ", "segur"]


def test_french_stop_words_are_dropped() -> None:
    assert terms("le nombre de domaines pour les opérateurs") == ["nombr", "domain", "oper"]


def test_stop_words_leave_gaps_in_positions() -> None:
    assert positioned_terms("le nombre de domaines") == [(1, "nombr"), (3, "domain")]


def test_accents_and_ligatures_fold_before_stemming() -> None:
    assert terms("conformité") == terms("conformite") == ["conformit"]
    assert terms("sécurité") == terms("securite")
    assert terms("œuvre") == terms("oeuvre") == ["oeuvr"]
    assert terms("Æsthétique") == terms("aesthetique")
    assert fold("L’Œuvre d’été") == "L'OEuvre d'ete"


def test_curly_and_straight_apostrophes_alike() -> None:
    assert terms("l’opérateur") == terms("l'opérateur") == terms("opérateur") == ["oper"]
    assert terms("d‘accès") == terms("d'accès") == ["acce"]


def test_elisions_are_stripped() -> None:
    assert terms("l'opérateur d'accès") == ["oper", "acce"]
    assert terms("jusqu'au lorsqu'un") == []


def test_an_elided_stop_word_is_dropped() -> None:
    assert terms("qu'elles qu'il s'il") == []


def test_ocr_capital_i_for_l_is_an_elision() -> None:
    assert terms("I'état") == terms("l'état") == ["etat"]


def test_words_with_an_apostrophe_that_is_not_an_elision_stay_whole() -> None:
    assert terms("aujourd'hui") == ["aujourd'hui"]


def test_french_snowball_stemming() -> None:
    assert terms("inducteurs") == terms("inducteur") == ["inducteur"]
    assert terms("bilatéraux") == terms("bilatéral") == ["bilateral"]
    assert terms("préparation") == terms("préparer") == ["prepar"]


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
