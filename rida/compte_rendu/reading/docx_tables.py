"""The tables of a compte-rendu, recognised by their content (not their position) and
read into rida/1 pieces; each reader reports what it guessed through ``note``."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rida.compte_rendu.reading.docx_blocks import Cell, Para, TableBlock, cell_text, markdown_of
from rida.compte_rendu.reading.text_reading import has_html, html_to_markdown, parse_date
from rida.meetings.people import fold
from rida.render import ACTION_KIND_LABELS, ACTION_STATUS_LABELS, NATURE_LABELS

Note = Callable[[str, str], None]  # (rida/1 path, French message with its place)
HEADER_LABELS = {
    "objet": "subject",
    "date": "date",
    "lieu": "location",
    "organisateur": "organiser",
    "type de reunion": "meeting_type",
    "type": "meeting_type",
    "redacteur": "rapporteur",
    "redactrice": "rapporteur",
    "heure": "time",
    "horaire": "time",
}
MARKERS = re.compile(r"\s*[¹²³]")


def kind_of(table: TableBlock) -> str:
    """header | participants | restitution | rida | actions | follow_up | unknown."""
    top = [[fold(cell_text(c)) for c in row] for row in table.rows[:3]]
    flat = " ".join(" ".join(r) for r in top)
    first = top[0] if top else []
    # Tables known by their header row first: their data rows hold free text (an action's
    # notes may say « restitution » or « la nature de la question »).
    if first and "nom" in first and any(c.startswith("prenom") for c in first):
        return "participants"
    if first and first[0] == "reunion" and "action" in first:
        return "follow_up"
    # rida writes a « N° » column first since issue 18; older minutes start with « Action »
    if first and "action" in first[:2] and any("porteur" in c for c in first):
        return "actions"
    if "nature" in flat and ("question" in flat or "reponse" in flat) or "(rida)" in flat:
        return "rida"
    if "restitution" in flat or "auteur/emetteur" in flat:
        return "restitution"
    if (
        table.rows
        and all(len(r) == 2 for r in table.rows)
        and any(_label(cell_text(r[0])) for r in table.rows)
    ):
        return "header"
    return "unknown"


def _label(text: str) -> str | None:
    key = fold(MARKERS.sub("", text)).rstrip(" :")
    return HEADER_LABELS.get(key)


def header_values(table: TableBlock, note: Note) -> dict[str, str]:
    """Label → text of the header table (`Objet`, `Date`, `Organisateur ¹`…)."""
    values: dict[str, str] = {}
    for i, row in enumerate(table.rows, 1):
        label_text = cell_text(row[0])
        key = _label(label_text)
        value = " ".join(cell_text(row[-1]).split())
        if key is None:
            if label_text or value:
                note("", f"En-tête, ligne {i} : rubrique « {label_text} » inconnue, ignorée")
            continue
        values[key] = value
    return values


def _columns(header: list[Cell], names: dict[str, tuple[str, ...]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        text = fold(cell_text(cell))
        for key, starts in names.items():
            if key not in found and text.startswith(starts):
                found[key] = i
    return found


def _get(row: list[Cell], index: int | None) -> Cell:
    return row[index] if index is not None and index < len(row) else []


def rich(paras: list[Para], path: str, where: str, note: Note) -> str | None:
    """Markdown of paragraphs; pasted HTML fragments turned into Markdown with a note."""
    text = markdown_of(paras)
    if has_html(text):
        text = html_to_markdown(text)
        note(path, f"{where} : fragment HTML converti en Markdown")
    return text or None


PARTICIPANT_COLUMNS = {
    "last_name": ("nom",),
    "first_name": ("prenom",),
    "entity": ("entite", "organisme", "societe", "structure"),
    "function": ("fonction", "role"),
}


def participants(table: TableBlock, note: Note) -> list[tuple[dict[str, Any], str]]:
    """(participant, markers) per row: markers holds `¹` and/or `²`."""
    cols = _columns(table.rows[0], PARTICIPANT_COLUMNS)
    found = []
    for i, row in enumerate(table.rows[1:], 1):
        raw_name = cell_text(_get(row, cols.get("last_name")))
        values = {
            k: " ".join(cell_text(_get(row, cols.get(k))).split()) or None
            for k in PARTICIPANT_COLUMNS
        }
        if not any(values.values()):
            continue
        if fold(raw_name) == "nom":
            continue  # the header row repeated
        markers = "".join(c for c in raw_name if c in "¹²")
        values["last_name"] = " ".join(MARKERS.sub(" ", raw_name).split()) or None
        if not values["last_name"]:
            note("", f"Intervenants, ligne {i} : nom absent, intervenant ignoré")
            continue
        found.append(({**values, "attendance": "present"}, markers))
    return found


def restitution(table: TableBlock) -> tuple[str, str]:
    """(author, date text) of the restitution block: the row under its labels."""
    author, date_text = "", ""
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row):
            text = fold(cell_text(cell))
            below = table.rows[r + 1] if r + 1 < len(table.rows) else []
            value = cell_text(below[c]) if c < len(below) else ""
            if text.startswith("auteur"):
                author = value
            elif text.startswith("date"):
                date_text = value
    return author, date_text


RIDA_COLUMNS = {
    "number": ("#", "n°", "no", "num"),
    "nature": ("nature",),
    "subject": ("objet", "sujet", "theme"),
    "question": ("question", "remarque"),
    "answer": ("reponse",),
}
_NATURES = {fold(label): code for code, label in NATURE_LABELS.items()}


def rida_rows(table: TableBlock, note: Note) -> list[dict[str, Any]]:
    """The RIDA rows: title and header rows skipped (however many), rows numbered."""
    start, cols = 0, {}
    for r, row in enumerate(table.rows[:6]):
        found = _columns(row, RIDA_COLUMNS)
        if "nature" in found and len(found) >= 3:
            start, cols = r + 1, found
    if not cols:
        cols = dict(zip(RIDA_COLUMNS, range(5), strict=True))
    rows: list[dict[str, Any]] = []
    for row in table.rows[start:]:
        texts = [cell_text(c) for c in row]
        if not any(t.strip() for t in texts):
            continue
        if _columns(row, RIDA_COLUMNS).keys() >= {"nature", "subject"}:
            continue  # header repeated
        number_text = cell_text(_get(row, cols.get("number"))).strip().rstrip(".")
        number = (
            int(number_text) if number_text.isdigit() and 0 < int(number_text) < 2**31 else None
        )
        used = {x["number"] for x in rows}
        if number is None or number in used:
            guess = max(used, default=0) + 1
            note(
                f"rida[{len(rows)}].number",
                f"Tableau RIDA, ligne {guess} : numéro « {number_text} » illisible ou "
                f"déjà pris, numéro {guess} attribué",
            )
            number = guess
        where = f"Tableau RIDA, ligne {number}"
        path = f"rida[{len(rows)}]"
        nature_text = cell_text(_get(row, cols.get("nature"))).strip().rstrip(".")
        nature = (
            nature_text.upper()
            if nature_text.upper() in ("I", "D", "A")
            else _NATURES.get(fold(nature_text))
        )
        if nature is None:
            note(
                f"{path}.nature",
                f"{where} : nature absente"
                if not nature_text
                else f"{where} : nature « {nature_text} » illisible, laissée vide",
            )
        subject = " ".join(cell_text(_get(row, cols.get("subject"))).split())
        if not subject:
            note(f"{path}.subject", f"{where} : objet absent")
        rows.append(
            {
                "number": number,
                "nature": nature,
                "subject": subject,
                "question": rich(
                    _get(row, cols.get("question")),
                    f"{path}.question",
                    f"{where}, question / remarque",
                    note,
                ),
                "answer": rich(
                    _get(row, cols.get("answer")), f"{path}.answer", f"{where}, réponse", note
                ),
            }
        )
    return rows


ACTION_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("action",),
    "kind": ("type",),
    "owner": ("porteur",),
    "due_date": ("echeance",),
    "status": ("statut",),
    "rida": ("ligne",),
}
_KINDS = {fold(label): code for code, label in ACTION_KIND_LABELS.items()}
_STATUSES = {fold(label): code for code, label in ACTION_STATUS_LABELS.items()}


def actions(
    table: TableBlock, note: Note, owner: Callable[[str], dict[str, Any] | None]
) -> list[dict[str, Any]]:
    cols = _columns(table.rows[0], ACTION_COLUMNS)
    found: list[dict[str, Any]] = []
    for row in table.rows[1:]:
        cell = [p for p in _get(row, cols.get("title")) if p.text.strip()]
        if not cell or fold(cell_text(cell)) == "action":
            continue
        i = len(found)
        where, path = f"Prochaines actions, action {i + 1}", f"actions[{i}]"
        text = {k: " ".join(cell_text(_get(row, cols.get(k))).split()) for k in ACTION_COLUMNS}
        kind = _KINDS.get(fold(text["kind"]), "other")
        if text["kind"] and fold(text["kind"]) not in _KINDS:
            note(f"{path}.kind", f"{where} : type « {text['kind']} » inconnu, « Autre » retenu")
        status = _STATUSES.get(fold(text["status"]), "open")
        if text["status"] and fold(text["status"]) not in _STATUSES:
            note(
                f"{path}.status",
                f"{where} : statut « {text['status']} » inconnu, « À faire » retenu",
            )
        due = parse_date(text["due_date"]) if text["due_date"] else None
        if text["due_date"] and due is None:
            note(f"{path}.due_date", f"{where} : échéance « {text['due_date']} » illisible")
        found.append(
            {
                "title": " ".join(cell[0].text.split()),
                "kind": kind,
                "owner": owner(text["owner"]) if text["owner"] else None,
                "due_date": due.isoformat() if due else None,
                "status": status,
                "rida": int(text["rida"]) if text["rida"].isdigit() else None,
                "notes": rich(cell[1:], f"{path}.notes", f"{where}, notes", note),
            }
        )
    return found
