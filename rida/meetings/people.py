"""Persons: one record per real person, recognised again without case or accents."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from sqlmodel import Session, select

from rida.models import Person

# Longest accepted spelling of each person field (the rida/1 format's limits).
PERSON_LIMITS = {"last_name": 200, "first_name": 200, "entity": 200, "function": 300}


def fold(text: str) -> str:
    """Lower-case, strip accents and collapse spaces: `Édouard  Bris` -> `edouard bris`."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.split())


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


def find_or_create(session: Session, data: dict[str, str | None]) -> Person:
    """The person described by ``data`` (last_name, first_name, entity, function, email).

    An existing record keeps its spelling; its empty fields are filled from ``data``.
    """
    last = data.get("last_name") or ""
    first = data.get("first_name") or ""
    entity = data.get("entity") or ""
    key = person_key(last, first, entity)
    person = session.exec(select(Person).where(Person.key == key)).first()
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
    else:
        for field in ("function", "email"):
            if not getattr(person, field) and data.get(field):
                setattr(person, field, data[field])
    return person


def display_name(person: Person | None) -> str:
    """`Mathieu SLOSAR`, or the entity alone for an organisation."""
    if person is None:
        return ""
    name = " ".join(p for p in (person.first_name, person.last_name.upper()) if p)
    return name or person.entity


def label(person: Person) -> str:
    """`SLOSAR Mathieu (ANS)`: how a person is offered in pickers."""
    name = " ".join(p for p in (person.last_name.upper(), person.first_name) if p)
    if person.entity:
        return f"{name} ({person.entity})" if name else person.entity
    return name
