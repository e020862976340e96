"""Markdown to Word blocks, in the body of a document made from the reference template."""

from __future__ import annotations

from docx import Document
from docx.text.paragraph import Paragraph

from rida.compte_rendu.docx import default_template
from rida.compte_rendu.markdown_docx import Blocks, Flow, Numbering, Styles
from tests.docx_reading import num_id, start_override


def write(text: str, *, item: bool = False) -> tuple[object, list[Paragraph]]:
    document = Document(str(default_template()))
    styles = Styles(document)
    Blocks(styles, Numbering(document, styles)).write(
        Flow(document.element.body, None), text, item=item
    )
    return document, document.paragraphs


def test_paragraphs_line_breaks_code_links_and_quotes():
    _, paragraphs = write(
        "ligne 1\nligne 2 `x = 1` <https://esante.gouv.fr>\n\n"
        "> citée\n\n[même](https://a.fr) [ANS](mailto:a@b.fr)"
    )
    assert [p.text for p in paragraphs] == [
        "ligne 1\nligne 2 x = 1 https://esante.gouv.fr",
        "citée",
        "même (https://a.fr) ANS (mailto:a@b.fr)",
    ]
    code = [r for r in paragraphs[0].runs if r.text == "x = 1"][0]
    assert code.style.name == "CR Code"
    assert paragraphs[1].style.name == "Quote"


def test_nested_and_loose_lists():
    document, paragraphs = write(
        "- un\n\n    suite de un\n\n- deux\n    1. a\n    2. b\n- trois\n    1. c"
    )
    assert [(p.text, p.style.name) for p in paragraphs] == [
        ("un", "List Bullet"),
        ("suite de un", "List Continue"),
        ("deux", "List Bullet"),
        ("a", "List Number 2"),
        ("b", "List Number 2"),
        ("trois", "List Bullet"),
        ("c", "List Number 2"),
    ]
    nested = [num_id(paragraphs[i]) for i in (3, 4, 6)]
    assert nested[0] == nested[1] != nested[2]
    assert start_override(document, nested[2]) == "1"
    assert num_id(paragraphs[1]) is None


def test_one_item_per_text():
    _, paragraphs = write("Premier paragraphe.\n\nSecond paragraphe.", item=True)
    assert [p.style.name for p in paragraphs] == ["List Bullet", "List Continue"]
    assert num_id(paragraphs[0]) is not None


def test_empty_text_writes_nothing():
    assert write("")[1] == []
