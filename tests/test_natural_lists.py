"""Lists typed the natural way (« Remarques : » then « - LIFEN : … » lines, no blank line
before them) are lists wherever a cell's text is rendered: the read view, the live view,
the DOCX, the HTML and Markdown exports (issue 15, point 2)."""

from __future__ import annotations

import re

import markdown
import pytest

from rida import compte_rendu
from rida.render import markdown_html, separate_lists
from rida.search.snippets import snippet, token_terms
from tests.conftest import demo_document, draft_document, import_doc
from tests.docx_reading import num_id, read
from tests.exports_support import source_of

# The demo's cells with a list under a line of text, typed as a rapporteur types them:
# the blank line before the list taken out. (row index, field, first item's start)
NATURAL = [
    (4, "question", "LIFEN : Précise que le nombre de domaines"),
    (6, "answer", "A = seuil commun de financement"),
    (7, "question", "GCS CVL : propose de diviser le financement"),
]


def natural(doc: dict) -> dict:
    for index, field, _ in NATURAL:
        text = doc["rida"][index][field]
        assert "\n\n- " in text
        doc["rida"][index][field] = text.replace("\n\n- ", "\n- ", 1)
    return doc


# -- the normalisation


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("Remarques :\n- LIFEN : a\n- ESEA NA : b", "Remarques :\n\n- LIFEN : a\n- ESEA NA : b"),
        ("Étapes :\n1. envoyer\n2. relire", "Étapes :\n\n1. envoyer\n2. relire"),
        ("Points :\n* un\n* deux", "Points :\n\n* un\n* deux"),
        # already a list: nothing to do
        ("Remarques :\n\n- a\n- b", "Remarques :\n\n- a\n- b"),
        ("- a\n- b", "- a\n- b"),
        ("1. a\n2. b\n\nsuite", "1. a\n2. b\n\nsuite"),
        # not list items
        ("Budget :\n-5 % en 2022", "Budget :\n-5 % en 2022"),
        ("Réunion\n2022. Fin de l'étude", "Réunion\n2022. Fin de l'étude"),
        ("Texte\n*important* ici", "Texte\n*important* ici"),
        ("Texte\n-\n- ", "Texte\n-\n- "),
        ("un - deux\ntrois - quatre", "un - deux\ntrois - quatre"),
        ("Voir `a\n- b`", "Voir `a\n\n- b`"),  # a list item wins over a code span, as typed
        # code is left alone
        ("    code\n    - x", "    code\n    - x"),
        ("```\nTexte\n- x\n```", "```\nTexte\n- x\n```"),
        ("~~~\nTexte\n- x\n~~~\nsuite\n- y", "~~~\nTexte\n- x\n~~~\nsuite\n\n- y"),
        # nested by two or four spaces: four spaces a level
        ("- a\n  - b\n    - c\n- d", "- a\n    - b\n        - c\n- d"),
        ("- a\n    - b\n- c", "- a\n    - b\n- c"),
        ("Étapes :\n1. a\n   - b\n2. c", "Étapes :\n\n1. a\n    - b\n2. c"),
        # a list, a paragraph, another list
        ("- a\n\nsuite\n- b", "- a\n\nsuite\n\n- b"),
        # a further paragraph of an item stays in the list
        ("- a\n\n    suite de a\n- b", "- a\n\n    suite de a\n- b"),
    ],
)
def test_separate_lists(typed, normalised):
    assert separate_lists(typed) == normalised
    assert separate_lists(normalised) == normalised


def test_natural_lists_render_as_lists():
    assert markdown_html("Remarques :\n- LIFEN : propose un guide\n- ESEA NA : d'accord") == (
        "<p>Remarques :</p>\n<ul>\n<li>LIFEN : propose un guide</li>\n"
        "<li>ESEA NA : d'accord</li>\n</ul>"
    )
    assert markdown_html("Étapes :\n1. envoyer le document\n2. relire") == (
        "<p>Étapes :</p>\n<ol>\n<li>envoyer le document</li>\n<li>relire</li>\n</ol>"
    )
    two = markdown_html("Remarques :\n- a\n  - b\n- c")
    four = markdown_html("Remarques :\n- a\n    - b\n- c")
    assert (
        two
        == four
        == ("<p>Remarques :</p>\n<ul>\n<li>a<ul>\n<li>b</li>\n</ul>\n</li>\n<li>c</li>\n</ul>")
    )
    assert markdown_html("- a\n- b") == "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"
    assert "<li>" not in markdown_html("Budget :\n-5 % en 2022\nRéunion\n2022. Fin")
    assert "<code>x - y</code>" in markdown_html("Voir `x - y`\n- a")


def test_the_demo_cells_are_already_well_formed():
    doc = demo_document()
    texts = [r.get(f) or "" for r in doc["rida"] for f in ("question", "answer")]
    texts += [doc.get("summary") or "", doc.get("results") or ""]
    assert all(separate_lists(t) == t for t in texts)


# -- everywhere the cells are rendered


def first_items(page: str) -> None:
    for _, _, item in NATURAL:
        assert re.search(rf"<ul>\s*<li>{re.escape(item)}", page), item
        assert f"- {item}" not in page


def test_read_and_live_views(app, browser):
    meeting_id = import_doc(app, natural(draft_document()))
    for url in (f"/reunions/{meeting_id}", f"/reunions/{meeting_id}/direct"):
        response = browser.client.get(url)
        assert response.status_code == 200
        first_items(response.get_data(as_text=True))
    assert "<p>Justifications en faveur ou en défaveur des différents inducteurs :</p>" in (
        browser.client.get(f"/reunions/{meeting_id}").get_data(as_text=True)
    )


def test_docx_has_list_paragraphs(app):
    doc = natural(draft_document())
    src = source_of(app, doc)
    rida = read(compte_rendu.render(src, "docx")).tables[3]
    for index, field, item in NATURAL:
        row = doc["rida"][index]
        paragraphs = rida.rows[row["number"] + 1].cells[3 if field == "question" else 4].paragraphs
        items = [p for p in paragraphs if p.style.name == "List Bullet"]
        assert items and items[0].text.startswith(item)
        assert all(num_id(p) is not None for p in items)
        assert len(items) == row[field].count("\n- ")
        assert not any(p.text.startswith("- ") for p in paragraphs)
        assert paragraphs[0].style.name == "CR Cellule"


def test_html_export(app):
    page = compte_rendu.render(source_of(app, natural(draft_document())), "html").decode()
    first_items(page)


def test_markdown_export(app):
    doc = natural(draft_document())
    doc["summary"] = "Remarques :\n- LIFEN : propose un guide\n- ESEA NA : d'accord"
    doc["results"] = "Étapes :\n1. envoyer le document\n  - en PDF\n2. relire"
    text = compte_rendu.render(source_of(app, doc), "md").decode()
    assert "Remarques :\n\n- LIFEN : propose un guide\n- ESEA NA : d'accord" in text
    assert "Étapes :\n\n1. envoyer le document\n    - en PDF\n2. relire" in text
    html = markdown.markdown(text, extensions=["tables"])
    assert "<ul>\n<li>LIFEN : propose un guide</li>" in html
    assert "<ol>\n<li>envoyer le document<ul>\n<li>en PDF</li>" in html
    # In the RIDA table a list cannot be a list: one item a line, with its dash.
    assert "inducteurs :<br>- LIFEN : Précise" in text


def test_search_snippet_keeps_one_item_a_line():
    """A snippet is the stored text, escaped: each item keeps its line and its dash, so
    the page shows « Remarques : - LIFEN : propose un guide - ESEA NA : d'accord »."""
    text = "Remarques :\n- LIFEN : propose un guide\n- ESEA NA : d'accord"
    assert snippet(text, token_terms("guide")) == (
        "Remarques :\n- LIFEN : propose un <mark>guide</mark>\n- ESEA NA : d'accord"
    )
