"""A deterministic synthetic archive of workshops for the search benchmark.

``workshops(rows, seed)`` yields ``rida/1`` documents (see ``docs/rida-format.md``) whose
RIDA rows add up to exactly ``rows``. The text is French as it appears in real minutes:
sentences cut from the seed texts (``benchmarks/data/search_vocab.json``, derived once by
``benchmarks/data/extract_search_vocab.py``; curly apostrophes, OCR errors and all), one
word in eight swapped for a word drawn from the seeds' frequency list (a long tail of rare
terms), a speaker prefix (``LIFEN : …``, sometimes with a non-breaking space before the
colon), natures I/D/A (and a few legacy rows without one), 8 series, dates over the ten
years 2015-2024, public/restricted/confidential meetings, participants from a pool of
people in the Task Force's organisations, and 0 to 3 actions per meeting.

Same ``rows`` and ``seed`` → same documents, on any machine.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

VOCAB = Path(__file__).resolve().parent / "data" / "search_vocab.json"

ORGANISATIONS = (
    "ANS",
    "DNS",
    "LIFEN",
    "ENOVACOM",
    "MIPIH",
    "GCS SARA",
    "ESEA NA",
    "ESEA Nouvelle Aquitaine",
    "GCS CVL",
    "MAINCARE",
    "DOCTOLIB",
    "CNAM",
    "GRADeS Occitanie",
    "SIB",
    "APICRYPT",
    "GIE SESAM-VITALE",
)
SERIES = (
    "Task Force MSSanté",
    "Task Force Ségur Hôpital",
    "Comité des opérateurs",
    "Task Force DMP",
    "Groupe de travail INS",
    "Task Force e-prescription",
    "Comité Doctrine du numérique en santé",
    "Atelier Pro Santé Connect",
)
MEETING_TYPES = ("Atelier", "Atelier", "Comité", "Entretien bilatéral", "Réunion plénière")
EXTRA_SUBJECTS = (
    "Annuaire santé",
    "Référentiel #1",
    "Messagerie citoyenne",
    "Identité nationale de santé",
    "Calendrier de bascule",
    "Homologation des opérateurs",
    "Interopérabilité",
    "Accompagnement des éditeurs",
    "Sécurité des échanges",
    "Pilotage de la Task Force",
    "Auto-configuration des clients",
    "Modèle économique",
    "Boîtes aux lettres (BAL)",
)
ACTION_TITLES = (
    (
        "bilateral_interview",
        "Entretiens bilatéraux avec les opérateurs pour obtenir les éléments de coûts",
    ),
    ("workshop", "Atelier industriel avec les éditeurs"),
    ("document", "Envoi de la nouvelle version des exigences"),
    ("document", "Publication du guide d'auto-configuration des clients de messagerie"),
    ("other", "Relance des opérateurs n'ayant pas répondu au sondage"),
    ("workshop", "Préparation de l'atelier sur les preuves de déploiement"),
)
FIRST_NAMES = (
    "Mathieu",
    "Edouard",
    "Mike",
    "Jean-Baptiste",
    "Samy",
    "Claire",
    "Hélène",
    "Sophie",
    "Thomas",
    "Nadia",
    "Zoé",
    "François",
    "Amélie",
    "Karim",
    "Lucie",
)
LAST_NAMES = (
    "SLOSAR",
    "BRIS",
    "GUEYE",
    "LAPEYRIE",
    "ABDICHE",
    "MARTIN",
    "BERNARD",
    "DUBOIS",
    "LEFÈVRE",
    "MOREAU",
    "GARNIER",
    "ROUSSEAU",
    "FAURE",
    "CHEVALIER",
    "NGUYEN",
)
START = dt.date(2015, 1, 1)
DAYS = (dt.date(2024, 12, 31) - START).days
MUTATION_RATE = 1 / 8


@cache
def vocabulary() -> dict[str, Any]:
    data = json.loads(VOCAB.read_text(encoding="utf-8"))
    words = [w for w, _ in data["words"]]
    weights = list(itertools.accumulate(c for _, c in data["words"]))
    return {
        "sentences": data["sentences"],
        "subjects": data["subjects"] + list(EXTRA_SUBJECTS),
        "words": words,
        "cum_weights": weights,
    }


class _Writer:
    """Sentences, speakers and people drawn from one seeded random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.v = vocabulary()
        self.people = [
            {
                "last_name": f"{last}",
                "first_name": first,
                "entity": rng.choice(ORGANISATIONS),
                "function": rng.choice(
                    (
                        "Chef de projet",
                        "Directeur de projets",
                        "Responsable de produit",
                        "Architecte",
                    )
                ),
            }
            for first, last in itertools.product(FIRST_NAMES, LAST_NAMES)
        ]

    def sentence(self) -> str:
        words = self.rng.choice(self.v["sentences"]).split(" ")
        for i, w in enumerate(words):
            if len(w) > 3 and w.isalpha() and self.rng.random() < MUTATION_RATE:
                words[i] = self.rng.choices(self.v["words"], cum_weights=self.v["cum_weights"])[0]
        return " ".join(words)

    def speech(self, sentences: int) -> str:
        colon = "\u00a0:" if self.rng.random() < 0.1 else " :"
        text = " ".join(self.sentence() for _ in range(sentences))
        return f"{self.rng.choice(ORGANISATIONS)}{colon} {text}"

    def row(self, number: int) -> dict[str, Any]:
        rng = self.rng
        return {
            "number": number,
            "nature": rng.choices(("I", "D", "A", None), weights=(60, 20, 18, 2))[0],
            "subject": rng.choice(self.v["subjects"]),
            "question": self.speech(rng.randint(1, 2)),
            "answer": "Vu" if rng.random() < 0.05 else self.speech(rng.randint(1, 3)),
        }

    def action(self, date: dt.date, rows: int) -> dict[str, Any]:
        rng = self.rng
        kind, title = rng.choice(ACTION_TITLES)
        return {
            "title": title,
            "kind": kind,
            "owner": {"entity": rng.choice(ORGANISATIONS)},
            "due_date": (date + dt.timedelta(days=rng.randint(7, 90))).isoformat(),
            "status": rng.choice(("open", "in_progress", "done", "done")),
            "rida": rng.randint(1, rows),
            "notes": self.sentence() if rng.random() < 0.5 else "",
        }


def _sizes(rows: int, rng: random.Random) -> Iterator[int]:
    """Meeting sizes between 8 and 32 rows (20 on average) adding up to ``rows``."""
    left = rows
    while left > 0:
        n = min(left, rng.randint(8, 32))
        left -= n
        yield n


def workshops(rows: int, seed: int = 4) -> Iterator[dict[str, Any]]:
    """``rida/1`` documents holding ``rows`` RIDA rows in all."""
    rng = random.Random(seed)
    w = _Writer(rng)
    for k, size in enumerate(_sizes(rows, rng), 1):
        series = SERIES[k % len(SERIES)] if rng.random() < 0.9 else rng.choice(SERIES)
        date = START + dt.timedelta(days=rng.randint(0, DAYS))
        recent = date.year >= 2024
        yield {
            "format": "rida/1",
            "series": series,
            "title": f"{rng.choice(MEETING_TYPES)} {rng.choice(w.v['subjects']).lower()} #{k}",
            "subject": f"{series} – {rng.choice(w.v['subjects'])}",
            "meeting_type": rng.choice(MEETING_TYPES),
            "date": date.isoformat(),
            "status": rng.choice(("draft", "review")) if recent else "validated",
            "classification": rng.choices(
                ("public", "restricted", "confidential"), weights=(80, 15, 5)
            )[0],
            "participants": rng.sample(w.people, rng.randint(4, 10)),
            "objectives": [w.sentence() for _ in range(rng.randint(2, 4))],
            "summary": w.sentence(),
            "comments": [w.sentence()] if rng.random() < 0.3 else [],
            "rida": [w.row(n) for n in range(1, size + 1)],
            "actions": [w.action(date, size) for _ in range(rng.randint(0, 3))],
        }
