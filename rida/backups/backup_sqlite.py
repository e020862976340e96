"""What backups need to know about SQLite; with :mod:`rida.db`, the only SQLite-specific
module.

- :func:`copy_online`: SQLite's backup API (``sqlite3.Connection.backup``) copies the
  database in one step, under one read transaction: a consistent snapshot, taken while
  the server keeps writing (WAL: readers and the writer do not block each other). The
  copy is switched to the ``DELETE`` journal so that it is one self-contained file.
- :func:`integrity` (``PRAGMA integrity_check``) and :func:`facts` read a copy without
  writing to it (``immutable``: no lock, no ``-wal`` or ``-shm`` file).
- :func:`replace` puts a verified copy in place of the live database: the old ``-wal``
  and ``-shm`` are removed first (an old WAL replayed over the new file would corrupt
  it), then a ``rename``, atomic on one file system.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import make_url

COUNTED = {"meetings": "meeting", "rows": "rida_row", "actions": "action"}


class NotSQLite(Exception):
    """The database is not an SQLite file (PostgreSQL, or in memory)."""


def database_file(url: str) -> Path:
    """The SQLite file of a database URL; :class:`NotSQLite` for anything else."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        raise NotSQLite(parsed.get_backend_name())
    return Path(parsed.database).resolve()


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{quote(str(path))}?mode=ro&immutable=1", uri=True)


def copy_online(source: Path, target: Path) -> None:
    """A consistent copy of the live database ``source`` into the new file ``target``."""
    with (
        closing(sqlite3.connect(source, timeout=30)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)  # pages=-1: everything in one step, one snapshot
        dst.execute("PRAGMA journal_mode=DELETE")
    _fsync(target)


def integrity(path: Path) -> str:
    """``ok``, or what ``PRAGMA integrity_check`` found wrong (or why it could not run)."""
    try:
        with closing(_read_only(path)) as conn:
            lines = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as e:
        return f"base illisible ({e})"
    return "ok" if lines == ["ok"] else "; ".join(lines[:5])


def facts(path: Path) -> tuple[str | None, dict[str, int]]:
    """The schema revision (Alembic) and the counts of :data:`COUNTED` of a database;
    ``(None, {})`` if it is not a rida database."""
    try:
        with closing(_read_only(path)) as conn:
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            counts = {
                name: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for name, table in COUNTED.items()
            }
    except sqlite3.DatabaseError:
        return None, {}
    return (revision[0] if revision else None), counts


def replace(staged: Path, target: Path) -> None:
    """Put the verified database file ``staged`` (same directory) in place of ``target``;
    no process may have ``target`` open."""
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(staged, target)
    _fsync(target.parent)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
