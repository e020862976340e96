"""Reading a compte-rendu DOCX back into a ``rida/1`` document.

:func:`read_docx` reads the visible content in body order, finding sections by their
words and tables by their content (``docs/compte-rendu-layout.md``), tolerating the
variations of minutes written by hand; everything guessed or dropped becomes a French
warning naming where. The embedded ``rida/1`` part, when present and valid, supplies what
the page does not show; where the two disagree the visible content wins, with a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rida.compte_rendu import wording
from rida.compte_rendu.reading import docx_tables as tables
from rida.compte_rendu.reading import legacy_actions
from rida.compte_rendu.reading.docx_blocks import Para, TableBlock, body_blocks
from rida.compte_rendu.reading.docx_embedded import merge
from rida.compte_rendu.reading.docx_package import DocxError, embedded_document, open_docx
from rida.compte_rendu.reading.text_reading import (
    heading_rest,
    parse_date,
    parse_times,
    section_of,
    split_name,
    typed_item,
)
from rida.exchange import FORMAT
from rida.meetings.people import fold, person_key
from rida.render import CLASSIFICATION_LABELS, STATUS_LABELS

__all__ = ["DocxError", "DocxImport", "read_docx"]

_STATUSES = {fold(v): k for k, v in STATUS_LABELS.items()}
_CLASSIFICATIONS = {fold(v): k for k, v in CLASSIFICATION_LABELS.items()}
_VERSION = re.compile(r"v?\s*(\d{1,4})[.,](\d{1,4})", re.IGNORECASE)
_ENTITY = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
_EMPTY = {"aucun commentaire.", "aucun resultat consigne.", "aucune action."}


@dataclass
class DocxImport:
    doc: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def read_docx(data: bytes, known: Iterable[dict[str, Any]] = ()) -> DocxImport:
    """Read a DOCX compte-rendu; :class:`DocxError` when the file is not a readable DOCX.
    ``known``: people of the instance (those the importing user may see) an action typed
    as text may name as its owner."""
    document, raw_embedded = open_docx(data)
    reader = _Reader(list(known))
    reader.read(body_blocks(document))
    visible = reader.document()
    embedded, problem = embedded_document(raw_embedded)
    notes = reader.notes
    if problem:
        notes.append(("", problem))
    if embedded is not None:
        shown = visible.get(wording.WORDING_KEY) or {}
        visible, notes = merge(visible, embedded, notes)
        kept = visible.get(wording.WORDING_KEY)
        kept = dict(kept) if isinstance(kept, dict) else {}
        if any(kept.get(name) != text for name, text in shown.items()):
            visible[wording.WORDING_KEY] = {**kept, **shown}
            notes.append(
                (
                    "",
                    "Données rida/1 intégrées : formulations différentes du contenu "
                    "visible (modifié dans Word ?) ; le contenu visible est retenu",
                )
            )
    return DocxImport(doc=visible, warnings=[message for _path, message in notes])


def _person(text: str, note: tables.Note, where: str, path: str) -> dict[str, Any] | None:
    """`Prénom NOM`, `Prénom NOM (Entité)` or `Prénom NOM / Entité` as a person."""
    text = " ".join(text.split())
    if not text:
        return None
    entity = None
    m = _ENTITY.match(text)
    if m and m.group(1):
        text, entity = m.group(1), m.group(2).strip() or None
    elif " / " in text:
        text, entity = (s.strip() for s in text.split(" / ", 1))
    last, first, guessed = split_name(text)
    if guessed and first:
        note(
            path,
            f"{where} : « {text} » sans nom en capitales, lu comme prénom "
            f"« {first} » et nom « {last} »",
        )
    return {"last_name": last, "first_name": first, "entity": entity or None, "function": None}


class _Reader:
    def __init__(self, known: list[dict[str, Any]]) -> None:
        self.known_people = known
        self.notes: list[tuple[str, str]] = []
        self.section = "top"
        self.top: list[Para] = []
        self.header: dict[str, str] = {}
        self.references: list[str] = []
        self.participants: list[tuple[dict[str, Any], str]] = []
        self.attendance: list[Para] = []
        self.objectives: list[str] = []
        self.objective_list: tuple[str, int] | None = None  # the objectives' Word list
        self.in_objectives = False
        self.summary: list[Para] = []
        self.restitution: tuple[str, str] = ("", "")
        self.rida: list[dict[str, Any]] = []
        self.comments: list[list[Para]] = []
        self.results: list[Para] = []
        self.wording: dict[str, str] = {}  # the meeting's own sentences (wording.WORDING)
        self.actions: list[dict[str, Any]] = []
        self.action_lines: list[str] = []

    def note(self, path: str, message: str) -> None:
        self.notes.append((path, message))

    # --- Walking the body --------------------------------------------------------------

    def read(self, blocks: list[Para | TableBlock]) -> None:
        for i, block in enumerate(blocks):
            try:
                if isinstance(block, TableBlock):
                    self.table(block)
                else:
                    self.paragraph(block)
            except (ValueError, TypeError, KeyError, IndexError, AttributeError) as e:
                kind = "tableau" if isinstance(block, TableBlock) else "paragraphe"
                self.note("", f"Élément {i + 1} ({kind}) illisible, ignoré : {e}")

    def paragraph(self, para: Para) -> None:
        text = para.text.strip()
        if not text:
            return
        if not para.list_kind or para.heading:
            section = section_of(text, styled=para.heading)
            if section:
                self.section = section
                if section == "results":
                    self.wording["results_heading"] = heading_rest(text, "")
                return
        handler = getattr(self, f"para_{self.section}", None)
        if handler is not None:
            handler(para, text)

    def para_top(self, para: Para, text: str) -> None:
        self.top.append(para)

    def para_header(self, para: Para, text: str) -> None:
        self.note("", f"Objet du compte-rendu : paragraphe « {text[:60]} » ignoré")

    def para_references(self, para: Para, text: str) -> None:
        typed = typed_item(text)
        self.references.append(typed[1] if typed and not para.list_kind else text)

    def para_participants(self, para: Para, text: str) -> None:
        if text.startswith(("¹", "²")):
            name = "organiser_note" if text.startswith("¹") else "rapporteur_note"
            self.wording[name] = text[1:].strip()
        else:
            self.attendance.append(para)

    def para_summary(self, para: Para, text: str) -> None:
        typed = None if para.list_kind else typed_item(text)
        is_item = para.list_kind == "number" or (typed is not None and typed[0] != "-")
        if (
            self.in_objectives
            and is_item
            and para.level == 0
            and (self.objective_list is None or para.list_id == self.objective_list)
        ):
            self.objective_list = para.list_id
            self.objectives.append(" ".join((typed[1] if typed else para.text).split()))
            return
        self.in_objectives = False
        if (
            not self.objectives
            and not self.summary
            and "objectif" in fold(text)
            and text.rstrip().endswith(":")
        ):
            self.in_objectives = True
            self.wording["objectives_intro"] = " ".join(text.split())
            return
        self.summary.append(para)

    def para_comments(self, para: Para, text: str) -> None:
        if fold(text) in _EMPTY:
            return
        starts = (para.list_kind == "bullet" and para.level == 0) or (
            not para.list_kind and (typed_item(text) or ("",))[0] == "-"
        )
        if starts or not self.comments:
            if starts and not para.list_kind:
                item = typed_item(para.inline)
                assert item is not None  # the same line as ``text``, typed as an item
                para = Para(para.style, text, item[1])
            elif starts:
                para = Para(para.style, para.text, para.inline)
            self.comments.append([para])
        else:
            self.comments[-1].append(para)

    def para_results(self, para: Para, text: str) -> None:
        if fold(text) not in _EMPTY:
            self.results.append(para)

    def para_actions(self, para: Para, text: str) -> None:
        if fold(text) in _EMPTY:
            return
        typed = typed_item(text)
        self.action_lines.append(typed[1] if typed and not para.list_kind else text)

    def table(self, table: TableBlock) -> None:
        kind = tables.kind_of(table)
        if kind == "header":
            self.header.update(tables.header_values(table, self.note))
        elif kind == "participants":
            self.participants.extend(tables.participants(table, self.note))
        elif kind == "restitution":
            self.restitution = tables.restitution(table)
        elif kind == "rida":
            self.rida.extend(tables.rida_rows(table, self.note))
        elif kind == "actions":
            self.actions.extend(tables.actions(table, self.note, self.owner))
        elif kind == "unknown":
            self.note("", f"Tableau non reconnu ({len(table.rows)} lignes), ignoré")
        # follow_up: earlier meetings' actions, not this meeting's data.

    # --- Building the document -----------------------------------------------------------

    def known(self, person: dict[str, Any] | None) -> dict[str, Any] | None:
        """The participant ``person`` names (same name, any case), else ``person``."""
        if person is None:
            return None
        key = person_key(person["last_name"], person["first_name"] or "")
        for p, _markers in self.participants:
            if person_key(p["last_name"], p["first_name"] or "") == key and (
                not person["entity"] or fold(person["entity"]) == fold(p["entity"] or "")
            ):
                return {k: p[k] for k in ("last_name", "first_name", "entity", "function")}
        return person

    def owner(self, text: str) -> dict[str, Any] | None:
        """`Prénom NOM (Entité)`, `Prénom NOM`, or an organisation alone (`ANS`,
        `Capgemini Invent`: no word in capitals next to one that is not)."""
        if not _ENTITY.match(text):
            _last, first, guessed = split_name(text)
            if guessed or not first:
                return {"last_name": None, "first_name": None, "entity": text, "function": None}
        return self.known(_person(text, self.note, "Prochaines actions, porteur", ""))

    def role(self, key: str, marker: str, label: str) -> dict[str, Any] | None:
        marked = [p for p, m in self.participants if marker in m]
        text = self.header.get(key, "")
        person = self.known(_person(text, self.note, f"En-tête, {label}", key))
        if key == "rapporteur" and self.restitution[0]:
            author = self.known(
                _person(self.restitution[0], self.note, "Bloc de restitution, auteur", key)
            )
            if person is None or (
                author and person_key(author["last_name"]) == person_key(person["last_name"])
            ):
                person = author
        if person is None and marked:
            person = self.known(marked[0])
        return person

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"format": FORMAT}
        self.top_lines(doc)
        self.header_fields(doc)
        doc["organiser"] = self.role("organiser", "¹", "organisateur")
        doc["rapporteur"] = self.role("rapporteur", "²", "rédacteur")
        doc["reference_documents"] = self.references
        doc["participants"] = self.participant_list()
        doc["objectives"] = self.objectives
        doc["summary"] = tables.rich(self.summary, "summary", "Synthèse", self.note)
        doc["rida"] = self.rida
        doc["comments"] = [
            tables.rich(c, f"comments[{i}]", f"Commentaire {i + 1}", self.note) or ""
            for i, c in enumerate(self.comments)
        ]
        doc["results"] = tables.rich(self.results, "results", "Résultats", self.note)
        doc["actions"] = self.actions or self.legacy_actions(doc)
        own = wording.own_wording(self.wording)
        if own:
            doc[wording.WORDING_KEY] = own
        numbers = {r["number"] for r in self.rida}
        for i, action in enumerate(doc["actions"]):
            if action["rida"] is not None and action["rida"] not in numbers:
                self.note(
                    f"actions[{i}].rida",
                    f"Prochaines actions, action {i + 1} : "
                    f"ligne RIDA {action['rida']} inexistante, lien retiré",
                )
                action["rida"] = None
        return doc

    def top_lines(self, doc: dict[str, Any]) -> None:
        rest = []
        for para in self.top:
            text = " ".join(para.text.split())
            if fold(text) in ("compte-rendu", "compte rendu"):
                continue
            if fold(text).startswith("reunion du"):
                found = parse_date(text)
                if found:
                    doc["date"] = found.isoformat()
            elif fold(text).startswith("statut"):
                self.status_line(doc, text)
            elif para.style == "Title":
                doc["title"] = text
            else:
                rest.append(text)
        if "title" not in doc and len(rest) > 1:
            doc["title"] = rest.pop(1)
        for key, where in (("series", "série"), ("title", "titre")):
            if key not in doc:
                if rest:
                    doc[key] = rest.pop(0)
                else:
                    doc[key] = "Série non renseignée" if key == "series" else "Sans titre"
                    self.note(key, f"Première page : {where} introuvable, « {doc[key]} » retenu")

    def status_line(self, doc: dict[str, Any], text: str) -> None:
        for part in text.split("|"):
            label, _, value = part.partition(":")
            label, value = fold(label), fold(value)
            if label.startswith("statut") and value in _STATUSES:
                doc["status"] = _STATUSES[value]
            elif label.startswith("classification") and value in _CLASSIFICATIONS:
                doc["classification"] = _CLASSIFICATIONS[value]
            elif label.startswith("version") and (m := _VERSION.search(value)):
                doc["version"] = f"{int(m.group(1))}.{int(m.group(2))}"
            elif value:
                self.note("", f"Première page : « {part.strip()} » illisible, ignoré")

    def header_fields(self, doc: dict[str, Any]) -> None:
        for key in ("subject", "meeting_type", "location"):
            doc[key] = self.header.get(key) or None
        when = self.header.get("date", "")
        found = parse_date(when) if when else None
        start, end = parse_times(when.split(",", 1)[1] if "," in when else "")
        doc["start_time"], doc["end_time"] = start, end
        candidates = [
            ("Réunion du", doc.get("date")),
            ("En-tête, date", found.isoformat() if found else None),
        ]
        restitution_date = parse_date(self.restitution[1]) if self.restitution[1] else None
        candidates.append(
            (
                "Bloc de restitution, date",
                restitution_date.isoformat() if restitution_date else None,
            )
        )
        dates = [(where, d) for where, d in candidates if d]
        if not dates:
            self.note("date", "Date de la réunion introuvable")
            return
        doc["date"] = dates[0][1]
        for where, d in dates[1:]:
            if d != doc["date"]:
                self.note("date", f"{where} : {d} diffère de la date retenue {doc['date']}")

    def participant_list(self) -> list[dict[str, Any]]:
        people = [p for p, _m in self.participants]
        for para in self.attendance:
            label, _, names = para.text.partition(":")
            status = (
                "excused"
                if fold(label).startswith("excuse")
                else "absent"
                if fold(label).startswith("absent")
                else None
            )
            if status is None:
                continue
            for name in filter(None, (n.strip() for n in names.split(","))):
                last, first, _ = split_name(name)
                key = person_key(last, first or "")
                match = [
                    p for p in people if person_key(p["last_name"], p["first_name"] or "") == key
                ]
                if match:
                    match[0]["attendance"] = status
                else:
                    self.note(
                        "", f"Intervenants : « {name} » ({label.strip()}) absent du tableau, ignoré"
                    )
        return people

    def legacy_actions(self, doc: dict[str, Any]) -> list[dict[str, Any]]:
        """Actions typed as lines of text (:mod:`legacy_actions`)."""
        return legacy_actions.read_actions(
            self.action_lines,
            meeting=dt.date.fromisoformat(doc["date"]) if doc.get("date") else None,
            rows=self.rida,
            names=legacy_actions.known_names(doc, self.known_people),
            note=self.note,
        )
