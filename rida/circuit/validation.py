"""The checks run before a compte-rendu is validated (pure: no database).

:func:`checklist` takes a normalised ``rida/1`` document (as :func:`rida.exchange.validate`
or the export gives it) and returns every check, passed or not, in a fixed order. A
*blocking* check that fails refuses the validation; a *warning* is only shown. Each
failure says what is wrong in French (``Ligne 5 : nature manquante``), where it is for a
reader (``Ligne 5, Nature``: what the page and the command show) and by its rida/1 field
path (``rida[4].nature``, index from 0: for a program, in the JSON).

Dates are consistent when the end time is after the start time and the review deadline
(when there is one) is not before the meeting date. An action due before the meeting date
is only a warning: it is allowed (an action recorded after the fact).

The follow-up actions of more restricted meetings are left out of the document; the caller
counts those the person looking may read (``withheld``: nobody learns of one they may not
read) and a warning says how many.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

# `???` anywhere; TODO and XXX as words, in capitals (a "todo" in prose is not a marker).
DRAFT_MARKER = re.compile(r"\?\?\?|(?<!\w)(?:TODO|XXX)(?!\w)")

HEADER_FIELDS = (
    ("title", "titre"),
    ("date", "date"),
    ("subject", "objet"),
    ("meeting_type", "type de réunion"),
)
ROW_TEXTS = (("subject", "objet"), ("question", "question / remarque"), ("answer", "réponse"))


@dataclass(frozen=True)
class Finding:
    path: str
    message: str
    place: str = ""  # the path for a reader, « Ligne 10, Réponse » (set by checklist)


@dataclass(frozen=True)
class Check:
    code: str
    label: str
    blocking: bool
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def passed(self) -> bool:
        return not self.findings

    @property
    def mark(self) -> str:
        """✓ passed, ✗ blocking failure, ⚠ warning."""
        return "✓" if self.passed else "✗" if self.blocking else "⚠"

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "level": "blocking" if self.blocking else "warning",
            "passed": self.passed,
            "details": [
                {"path": f.path, "place": f.place or f.path, "message": f.message}
                for f in self.findings
            ],
        }


def checklist(
    doc: dict[str, Any], review_deadline: str | None = None, withheld: int = 0
) -> list[Check]:
    """Every check of ``doc``; ``review_deadline`` (ISO date) is not part of rida/1;
    ``withheld``: how many follow-up actions stay out of the document (their meeting is
    more restricted) among those the person looking may read."""
    checks = _checks(doc, review_deadline, withheld)
    return [
        dataclasses.replace(
            c,
            findings=tuple(dataclasses.replace(f, place=place(doc, f.path)) for f in c.findings),
        )
        for c in checks
    ]


# Where a finding is, for a reader: the rida/1 names in French.
PLACES = {
    "title": "En-tête, Titre",
    "date": "En-tête, Date",
    "subject": "En-tête, Objet",
    "meeting_type": "En-tête, Type de réunion",
    "location": "En-tête, Lieu",
    "start_time": "En-tête, Heure de début",
    "end_time": "En-tête, Heure de fin",
    "organiser": "En-tête, Organisateur",
    "rapporteur": "En-tête, Rédacteur",
    "review_deadline": "Relecture, Date limite",
    "participants": "Intervenants",
    "summary": "Synthèse",
    "results": "Résultats de l'atelier",
    "follow_up": "Suivi des actions",
}
LIST_PLACES = {
    "objectives": "Objectif",
    "reference_documents": "Document de référence",
    "comments": "Commentaire",
}
ROW_PLACES = {
    "nature": "Nature",
    "subject": "Objet",
    "question": "Question ou remarque",
    "answer": "Réponse",
}
ACTION_PLACES = {
    "title": "Intitulé",
    "notes": "Notes",
    "owner": "Porteur",
    "due_date": "Échéance",
}
_ITEM_PATH = re.compile(r"(?P<list>\w+)\[(?P<index>\d+)\](?:\.(?P<key>\w+))?")


def place(doc: dict[str, Any], path: str) -> str:
    """A rida/1 path as a reader names the place: ``rida[9].answer`` → « Ligne 10,
    Réponse » (the row's number in the meeting), ``location`` → « En-tête, Lieu »;
    the path itself when it has no French name."""
    if path in PLACES:
        return PLACES[path]
    match = _ITEM_PATH.fullmatch(path)
    if match is None:
        return path
    name, i, key = match["list"], int(match["index"]), match["key"]
    if name == "rida" and i < len(doc.get("rida") or []):
        where, keys = _row_name(doc, i), ROW_PLACES
    elif name == "actions":
        where, keys = f"Action {i + 1}", ACTION_PLACES
    elif name in LIST_PLACES and key is None:
        return f"{LIST_PLACES[name]} {i + 1}"
    else:
        return path
    if key is None:
        return where
    return f"{where}, {keys[key]}" if key in keys else path


def _checks(doc: dict[str, Any], review_deadline: str | None, withheld: int) -> list[Check]:
    return [
        Check(
            "header",
            "En-tête complet (titre, date, objet, type de réunion)",
            True,
            tuple(_header(doc)),
        ),
        Check(
            "participants",
            "Au moins un intervenant",
            True,
            ()
            if doc.get("participants")
            else (Finding("participants", "Aucun intervenant saisi"),),
        ),
        Check("roles", "Organisateur et rédacteur désignés", True, tuple(_roles(doc))),
        Check("rows", "Chaque ligne du RIDA a une nature et un objet", True, tuple(_rows(doc))),
        Check("actions", "Chaque action a un porteur et une échéance", True, tuple(_actions(doc))),
        Check(
            "action_rows",
            "Chaque ligne de nature A est reliée à au moins une action",
            True,
            tuple(_action_rows(doc)),
        ),
        Check(
            "draft_markers",
            "Aucune marque de brouillon (???, TODO, XXX)",
            True,
            tuple(_markers(doc)),
        ),
        Check("dates", "Dates et heures cohérentes", True, tuple(_dates(doc, review_deadline))),
        Check(
            "due_dates", "Aucune action n'est due avant la réunion", False, tuple(_due_dates(doc))
        ),
        Check("answers", "Chaque ligne du RIDA a une réponse", False, tuple(_answers(doc))),
        Check(
            "results",
            "Résultats de l'atelier renseignés",
            False,
            ()
            if (doc.get("results") or "").strip()
            else (Finding("results", "La section « Résultats de l'atelier » est vide"),),
        ),
        Check(
            "follow_up",
            "Toutes les actions de suivi figurent dans le compte-rendu",
            False,
            tuple(_withheld(withheld)),
        ),
    ]


def blocking(checks: list[Check]) -> list[Check]:
    """The failed blocking checks: validation is refused while there is one."""
    return [c for c in checks if c.blocking and not c.passed]


def summary(checks: list[Check]) -> str:
    failed = blocking(checks)
    warnings = [c for c in checks if not c.blocking and not c.passed]
    if failed:
        s = "s" if len(failed) > 1 else ""
        return f"Validation impossible : {len(failed)} contrôle{s} bloquant{s} en échec."
    if warnings:
        s = "s" if len(warnings) > 1 else ""
        return f"Prêt à valider ({len(warnings)} avertissement{s})."
    return "Prêt à valider : tous les contrôles sont passés."


def lines(checks: list[Check]) -> Iterator[str]:
    """The checklist as text, one ✓/✗/⚠ line per check and one indented line per detail."""
    for c in checks:
        kind = "" if c.passed else " (bloquant)" if c.blocking else " (avertissement)"
        yield f"{c.mark} {c.label}{kind}"
        for f in c.findings:
            yield f"    {f.message} [{f.place or f.path}]"


# --- The rules -------------------------------------------------------------------------


def _row_name(doc: dict[str, Any], i: int) -> str:
    number = doc["rida"][i].get("number")
    return f"Ligne {number if number is not None else i + 1}"


def _action_name(doc: dict[str, Any], i: int) -> str:
    title = doc["actions"][i].get("title") or ""
    return f"Action {i + 1} « {_short(title)} »"


def _short(text: str, limit: int = 50) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _header(doc: dict[str, Any]) -> Iterator[Finding]:
    for key, name in HEADER_FIELDS:
        if not (doc.get(key) or "").strip():
            yield Finding(key, f"En-tête : {name} manquant")


def _roles(doc: dict[str, Any]) -> Iterator[Finding]:
    if not doc.get("organiser"):
        yield Finding("organiser", "Organisateur non désigné")
    if not doc.get("rapporteur"):
        yield Finding("rapporteur", "Rédacteur non désigné")


def _rows(doc: dict[str, Any]) -> Iterator[Finding]:
    for i, row in enumerate(doc.get("rida") or []):
        if not row.get("nature"):
            yield Finding(f"rida[{i}].nature", f"{_row_name(doc, i)} : nature manquante")
        if not (row.get("subject") or "").strip():
            yield Finding(f"rida[{i}].subject", f"{_row_name(doc, i)} : objet manquant")


def _actions(doc: dict[str, Any]) -> Iterator[Finding]:
    for i, action in enumerate(doc.get("actions") or []):
        if not action.get("owner"):
            yield Finding(f"actions[{i}].owner", f"{_action_name(doc, i)} : porteur manquant")
        if not action.get("due_date"):
            yield Finding(f"actions[{i}].due_date", f"{_action_name(doc, i)} : échéance manquante")


def _action_rows(doc: dict[str, Any]) -> Iterator[Finding]:
    linked = {a.get("rida") for a in doc.get("actions") or []}
    for i, row in enumerate(doc.get("rida") or []):
        if row.get("nature") == "A" and row.get("number") not in linked:
            yield Finding(
                f"rida[{i}]",
                f"{_row_name(doc, i)} : ligne d'action sans action "
                "associée (aucune action ne s'y rapporte)",
            )


def _texts(doc: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(path, French place, text) for every text of the document."""
    places = {
        "title": "En-tête (titre)",
        "subject": "En-tête (objet)",
        "meeting_type": "En-tête (type de réunion)",
        "location": "En-tête (lieu)",
        "summary": "Synthèse",
        "results": "Résultats de l'atelier",
    }
    for key, place in places.items():
        yield key, place, doc.get(key) or ""
    for key, name in (
        ("objectives", "Objectif"),
        ("reference_documents", "Document de référence"),
        ("comments", "Commentaire"),
    ):
        for i, text in enumerate(doc.get(key) or []):
            yield f"{key}[{i}]", f"{name} {i + 1}", text or ""
    for i, row in enumerate(doc.get("rida") or []):
        for key, name in ROW_TEXTS:
            yield f"rida[{i}].{key}", f"{_row_name(doc, i)} ({name})", row.get(key) or ""
    for i, action in enumerate(doc.get("actions") or []):
        for key, name in (("title", "intitulé"), ("notes", "notes")):
            yield f"actions[{i}].{key}", f"Action {i + 1} ({name})", action.get(key) or ""


def _markers(doc: dict[str, Any]) -> Iterator[Finding]:
    for path, place, text in _texts(doc):
        if "???" not in text and "TODO" not in text and "XXX" not in text:
            continue  # the common case, without running the regular expression
        found = sorted(set(DRAFT_MARKER.findall(text)))
        if found:
            marks = ", ".join(f"« {m} »" for m in found)
            yield Finding(path, f"{place} : marque de brouillon {marks} à retirer")


def _dates(doc: dict[str, Any], review_deadline: str | None) -> Iterator[Finding]:
    start, end, day = doc.get("start_time"), doc.get("end_time"), doc.get("date") or ""
    if start and end and end <= start:
        yield Finding(
            "end_time", f"Heure de fin ({end}) avant ou égale à l'heure de début ({start})"
        )
    if review_deadline and day and review_deadline < day:
        yield Finding(
            "review_deadline",
            f"Date limite de relecture ({_fr(review_deadline)}) "
            f"antérieure à la réunion ({_fr(day)})",
        )


def _due_dates(doc: dict[str, Any]) -> Iterator[Finding]:
    """Actions due before the meeting: allowed (a follow-up recorded late), but shown."""
    day = doc.get("date") or ""
    for i, action in enumerate(doc.get("actions") or []):
        due = action.get("due_date")
        if due and day and due < day:
            yield Finding(
                f"actions[{i}].due_date",
                f"{_action_name(doc, i)} : échéance ({_fr(due)}) antérieure à la "
                f"réunion ({_fr(day)})",
            )


def _withheld(count: int) -> Iterator[Finding]:
    if count:
        many = count > 1
        yield Finding(
            "follow_up",
            f"{count} action{'s' if many else ''} de suivi ne figurer"
            f"{'ont' if many else 'a'} pas dans ce compte-rendu (classification plus "
            "restreinte)",
        )


def _answers(doc: dict[str, Any]) -> Iterator[Finding]:
    for i, row in enumerate(doc.get("rida") or []):
        if not (row.get("answer") or "").strip():
            yield Finding(f"rida[{i}].answer", f"{_row_name(doc, i)} : réponse vide")


def _fr(iso: str) -> str:
    """``2022-01-07`` → ``07/01/2022``."""
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"
