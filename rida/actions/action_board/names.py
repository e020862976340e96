"""The names a dashboard filter gives (series, owners, organisations) to the records they
mean, among what the user may see.

A name the user cannot see resolves like an unknown name, so that a filter never tells
whether a series or a person of a confidential meeting exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from rida import access
from rida.actions.action_board.params import BoardQuery
from rida.meetings.people import Named, display_name, fold, label, sort_key
from rida.models import Action, Meeting, Person, Series, User


@dataclass(frozen=True)
class Owner:
    """An owner as the filters need it (read without loading the ORM object)."""

    id: int
    last_name: str
    first_name: str
    entity: str


@dataclass
class Resolved:
    """Ids the filters name (None: that filter is not used), and a French message per
    value that names nothing; ``empty``: the result is empty whatever the data."""

    series_ids: list[int] | None = None
    owner_ids: list[int] | None = None
    entities: list[str] | None = None
    # « mes actions »: the owners the user follows (its person, its organisations)
    mine_ids: list[int] | None = None
    messages: list[str] = field(default_factory=list)
    empty: bool = False


def resolve(session: Session, user: User | None, query: BoardQuery) -> Resolved:
    found = Resolved()
    if query.series:
        found.series_ids = _series(session, user, query.series, found.messages)
    if query.owner:
        found.owner_ids = _owners(session, user, query.owner, found.messages)
    if query.organisation:
        found.entities = _entities(session, user, query.organisation, found.messages)
    if query.mine:
        found.mine_ids = sorted(access.followed_owners(session, user))
        if not found.mine_ids:
            found.messages.append(
                "Votre compte n'est relié à aucune personne ni organisation : "
                "« Mes actions » est vide."
            )
            found.empty = True
    found.empty = found.empty or any(
        ids == [] for ids in (found.series_ids, found.owner_ids, found.entities)
    )
    return found


def _series(
    session: Session, user: User | None, names: Sequence[str], messages: list[str]
) -> list[int]:
    seen = session.exec(
        select(Series.id, Series.name)
        .distinct()
        .join(Meeting, col(Meeting.series_id) == Series.id)
        .where(access.readable(user))
    ).all()
    by_name = {fold(name): sid for sid, name in seen}
    ids = []
    for name in names:
        sid = by_name.get(fold(name))
        if sid is None:
            messages.append(f"Série inconnue : « {name} ».")
        elif sid not in ids:
            ids.append(sid)
    return ids


def _visible_owners(
    session: Session, user: User | None, known: list[int] | None = None
) -> list[Owner]:
    """The owners of the actions of the meetings ``user`` may read (``known``: their ids,
    already read under that rule: :attr:`~rida.actions.action_board.query.Board.all_owner_ids`)."""
    readable_ids = select(Meeting.id).where(access.readable(user))
    owners: Any = (
        known
        if known is not None
        else select(Action.owner_id).where(col(Action.meeting_id).in_(readable_ids))
    )
    return [
        Owner(*row)
        for row in session.exec(
            select(Person.id, Person.last_name, Person.first_name, Person.entity).where(
                col(Person.id).in_(owners)
            )
        ).all()
    ]


def owner_names(person: Named) -> set[str]:
    """Every spelling that designates ``person`` in an owner filter (folded)."""
    names = {
        label(person),
        display_name(person),
        person.last_name,
        f"{person.last_name} {person.first_name}",
    }
    if not person.last_name:
        names.add(person.entity)
    return {fold(n) for n in names if n.strip()}


def _owners(
    session: Session, user: User | None, values: Sequence[str], messages: list[str]
) -> list[int]:
    people = _visible_owners(session, user)
    ids: list[int] = []
    for value in values:
        if value.isascii() and value.isdigit():
            matches = [p.id for p in people if p.id == int(value)]
        else:
            wanted = fold(value)
            matches = [p.id for p in people if wanted in owner_names(p)]
        if not matches:
            messages.append(f"Porteur inconnu : « {value} ».")
        ids += [i for i in matches if i not in ids and i is not None]
    return ids


def _entities(
    session: Session, user: User | None, values: Sequence[str], messages: list[str]
) -> list[str]:
    entities = {p.entity for p in _visible_owners(session, user) if p.entity}
    by_fold: dict[str, list[str]] = {}
    for entity in entities:
        by_fold.setdefault(fold(entity), []).append(entity)
    found: list[str] = []
    for value in values:
        matches = by_fold.get(fold(value), [])
        if not matches:
            messages.append(f"Organisation inconnue : « {value} ».")
        found += [e for e in matches if e not in found]
    return found


def owner_choices(
    session: Session, user: User | None, known: list[int] | None = None
) -> list[Owner]:
    """The owners offered in the dashboard's filter, by last name (``known``: see
    :func:`_visible_owners`)."""
    return sorted(_visible_owners(session, user, known), key=sort_key)


def series_choices(session: Session, user: User | None) -> list[str]:
    return sorted(
        session.exec(
            select(Series.name)
            .distinct()
            .join(Meeting, col(Meeting.series_id) == Series.id)
            .where(access.readable(user))
        ).all(),
        key=fold,
    )
