"""One search in PostgreSQL: the text query, the access rule and the filters in one SQL
statement (the candidates), then the page's hits, snippets and the suggestion.

The candidates are the matches, most recent first, at most :data:`RANK_CAP` (and
:data:`rida.search.facets.COUNT_CAP`) of them, plus one that tells there are more. The
first ``COUNT_CAP`` give the total and the facets (grouped in the statement); the page
of hits is the best ranked (``ts_rank`` of the document's terms, weighted by field) of
the first ``RANK_CAP``: below the cap every match is ranked, beyond it (« plus de 2 000
résultats ») the 2,000 most recent are. That bounds the work of a broad query (``ANS``:
tens of thousands of matches) to a few thousand documents, read by walking the date
index or from the text index, ranked after the limit; ranking and reading every match
cost several times more (docs/performance.md). A second statement reads the page's hits
(text, titles) by key, the access rule applied again.

The access rule is :func:`rida.access.readable` itself, a condition on the meeting
joined to each document: a document of a meeting one may not read (or of a meeting
deleted since) is never matched, counted nor suggested from. Filters restrict, they do
not change the rank.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    REAL,
    ColumnElement,
    Connection,
    Float,
    Integer,
    Select,
    and_,
    cast,
    false,
    func,
    literal,
    literal_column,
    or_,
)
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY, aggregate_order_by
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
RANK_CAP = 2000  # matches ranked for the page of hits: the most recent ones
# ts_rank's weights (at most 1) of D (the text), C (unused), B (acronyms), A (the title):
# Whoosh's boosts, 1 for the text, 1.5 for the title, 3 for acronyms, scaled.
WEIGHTS = "{0.3, 0.3, 1.0, 0.45}"
HIT_COLUMNS = (
    *("key", "meeting_id", "kind", "row", "action", "title", "text"),
    *("meeting_title", "series", "date", "nature"),
)
CANDIDATE_COLUMNS = (
    *("key", "meeting_id", "kind", "row", "action"),
    *("series", "nature", "organisations", "date"),
)
CTID: ColumnElement[Any] = literal_column(
    f"{D.name}.ctid"
)  # a row's address, in this statement's snapshot
TIES = (D.c.meeting_id.desc(), D.c.kind, D.c.row, D.c.action)
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
    ranking: str | None = None  # the tsquery ranking the matches
    if compiled.positive:
        condition, ranking = text_condition(compiled)
        where.append(condition)
    per_page = max(1, min(query.per_page, MAX_PER_PAGE))
    page = max(1, query.page)
    by_date = query.sort == "date" or not compiled.positive
    found, page_keys, groups = conn.execute(
        candidates_statement(where, ranking, by_date, per_page, (page - 1) * per_page)
    ).one()
    counters, total = facets.tally(
        (facets.Facts(s, n, o or (), str(y), count) for s, n, o, y, count in groups or []),
        organisations,
    )
    chosen = [(key, float(score or 0.0), meeting) for key, score, meeting in page_keys or []]
    stored = page_hits(conn, user, chosen)
    return Results(
        total=total,
        hits=[hit(stored[k], compiled.highlight, score) for k, score, _ in chosen if k in stored],
        facets=facets.ordered(counters),
        suggestion=suggest(conn, parsed) if total == 0 else None,
        message=" ".join(notes) or None,
        total_is_exact=found <= facets.COUNT_CAP,
    )


def candidates_statement(
    where: list[Any], ranking: str | None, by_date: bool, limit: int, offset: int
) -> Select[Any]:
    """One statement: (how many candidates, up to the caps and one; the page's [key,
    rank, meeting] in order; the facet groups [series, nature, organisations, year,
    count])."""
    source = D.join(Meeting, col(Meeting.id) == D.c.meeting_id)
    matched = (
        core_select(*(D.c[name] for name in CANDIDATE_COLUMNS), CTID.label("found_at"))
        .select_from(source)
        .where(*where)
        .order_by(D.c.date.desc(), *TIES)
        .limit(max(facets.COUNT_CAP, RANK_CAP) + 1)
        .subquery("matched")
    )
    m = matched.c
    recent = func.row_number().over(
        order_by=[m.date.desc(), m.meeting_id.desc(), m.kind, m.row, m.action]
    )
    # Ranked after the LIMIT, each candidate's terms read again by its row address:
    # below the sort, ts_rank would run for every match, and the sort would carry them.
    weights = cast(literal(WEIGHTS), ARRAY(REAL))
    rank = (
        literal(0.0)
        if ranking is None
        else func.ts_rank(weights, D.c.terms, cast(literal(ranking), TSQUERY), 1)
    )
    listed = [m[name] for name in CANDIDATE_COLUMNS]
    candidates = (
        core_select(*listed, rank.label("rank"), recent.label("recent"))
        .select_from(matched.join(D, m.found_at == CTID))
        .cte("candidates")
    )
    c = candidates.c
    counted = c.recent <= facets.COUNT_CAP
    page = (
        core_select(c.key, cast(c.rank, Float).label("rank"), *order_columns(c))
        .where(c.recent <= RANK_CAP)
        .order_by(*ranking_order(c, by_date))
        .limit(limit)
        .offset(offset)
        .subquery("page")
    )
    p = page.c
    year = func.extract("year", c.date).cast(Integer)
    groups = (
        core_select(c.series, c.nature, c.organisations, year.label("year"), func.count())
        .where(counted)
        .group_by(c.series, c.nature, c.organisations, year)
        .subquery("groups")
    )
    g = groups.c
    pair = func.json_build_array(p.key, p.rank, p.meeting_id)
    return core_select(
        core_select(func.count()).select_from(candidates).scalar_subquery(),
        core_select(func.json_agg(aggregate_order_by(pair, *ranking_order(p, by_date))))
        .select_from(page)
        .scalar_subquery(),
        core_select(
            func.json_agg(
                func.json_build_array(g.series, g.nature, g.organisations, g.year, g.count)
            )
        )
        .select_from(groups)
        .scalar_subquery(),
    )


def order_columns(c: Any) -> list[Any]:
    return [c.date, c.meeting_id, c.kind, c.row, c.action]


def ranking_order(c: Any, by_date: bool) -> list[Any]:
    """Best rank first (the most recent first when sorted by date), then as :data:`TIES`."""
    order = [c.rank.desc(), c.meeting_id.desc(), c.kind, c.row, c.action]
    return [c.date.desc(), *order] if by_date else order


def page_hits(
    conn: Connection, user: User | None, chosen: list[tuple[str, float, int]]
) -> dict[str, Any]:
    """The stored fields of the page's hits (key, rank, meeting) by key, the access rule
    applied again (one no longer readable, or gone since, is left out)."""
    if not chosen:
        return {}
    found = conn.execute(
        core_select(*(D.c[name] for name in HIT_COLUMNS))
        .select_from(D.join(Meeting, col(Meeting.id) == D.c.meeting_id))
        .where(
            D.c.key.in_([key for key, _, _ in chosen]),
            col(Meeting.id).in_(sorted({meeting for _, _, meeting in chosen})),
            readable(user),
        )
    ).all()
    return {r.key: r for r in found}


def hit(r: Any, wanted: set[str], score: float) -> Hit:
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
        score=score,
        title_html=snippets.title_html(title, wanted if r.title else ()),
    )
