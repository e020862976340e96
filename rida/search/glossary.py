"""The search glossary: groups of equivalent terms (``MSS`` = ``MSSanté``), for the whole
instance (``series_id`` NULL, edited by admins) or for one series (its documents only),
applied to queries, to the organisation filter and to the organisation facet."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlmodel import Session, col, delete, select

from rida.models import Series, SeriesGlossary
from rida.search.querytext import Glossary, words_key


def load(session: Session) -> dict[str | None, list[list[str]]]:
    """Series name -> its groups of equivalent terms; None -> the whole instance's."""
    found: dict[str | None, list[list[str]]] = defaultdict(list)
    rows = session.exec(
        select(Series.name, SeriesGlossary.terms)
        .join(Series, col(Series.id) == col(SeriesGlossary.series_id), isouter=True)
        .order_by(col(SeriesGlossary.id))
    )
    for name, terms in rows:
        found[name].append(list(terms))
    return dict(found)


def set_groups(session: Session, series_id: int | None, groups: Iterable[Sequence[str]]) -> None:
    """Replace a series' glossary (None: the instance's): each group lists terms meaning
    the same thing."""
    session.exec(delete(SeriesGlossary).where(_scope(series_id)))
    for group in groups:
        terms = list(dict.fromkeys(t.strip() for t in group if t and t.strip()))
        if len(terms) < 2:
            raise ValueError("Un groupe du glossaire réunit au moins deux termes différents.")
        session.add(SeriesGlossary(series_id=series_id, terms=terms))
    session.flush()


def groups_of(session: Session, series_id: int | None) -> list[list[str]]:
    """One series' groups of equivalent terms (None: the instance's), in the order they
    were given."""
    rows = session.exec(
        select(SeriesGlossary.terms).where(_scope(series_id)).order_by(col(SeriesGlossary.id))
    )
    return [list(terms) for terms in rows]


def _scope(series_id: int | None):  # type: ignore[no-untyped-def]
    column = col(SeriesGlossary.series_id)
    return column.is_(None) if series_id is None else column == series_id


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
        raise ValueError(f"Au plus {GROUP_LIMIT} groupes par glossaire.")
    return groups


def as_lines(groups: Iterable[Sequence[str]]) -> str:
    return "\n".join(" = ".join(group) for group in groups)


# --- Organisations: the filter and the facet ----------------------------------------


class Organisations:
    """Organisation names made equivalent by a glossary (``ESEA NA`` = ``ESEA Nouvelle
    Aquitaine``): a facet counts them under the group's first term, a filter on one
    finds the others (an instance group everywhere, a series group in its series)."""

    def __init__(self, glossary: Glossary) -> None:
        self._groups: dict[tuple[str | None, tuple[str, ...]], list[str]] = {}
        self._canonical: dict[tuple[str, str], str] = {}  # a facet counts thousands
        for series, groups in glossary.items():
            for group in groups:
                for term in group:
                    self._groups.setdefault((series, words_key(term)), list(group))

    def canonical(self, series: str, name: str) -> str:
        """The name the facet shows for ``name`` in a document of ``series``."""
        found = self._canonical.get((series, name))
        if found is None:
            key = words_key(name)
            group = self._groups.get((None, key)) or self._groups.get((series, key))
            found = self._canonical[(series, name)] = group[0] if group else name
        return found

    def equivalents(self, names: Iterable[str]) -> tuple[set[str], dict[str, set[str]]]:
        """``names`` and their equivalents: (in every series, {series: in that series})."""
        anywhere: set[str] = set()
        by_series: dict[str, set[str]] = defaultdict(set)
        for name in names:
            anywhere.add(name)
            key = words_key(name)
            for (series, term), group in self._groups.items():
                if term != key:
                    continue
                if series is None:
                    anywhere.update(group)
                else:
                    by_series[series].update(group)
        return anywhere, {s: found - anywhere for s, found in by_series.items() if found - anywhere}
