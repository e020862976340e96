"""Totals and facet counts, the same for every engine.

The total and the facets count at most :data:`COUNT_CAP` matches: beyond, the total is
« plus de N » and the facets count those first N (an engine reads them cheaply; Whoosh
still ranks the page of hits over every match, PostgreSQL over the N most recent, see
:mod:`rida.search.postgresql_results`). An organisation is counted under the
name the glossary makes canonical for the document's series (``ESEA Nouvelle Aquitaine``
under ``ESEA NA`` where the group ``ESEA NA = ESEA Nouvelle Aquitaine`` applies).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rida.search import FACETS
from rida.search.glossary import Organisations

COUNT_CAP = 2000


@dataclass(frozen=True)
class Facts:
    """What the facets read of one matching document."""

    series: str
    nature: str | None
    organisations: Sequence[str]
    year: str
    count: int = 1  # documents with these same facts


def tally(
    found: Iterable[Facts], organisations: Organisations
) -> tuple[dict[str, Counter[str]], int]:
    """Facet counters over ``found`` and how many documents were counted."""
    counters: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    total = 0
    for facts in found:
        n = facts.count
        total += n
        counters["series"][facts.series] += n
        counters["year"][facts.year] += n
        if facts.nature:
            counters["nature"][facts.nature] += n
        for name in {organisations.canonical(facts.series, o) for o in facts.organisations}:
            counters["organisation"][name] += n
    return counters, total


def ordered(counters: dict[str, Counter[str]]) -> dict[str, list[tuple[str, int]]]:
    """Each facet's values, most frequent first, then by name."""
    return {
        name: sorted(
            ((str(k), v) for k, v in counters[name].items() if k not in ("", "_")),
            key=lambda kv: (-kv[1], kv[0]),
        )
        for name in FACETS
    }
