"""The pure helpers that read text as people write it in minutes."""

from __future__ import annotations

import datetime as dt

import pytest

from rida.compte_rendu.reading.text_reading import (
    html_to_markdown,
    parse_date,
    parse_times,
    section_of,
    split_name,
    typed_item,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("07/01/22", dt.date(2022, 1, 7)),
        ("07/01/2022", dt.date(2022, 1, 7)),
        ("7/1/2022", dt.date(2022, 1, 7)),
        ("7 janvier 2022", dt.date(2022, 1, 7)),
        ("1er mars 2022", dt.date(2022, 3, 1)),
        ("Réunion du 07/01/2022", dt.date(2022, 1, 7)),
        ("15 Février 2023, de 14:00 à 16:00", dt.date(2023, 2, 15)),
        ("3 aout 2021", dt.date(2021, 8, 3)),
        ("31 décembre 1999", dt.date(1999, 12, 31)),
        ("32/01/2022", None),
        ("30 février 2022", None),
        ("7 brumaire 2022", None),
        ("", None),
        ("aucune date", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("de 14:00 à 16:00", ("14:00", "16:00")),
        ("à 9h30", ("09:30", None)),
        ("", (None, None)),
        ("25:00", (None, None)),
    ],
)
def test_parse_times(text, expected):
    assert parse_times(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mathieu SLOSAR", ("SLOSAR", "Mathieu", False)),
        ("Jean-Baptiste DE LA SALLE", ("DE LA SALLE", "Jean-Baptiste", False)),
        ("Samy Abdiche", ("Abdiche", "Samy", True)),
        ("SLOSAR", ("SLOSAR", None, False)),
        ("Slosar", ("Slosar", None, True)),
        ("  ", ("", None, False)),
        ("Élodie ÉTIENNE-MŒLLER", ("ÉTIENNE-MŒLLER", "Élodie", False)),
    ],
)
def test_split_name(text, expected):
    assert split_name(text) == expected


@pytest.mark.parametrize(
    "line, expected",
    [
        ("- texte", ("-", "texte")),
        ("• texte", ("-", "texte")),
        ("– texte", ("-", "texte")),
        ("1. texte", ("1.", "texte")),
        ("2) texte", ("2.", "texte")),
        ("-texte", None),
        ("- ", None),
        ("texte - suite", None),
    ],
)
def test_typed_item(line, expected):
    assert typed_item(line) == expected


def test_html_fragments_become_markdown():
    assert (
        html_to_markdown('<ul style="list-style-type: none"> - LIFEN : a. - MIPIH : b. ')
        == "- LIFEN : a.\n- MIPIH : b."
    )
    assert (
        html_to_markdown("<p>Intro :</p> <ul> - a - b</ul> <p>Fin &amp; suite</p>")
        == "Intro :\n\n- a\n- b\n\nFin & suite"
    )
    assert html_to_markdown("<ul><li>un</li><li>deux</li></ul>") == "- un\n- deux"
    assert html_to_markdown("<p>un<br>deux</p>") == "un deux"
    assert html_to_markdown("<p></p>") == ""


@pytest.mark.parametrize(
    "text, styled, expected",
    [
        ("1. OBJET DU COMPTE-RENDU", True, "header"),
        ("2. INTERVENANTS", False, "participants"),
        ("III. COMPTE-RENDU SYNTHETIQUE", False, "summary"),
        ("3. COMPTE-RENDU SYNTHÉTIQUE", True, "summary"),
        ("1) Commentaire(s) :", False, "comments"),
        ("3.2 Résultats de l'atelier", True, "results"),
        ("3) Prochaines actions :", False, "actions"),
        ("3.4 Suivi des actions", True, "follow_up"),
        ("Documents de référence", False, "references"),
        ("Résultats très encourageants obtenus par les opérateurs lors des essais", False, None),
        ("1. Présenter le périmètre de financement Ségur", False, None),
        ("", False, None),
    ],
)
def test_section_of(text, styled, expected):
    assert section_of(text, styled=styled) == expected
