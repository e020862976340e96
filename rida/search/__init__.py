"""Full-text search across every workshop: the one interface views, CLI and indexer use.

The engine sits behind these few functions (microblog's pattern), chosen by the setting
``RIDA_SEARCH_BACKEND`` (default ``whoosh``), so that another engine can be added without
touching views. The database is the source of truth: the index is derived, kept fresh by
the outbox (``rida/search/outbox.py``) and can be rebuilt at any time.

What is indexed: every RIDA row, every action and each meeting's header. A hit points at
the exact row or action. Results only include what the searching account may read
(``rida.access.readable``), hits, snippets and facet counts alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["row", "action", "meeting"]
SORTS = ("relevance", "date")
FACETS = ("nature", "series", "organisation", "year")


@dataclass(frozen=True)
class Filters:
    """Applied as filters (they restrict, they do not score)."""

    series: tuple[str, ...] = ()
    nature: tuple[str, ...] = ()          # "I", "D", "A", or "none" for rows without one
    meeting_type: tuple[str, ...] = ()
    organisation: tuple[str, ...] = ()    # participants' and owners' entities
    status: tuple[str, ...] = ()          # meeting status: draft, review, validated
    classification: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class Query:
    text: str
    filters: Filters = field(default_factory=Filters)
    sort: str = "relevance"               # one of SORTS
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class Hit:
    meeting: int                          # meeting id
    kind: Kind
    row: int | None                       # RIDA row number (kind "row")
    action: int | None                    # action id (kind "action")
    title: str                            # row subject, action title or meeting title
    snippet: str                          # HTML: escaped text, matches in <mark>
    meeting_title: str
    series: str
    date: dt.date
    nature: str | None = None
    score: float = 0.0


@dataclass
class Results:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]   # FACETS -> [(value, count)], readable only
    suggestion: str | None = None              # a corrected query when nothing matched
    message: str | None = None                 # French, e.g. why a query was simplified
