"""One search in PostgreSQL: the text query, the access rule and the filters in one SQL
statement per answer (the page of hits, ranked; the facts of the first
:data:`rida.search.facets.COUNT_CAP` matches for the total and the facets), then
snippets and the suggestion.

The access rule is :func:`rida.access.readable` itself, a condition on the meeting
joined to each document: a document of a meeting one may not read (or of a meeting
deleted since) is never matched, counted nor suggested from. Filters restrict, they do
not change the rank (``ts_rank`` of the document's terms, weighted by field).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import REAL, ColumnElement, Connection, and_, cast, false, func, literal, or_
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY
from sqlmodel import col

from rida.access import readable
from rida.models import Meeting, User
from rida.search import FACETS, Filters, Hit, Query, Results, facets, snippets
from rida.search.glossary import Organisations
from rida.search.postgresql_query import Compiled, all_of, compile_clauses
from rida.search.postgresql_tables import DOCUMENT as D
from rida.search.postgresql_vocabulary import prefixed, suggest
from rida.search.querytext import Glossary, apply_glossary, parse

MAX_PER_PAGE = 100
# ts_rank's weights (at most 1) of D (the text), C (unused), B (acronyms), A (the title):
# Whoosh's boosts, 1 for the text, 1.5 for the title, 3 for acronyms, scaled.
WEIGHTS = "{0.3, 0.3, 1.0, 0.45}"
HIT_COLUMNS = (
    *("key", "meeting_id", "kind", "row", "action", "title", "text"),
    *("meeting_title", "series", "date", "nature"),
)
FILTER_COLUMNS = (
    ("series", D.c.series),
    ("nature", D.c.nature),
    ("meeting_type", D.c.meeting_type),
    ("status", D.c.status),
    ("classification", D.c.classification),
)


def empty(message: str | None = None) -> Results:
    return Results(total=0, hits=[], facets={name: [] for name in FACETS}, message=message)


def matches(tsquery: str) -> ColumnElement[bool]:
    return D.c.terms.op("@@")(cast(literal(tsquery), TSQUERY))


def text_condition(compiled: Compiled) -> tuple[ColumnElement[bool], str]:
    """The condition of the clauses, and the query ranking the matches."""
    pure = [m.main for m in compiled.positive if not m.by_series and m.main is not None]
    if any(m.main is None and not m.by_series for m in compiled.positive):
        return false(), "''"  # a clause that matches nothing
    conditions: list[ColumnElement[bool]] = []
    negative = [f"!{q}" for q in compiled.negative]
    if pure:
        conditions.append(matches(all_of([*pure, *negative])))
    else:
        conditions += [~matches(q) for q in compiled.negative]
    ranked: list[str | None] = [*pure]
    for m in compiled.positive:
        if not m.by_series:
            continue
        options = [matches(m.main)] if m.main else []
        options += [and_(D.c.series == s, matches(q)) for s, q in m.by_series]
        conditions.append(or_(*options))
        ranked += [m.main, *(q for _, q in m.by_series)]
    rank = (
        all_of(pure) if len(ranked) == len(pure) else "(" + " | ".join(filter(None, ranked)) + ")"
    )
    return and_(*conditions), rank


def filter_conditions(filters: Filters, organisations: Organisations) -> list[Any]:
    found: list[Any] = []
    for attr, column in FILTER_COLUMNS:
        values = [v for v in getattr(filters, attr) if v]
        if values:
            found.append(column.in_(values))
    if filters.organisation:
        anywhere, by_series = organisations.equivalents(filters.organisation)
        options = [D.c.organisations.overlap(sorted(anywhere))]
        options += [
            and_(D.c.series == s, D.c.organisations.overlap(sorted(names)))
            for s, names in sorted(by_series.items())
        ]
        found.append(or_(*options))
    if filters.date_from:
        found.append(D.c.date >= filters.date_from)
    if filters.date_to:
        found.append(D.c.date <= filters.date_to)
    return found


def run_search(conn: Connection, user: User | None, query: Query, glossary: Glossary) -> Results:
    parsed = apply_glossary(parse(query.text), glossary)
    organisations = Organisations(glossary)
    notes = list(parsed.notes)
    compiled = compile_clauses(parsed.clauses, lambda prefix: prefixed(conn, prefix))
    restrictions = filter_conditions(query.filters, organisations)
    if not compiled.positive:
        if parsed.positive and compiled.ignored:
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
    where = [readable(user), *restrictions]
    rank: Any = literal(0.0)
    if compiled.positive:
        condition, ranking = text_condition(compiled)
        where.append(condition)
        weights = cast(literal(WEIGHTS), ARRAY(REAL))
        rank = func.ts_rank(weights, D.c.terms, cast(literal(ranking), TSQUERY), 1)
    source = D.join(Meeting, col(Meeting.id) == D.c.meeting_id)
    per_page = max(1, min(query.per_page, MAX_PER_PAGE))
    page = max(1, query.page)
    by_date = query.sort == "date" or not compiled.positive
    order = [rank.desc()]
    if by_date:
        order.insert(0, D.c.date.desc())
    order += [D.c.meeting_id.desc(), D.c.kind, D.c.row, D.c.action]
    found = conn.execute(
        core_select(*(D.c[name] for name in HIT_COLUMNS), rank.label("rank"))
        .select_from(source)
        .where(*where)
        .order_by(*order)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    facts = conn.execute(
        core_select(D.c.series, D.c.nature, D.c.organisations, D.c.date)
        .select_from(source)
        .where(*where)
        .limit(facets.COUNT_CAP + 1)
    ).all()
    exact = len(facts) <= facets.COUNT_CAP
    counters, total = facets.tally(
        (
            facets.Facts(f.series, f.nature, f.organisations, str(f.date.year))
            for f in facts[: facets.COUNT_CAP]
        ),
        organisations,
    )
    return Results(
        total=total,
        hits=[hit(r, compiled.highlight) for r in found],
        facets=facets.ordered(counters),
        suggestion=suggest(conn, parsed) if total == 0 else None,
        message=" ".join(notes) or None,
        total_is_exact=exact,
    )


def hit(r: Any, wanted: set[str]) -> Hit:
    title = r.title or (f"Ligne {r.row}" if r.kind == "row" else "")
    return Hit(
        meeting=r.meeting_id,
        kind=r.kind,
        row=r.row if r.kind == "row" else None,
        action=r.action if r.kind == "action" else None,
        title=title,
        snippet=snippets.snippet(r.text, wanted),
        meeting_title=r.meeting_title,
        series=r.series,
        date=r.date,
        nature=r.nature if r.kind == "row" else None,
        score=float(r.rank or 0.0),
        title_html=snippets.title_html(title, wanted if r.title else ()),
    )
