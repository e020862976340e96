"""One wording for every format: the DOCX (read back with python-docx), the Markdown and
the HTML compte-rendu say the same words in the same order (``rida/compte_rendu/wording.py``)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import markdown
import pytest
from docx.table import Table
from flask import Flask

from rida.compte_rendu import Source, render
from tests.conftest import demo_document
from tests.docx_reading import read
from tests.exports_support import source_of

Block = tuple[str, Any]  # ("h", text) | ("p", text) | ("table", rows of cell texts)
BLOCKS = {"h1", "h2", "h3", "h4", "p", "li"}


class Blocks(HTMLParser):
    """Headings, paragraphs, list items and tables of an HTML page, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[Block] = []
        self.text: list[str] | None = None
        self.tag, self.depth, self.in_table = "", 0, False

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "table":
            self.in_table = True
            self.blocks.append(("table", []))
        elif self.in_table and tag == "tr":
            self.blocks[-1][1].append([])
        elif self.in_table and tag in ("td", "th"):
            self.text, self.tag = [], tag
        elif self.text is not None and tag in ("br", *BLOCKS):
            self.text.append("\n")
            self.depth += tag == self.tag
        elif tag in BLOCKS:
            self.text, self.tag, self.depth = [], tag, 0

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.in_table = False
        elif self.text is None or tag != self.tag:
            return
        elif self.in_table:
            self.blocks[-1][1][-1].append(self._text())
        elif self.depth:
            self.depth -= 1
        else:
            self.blocks.append(("h" if tag[0] == "h" else "p", self._text()))

    def handle_data(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def _text(self) -> str:
        text, self.text = "".join(self.text or []), None
        return "\n".join(" ".join(line.split()) for line in text.strip().split("\n") if line)


def html_blocks(page: str) -> list[Block]:
    parser = Blocks()
    parser.feed(page)
    return parser.blocks


def docx_blocks(data: bytes) -> list[Block]:
    blocks: list[Block] = []
    for item in read(data).iter_inner_content():
        if isinstance(item, Table):
            blocks.append(("table", [[c.text for c in row.cells] for row in item.rows]))
        elif item.text:
            heading = item.style.name == "Title" or item.style.name.startswith("Heading")
            blocks.append(("h" if heading else "p", item.text))
    return blocks


def views(blocks: list[Block]) -> dict[str, Any]:
    """What must be identical across formats, read from the blocks of one format."""
    headings = [text for kind, text in blocks if kind == "h"]
    first_section = blocks.index(("h", "1. OBJET DU COMPTE-RENDU"))
    table_at = [i for i, (kind, _) in enumerate(blocks) if kind == "table"]
    tables = [[row for row in blocks[i][1] if any(row)] for i in table_at]
    after_people = table_at[1] + 1
    next_heading = next(i for i in range(after_people, len(blocks)) if blocks[i][0] == "h")
    restitution = tables[2]
    return {
        "title block": [text for _, text in blocks[:first_section]],
        "headings": headings,
        "header rows": tables[0],
        "participant rows": tables[1],
        "attendance and footnotes": [text for _, text in blocks[after_people:next_heading]],
        "restitution": [restitution[0], restitution[1][-2:]],
        "action cells": tables[-2],
        "follow-up cells": tables[-1],
    }


@pytest.fixture
def src(app: Flask) -> Source:
    source_of(app, demo_document() | {"date": "2021-12-10", "title": "Atelier de lancement"})
    doc = demo_document() | {"start_time": "14:00", "end_time": "16:00", "location": "Visio"}
    doc["participants"][1]["attendance"] = "excused"
    doc["participants"][2]["attendance"] = "absent"
    return source_of(app, doc)


def same_views(src: Source) -> tuple[dict[str, Any], bytes, str]:
    """The views of the DOCX, checked equal to those of the Markdown and the HTML."""
    data, page = render(src, "docx"), render(src, "html").decode()
    from_docx = views(docx_blocks(data))
    text = render(src, "md").decode()
    from_md = views(html_blocks(markdown.markdown(text, extensions=["tables"])))
    from_html = views(html_blocks(page))
    for name, expected in from_docx.items():
        assert from_md[name] == expected, f"Markdown: {name}"
        assert from_html[name] == expected, f"HTML: {name}"
    return from_docx, data, page


def test_docx_markdown_and_html_say_the_same_words(src: Source):
    from_docx, data, page = same_views(src)
    # The views are what the layout contract says (docs/compte-rendu-layout.md).
    assert from_docx["title block"][0] == "COMPTE-RENDU"
    assert from_docx["headings"][1:] == [
        "1. OBJET DU COMPTE-RENDU",
        "Documents de référence",
        "2. INTERVENANTS",
        "3. COMPTE-RENDU SYNTHÉTIQUE",
        "3.1 Commentaire(s)",
        "3.2 Résultats de l'atelier",
        "3.3 Prochaines actions",
        "3.4 Suivi des actions",
    ]
    assert from_docx["header rows"][1:3] == [
        ["Date", "7 janvier 2022, de 14:00 à 16:00"],
        ["Lieu", "Visio"],
    ]
    assert ["SLOSAR ¹", "Mathieu", "ANS", "Responsable de produit MSSanté"] in (
        from_docx["participant rows"]
    )
    assert from_docx["attendance and footnotes"] == [
        "Excusé(s) : Mike GUEYE",
        "Absent(s) : Jean-Baptiste LAPEYRIE",
        "¹ Personne à l'origine de la réunion (qui en assure l'animation).",
        "² Personne en charge de la rédaction du compte-rendu de la réunion.",
    ]
    assert from_docx["restitution"][1] == ["Samy ABDICHE / Capgemini Invent", "07/01/2022"]
    assert from_docx["action cells"][2][2:] == ["Atelier", "ANS", "21/01/2022", "À faire", ""]
    assert from_docx["follow-up cells"][1][0] == "Atelier de lancement (10/12/2021)"
    assert len(from_docx["follow-up cells"]) == 4  # header row + 3 open actions
    # The running header of every page (DOCX) is the one of the printed HTML page.
    left, right = read(data).sections[0].header.paragraphs[0].text.split("\t")
    assert (left, right) == ("Task Force MSSanté – Atelier modèle économique #1", "Publique – v1.0")
    assert f'<header class="running"><span>{left}</span><span>{right}</span>' in page


# --- A meeting's own wording (x-rida-wording) ---------------------------------------------

OWN = {
    "objectives_intro": "Les objectifs de ce premier atelier étaient les suivants :",
    "results_heading": "Résultats de l'atelier inducteurs de financement (en séance)",
    "organiser_note": "Personne qui anime l'atelier.",
    "rapporteur_note": "Personne qui rédige le compte rendu",
}


def test_a_meetings_own_wording_is_said_by_every_format(app: Flask):
    from rida.compte_rendu.reading.docx_import import read_docx

    source_of(app, demo_document() | {"date": "2021-12-10", "title": "Atelier de lancement"})
    src = source_of(app, demo_document() | {"x-rida-wording": OWN})
    from_docx, data, page = same_views(src)
    assert (
        "3.2 Résultats de l'atelier inducteurs de financement (en séance)"
        in (from_docx["headings"])
    )
    assert from_docx["attendance and footnotes"][-2:] == [
        "¹ Personne qui anime l'atelier.",
        "² Personne qui rédige le compte rendu",
    ]
    texts = [text for kind, text in docx_blocks(data) if kind == "p"]
    assert OWN["objectives_intro"] in texts
    assert OWN["objectives_intro"] in page and OWN["objectives_intro"] in render(src, "md").decode()
    # Read back from the DOCX: the page and the embedded rida/1 part agree.
    again = read_docx(data)
    assert again.doc["x-rida-wording"] == OWN
    assert not any("formulations" in warning for warning in again.warnings)


def test_the_templates_wording_is_not_stored():
    from rida.compte_rendu import wording as w

    assert w.own_wording({name: default for name, (_, default) in w.WORDING.items()}) == {}
    assert w.own_wording({"results_heading": "  Résultats  "}) == {"results_heading": "Résultats"}
    assert w.heading({}, "results") == "3.2 Résultats de l'atelier"


def test_the_editor_sets_and_clears_a_wording(browser, demo_meeting):

    page = browser.client.get(f"/reunions/{demo_meeting}/modifier").get_data(as_text=True)
    assert "<summary>Formulations</summary>" in page
    assert 'for="f-wording_objectives_intro">Introduction des objectifs</label>' in page
    assert 'placeholder="Les objectifs de la réunion étaient les suivants :"' in page
    url = f"/api/meetings/{demo_meeting}"
    said = browser.json(
        "PATCH", url, {"fields": {"wording_results_heading": " Résultats  du vote "}}
    )
    assert said.get_json()["meeting"]["wording_results_heading"] == "Résultats du vote"
    doc = browser.client.get(url).get_json()
    assert doc["x-rida-wording"] == {"results_heading": "Résultats du vote"}
    md = browser.client.get(f"/reunions/{demo_meeting}/compte-rendu.md").get_data(as_text=True)
    assert "### 3.2 Résultats du vote" in md
    browser.json("PATCH", url, {"fields": {"wording_results_heading": ""}})
    assert "x-rida-wording" not in browser.client.get(url).get_json()
    refused = browser.json("PATCH", url, {"fields": {"wording_organiser_note": 3}})
    assert refused.status_code == 400
    assert refused.get_json()["errors"][0]["path"] == "wording_organiser_note"


def test_a_bad_wording_is_refused_with_its_path():
    from rida import exchange

    with pytest.raises(exchange.ValidationError) as e:
        exchange.validate(demo_document() | {"x-rida-wording": {"objectives_intro": 3}})
    assert [x.path for x in e.value.errors] == ["x-rida-wording.objectives_intro"]
    with pytest.raises(exchange.ValidationError) as e:
        exchange.validate(demo_document() | {"x-rida-wording": "Résultats"})
    assert [x.path for x in e.value.errors] == ["x-rida-wording"]
    kept = exchange.validate(demo_document() | {"x-rida-wording": {"x-other": 1}})
    assert kept["x-rida-wording"] == {"x-other": 1}
