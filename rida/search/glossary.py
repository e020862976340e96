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
    rows = session.exec(
        select(Series.name, SeriesGlossary.terms)
        .join(Series, col(Series.id) == col(SeriesGlossary.series_id))
        .order_by(col(SeriesGlossary.id))
    )
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


def groups_of(session: Session, series_id: int) -> list[list[str]]:
    """One series' groups of equivalent terms, in the order they were given."""
    rows = session.exec(
        select(SeriesGlossary.terms)
        .where(col(SeriesGlossary.series_id) == series_id)
        .order_by(col(SeriesGlossary.id))
    )
    return [list(terms) for terms in rows]


TERM_LIMIT = 200
GROUP_LIMIT = 200


def parse_lines(text: str) -> list[list[str]]:
    """Groups from text, one per line, terms separated by ``=`` (``MSS = MSSanté``); blank
    lines and lines starting with ``#`` are skipped. Raises ``ValueError`` naming the line."""
    groups: list[list[str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        terms = list(dict.fromkeys(t.strip() for t in line.split("=") if t.strip()))
        if len(terms) < 2:
            raise ValueError(
                f"Ligne {number} : au moins deux termes différents séparés par "
                "« = » sont attendus (par exemple « MSS = MSSanté »)."
            )
        if any(len(t) > TERM_LIMIT for t in terms):
            raise ValueError(f"Ligne {number} : un terme dépasse {TERM_LIMIT} caractères.")
        groups.append(terms)
    if len(groups) > GROUP_LIMIT:
        raise ValueError(f"Au plus {GROUP_LIMIT} groupes par série.")
    return groups


def as_lines(groups: Iterable[Sequence[str]]) -> str:
    return "\n".join(" = ".join(group) for group in groups)
