"""Anchors of the audit chain outside the database.

The hash chain (:mod:`rida.audit.chain`) proves that entries were not changed *unless*
someone rewrites the chain itself: with write access to the database, dropping the
triggers, editing an entry and recomputing every later hash with rida's own function gives
a chain that verifies. Anchors close that door. After each transaction that appended
entries, one line is appended to a file outside the database (``RIDA_AUDIT_ANCHOR_FILE``)::

    {"id": 812, "hash": "…", "at": "2026-12-04T19:40:02.123456+00:00", "mac": "…"}

``mac`` is an HMAC-SHA-256 of ``id`` and ``hash`` under a key that is not in the database
(``RIDA_AUDIT_KEY``, else the file ``RIDA_DATA_DIR/audit_key``, made on first use, mode
0600). :func:`check` then requires, for every anchor, a valid MAC and an entry of that id
with that hash in the database.

What this detects, given the key stays secret: any change, insertion or removal of an
entry at or before the last anchor (its hash, or a later anchored hash, no longer
matches), including the removal of the last entries (their anchors name entries that are
gone), and any forged or altered anchor line (its MAC). What it does not detect: a change
to entries written after the last anchor line (a transaction whose anchor could not be
written, e.g. a crash between the commit and the append), the removal of whole lines
or the truncation of the anchor file itself (ship it to an append-only medium or syslog
to cover that), and anything done by someone who holds the key.

Lines are appended with ``O_APPEND`` in one ``write`` (several processes may share the
file); no fsync: an anchor lost in a crash only leaves its entries unanchored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, select

from rida import db, settings
from rida.audit.chain import TABLE


@dataclass(frozen=True)
class Anchors:
    """The anchor file of an instance and the key of its MACs."""

    path: Path
    key: bytes

    def mac(self, entry_id: int, entry_hash: str) -> str:
        message = f"{entry_id}:{entry_hash}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()

    def write(self, entry_id: int, entry_hash: str) -> None:
        line = {
            "id": entry_id,
            "hash": entry_hash,
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
            "mac": self.mac(entry_id, entry_hash),
        }
        data = (json.dumps(line, sort_keys=True) + "\n").encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)

    def lines(self) -> Iterator[tuple[int, dict[str, object] | None]]:
        """(line number, anchor or None when the line is not one)."""
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8", errors="replace") as f:
            for number, text in enumerate(f, start=1):
                try:
                    found = json.loads(text)
                except ValueError:
                    found = None
                yield number, found if isinstance(found, dict) else None


_INSTALLED: weakref.WeakKeyDictionary[Engine, Anchors] = weakref.WeakKeyDictionary()


def init_app(app: db.App) -> None:
    """Anchor the audit entries of the app's database (after :func:`rida.db.init_app`)."""
    data_dir = Path(app.config["DATA_DIR"])
    key = app.config.get("AUDIT_KEY") or settings.secret_key(data_dir, "audit_key")
    path = app.config.get("AUDIT_ANCHOR_FILE") or data_dir / "audit-anchors.jsonl"
    found = Anchors(Path(path), str(key).encode())
    app.extensions[EXTENSION] = found
    install(app.extensions["rida.engine"], found)


EXTENSION = "rida.audit.anchors"


def install(engine: Engine, anchors: Anchors) -> None:
    """Anchor the entries appended through ``engine`` (see :mod:`rida.audit.hooks`)."""
    _INSTALLED[engine] = anchors


def of(engine: Engine | None) -> Anchors | None:
    return _INSTALLED.get(engine) if engine is not None else None


@dataclass(frozen=True)
class AnchorVerdict:
    count: int  # anchors checked
    line: int | None = None  # first anchor line that does not hold, if any
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.line is None


def check(conn: Connection, anchors: Anchors) -> AnchorVerdict:
    """Every anchor line: a valid MAC, and the entry it names, with that hash."""
    count = 0
    for number, anchor in anchors.lines():
        if anchor is None:
            return AnchorVerdict(count, number, "ligne illisible")
        entry_id, entry_hash = anchor.get("id"), anchor.get("hash")
        if not (isinstance(entry_id, int) and isinstance(entry_hash, str)):
            return AnchorVerdict(count, number, "ligne incomplète")
        mac = anchor.get("mac")
        if not (
            isinstance(mac, str) and hmac.compare_digest(mac, anchors.mac(entry_id, entry_hash))
        ):
            return AnchorVerdict(count, number, "ancre falsifiée (code d'authentification faux)")
        stored = conn.execute(select(TABLE.c.hash).where(TABLE.c.id == entry_id)).scalar()
        if stored is None:
            return AnchorVerdict(count, number, f"l'entrée {entry_id} ancrée a disparu")
        if stored != entry_hash:
            return AnchorVerdict(
                count, number, f"l'entrée {entry_id} ne correspond plus à son ancre"
            )
        count += 1
    return AnchorVerdict(count)
