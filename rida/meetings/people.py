"""Persons: one record per real person, recognised again without case or accents.

A person is taken from a user only among the people that user may see
(:func:`rida.access.visible_people`, passed in as ``visible``): by id
(:func:`visible_person`, an invisible one answers like an unknown id) and by name
(:func:`find_or_create`, an invisible namesake is not reused).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from rida.models import Person, PersonAlias
from rida.util.folding import fold as fold  # re-exported: its historical home


class Named(Protocol):
    """A person or organisation as names need it: a :class:`~rida.models.Person`, or a
    row selecting these three columns (read without the ORM)."""

    @property
    def last_name(self) -> str: ...
    @property
    def first_name(self) -> str: ...
    @property
    def entity(self) -> str: ...


# Longest accepted spelling of each person field (the rida/1 format's limits).
PERSON_LIMITS = {"last_name": 200, "first_name": 200, "entity": 200, "function": 300}


def person_key(last_name: str, first_name: str = "", entity: str = "") -> str:
    return "|".join(fold(part or "") for part in (last_name, first_name, entity))


def merge_spellings(mentions: Iterable[dict[str, str | None] | None]) -> None:
    """Spell every mention of one person (same key) as its first mention, in place: what
    :func:`find_or_create` does when the mentions are stored in this order."""
    first: dict[str, dict[str, str | None]] = {}
    for person in filter(None, mentions):
        key = person_key(*(person.get(k) or "" for k in ("last_name", "first_name", "entity")))
        spelling = first.setdefault(key, person)
        for name in ("last_name", "first_name", "entity"):
            person[name] = spelling.get(name)


def visible_person(session: Session, person_id: int, visible: ColumnElement[bool]) -> Person | None:
    """The person ``person_id`` if the clause ``visible`` (a WHERE clause on ``Person``,
    e.g. :func:`rida.access.visible_people`) selects it, else None, exactly as for an id
    that does not exist: a user learns nothing of the people they may not see."""
    return session.exec(select(Person).where(Person.id == person_id, visible)).first()


def find_or_create(
    session: Session, data: dict[str, str | None], *, visible: ColumnElement[bool]
) -> Person:
    """The person described by ``data`` (last_name, first_name, entity, function, email),
    looked up only among the people the clause ``visible`` selects (a WHERE clause on
    ``Person``: :func:`rida.access.visible_people` of the acting user, ``true()`` for an
    import run from the command line).

    A spelling merged into another person (a :class:`~rida.models.PersonAlias`) finds
    that person. An existing record keeps its spelling; an empty function is filled from
    ``data`` (its e-mail address never is: only an admin or the person's own account
    sets it).

    A namesake the acting user may not see (named only in meetings they may not read) is
    *not* reused: reusing it would confirm that the name exists, reveal its entity and
    function, and attach the new meeting to a hidden person. A second record with the same
    key is created instead; admins see both (the earlier one first) and may link an
    account to either.
    """
    last = data.get("last_name") or ""
    first = data.get("first_name") or ""
    entity = data.get("entity") or ""
    key = person_key(last, first, entity)
    person = session.exec(
        select(Person).where(Person.key == key, visible).order_by(col(Person.id))
    ).first()
    if person is None:  # a spelling merged into someone (rida.meetings.identity)
        person = session.exec(
            select(Person)
            .join(PersonAlias, col(PersonAlias.person_id) == Person.id)
            .where(PersonAlias.key == key, visible)
            .order_by(col(PersonAlias.id))
        ).first()
    if person is None:
        person = Person(
            key=key,
            last_name=last,
            first_name=first,
            entity=entity,
            function=data.get("function") or "",
            email=data.get("email") or "",
        )
        session.add(person)
        session.flush()
    elif not person.function and data.get("function"):
        person.function = data["function"] or ""
    return person


def known_people(session: Session, visible: ColumnElement[bool]) -> list[dict[str, str | None]]:
    """The people the clause ``visible`` selects, as ``rida/1`` persons: whom a document
    being imported may name (the owners of actions typed as text)."""
    found = session.exec(select(Person).where(visible).order_by(col(Person.id))).all()
    return [
        {
            "last_name": p.last_name or None,
            "first_name": p.first_name or None,
            "entity": p.entity or None,
            "function": p.function or None,
        }
        for p in found
    ]


# --- How a person is written ----------------------------------------------------------------
# One way per context, everywhere (pages, documents, exports, e-mails, CLI): « Prénom NOM »
# (display_name), with the organisation in brackets where it helps tell people apart (label).
# Lists may still be sorted by last name (sort_key).


def display_name(person: Named | None) -> str:
    """`Mathieu SLOSAR`, or the entity alone for an organisation."""
    if person is None:
        return ""
    return name_of(person.first_name, person.last_name, person.entity)


def name_of(first_name: str, last_name: str, entity: str) -> str:
    """:func:`display_name` of a person given by its fields (read without the ORM)."""
    name = " ".join(p for p in (first_name, last_name.upper()) if p)
    return name or entity


def label(person: Named) -> str:
    """`Mathieu SLOSAR (ANS)`: a person with their organisation (pickers, exports, lists),
    an organisation's name alone."""
    name = name_of(person.first_name, person.last_name, "")
    if person.entity:
        return f"{name} ({person.entity})" if name else person.entity
    return name


def sort_key(person: Named) -> tuple[str, str, str]:
    """Alphabetical order of people by last name (an organisation by its name)."""
    return (fold(person.last_name or person.entity), fold(person.first_name), fold(person.entity))
