"""What the dashboard computed lately, per process, kept until the database changes.

A dashboard's counts and chart read every filtered action (tens of milliseconds for
10,000 actions); its pages sort them all. They are kept under the *change position*
(:func:`position`): the last audit entry and the last change-log entry. Every change
made through a write session appends to both logs (:mod:`rida.audit.hooks`,
:mod:`rida.live.changes`): an action, a meeting, a person, a membership, an account,
and so the position moves with every change that could alter a count. A session that
writes itself (its changes not committed yet) gets no position: nothing is kept for it.
The engine is part of the position: two databases never share an entry.

Any change moves the position (a RIDA row typed in a live meeting too): the counts are
then computed again (one aggregate), but the chart, the costly part, is also kept by
what its actions are (:func:`get`): their revisions, ids, meetings' changes and status
history, so that it is drawn again only when they changed.
"""

from __future__ import annotations

import uuid
import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlmodel import Session

from rida import db
from rida.actions.action_board.chart import Chart
from rida.util.lru import Lru

S = TypeVar("S")  # a dashboard's summary (rida.actions.action_board.query.Summary)
SIZE = 64
PAGES = 256
_charts: Lru[Chart] = Lru(SIZE)  # by what the filtered actions are (query.cached_chart)
_summaries: Lru[Any] = Lru(SIZE)
_pages: Lru[list[int]] = Lru(PAGES)
_choices: Lru[Any] = Lru(SIZE)
_databases: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def position(session: Session) -> tuple[str, Any, Any] | None:
    """Where the database's logs stand, or None in a write session (nothing kept)."""
    from rida.models import AuditEntry, Change

    if session.info.get(db.WRITE):
        return None
    last_audit, last_change = session.exec(  # type: ignore[call-overload]
        select(
            select(func.max(AuditEntry.id)).scalar_subquery(),
            select(func.max(Change.seq)).scalar_subquery(),
        )
    ).one()
    return database(session), last_audit, last_change


def database(session: Session) -> str:
    """A name of the database ``session`` reads, unique in this process."""
    return _databases.setdefault(session.get_bind().engine.pool, uuid.uuid4().hex)


def get(key: Hashable, compute: Callable[[], Chart]) -> Chart:
    """A chart kept by what its actions are (see
    :func:`rida.actions.action_board.query.cached_chart`)."""
    return _charts.get(key, compute)


def summary(key: tuple[Any, ...], compute: Callable[[], S]) -> S:
    """``key`` starts with a :func:`position` (None: computed afresh, not kept)."""
    if key[0] is None:
        return compute()
    found: S = _summaries.get(key, compute)
    return found


def page(key: tuple[Hashable, ...], compute: Callable[[], list[int]]) -> list[int]:
    """``key`` starts with a :func:`position` (None: computed afresh, not kept)."""
    return compute() if key[0] is None else _pages.get(key, compute)


def choices(key: tuple[Any, ...], compute: Callable[[], S]) -> S:
    """The filters' choices for one user; ``key`` starts with a :func:`position`."""
    if key[0] is None:
        return compute()
    found: S = _choices.get(key, compute)
    return found


def clear() -> None:
    _charts.clear()
    _summaries.clear()
    _pages.clear()
    _choices.clear()
