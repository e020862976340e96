"""What people read: Markdown sanitised, dates in French words, formulas readable."""

import datetime as dt

from rida.render import date_words, formula_text, markdown_html


def test_dates_in_words():
    assert date_words(dt.date(2022, 1, 7)) == "7 janvier 2022"
    assert date_words(dt.date(2022, 8, 1)) == "1er août 2022"
    assert date_words(None) == ""


def test_markdown_lists_and_emphasis():
    html = markdown_html("Intro :\n\n- **LIFEN** : oui\n- *MIPIH* : non")
    assert "<ul>" in html and "<strong>LIFEN</strong>" in html and "<em>MIPIH</em>" in html


def test_raw_html_is_data_not_markup():
    html = markdown_html("<script>alert(1)</script><img src=x onerror=alert(1)> <b>x</b>")
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html


def test_dangerous_links_are_neutralised():
    html = markdown_html("[a](javascript:alert(1)) [b](https://esante.gouv.fr)")
    assert "javascript:" not in html
    assert 'href="https://esante.gouv.fr"' in html


def test_formulas_are_readable():
    assert formula_text(r"formule : $A + B \times X$") == "formule : A + B × X"
    assert formula_text("coût 5$ et 6$") == "coût 5$ et 6$"  # no formula inside


def test_markdown_is_safe_across_threads():
    """The web server renders on several threads: no page may get another's content."""
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"Ligne **{i}**\n\n- point {i}\n- autre {i}" * 20 for i in range(200)]

    def render(i: int) -> bool:
        html = _render_uncached(texts[i])  # bypass the cache: every call converts
        return html.count(f"<strong>{i}</strong>") == 20 and f"point {i + 1}<" not in html

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(render, range(200)))


def _render_uncached(text: str) -> str:
    from rida import render

    return render._markdown_html.__wrapped__(text)
