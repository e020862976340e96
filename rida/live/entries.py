"""The change log's entries as read back: in ``seq`` order, in batches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, select

from rida.live.changes import CHANGES as TABLE

BATCH = 1000


@dataclass(frozen=True)
class Entry:
    """One change-log entry as read back."""

    seq: int
    meeting_id: int | None
    kind: str
    op: str
    uid: str | None
    revision: int | None
    fields: list[str]
    payload: dict[str, Any]
    user_id: int | None
    actor: dict[str, Any] | None
    at: dt.datetime

    @classmethod
    def of(cls, row: Any) -> Entry:
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})


def read(
    engine: Engine, after: int, *, meeting_id: int | None = None, upto: int | None = None
) -> Iterator[list[Entry]]:
    """The entries above ``after`` (of one meeting, up to ``upto``), oldest first, in batches."""
    while True:
        query = select(TABLE).where(TABLE.c.seq > after).order_by(TABLE.c.seq).limit(BATCH)
        if meeting_id is not None:
            query = query.where(TABLE.c.meeting_id == meeting_id, TABLE.c.kind != "access")
        if upto is not None:
            query = query.where(TABLE.c.seq <= upto)
        with engine.connect() as conn:
            found = [Entry.of(row) for row in conn.execute(query).mappings()]
        if found:
            yield found
        if len(found) < BATCH:
            return
        after = found[-1].seq


def last_seq(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.max(TABLE.c.seq))).scalar() or 0)
