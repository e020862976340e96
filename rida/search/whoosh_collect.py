"""Cheap restrictions, totals and facets on a Whoosh searcher.

- Restrictions (access, filters) become sets of document numbers, built once per
  searcher (an index generation) and reused by every query on it: Whoosh takes a set as
  ``filter=``/``mask=`` without re-running a query.
- Totals and facet counts read at most :data:`COUNT_CAP` matches (beyond, the total is
  « plus de N » and the facets count those first N), from per-segment value columns
  cached by segment (segments never change; deletions are skipped by the matchers).
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from whoosh import query as wq
from whoosh.searching import Searcher

COUNT_CAP = 2000
FACET_COLUMNS = {"nature": "nature", "series": "series", "organisation": "org_facet",
                 "year": "year"}
ORG_SEPARATOR = "\n"
_SEGMENT_CACHE_SIZE = 256
_segment_columns: OrderedDict[tuple[str, str], list[Any]] = OrderedDict()


def cached(s: Searcher, key: Hashable, build: Callable[[], Any]) -> Any:
    """``build()`` once per searcher and key."""
    store: dict[Hashable, Any] | None = getattr(s, "_rida_cache", None)
    if store is None:
        store = s._rida_cache = {}  # type: ignore[attr-defined]
    if key not in store:
        store[key] = build()
    return store[key]


def docnums(s: Searcher, q: wq.Query) -> set[int]:
    """The documents matching ``q`` (a set: what Whoosh takes as ``filter=``; not to be
    modified)."""
    return cached(s, ("docs", repr(q)), lambda: set(s.docs_for_query(q)))


def restriction(s: Searcher, parts: list[wq.Query], readable: set[int]
                ) -> tuple[set[int] | None, set[int] | None]:
    """(allow, deny): the documents one may see among the filters' (None: all), and those
    one may not (None: none)."""
    allow, deny = access(s, frozenset(readable))
    for part in parts:
        found = docnums(s, part)
        allow = found if allow is None else cached(
            s, ("and", id(allow), id(found)), lambda a=allow, f=found: a & f)
    return allow, deny


def access(s: Searcher, readable: frozenset[int]) -> tuple[set[int] | None, set[int] | None]:
    """The cheaper of « only these » and « not those » for a reader's meetings."""
    def build() -> tuple[set[int] | None, set[int] | None]:
        present = indexed_meetings(s)
        allowed, denied = present & readable, present - readable
        if not denied:
            return None, None
        if len(allowed) <= len(denied):
            return docnums(s, meetings(allowed)), None
        return None, docnums(s, meetings(denied))
    return cached(s, ("access", readable), build)


def meetings(ids: set[int]) -> wq.Query:
    return wq.Or([wq.Term("meeting_id", str(i)) for i in sorted(ids)]) if ids else wq.NullQuery


def indexed_meetings(s: Searcher) -> set[int]:
    """Meeting ids present in this searcher's index."""
    return cached(s, "meetings", lambda: {int(t.decode() if isinstance(t, bytes) else t)
                                          for t in s.lexicon("meeting_id")})


def column(leaf: Searcher, name: str) -> list[tuple[str, ...]]:
    """The facet values of every document of this segment (cached by segment)."""
    reader = leaf.reader()
    segment = reader.segment() if hasattr(reader, "segment") else None
    key = (segment.segment_id() if segment is not None else str(id(reader)), name)
    found = _segment_columns.get(key)
    if found is None:
        field = FACET_COLUMNS[name]
        found = ([facet_values(name, v) for v in reader.column_reader(field)]
                 if reader.has_column(field) else [()] * reader.doc_count_all())
        _segment_columns[key] = found
        while len(_segment_columns) > _SEGMENT_CACHE_SIZE:
            _segment_columns.popitem(last=False)
    else:
        _segment_columns.move_to_end(key)
    return found


def facet_values(name: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, bytes):
        value = value.decode()
    if not value:
        return ()
    return tuple(value.split(ORG_SEPARATOR)) if name == "organisation" else (str(value),)


def count(s: Searcher, q: wq.Query, allow: set[int] | None,
          deny: set[int] | None) -> tuple[int, bool, dict[str, Counter[str]]]:
    """(total, exact, facet counters) over the first :data:`COUNT_CAP` matches."""
    counters: dict[str, Counter[str]] = {name: Counter() for name in FACET_COLUMNS}
    total, exact = 0, True
    for leaf, offset in s.leaf_searchers():
        found: list[int] = []
        for local in q.matcher(leaf, leaf.boolean_context()).all_ids():
            docnum = offset + local
            if (allow is not None and docnum not in allow) or (deny and docnum in deny):
                continue
            if total == COUNT_CAP:
                exact = False
                break
            found.append(local)
            total += 1
        for name, counter in counters.items():
            values = column(leaf, name)
            counter.update(v for i in found for v in values[i])
        if not exact:
            break
    return total, exact, counters
