"""The checklist before validation, rule by rule, on normalised rida/1 documents."""

from __future__ import annotations

import copy

import pytest

from rida import exchange
from rida.circuit import validation
from tests.conftest import demo_document

CODES = [
    "header",
    "participants",
    "roles",
    "rows",
    "actions",
    "action_rows",
    "draft_markers",
    "dates",
    "due_dates",
    "answers",
    "results",
    "follow_up",
]


def ready() -> dict:
    """The demo, completed so that every check passes."""
    doc = exchange.validate(demo_document())
    doc["rida"][4]["nature"] = "I"  # the demo's row 5 has no nature
    doc["actions"][1]["rida"] = 7  # and its action row 7 no action
    for row in doc["rida"]:
        row["answer"] = row["answer"] or "Vu"
    return doc


def failed(doc: dict, deadline: str | None = None) -> dict[str, list[tuple[str, str]]]:
    """Failed checks: code -> [(path, message)]."""
    return {
        c.code: [(f.path, f.message) for f in c.findings]
        for c in validation.checklist(doc, deadline)
        if not c.passed
    }


def test_a_complete_document_passes_every_check():
    checks = validation.checklist(ready())
    assert [c.code for c in checks] == CODES
    assert all(c.passed for c in checks)
    assert validation.blocking(checks) == []
    assert validation.summary(checks) == "Prêt à valider : tous les contrôles sont passés."


def test_the_demo_as_shipped_has_a_row_without_nature_and_an_action_row_without_action():
    found = failed(exchange.validate(demo_document()))
    assert found == {
        "rows": [("rida[4].nature", "Ligne 5 : nature manquante")],
        "action_rows": [
            (
                "rida[6]",
                "Ligne 7 : ligne d'action sans action associée (aucune action ne s'y rapporte)",
            )
        ],
    }


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("subject", "En-tête : objet manquant"),
        ("meeting_type", "En-tête : type de réunion manquant"),
    ],
)
def test_required_header_fields(field, message):
    doc = ready()
    doc[field] = None
    assert failed(doc) == {"header": [(field, message)]}


def test_at_least_one_participant():
    doc = ready()
    doc["participants"] = []
    assert failed(doc) == {"participants": [("participants", "Aucun intervenant saisi")]}


def test_organiser_and_rapporteur_set():
    doc = ready()
    doc["organiser"] = doc["rapporteur"] = None
    assert failed(doc) == {
        "roles": [
            ("organiser", "Organisateur non désigné"),
            ("rapporteur", "Rédacteur non désigné"),
        ]
    }


def test_every_row_has_a_nature_and_a_subject():
    doc = ready()
    doc["rida"][2]["nature"] = None
    doc["rida"][3]["subject"] = ""
    assert failed(doc) == {
        "rows": [
            ("rida[2].nature", "Ligne 3 : nature manquante"),
            ("rida[3].subject", "Ligne 4 : objet manquant"),
        ]
    }


def test_every_action_has_an_owner_and_a_due_date():
    doc = ready()
    doc["actions"][1]["owner"] = None
    doc["actions"][2]["due_date"] = None
    found = failed(doc)
    assert found == {
        "actions": [
            (
                "actions[1].owner",
                "Action 2 « Atelier industriel avec les éditeurs » : porteur manquant",
            ),
            (
                "actions[2].due_date",
                "Action 3 « Envoi de la nouvelle version des exigences » : échéance manquante",
            ),
        ]
    }


def test_every_action_row_is_linked_to_an_action():
    doc = ready()
    numbers = [r["number"] for r in doc["rida"] if r["nature"] == "A"]
    assert numbers  # the demo has action rows, each linked
    doc["actions"] = [a for a in doc["actions"] if a["rida"] != numbers[0]]
    assert failed(doc) == {
        "action_rows": [
            (
                f"rida[{numbers[0] - 1}]",
                f"Ligne {numbers[0]} : ligne d'action sans action associée "
                "(aucune action ne s'y rapporte)",
            )
        ]
    }


@pytest.mark.parametrize(
    ("text", "markers"),
    [
        ("À compléter ???", ["« ??? »"]),
        ("TODO : relancer", ["« TODO »"]),
        ("voir XXX.", ["« XXX »"]),
        ("TODO puis XXX", ["« TODO »", "« XXX »"]),
    ],
)
def test_draft_markers_are_found_in_any_text(text, markers):
    for place, path, name in (
        (("summary",), "summary", "Synthèse"),
        (("rida", 6, "answer"), "rida[6].answer", "Ligne 7 (réponse)"),
        (("actions", 0, "notes"), "actions[0].notes", "Action 1 (notes)"),
        (("comments", 1), "comments[1]", "Commentaire 2"),
        (("title",), "title", "En-tête (titre)"),
    ):
        doc = ready()
        target = doc
        for key in place[:-1]:
            target = target[key]
        target[place[-1]] = text
        assert failed(doc) == {
            "draft_markers": [
                (path, f"{name} : marque de brouillon {', '.join(markers)} à retirer")
            ]
        }


@pytest.mark.parametrize("text", ["todo", "Todo", "TODOS", "XXXL", "AXXX", "??", "a?b?c?", "xxx"])
def test_what_is_not_a_draft_marker(text):
    doc = ready()
    doc["summary"] = text
    assert failed(doc) == {}


def test_end_time_after_start_time():
    doc = ready()
    doc["start_time"], doc["end_time"] = "14:00", "14:00"
    assert failed(doc) == {
        "dates": [("end_time", "Heure de fin (14:00) avant ou égale à l'heure de début (14:00)")]
    }
    doc["end_time"] = "15:30"
    assert failed(doc) == {}


def test_action_due_before_the_meeting_is_a_warning_not_a_refusal():
    doc = ready()
    doc["actions"][0]["due_date"] = "2022-01-06"
    checks = {c.code: c for c in validation.checklist(doc)}
    assert not checks["due_dates"].blocking and checks["dates"].passed
    assert validation.blocking(validation.checklist(doc)) == []
    assert failed(doc)["due_dates"] == [
        (
            "actions[0].due_date",
            "Action 1 « Entretiens bilatéraux avec les opérateurs pour ob… » : "
            "échéance (06/01/2022) antérieure à la réunion (07/01/2022)",
        )
    ]
    doc["actions"][0]["due_date"] = "2022-01-07"  # the same day is fine
    assert failed(doc) == {}


def test_review_deadline_not_before_the_meeting():
    assert failed(ready(), "2022-01-06") == {
        "dates": [
            (
                "review_deadline",
                "Date limite de relecture (06/01/2022) antérieure à la réunion (07/01/2022)",
            )
        ]
    }
    assert failed(ready(), "2022-01-07") == {}


def test_warnings_do_not_block():
    doc = ready()
    doc["rida"][1]["answer"] = None
    doc["results"] = None
    checks = validation.checklist(doc)
    assert failed(doc) == {
        "answers": [("rida[1].answer", "Ligne 2 : réponse vide")],
        "results": [("results", "La section « Résultats de l'atelier » est vide")],
    }
    assert validation.blocking(checks) == []
    assert validation.summary(checks) == "Prêt à valider (2 avertissements)."
    assert [c.mark for c in checks][-3:] == ["⚠", "⚠", "✓"]


RESTRICTED = " (classification plus restreinte)"


@pytest.mark.parametrize(
    ("count", "message"),
    [
        (
            1,
            "1 action de suivi ne figurera pas dans ce compte-rendu" + RESTRICTED,
        ),
        (
            3,
            "3 actions de suivi ne figureront pas dans ce compte-rendu" + RESTRICTED,
        ),
    ],
)
def test_follow_up_left_out_is_a_warning(count, message):
    checks = validation.checklist(ready(), withheld=count)
    check = next(c for c in checks if c.code == "follow_up")
    assert (check.mark, check.blocking) == ("⚠", False)
    assert [(f.path, f.place, f.message) for f in check.findings] == [
        ("follow_up", "Suivi des actions", message)
    ]
    assert validation.blocking(checks) == []
    assert validation.summary(checks) == "Prêt à valider (1 avertissement)."


def test_blocking_summary_marks_and_dict():
    doc = copy.deepcopy(ready())
    doc["participants"] = []
    checks = validation.checklist(doc)
    assert validation.summary(checks) == "Validation impossible : 1 contrôle bloquant en échec."
    check = next(c for c in checks if c.code == "participants")
    assert check.mark == "✗"
    assert check.as_dict() == {
        "code": "participants",
        "label": "Au moins un intervenant",
        "level": "blocking",
        "passed": False,
        "details": [
            {"path": "participants", "place": "Intervenants", "message": "Aucun intervenant saisi"}
        ],
    }
    text = list(validation.lines(checks))
    assert "✗ Au moins un intervenant (bloquant)" in text
    assert "    Aucun intervenant saisi [Intervenants]" in text
    assert "✓ En-tête complet (titre, date, objet, type de réunion)" in text


def test_every_place_has_a_french_name():
    """Issue 15: a finding's place for a reader, never a rida/1 path."""
    doc = exchange.validate(demo_document())
    assert validation.place(doc, "rida[8].answer") == "Ligne 9, Réponse"
    assert validation.place(doc, "rida[9].answer") == "rida[9].answer"  # no such row
    assert validation.place(doc, "rida[4]") == "Ligne 5"
    assert validation.place(doc, "location") == "En-tête, Lieu"
    assert validation.place(doc, "actions[1].due_date") == "Action 2, Échéance"
    assert validation.place(doc, "comments[0]") == "Commentaire 1"
    assert validation.place(doc, "extensions.x") == "extensions.x"  # unknown: as it is
    doc["date"], doc["participants"], doc["summary"] = "", [], "TODO"
    doc["actions"][0]["notes"] = "???"
    for check in validation.checklist(doc, "2000-01-01"):
        for f in check.findings:
            assert f.place and "[" not in f.place and "_" not in f.place, f
