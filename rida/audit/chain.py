"""The hash chain of the audit log.

Each entry's ``hash`` is the SHA-256 of the canonical JSON (sorted keys, no spaces,
UTF-8) of its fields, ``id`` and ``prev_hash`` included; ``prev_hash`` is the hash of the
entry before it (:data:`GENESIS` for the first). Changing, inserting or removing an entry
anywhere but at the very end breaks the chain, which :func:`verify` finds.

Appending reads the last entry then inserts after it, so appends are serialised: on
SQLite, write transactions already are (``BEGIN IMMEDIATE``, :mod:`rida.db`); on
PostgreSQL the change log's commit-order lock is taken first
(:func:`rida.postgresql.lock_commit_order`), just before the commit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select

from rida.audit.record import jsonable, utc
from rida.models import AuditEntry, utcnow
from rida.postgresql import lock_commit_order

TABLE = AuditEntry.__table__
GENESIS = "0" * 64
HASHED = (
    "id",
    "at",
    "user_id",
    "login",
    "ip",
    "action",
    "object_type",
    "object_id",
    "meeting_id",
    "before",
    "after",
    "prev_hash",
)
BATCH = 1000


def canonical(fields: dict[str, Any]) -> bytes:
    """The bytes an entry's hash is computed on."""
    values = {name: fields.get(name) for name in HASHED}
    values["at"] = utc(values["at"]).isoformat(timespec="microseconds")
    return json.dumps(
        jsonable(values), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def entry_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


def append(conn: Connection, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Append ``entries`` (fields of :func:`rida.audit.record.entry`) in the current
    transaction of ``conn``; returns them with id, time and hashes."""
    if not entries:
        return []
    lock_commit_order(conn)  # appends in turn (SQLite: already, by BEGIN IMMEDIATE)
    last = conn.execute(
        select(TABLE.c.id, TABLE.c.hash).order_by(TABLE.c.id.desc()).limit(1)
    ).first()
    last_id, prev_hash = (last[0], last[1]) if last is not None else (0, GENESIS)
    at = utcnow()
    rows = []
    for number, fields in enumerate(entries, start=last_id + 1):
        row = {**fields, "id": number, "at": at, "prev_hash": prev_hash}
        row["hash"] = prev_hash = entry_hash(row)
        rows.append(row)
    conn.execute(insert(TABLE), rows)
    return rows


@dataclass(frozen=True)
class Verdict:
    count: int  # entries read
    broken: int | None = None  # id of the first entry that does not fit, if any
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken is None


def _rows(conn: Connection) -> Iterator[dict[str, Any]]:
    after = 0
    while True:
        batch = (
            conn.execute(select(TABLE).where(TABLE.c.id > after).order_by(TABLE.c.id).limit(BATCH))
            .mappings()
            .all()
        )
        if not batch:
            return
        yield from (dict(row) for row in batch)
        after = batch[-1]["id"]


def verify(conn: Connection) -> Verdict:
    """Recompute the chain from the first entry; stop at the first one that does not fit."""
    expected_id, prev_hash, count = 1, GENESIS, 0
    for row in _rows(conn):
        if row["id"] != expected_id:
            return Verdict(count, row["id"], f"entrée {expected_id} absente")
        if row["prev_hash"] != prev_hash:
            return Verdict(count, row["id"], "l'empreinte précédente ne correspond pas")
        if row["hash"] != entry_hash(row):
            return Verdict(count, row["id"], "contenu modifié (empreinte différente)")
        expected_id, prev_hash, count = expected_id + 1, row["hash"], count + 1
    return Verdict(count)
