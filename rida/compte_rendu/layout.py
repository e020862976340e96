"""What the compte-rendu says, element by element, as plain text (no format).

The Markdown and HTML writers share these values so that both follow
``docs/compte-rendu-layout.md`` in the same words and order; each writer only decides how
a value looks (escaping, Markdown, tables). Rich-text fields (*md* in ``rida/1``) are
passed through untouched: the writer renders them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from rida import render
from rida.people import person_key

DOCUMENT_KIND = "COMPTE-RENDU"
SECTION_SUBJECT = "1. OBJET DU COMPTE-RENDU"
SECTION_PEOPLE = "2. INTERVENANTS"
SECTION_SUMMARY = "3. COMPTE-RENDU SYNTHÉTIQUE"
REFERENCE_DOCUMENTS = "Documents de référence"
PEOPLE_COLUMNS = ("Nom", "Prénom", "Entité", "Fonction")
FOOTNOTES = ("¹ Personne à l'origine de la réunion (qui en assure l'animation).",
             "² Personne en charge de la rédaction du compte-rendu de la réunion.")
OBJECTIVES_INTRO = "Les objectifs de la réunion étaient les suivants :"
RESTITUTION = ("Restitution", "Auteur/Emetteur :", "Date de la réunion :")
RIDA_TITLE = "Relevé d'Informations, de Décisions et d'Actions (RIDA)"
RIDA_COLUMNS = ("#", "Nature", "Objet", "Question / Remarque", "Réponse")
COMMENTS = ("3.1 Commentaire(s)", "Aucun commentaire.")
RESULTS = ("3.2 Résultats de l'atelier", "Aucun résultat consigné.")
ACTIONS = ("3.3 Prochaines actions", "Aucune action.")
ACTION_COLUMNS = ("Action", "Type", "Porteur", "Échéance", "Statut", "Ligne RIDA")
FOLLOW_UP = "3.4 Suivi des actions"
FOLLOW_UP_COLUMNS = ("Réunion", "Action", "Porteur", "Échéance", "Statut")
ATTENDANCE_LINES = (("excused", "Excusé(s)"), ("absent", "Absent(s)"))

Person = dict[str, Any]


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def short_date(value: str | None) -> str:
    """`07/01/2022` from an ISO date; empty when there is none."""
    return render.date_short(_date(value))


def name(person: Person | None) -> str:
    """`Mathieu SLOSAR` in running text, or the entity alone for an organisation."""
    if not person:
        return ""
    full = " ".join(p for p in (person.get("first_name"), (person.get("last_name") or "")
                                .upper()) if p)
    return full or (person.get("entity") or "")


def name_and_entity(person: Person | None) -> str:
    """`Mathieu SLOSAR (ANS)`, or `ANS` alone for an organisation."""
    full = name(person)
    entity = (person or {}).get("entity")
    if entity and full != entity:
        return f"{full} ({entity})"
    return full


def _key(person: Person | None) -> str | None:
    if not person or not person.get("last_name"):
        return None
    return person_key(person.get("last_name") or "", person.get("first_name") or "",
                      person.get("entity") or "")


@dataclass(frozen=True)
class Heading:
    """Title block: elements 1 to 5."""

    kind: str
    series: str
    title: str
    date_line: str
    status_line: str
    running_left: str
    running_right: str


def heading(doc: dict[str, Any]) -> Heading:
    classification = render.CLASSIFICATION_LABELS.get(doc["classification"],
                                                      doc["classification"])
    return Heading(
        kind=DOCUMENT_KIND, series=doc.get("series") or "", title=doc["title"],
        date_line=f"Réunion du {short_date(doc['date'])}",
        status_line=(f"Statut : {render.STATUS_LABELS.get(doc['status'], doc['status'])} | "
                     f"Classification : {classification} | Version : v{doc['version']}"),
        running_left=f"{doc.get('series') or ''} – {doc['title']}",
        running_right=f"{classification} – v{doc['version']}")


def when(doc: dict[str, Any]) -> str:
    """`7 janvier 2022, de 14:00 à 16:00` (only a start: `…, à 14:00`)."""
    text = render.date_words(_date(doc["date"]))
    start, end = doc.get("start_time"), doc.get("end_time")
    if start and end:
        return f"{text}, de {start} à {end}"
    return f"{text}, à {start}" if start else text


def header_rows(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """Element 7: (label, value) pairs; `Lieu` only when there is one."""
    organiser = doc.get("organiser")
    participant_keys = {_key(p) for p in doc.get("participants") or []}
    shown = (name(organiser) if _key(organiser) in participant_keys
             else name_and_entity(organiser))
    rows = [("Objet", doc.get("subject") or ""), ("Date", when(doc))]
    if doc.get("location"):
        rows.append(("Lieu", doc["location"]))
    rows += [("Organisateur ¹", shown), ("Type de réunion", doc.get("meeting_type") or ""),
             ("Rédacteur ²", name(doc.get("rapporteur")))]
    return rows


def participant_rows(doc: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Element 10: `Nom` in capitals with ` ¹` (organiser) and ` ²` (rapporteur)."""
    organiser, rapporteur = _key(doc.get("organiser")), _key(doc.get("rapporteur"))
    rows = []
    for p in doc.get("participants") or []:
        marks = "".join(mark for mark, key in ((" ¹", organiser), (" ²", rapporteur))
                        if key is not None and key == _key(p))
        rows.append(((p.get("last_name") or "").upper() + marks, p.get("first_name") or "",
                     p.get("entity") or "", p.get("function") or ""))
    return rows


def attendance_lines(doc: dict[str, Any]) -> list[str]:
    """Element 11: `Excusé(s) : Prénom NOM, …` and `Absent(s) : …` when needed."""
    lines = []
    for value, label in ATTENDANCE_LINES:
        names = [name(p) for p in doc.get("participants") or []
                 if p.get("attendance") == value]
        if names:
            lines.append(f"{label} : {', '.join(names)}")
    return lines


def restitution(doc: dict[str, Any]) -> tuple[str, str]:
    """Element 16, second row: `Samy ABDICHE / Capgemini Invent`, `07/01/2022`."""
    rapporteur = doc.get("rapporteur") or {}
    parts = [name(rapporteur)]
    if rapporteur.get("last_name") and rapporteur.get("entity"):
        parts.append(rapporteur["entity"])
    author = " / ".join(p for p in parts if p)
    return author, short_date(doc["date"])


@dataclass(frozen=True)
class ActionLine:
    """Element 20: one action; ``notes`` is Markdown."""

    title: str
    notes: str
    kind: str
    owner: str
    due: str
    status: str
    row: str


def actions(doc: dict[str, Any]) -> list[ActionLine]:
    return [ActionLine(
        title=a["title"], notes=a.get("notes") or "",
        kind=render.ACTION_KIND_LABELS.get(a.get("kind") or "other", a.get("kind") or ""),
        owner=name_and_entity(a.get("owner")), due=short_date(a.get("due_date")),
        status=render.ACTION_STATUS_LABELS.get(a.get("status") or "open", a.get("status")),
        row=str(a["rida"]) if a.get("rida") else "") for a in doc.get("actions") or []]


def follow_up_rows(follow_up: list[dict[str, Any]]) -> list[tuple[str, str, str, str, str]]:
    """Element 21: (meeting, action, owner, due date, status)."""
    return [(f"{f['meeting']['title']} ({short_date(f['meeting']['date'])})", f["title"],
             name_and_entity(f.get("owner")), short_date(f.get("due_date")),
             render.ACTION_STATUS_LABELS.get(f.get("status") or "open", f.get("status")))
            for f in follow_up]
