"""The words of the compte-rendu, whatever its format (``docs/compte-rendu-layout.md``).

Everything here reads the normalised ``rida/1`` document (plain dicts) and returns text:
names, dates, the header table, markers, labels. Every writer (DOCX, Markdown, HTML) takes
its words from here and only decides how they look, so that every format says the same
thing in the same order (``tests/test_compte_rendu_wording.py``); the DOCX reader matches
the same constants. Rich-text fields (*md* in ``rida/1``) are left to the writers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rida.actions.action_status import OPEN_STATUSES
from rida.meetings.people import name_of, person_key
from rida.models import WORDING_KEY as WORDING_KEY
from rida.models import WORDING_NAMES
from rida.render import (
    ACTION_KIND_LABELS,
    ACTION_STATUS_LABELS,
    CLASSIFICATION_LABELS,
    STATUS_LABELS,
    date_short,
    date_words,
)

Person = dict[str, Any]

DOCUMENT_KIND = "COMPTE-RENDU"
RIDA_TITLE = "Relevé d'Informations, de Décisions et d'Actions (RIDA)"
RIDA_COLUMNS = ("#", "Nature", "Objet", "Question / Remarque", "Réponse")
PARTICIPANT_COLUMNS = ("Nom", "Prénom", "Entité", "Fonction")
ACTION_COLUMNS = ("N°", "Action", "Type", "Porteur", "Échéance", "Statut", "Ligne RIDA")
FOLLOW_UP_COLUMNS = ("Réunion", "Action", "Porteur", "Échéance", "Statut")
ORGANISER_MARK, RAPPORTEUR_MARK = "¹", "²"
FOOTNOTES = (
    f"{ORGANISER_MARK} Personne à l'origine de la réunion (qui en assure l'animation).",
    f"{RAPPORTEUR_MARK} Personne en charge de la rédaction du compte-rendu de la réunion.",
)
HEADINGS = {
    "object": "1. OBJET DU COMPTE-RENDU",
    "participants": "2. INTERVENANTS",
    "summary": "3. COMPTE-RENDU SYNTHÉTIQUE",
    "comments": "3.1 Commentaire(s)",
    "results": "3.2 Résultats de l'atelier",
    "actions": "3.3 Prochaines actions",
    "follow_up": "3.4 Suivi des actions",
}
REFERENCE_DOCUMENTS = "Documents de référence"
OBJECTIVES_INTRO = "Les objectifs de la réunion étaient les suivants :"
RESTITUTION = ("Restitution", "Auteur/Emetteur :", "Date de la réunion :")
EMPTY = {
    "comments": "Aucun commentaire.",
    "results": "Aucun résultat consigné.",
    "actions": "Aucune action.",
}
ATTENDANCE = (("excused", "Excusé(s)"), ("absent", "Absent(s)"))
OVERDUE = "en retard"
ACTION_LABEL = "Action"  # « Action 2 », as rida.actions.numbering.label

# Wording a meeting may say its own way (« Les objectifs de ce premier atelier… »), kept
# in the rida/1 document under WORDING_KEY (only what differs from the template):
# name → (French label, the template's wording).
RESULTS_NUMBER = "3.2"
WORDING = {
    "objectives_intro": ("Introduction des objectifs", OBJECTIVES_INTRO),
    "results_heading": (
        "Intitulé de la partie Résultats",
        HEADINGS["results"].removeprefix("3.2 "),
    ),
    "organiser_note": ("Note sur l'organisateur ¹", FOOTNOTES[0].removeprefix("¹ ")),
    "rapporteur_note": ("Note sur le rédacteur ²", FOOTNOTES[1].removeprefix("² ")),
}
assert tuple(WORDING) == WORDING_NAMES


def phrase(doc: dict[str, Any], name: str) -> str:
    """The meeting's own wording ``name``, else the template's."""
    own = doc.get(WORDING_KEY)
    value = own.get(name) if isinstance(own, dict) else None
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else WORDING[name][1]


def own_wording(values: dict[str, Any]) -> dict[str, str]:
    """The wordings of ``values`` that differ from the template's (spaces normalised)."""
    found = {}
    for name, (_label, default) in WORDING.items():
        value = values.get(name)
        text = " ".join(value.split()) if isinstance(value, str) else ""
        if text and text != default:
            found[name] = text
    return found


def objectives_intro(doc: dict[str, Any]) -> str:
    return phrase(doc, "objectives_intro")


def heading(doc: dict[str, Any], section: str) -> str:
    """The numbered heading of ``section`` (the results' own title when it has one)."""
    if section == "results":
        return f"{RESULTS_NUMBER} {phrase(doc, 'results_heading')}"
    return HEADINGS[section]


def footnotes(doc: dict[str, Any]) -> tuple[str, str]:
    return (
        f"{ORGANISER_MARK} {phrase(doc, 'organiser_note')}",
        f"{RAPPORTEUR_MARK} {phrase(doc, 'rapporteur_note')}",
    )


def day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def name(person: Person | None) -> str:
    """`Mathieu SLOSAR`; the entity alone for an organisation."""
    if not person:
        return ""
    return name_of(
        person.get("first_name") or "", person.get("last_name") or "", person.get("entity") or ""
    )


def name_and_entity(person: Person | None, sep: str = " ({})") -> str:
    """`Mathieu SLOSAR (ANS)`, or `ANS` alone for an organisation."""
    if not person:
        return ""
    full, entity = name(person), person.get("entity") or ""
    if not entity or full == entity:
        return full
    return full + sep.format(entity)


def key(person: Person | None) -> str | None:
    if not person:
        return None
    return person_key(*(person.get(k) or "" for k in ("last_name", "first_name", "entity")))


def status_line(doc: dict[str, Any]) -> str:
    return (
        f"Statut : {STATUS_LABELS.get(doc['status'], doc['status'])} | Classification : "
        f"{classification(doc)} | Version : v{doc['version']}"
    )


def classification(doc: dict[str, Any]) -> str:
    value: str = doc["classification"]
    return CLASSIFICATION_LABELS.get(value, value)


def date_line(doc: dict[str, Any]) -> str:
    return f"Réunion du {date_short(day(doc['date']))}"


def when(doc: dict[str, Any]) -> str:
    """`7 janvier 2022, de 14:00 à 16:00` (or `…, à 14:00` with only a start)."""
    text = date_words(day(doc["date"]))
    start, end = doc.get("start_time"), doc.get("end_time")
    if start and end:
        return f"{text}, de {start} à {end}"
    if start:
        return f"{text}, à {start}"
    return text


def header_rows(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """The two-column header table (element 7), in order."""
    organiser = doc.get("organiser")
    participant_keys = {key(p) for p in doc.get("participants") or []}
    shown = name(organiser) if key(organiser) in participant_keys else name_and_entity(organiser)
    rows = [("Objet", doc.get("subject") or ""), ("Date", when(doc))]
    if doc.get("location"):
        rows.append(("Lieu", doc["location"]))
    rows += [
        (f"Organisateur {ORGANISER_MARK}", shown),
        ("Type de réunion", doc.get("meeting_type") or ""),
        (f"Rédacteur {RAPPORTEUR_MARK}", name(doc.get("rapporteur"))),
    ]
    return rows


def participant_cells(doc: dict[str, Any], person: Person) -> tuple[str, str, str, str]:
    """`SLOSAR ¹` | `Mathieu` | `ANS` | `Responsable de produit MSSanté`."""
    marks = [
        mark
        for role, mark in (("organiser", ORGANISER_MARK), ("rapporteur", RAPPORTEUR_MARK))
        if doc.get(role) and key(doc[role]) == key(person)
    ]
    last = " ".join([(person.get("last_name") or "").upper(), *marks]).strip()
    return (
        last,
        person.get("first_name") or "",
        person.get("entity") or "",
        person.get("function") or "",
    )


def attendance_lines(doc: dict[str, Any]) -> list[str]:
    """`Excusé(s) : Prénom NOM, …` then `Absent(s) : …`, only for who is concerned."""
    lines = []
    for value, label in ATTENDANCE:
        who = [name(p) for p in doc.get("participants") or [] if p.get("attendance") == value]
        if who:
            lines.append(f"{label} : {', '.join(who)}")
    return lines


def restitution_values(doc: dict[str, Any]) -> tuple[str, str]:
    """`Samy ABDICHE / Capgemini Invent` and `07/01/2022`."""
    return (name_and_entity(doc.get("rapporteur"), " / {}"), date_short(day(doc["date"])))


def action_cells(action: dict[str, Any]) -> tuple[str, str, str, str, str]:
    """Type, Porteur, Échéance, Statut, Ligne RIDA of an action (the title is apart)."""
    return (
        ACTION_KIND_LABELS.get(action.get("kind") or "other", action.get("kind") or ""),
        name_and_entity(action.get("owner")),
        date_short(day(action.get("due_date"))),
        ACTION_STATUS_LABELS.get(action.get("status") or "open", action.get("status") or ""),
        str(action["rida"]) if action.get("rida") is not None else "",
    )


def follow_up_cells(
    item: dict[str, Any], meeting_day: str | None = None
) -> tuple[str, str, str, str, str]:
    """Réunion, Action, Porteur, Échéance, Statut of a follow-up item; the status of an
    open action due before ``meeting_day`` (the compte-rendu's date) says it is late:
    `À faire (en retard)`."""
    meeting = item["meeting"]
    kind, owner, due, status, _ = action_cells(item)
    late = item.get("due_date") and meeting_day and item["due_date"] < meeting_day
    if late and item.get("status", "open") in OPEN_STATUSES:
        status = f"{status} ({OVERDUE})"
    return (
        f"{meeting['title']} ({date_short(day(meeting['date']))})",
        follow_up_title(item),
        owner,
        due,
        status,
    )


def follow_up_title(item: dict[str, Any]) -> str:
    """``Action 2 : Envoyer le document`` : the action as its own compte-rendu numbers it
    (column N° of its « Prochaines actions »), the meeting being in the « Réunion » column.
    Not the reference ``12/2``: a meeting's id is printed nowhere in the document, so it
    means nothing to its readers outside the tool. Follow-ups frozen before the number was
    kept show the title alone (their document does not change)."""
    if item.get("number") is None:
        return str(item["title"])
    return f"{ACTION_LABEL} {item['number']} : {item['title']}"


def follow_up_notes(item: dict[str, Any]) -> list[str]:
    """The progress notes of a follow-up item, one line each, plain text (writers escape
    them): ``Note du 07/02/2022 : …`` or ``07/02/2022, À faire → En cours : …``. Frozen
    versions made before notes existed have none."""
    lines = []
    for note in item.get("notes") or []:
        when = date_short(dt.datetime.fromisoformat(note["at"]).date())
        text = " ".join(str(note.get("text") or "").split())
        old, new = note.get("old_status"), note.get("status")
        if old == new or not new:
            lines.append(f"Note du {when} : {text}")
        else:
            before = ACTION_STATUS_LABELS.get(old or "", old or "créée")
            lines.append(f"{when}, {before} → {ACTION_STATUS_LABELS.get(new, new)} : {text}")
    return lines


def page_header(doc: dict[str, Any]) -> tuple[str, str]:
    return f"{doc['series']} – {doc['title']}", f"{classification(doc)} – v{doc['version']}"
