"""Each series' glossary: groups of equivalent terms (``MSS`` = ``MSSanté``), applied to
search queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlmodel import Session, col, delete, select

from rida.models import Series, SeriesGlossary


def by_series(session: Session) -> dict[str, list[list[str]]]:
    """Series name -> its groups of equivalent terms."""
    found: dict[str, list[list[str]]] = defaultdict(list)
    rows = session.exec(select(Series.name, SeriesGlossary.terms)
                        .join(Series, col(Series.id) == col(SeriesGlossary.series_id))
                        .order_by(col(SeriesGlossary.id)))
    for name, terms in rows:
        found[name].append(list(terms))
    return dict(found)


def set_groups(session: Session, series_id: int, groups: Iterable[Sequence[str]]) -> None:
    """Replace a series' glossary: each group lists terms meaning the same thing."""
    session.exec(delete(SeriesGlossary).where(col(SeriesGlossary.series_id) == series_id))
    for group in groups:
        terms = list(dict.fromkeys(t.strip() for t in group if t and t.strip()))
        if len(terms) < 2:
            raise ValueError("Un groupe du glossaire réunit au moins deux termes différents.")
        session.add(SeriesGlossary(series_id=series_id, terms=terms))
    session.flush()
