"""Cheap restrictions, totals and facets on a Whoosh searcher.

- Restrictions (access, filters) become sets of document numbers, built once per
  searcher (an index generation) and reused by every query on it: Whoosh takes a set as
  ``filter=``/``mask=`` without re-running a query. The access sets are assembled from
  per-segment sets cached by segment, since every index change (an autosave) makes a new
  searcher: only the new, small segments are read again.
- Totals and facet counts read at most :data:`rida.search.facets.COUNT_CAP` matches
  (beyond, the total is « plus de N » and the facets count those first N), from
  per-segment value columns cached by segment (segments never change; deletions are
  skipped by the matchers).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable
from typing import Any

from whoosh import query as wq
from whoosh.searching import Searcher

from rida.search import facets
from rida.search.glossary import Organisations
from rida.util.lru import Lru

FACET_COLUMNS = {
    "nature": "nature",
    "series": "series",
    "organisation": "org_facet",
    "year": "year",
}
ORG_SEPARATOR = "\n"
# (segment, facet) -> the facet values of each document of that segment.
_segment_columns: Lru[list[Any]] = Lru(256)
# (segment, meeting ids) -> that segment's documents of those meetings; one entry per
# distinct set of readable meetings and segment (a few readers' profiles).
_segment_docs: Lru[frozenset[int]] = Lru(64)


def cached(s: Searcher, key: Hashable, build: Callable[[], Any]) -> Any:
    """``build()`` once per searcher and key."""
    store: dict[Hashable, Any] | None = getattr(s, "_rida_cache", None)
    if store is None:
        store = s._rida_cache = {}
    if key not in store:
        store[key] = build()
    return store[key]


def docnums(s: Searcher, q: wq.Query) -> set[int]:
    """The documents matching ``q`` (a set: what Whoosh takes as ``filter=``; not to be
    modified)."""
    return cached(s, ("docs", repr(q)), lambda: set(s.docs_for_query(q)))


def restriction(
    s: Searcher, parts: list[wq.Query], readable: set[int]
) -> tuple[set[int] | None, set[int] | None]:
    """(allow, deny): the documents one may see among the filters' (None: all), and those
    one may not (None: none)."""
    allow, deny = access(s, frozenset(readable))
    for part in parts:
        found = docnums(s, part)
        allow = (
            found
            if allow is None
            else cached(s, ("and", id(allow), id(found)), lambda a=allow, f=found: a & f)
        )
    return allow, deny


def access(s: Searcher, readable: frozenset[int]) -> tuple[set[int] | None, set[int] | None]:
    """The cheaper of « only these » and « not those » for a reader's meetings."""

    def build() -> tuple[set[int] | None, set[int] | None]:
        present = indexed_meetings(s)
        allowed, denied = present & readable, present - readable
        if not denied:
            return None, None
        if len(allowed) <= len(denied):
            return meeting_docs(s, frozenset(allowed)), None
        return None, meeting_docs(s, frozenset(denied))

    return cached(s, ("access", readable), build)


def meeting_docs(s: Searcher, ids: frozenset[int]) -> set[int]:
    """The documents of these meetings, from each segment's set (cached by segment;
    a deleted document left in one is harmless: the matchers skip deleted documents)."""
    found: set[int] = set()
    for leaf, offset in s.leaf_searchers():
        local = _per_segment(
            _segment_docs,
            leaf,
            ids,
            lambda leaf=leaf: frozenset(leaf.docs_for_query(meetings(set(ids)))),
        )
        found.update(local if not offset else (offset + d for d in local))
    return found


def meetings(ids: set[int]) -> wq.Query:
    return wq.Or([wq.Term("meeting_id", str(i)) for i in sorted(ids)]) if ids else wq.NullQuery


def indexed_meetings(s: Searcher) -> set[int]:
    """Meeting ids present in this searcher's index."""
    return cached(
        s,
        "meetings",
        lambda: {int(t.decode() if isinstance(t, bytes) else t) for t in s.lexicon("meeting_id")},
    )


def column(leaf: Searcher, name: str) -> list[tuple[str, ...]]:
    """The facet values of every document of this segment (cached by segment)."""
    reader = leaf.reader()
    field = FACET_COLUMNS[name]
    return _per_segment(
        _segment_columns,
        leaf,
        name,
        lambda: (
            [facet_values(name, v) for v in reader.column_reader(field)]
            if reader.has_column(field)
            else [()] * reader.doc_count_all()
        ),
    )


def _per_segment(cache: Lru[Any], leaf: Searcher, key: Hashable, build: Callable[[], Any]) -> Any:
    """``build()`` kept in ``cache`` for this segment (a segment's id is never reused);
    not kept for a reader without segment."""
    reader = leaf.reader()
    segment = reader.segment() if hasattr(reader, "segment") else None
    if segment is None:
        return build()
    return cache.get((segment.segment_id(), key), build)


def facet_values(name: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, bytes):
        value = value.decode()
    if not value:
        return ()
    return tuple(value.split(ORG_SEPARATOR)) if name == "organisation" else (str(value),)


def count(
    s: Searcher,
    q: wq.Query,
    allow: set[int] | None,
    deny: set[int] | None,
    organisations: Organisations,
) -> tuple[int, bool, dict[str, Counter[str]]]:
    """(total, exact, facet counters) over the first :data:`facets.COUNT_CAP` matches."""
    found: list[facets.Facts] = []
    cap, exact = facets.COUNT_CAP, True
    for leaf, offset in s.leaf_searchers():
        local: list[int] = []
        for docnum in q.matcher(leaf, leaf.boolean_context()).all_ids():
            if (allow is not None and offset + docnum not in allow) or (
                deny and offset + docnum in deny
            ):
                continue
            if len(found) + len(local) == cap:
                exact = False
                break
            local.append(docnum)
        columns = {name: column(leaf, name) for name in FACET_COLUMNS}
        found += [
            facets.Facts(
                series=next(iter(columns["series"][i]), ""),
                nature=next(iter(columns["nature"][i]), None),
                organisations=columns["organisation"][i],
                year=next(iter(columns["year"][i]), ""),
            )
            for i in local
        ]
        if not exact:
            break
    counters, total = facets.tally(found, organisations)
    return total, exact, counters
