"""The compte-rendu as one self-contained, print-ready HTML page.

Everything is in the file: the CSS is embedded (A4 ``@page``, table headers repeated on
each printed page, rows kept whole), no script, no remote asset, so that the downloaded
file opens from disk or prints as it is. Text is escaped by Jinja; rich text goes
through :func:`rida.render.markdown_html` (raw HTML escaped, then sanitised).

:data:`CSP` allows exactly the embedded style sheet (by its hash) and nothing else: the
app sends it as a header, and the page carries it in a ``<meta>`` too, so that the
downloaded file opened from disk is held to it as well (``frame-ancestors`` works only
as a header).
"""

from __future__ import annotations

import jinja2
from markupsafe import Markup

from rida import render as text_render
from rida.compte_rendu import figures, wording
from rida.compte_rendu.source import Source

PAGE = text_render.StandalonePage("compte_rendu/print.css", keep_trailing_newline=True)
CSS, CSP = PAGE.css, PAGE.csp


@jinja2.pass_context
def _markdown(context: jinja2.runtime.Context, text: str | None) -> Markup:
    """Rich text as sanitised HTML, its ``figure:N`` images embedded (``data:`` URIs)."""
    known = context.get("pictures") or {}
    return Markup(
        figures.with_html_images(text, known, text_render.markdown_html, figures.Picture.data_uri)
    )


PAGE.env.filters["markdown"] = _markdown


def render(src: Source) -> str:
    doc = src.doc
    return PAGE.render(
        "compte_rendu/print.html",
        doc=doc,
        follow_up=src.follow_up,
        W=wording,
        pictures=figures.pictures(doc),
    )
