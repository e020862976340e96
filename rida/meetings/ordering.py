"""The order of a meeting's numbered items (RIDA rows, participants, actions): numbers
kept consecutive after every delete and move, a replayed move never applied twice, and the
meeting's ``updated_at`` touched by every change."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlmodel import Session

from rida import fields
from rida.fields import FieldError
from rida.models import Meeting, utcnow


def renumber(session: Session, items: Sequence[Any], attr: str, start: int) -> None:
    """Give ``items`` consecutive values of ``attr`` from ``start``, in two passes so that
    a unique constraint on the column never sees a duplicate."""
    changed = [(i, item) for i, item in enumerate(items, start) if getattr(item, attr) != i]
    for i, item in changed:
        setattr(item, attr, -i)
        session.add(item)
    session.flush()
    for i, item in changed:
        setattr(item, attr, i)
    session.flush()


def delete_in(
    session: Session,
    meeting: Meeting,
    item: Any,
    remaining: Callable[[], list[Any]],
    attr: str,
    start: int,
) -> list[Any]:
    """Delete ``item`` of ``meeting`` and renumber ``remaining()`` from ``start``."""
    session.delete(item)
    session.flush()
    items = remaining()
    renumber(session, items, attr, start)
    touch(meeting)
    return items


def move_in(
    session: Session,
    meeting: Meeting,
    items: list[Any],
    item: Any,
    direction: Any,
    to: Any,
    attr: str,
    start: int,
) -> list[Any]:
    """Move ``item`` one place among ``items`` (numbered by ``attr`` from ``start``), unless
    a replayed move already put it at ``to``; returns the items in their new order."""
    if not already_moved(direction, getattr(item, attr), to):
        move_item(items, item, direction)
        renumber(session, items, attr, start)
        touch(meeting)
    return items


def already_moved(direction: Any, current: int, to: Any) -> bool:
    """True when the item already sits where the move sends it (``to``): the editor resent
    a move whose answer was lost, and moving again would go one place too far."""
    if direction not in ("up", "down"):
        raise FieldError("direction", "valeur attendue parmi up, down")
    return to is not None and fields.integer(to, "to", minimum=0) == current


def move_item(items: list[Any], item: Any, direction: str) -> None:
    if direction not in ("up", "down"):
        raise FieldError("direction", "valeur attendue parmi up, down")
    i = items.index(item)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(items):
        items[i], items[j] = items[j], items[i]


def touch(meeting: Meeting) -> None:
    meeting.updated_at = utcnow()
