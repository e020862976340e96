"""Random records always render, and read back with their rows and texts."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rida import exchange
from rida.compte_rendu import Source, render
from tests.conftest import demo_document
from tests.docx_reading import column, read

# Words without Markdown syntax, with what French minutes hold: accents, «», œ, ’.
WORD = st.text(alphabet="abcdeéèêàâçîôùûœÉÀŒ«»’'?!:;,()", min_size=1, max_size=12)
LINE = st.lists(WORD, min_size=1, max_size=40).map(" ".join)
BLOCK = st.one_of(
    LINE.map(lambda text: ("p", [text])),
    st.lists(LINE, min_size=1, max_size=4).map(lambda items: ("-", items)),
    st.lists(LINE, min_size=1, max_size=4).map(lambda items: ("1.", items)),
)
RICH = st.one_of(st.none(), st.just(""), st.lists(BLOCK, min_size=1, max_size=4))
PLAIN = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=80
).filter(str.strip)


def markdown(blocks: list | None) -> str | None:
    if blocks is None:
        return None
    return "\n\n".join(
        "\n".join(text if kind == "p" else f"{kind} {text}" for text in items)
        for kind, items in blocks
    )


def lines(blocks: list | None) -> list[str]:
    """The paragraphs a cell must hold: one per paragraph or list item."""
    return [text for _kind, items in blocks or [] for text in items] or [""]


ROW = st.tuples(st.sampled_from(["I", "D", "A", None]), PLAIN, RICH, RICH)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(ROW, max_size=8), comments=st.lists(PLAIN.filter(str.isalpha), max_size=3))
def test_random_records_render_and_read_back(rows, comments):
    doc = demo_document()
    doc["actions"] = []
    doc["comments"] = comments
    doc["rida"] = [
        {
            "number": n,
            "nature": nature,
            "subject": subject,
            "question": markdown(question),
            "answer": markdown(answer),
        }
        for n, (nature, subject, question, answer) in enumerate(rows, start=1)
    ]
    doc = exchange.validate(doc)
    document = read(render(Source(doc=doc), "docx"))
    rida = document.tables[3]
    assert len(rida.rows) == 2 + len(rows)
    assert column(rida, 0, 2) == [str(n) for n in range(1, len(rows) + 1)]
    assert column(rida, 1, 2) == [nature or "" for nature, *_ in rows]
    assert column(rida, 2, 2) == [row["subject"] for row in doc["rida"]]
    for tr, (_nature, _subject, question, answer) in zip(rida.rows[2:], rows, strict=True):
        assert [p.text for p in tr.cells[3].paragraphs] == lines(question)
        assert [p.text for p in tr.cells[4].paragraphs] == lines(answer)
    texts = [p.text for p in document.paragraphs]
    start = texts.index("3.1 Commentaire(s)")
    expected = comments or ["Aucun commentaire."]
    assert texts[start + 1 : start + 1 + len(expected)] == expected
