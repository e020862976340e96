"""The change log's entries as read back: in ``seq`` order, in batches."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import Engine, bindparam, func, select

from rida.live.changes import CHANGES as TABLE
from rida.models import aware

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

    @cached_property
    def event(self) -> bytes:
        """The entry as a Server-Sent Event (``id``, ``event: change``, ``data``), encoded
        once for all the streams it goes to."""
        data = {
            "seq": self.seq,
            "kind": self.kind,
            "op": self.op,
            "uid": self.uid,
            "revision": self.revision,
            "fields": self.fields,
            "data": self.payload,
            "by": self.actor,
            "at": aware(self.at).isoformat(),
        }
        return sse("change", data, self.seq)


def sse(event: str, data: object, seq: int | None = None) -> bytes:
    """One Server-Sent Event: its JSON data on one line."""
    head = f"id: {seq}\n" if seq is not None else ""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"{head}event: {event}\ndata: {body}\n\n".encode()


# Built once (the follower reads often): every entry above a seq; a meeting's, up to a seq.
_ABOVE = select(TABLE).where(TABLE.c.seq > bindparam("after")).order_by(TABLE.c.seq).limit(BATCH)
_OF_MEETING = _ABOVE.where(
    TABLE.c.meeting_id == bindparam("meeting_id"),
    TABLE.c.kind != "access",
    TABLE.c.seq <= bindparam("upto"),
)


def read(
    engine: Engine, after: int, *, meeting_id: int | None = None, upto: int | None = None
) -> Iterator[list[Entry]]:
    """The entries above ``after`` (of one meeting, up to ``upto``), oldest first, in batches."""
    query = _ABOVE if meeting_id is None else _OF_MEETING
    params: dict[str, int] = {} if meeting_id is None else {"meeting_id": meeting_id}
    if meeting_id is not None:
        params["upto"] = upto if upto is not None else 2**62
    while True:
        with engine.connect() as conn:
            rows = conn.execute(query, params | {"after": after}).mappings()
            found = [Entry.of(row) for row in rows]
        if found:
            yield found
        if len(found) < BATCH:
            return
        after = found[-1].seq


def last_seq(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.max(TABLE.c.seq))).scalar() or 0)
