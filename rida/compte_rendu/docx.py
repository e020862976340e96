"""The compte-rendu as DOCX, in the ANS layout of ``docs/compte-rendu-layout.md``.

``render(src, template)`` opens the reference document (``templates/compte-rendu.docx`` by
default: page setup, styles, list numbering), writes every element of the layout in
order, embeds the ``rida/1`` document and returns the package's bytes, the same bytes for
the same input (dates in the package are the meeting's).
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.opc.exceptions import PackageNotFoundError

from rida.compte_rendu import figures
from rida.compte_rendu import wording as w
from rida.compte_rendu.docx_figures import add_picture
from rida.compte_rendu.docx_layout import Table, TableLook, add_field, embed_json, header_fill, save
from rida.compte_rendu.docx_package import set_package_properties
from rida.compte_rendu.markdown_docx import (
    Blocks,
    Flow,
    Format,
    Numbering,
    Styles,
    add_run,
    set_numbering,
)
from rida.compte_rendu.source import Source
from rida.render import STATUS_LABELS

TEMPLATE_NAME = "compte-rendu.docx"
TABLE_STYLE = "CR Tableau"
WIDTHS = {
    "header": (4.5, 12.5),
    "participants": (4.0, 3.5, 3.5, 6.0),
    "restitution": (3.0, 8.0, 6.0),
    "rida": (0.9, 1.5, 3.1, 5.75, 5.75),
    "actions": (0.9, 5.1, 2.3, 3.4, 2.1, 1.6, 1.6),
    "follow_up": (4.0, 5.5, 3.4, 2.1, 2.0),
}


class TemplateError(ValueError):
    """The reference document cannot be used (message in French, for the admin)."""


def default_template() -> Path:
    from rida.paths import templates_dir

    return templates_dir() / TEMPLATE_NAME


def open_template(template: str | Path | None) -> DocumentObject:
    path = Path(template) if template else default_template()
    if not path.is_file():
        raise TemplateError(f"Modèle DOCX introuvable : {path} (réglage RIDA_DOCX_TEMPLATE).")
    try:
        return Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise TemplateError(f"Modèle DOCX illisible : {path} ({e}).") from e


def render(src: Source, template: str | Path | None = None) -> bytes:
    """The compte-rendu of ``src`` as DOCX bytes, styled by the reference ``template``."""
    document = open_template(template)
    _Writer(document, src).write()
    embed_json(document, json.dumps(src.doc, ensure_ascii=False, indent=2).encode("utf-8"))
    day = w.day(src.doc["date"]) or dt.date(1980, 1, 1)
    _core_properties(document, src.doc, day)
    set_package_properties(document, custom_properties(src.doc))
    return save(document, day)


def _core_properties(document: DocumentObject, doc: dict[str, Any], day: dt.date) -> None:
    props = document.core_properties
    stamp = dt.datetime(day.year, day.month, day.day)
    props.created = props.modified = stamp
    props.title = _fit(doc["title"])
    props.subject = _fit(doc["series"])
    props.author = _fit(w.name(doc.get("rapporteur")) or "rida")
    props.last_modified_by = "rida"
    props.category = "Compte-rendu"
    props.keywords = "RIDA"
    props.comments = f"rida/1 ; version v{doc['version']}"
    props.revision = 1


def custom_properties(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """The custom properties (``docProps/custom.xml``) of the compte-rendu."""
    return [
        ("Classification", w.classification(doc)),
        ("Version", str(doc["version"])),
        ("Statut", STATUS_LABELS.get(doc["status"], doc["status"])),
    ]


PROPERTY_MAX = 255  # a DOCX core property holds at most 255 characters


def _fit(text: str) -> str:
    """``text`` cut to fit a core property (the document itself shows it whole)."""
    return text if len(text) <= PROPERTY_MAX else text[: PROPERTY_MAX - 1].rstrip() + "…"


class _Writer:
    def __init__(self, document: DocumentObject, src: Source):
        self.document = document
        self.doc = src.doc
        self.follow_up = src.follow_up
        self.styles = Styles(document)
        self.pictures = figures.pictures(src.doc)
        self.blocks = Blocks(
            self.styles, Numbering(document, self.styles), add_picture(document, self.pictures)
        )
        self.body = document.element.body
        self.flow = Flow(self.body, None)
        table_style = self.styles.id(TABLE_STYLE)
        self.look = TableLook(
            table_style,
            self.styles.id("CR En-tête de tableau"),
            self.styles.id("CR Cellule"),
            header_fill(document, table_style),
        )

    def write(self) -> None:
        self.title_block()
        self.object_section()
        self.participants_section()
        self.summary_section()
        self.rida_table()
        self.closing_sections()
        self.page_header_footer()

    def para(self, text: str, style: str | None = None) -> None:
        self.blocks.plain(self.flow, text, style)

    def list_item(self, text: str, style: str, numbering: tuple[str, int] | None) -> None:
        p = self.blocks.plain(self.flow, text, style)
        set_numbering(p, numbering)

    def table(self, name: str, *, first_row: bool = True) -> Table:
        return Table(self.body, self.look, WIDTHS[name], first_row=first_row)

    def title_block(self) -> None:
        doc = self.doc
        self.para(w.DOCUMENT_KIND, "CR Document")
        self.para(doc["series"], "CR Série")
        self.para(doc["title"], "Title")
        self.para(w.date_line(doc), "CR Date")
        self.para(w.status_line(doc), "CR Statut")

    def object_section(self) -> None:
        self.para(w.HEADINGS["object"], "Heading 1")
        table = self.table("header", first_row=False)  # labels in a column, no header row
        for label, value in w.header_rows(self.doc):
            tr = table.row()
            table.cell(tr, 0, header=True).paragraph().add_r().text = label
            p = table.cell(tr, 1).paragraph()
            if value:
                p.add_r().text = value
        documents = self.doc.get("reference_documents") or []
        if documents:
            self.para(w.REFERENCE_DOCUMENTS, "Heading 3")
            numbering = self.blocks.numbering.of("List Bullet")
            for title in documents:
                self.list_item(title, "List Bullet", numbering)

    def participants_section(self) -> None:
        self.para(w.HEADINGS["participants"], "Heading 1")
        table = self.table("participants")
        table.text_row(w.PARTICIPANT_COLUMNS, header=True)
        for person in self.doc.get("participants") or []:
            table.text_row(w.participant_cells(self.doc, person))
        for line in w.attendance_lines(self.doc):
            self.para(line)
        for note in w.footnotes(self.doc):
            self.para(note, "CR Note")

    def summary_section(self) -> None:
        self.para(w.HEADINGS["summary"], "Heading 1")
        objectives = self.doc.get("objectives") or []
        if objectives:
            self.para(w.objectives_intro(self.doc))
            numbering = self.blocks.numbering.restarted("List Number")
            for objective in objectives:
                self.list_item(objective, "List Number", numbering)
        self.blocks.write(self.flow, self.doc.get("summary"))
        table = self.table("restitution")
        label, author_label, date_label = w.RESTITUTION
        author, date = w.restitution_values(self.doc)
        for values, vmerge in (
            ((label, author_label, date_label), "restart"),
            (("", author, date), ""),
        ):
            tr = table.row()
            for column, text in enumerate(values):
                flow = table.cell(
                    tr,
                    column,
                    header=column == 0 or vmerge == "restart",
                    vmerge=vmerge if column == 0 else None,
                )
                p = flow.paragraph()
                if text:
                    p.add_r().text = text
        self.para("")  # two adjacent tables would be joined into one

    def rida_table(self) -> None:
        table = self.table("rida")
        tr = table.row(header=True)
        table.cell(tr, 0, span=5, header=True).paragraph().add_r().text = w.RIDA_TITLE
        table.text_row(w.RIDA_COLUMNS, header=True)
        for row in self.doc.get("rida") or []:
            tr = table.row()
            for column, text in enumerate(
                (str(row["number"]), row.get("nature") or "", row.get("subject") or "")
            ):
                p = table.cell(tr, column).paragraph()
                if text:
                    p.add_r().text = text
            self.blocks.write(table.cell(tr, 3), row.get("question"))
            self.blocks.write(table.cell(tr, 4), row.get("answer"))

    def closing_sections(self) -> None:
        doc = self.doc
        self.para(w.HEADINGS["comments"], "Heading 2")
        for comment in doc.get("comments") or []:
            self.blocks.write(self.flow, comment, item=True)
        if not doc.get("comments"):
            self.para(w.EMPTY["comments"])
        self.para(w.heading(doc, "results"), "Heading 2")
        if doc.get("results"):
            self.blocks.write(self.flow, doc["results"])
        else:
            self.para(w.EMPTY["results"])
        self.para(w.HEADINGS["actions"], "Heading 2")
        self.actions_table()
        if self.follow_up:
            self.para(w.HEADINGS["follow_up"], "Heading 2")
            table = self.table("follow_up")
            table.text_row(w.FOLLOW_UP_COLUMNS, header=True)
            for item in self.follow_up:
                tr = table.row()
                for column, text in enumerate(w.follow_up_cells(item, self.doc.get("date"))):
                    cell = table.cell(tr, column)
                    p = cell.paragraph()
                    if text:
                        p.add_r().text = text
                    if column == 1:  # the action's progress notes under its title
                        for line in w.follow_up_notes(item):
                            cell.paragraph().add_r().text = line

    def actions_table(self) -> None:
        actions = self.doc.get("actions") or []
        if not actions:
            self.para(w.EMPTY["actions"])
            return
        table = self.table("actions")
        table.text_row(w.ACTION_COLUMNS, header=True)
        for number, action in enumerate(actions, start=1):  # as rida.actions.numbering
            tr = table.row()
            table.cell(tr, 0).paragraph().add_r().text = str(number)
            cell = table.cell(tr, 1)
            add_run(cell.paragraph(), action["title"], Format(bold=True))
            self.blocks.write(cell, action.get("notes"))
            for column, text in enumerate(w.action_cells(action), start=2):
                p = table.cell(tr, column).paragraph()
                if text:
                    p.add_r().text = text

    def page_header_footer(self) -> None:
        section = self.document.sections[0]
        left, right = w.page_header(self.doc)
        header = section.header.paragraphs[0]._p
        header.style = self.styles.id("Header")
        add_run(header, f"{left}\t{right}")
        footer = section.footer.paragraphs[0]._p
        footer.style = self.styles.id("Footer")
        add_run(footer, "Page ")
        add_field(footer, "PAGE", "1")
        add_run(footer, " / ")
        add_field(footer, "NUMPAGES", "1")
