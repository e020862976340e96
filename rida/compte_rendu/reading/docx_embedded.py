"""Combining what a DOCX shows with the ``rida/1`` document embedded in it.

Each piece the page shows is compared with the embedded one as the page would show it
(Markdown by its rendering, names without case): when they agree, the embedded value is
kept (it carries what the page cannot: `x-…` extensions, the spelling of a last name, a
formula's source, the function of a non-participant organiser); when they differ (the
file was edited in Word), the visible value wins and a warning says so.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from rida.compte_rendu.reading.text_reading import has_html, html_to_markdown, typed_item
from rida.meetings.people import fold
from rida.render import formula_text, markdown_html

Notes = list[tuple[str, str]]
SCALARS = (
    "series",
    "title",
    "subject",
    "meeting_type",
    "date",
    "start_time",
    "end_time",
    "location",
    "status",
    "classification",
    "version",
)
LABELS = {
    "series": "série",
    "title": "titre",
    "subject": "objet",
    "meeting_type": "type de réunion",
    "date": "date",
    "start_time": "heure de début",
    "end_time": "heure de fin",
    "location": "lieu",
    "status": "statut",
    "classification": "classification",
    "version": "version",
    "organiser": "organisateur",
    "rapporteur": "rédacteur",
    "reference_documents": "documents de référence",
    "objectives": "objectifs",
    "summary": "synthèse",
    "comments": "commentaires",
    "results": "résultats",
    "participants": "intervenants",
    "rida": "tableau RIDA",
    "actions": "prochaines actions",
}


def _text_eq(a: Any, b: Any) -> bool:
    return " ".join(str(a or "").split()) == " ".join(str(b or "").split())


def _md_eq(visible: Any, embedded: Any) -> bool:
    if _text_eq(visible, embedded):
        return True
    shown = " ".join(markdown_html(visible or "").split())
    if shown == " ".join(markdown_html(embedded or "").split()):
        return True
    if bool(embedded) and has_html(embedded) and _text_eq(visible, html_to_markdown(embedded)):
        return True
    return _shown(visible) == _shown(embedded)


def _shown(markdown: Any) -> str:
    """The words a reader sees, list markers and emphasis aside: a paragraph typed
    `— texte` reads back as a list item, and is still the same text."""
    lines = []
    for line in formula_text(str(markdown or "")).split("\n"):
        typed = typed_item(line)
        lines.append(typed[1] if typed else line)
    return " ".join(" ".join(lines).replace("*", " ").replace("`", " ").split())


def _person_eq(visible: Any, embedded: Any) -> bool:
    if not visible or not embedded:
        return not visible and not embedded
    return (
        all(
            fold(visible.get(k) or "") == fold(embedded.get(k) or "")
            for k in ("last_name", "first_name")
        )
        and (
            not visible.get("entity")
            or fold(visible["entity"]) == fold(embedded.get("entity") or "")
        )
        and (not visible.get("function") or _text_eq(visible["function"], embedded.get("function")))
    )


def _participant_eq(visible: dict[str, Any], embedded: dict[str, Any]) -> bool:
    return (
        _person_eq(visible, embedded)
        and visible["attendance"] == embedded["attendance"]
        and fold(visible.get("entity") or "") == fold(embedded.get("entity") or "")
    )


def _row_eq(visible: dict[str, Any], embedded: dict[str, Any]) -> bool:
    return (
        visible["number"] == embedded["number"]
        and visible["nature"] == embedded["nature"]
        and _text_eq(visible["subject"], embedded["subject"])
        and _md_eq(visible["question"], embedded["question"])
        and _md_eq(visible["answer"], embedded["answer"])
    )


def _action_eq(visible: dict[str, Any], embedded: dict[str, Any]) -> bool:
    return (
        _text_eq(visible["title"], embedded["title"])
        and all(visible[k] == embedded[k] for k in ("kind", "due_date", "status", "rida"))
        and _person_eq(visible["owner"], embedded["owner"])
        and _md_eq(visible["notes"], embedded["notes"])
    )


def _list_eq(eq: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    return lambda a, b: len(a) == len(b) and all(eq(x, y) for x, y in zip(a, b, strict=True))


def _extensions(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k.startswith("x-")}


class _Merge:
    def __init__(self, visible: dict[str, Any], embedded: dict[str, Any], notes: Notes):
        self.doc = copy.deepcopy(visible)
        self.embedded = embedded
        self.notes = notes
        self.confirmed: list[str] = []

    def field(self, key: str, eq: Callable[[Any, Any], bool]) -> None:
        if eq(self.doc.get(key), self.embedded.get(key)):
            self.doc[key] = copy.deepcopy(self.embedded.get(key))
            self.confirmed.append(key)
        else:
            self.differs(LABELS[key])

    def differs(self, what: str) -> None:
        self.notes.append(
            (
                "",
                f"Données rida/1 intégrées : {what} différent du contenu "
                "visible (modifié dans Word ?) ; le contenu visible est retenu",
            )
        )

    def items(
        self,
        key: str,
        eq: Callable[[dict[str, Any], dict[str, Any]], bool],
        match: Callable[[dict[str, Any]], Any],
    ) -> None:
        """Visible items kept in their order; each one that equals its embedded twin
        (found by ``match``) becomes that twin, the others keep its extensions."""
        twins = {match(item): item for item in self.embedded.get(key, [])}
        differing = len(self.doc[key]) != len(self.embedded.get(key, []))
        for i, item in enumerate(self.doc[key]):
            twin = twins.get(match(item))
            if twin is not None and eq(item, twin):
                self.doc[key][i] = copy.deepcopy(twin)
                self.confirmed.append(f"{key}[{i}]")
            else:
                differing = True
                if twin is not None:
                    item.update(_extensions(twin))
        if differing:
            self.differs(LABELS[key])

    def run(self) -> tuple[dict[str, Any], Notes]:
        for key in SCALARS:
            self.field(key, _text_eq)
        for key in ("organiser", "rapporteur"):
            self.field(key, _person_eq)
        for key in ("reference_documents", "objectives"):
            self.field(key, _list_eq(_text_eq))
        self.field("comments", _list_eq(_md_eq))
        for key in ("summary", "results"):
            self.field(key, _md_eq)
        self.items(
            "participants",
            _participant_eq,
            lambda p: (fold(p["last_name"] or ""), fold(p["first_name"] or "")),
        )
        self.items("rida", _row_eq, lambda r: r["number"])
        by_title = {fold(a["title"]): a for a in self.embedded.get("actions", [])}
        self.items(
            "actions",
            _action_eq,
            lambda a: fold(a["title"]) if fold(a["title"]) in by_title else None,
        )
        self.doc.update(_extensions(self.embedded))
        kept = [
            (path, message)
            for path, message in self.notes
            if not any(path == c or path.startswith((c + ".", c + "[")) for c in self.confirmed)
        ]
        return self.doc, kept


def merge(
    visible: dict[str, Any], embedded: dict[str, Any], notes: Notes
) -> tuple[dict[str, Any], Notes]:
    """The document to import and the notes left once the embedded part is taken in."""
    return _Merge(visible, embedded, notes).run()
