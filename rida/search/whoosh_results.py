"""One search on a Whoosh searcher: query, restrictions, facets, page, snippets,
suggestion.

Access and filters are restrictions (``filter=``/``mask=``, sets of document numbers
cached per searcher), never scored clauses, so they change which documents match but not
their order; the total and facet counts come from the same restricted match set (capped,
see :mod:`rida.search.whoosh_collect`), so a document one may not read is never counted.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from whoosh import highlight
from whoosh import query as wq
from whoosh.searching import Searcher

from rida.search import FACETS, Hit, Query, Results, spelling
from rida.search.analysis import GAP
from rida.search.facets import ordered
from rida.search.glossary import Organisations
from rida.search.querytext import Glossary, Parsed, apply_glossary, parse
from rida.search.spelling import corrected
from rida.search.whoosh_collect import count, restriction
from rida.search.whoosh_query import compile_clauses, filter_query

MAX_PER_PAGE = 100
SNIPPET_CHARS = 240


class MarkFormatter(highlight.Formatter):
    """Escaped text, matched words in ``<mark>``."""

    between = " … "

    def _text(self, text: str) -> str:
        return html.escape(text, quote=False)

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        if token.text.startswith(GAP):  # a stop word matched in a phrase: not worth a mark
            return self._text(highlight.get_text(text, token, replace))
        return f"<mark>{html.escape(highlight.get_text(text, token, replace), quote=False)}</mark>"


def empty(message: str | None = None, suggestion: str | None = None) -> Results:
    return Results(
        total=0,
        hits=[],
        facets={name: [] for name in FACETS},
        suggestion=suggestion,
        message=message,
    )


def run_search(s: Searcher, query: Query, readable: set[int], glossary: Glossary) -> Results:
    parsed = apply_glossary(parse(query.text), glossary)
    organisations = Organisations(glossary)
    notes = list(parsed.notes)
    q, ignored = compile_clauses(parsed.clauses, s.reader())
    restrictions = filter_query(query.filters, organisations)
    if q is None:
        if parsed.positive and ignored:
            return empty(
                " ".join(
                    [
                        *notes,
                        "La recherche ne contient que des mots trop "
                        "courants (le, de, pour…) : ajoutez un mot plus précis.",
                    ]
                )
            )
        if parsed.clauses:
            return empty(
                " ".join([*notes, "Ajoutez au moins un mot à rechercher en plus des exclusions."])
            )
        if not restrictions:
            return empty(" ".join([*notes, "Saisissez un ou plusieurs mots à rechercher."]))
        q = wq.Every()
    allow, deny = restriction(s, restrictions, readable)
    if allow is not None and not allow:
        return empty(" ".join(notes) or None)
    per_page = max(1, min(query.per_page, MAX_PER_PAGE))
    page = max(1, query.page)
    by_date = query.sort == "date" or isinstance(q, wq.Every)
    results = s.search(
        q,
        limit=page * per_page,
        filter=allow,
        mask=deny,
        sortedby="date" if by_date else None,
        reverse=by_date,
    )
    results.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=80)
    results.formatter = MarkFormatter()
    total, exact, counters = count(s, q, allow, deny, organisations)
    counts = ordered(counters)
    hits = [make_hit(h) for h in results[(page - 1) * per_page : page * per_page]]
    suggestion = suggest(s, parsed) if total == 0 else None
    return Results(
        total=total,
        hits=hits,
        facets=counts,
        suggestion=suggestion,
        message=" ".join(notes) or None,
        total_is_exact=exact,
    )


# Titles are short: marked whole, never cut into fragments.
TITLE_HIGHLIGHTER = highlight.Highlighter(
    fragmenter=highlight.WholeFragmenter(), formatter=MarkFormatter()
)


def make_hit(h: Any) -> Hit:
    stored = h.fields()
    kind = stored["kind"]
    text = stored.get("text", "")
    snippet = h.highlights("text", text=text, top=2) or html.escape(
        text[:SNIPPET_CHARS] + ("…" if len(text) > SNIPPET_CHARS else ""), quote=False
    )
    title = stored.get("title") or (f"Ligne {stored.get('row')}" if kind == "row" else "")
    title_html = (
        TITLE_HIGHLIGHTER.highlight_hit(h, "title", text=title, top=1)
        if stored.get("title")
        else ""
    )
    if not title_html or "<mark" not in title_html:
        title_html = html.escape(title, quote=False)
    date: dt.datetime = stored["date"]
    return Hit(
        meeting=int(stored["meeting_id"]),
        kind=kind,
        row=stored.get("row") if kind == "row" else None,
        action=stored.get("action") if kind == "action" else None,
        title=title,
        snippet=snippet,
        meeting_title=stored.get("meeting_title", ""),
        series=stored.get("series", ""),
        date=date.date(),
        nature=stored.get("nature") if kind == "row" else None,
        score=float(h.score or 0.0),
        title_html=title_html,
    )


def suggest(s: Searcher, parsed: Parsed) -> str | None:
    """The query with each word unknown to the index replaced by the closest known one:
    the spelling words within two edits, chosen by :func:`rida.search.spelling.closest`
    (nearest, then most frequent), as the PostgreSQL engine does. Not Whoosh's own
    corrector: it ignores the distance and, on the stemmed field, the frequency, so it
    kept the alphabetically last word (« finacement » gave « finement »)."""
    reader = s.reader()
    fields = ("spell_text", "spell_title")

    def correct(word: str) -> str | None:
        if any((field, word) in reader for field in fields):
            return None
        candidates: dict[str, int] = {}
        for field in fields:
            for term in reader.terms_within(field, word, spelling.MAX_DISTANCE):
                candidates[term] = candidates.get(term, 0) + reader.doc_frequency(field, term)
        return spelling.closest(word, candidates)

    return corrected(parsed, correct)
