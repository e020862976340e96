"""What backups need to know about PostgreSQL: ``pg_dump`` and ``pg_restore``, driven on
the schema rida uses (the connection's ``current_schema()``).

- :func:`dump`: a REPEATABLE READ transaction reads the schema revision and the counts,
  exports its snapshot (``pg_export_snapshot()``) and, while it stays open, ``pg_dump
  --snapshot`` writes the dump from that very snapshot: the counts are those of the dump.
- :func:`dump_facts` reads a dump without restoring it: its schema and its revision
  (``pg_restore --list``, then the data of ``alembic_version``).
- :func:`restore` restores a dump into the current schema, which must be empty, in one
  transaction (``--single-transaction --exit-on-error``). ``pg_restore`` cannot rename a
  schema: the dump's schema must have the target's name (its ``CREATE SCHEMA`` is left
  out, the schema exists already).

The password goes through the environment (``PGPASSWORD``), never on a command line.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from rida.backups.backup_sqlite import COUNTED


class PostgresError(Exception):
    """A PostgreSQL tool or connection failed; ``message`` is French, ``code`` a key."""

    def __init__(self, message: str, code: str = "postgresql"):
        super().__init__(message)
        self.message, self.code = message, code


def is_postgresql(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def libpq(url: str) -> tuple[str, dict[str, str]]:
    """The libpq connection string of a SQLAlchemy URL (without its password) and the
    environment that carries the password."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    plain = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )
    return plain.render_as_string(hide_password=False), env


@contextmanager
def _connection(url: str) -> Iterator[Connection]:
    engine = create_engine(url, poolclass=NullPool, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn:
            yield conn
    except SQLAlchemyError as e:
        raise PostgresError(
            f"Erreur PostgreSQL : {_first_line(str(getattr(e, 'orig', None) or e))}", "postgresql"
        ) from None
    finally:
        engine.dispose()


def _first_line(message: str) -> str:
    return _sentence((message.strip().splitlines() or ["?"])[0])


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(".") else f"{text}."


def _run(args: list[str], env: dict[str, str], what: str) -> str:
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise PostgresError(
            f"{args[0]} introuvable : installez les outils clients de PostgreSQL "
            f"(paquet postgresql-client) pour {what}.",
            "postgresql",
        ) from None
    if done.returncode != 0:
        detail = " ".join(done.stderr.split())[:500] or f"code {done.returncode}"
        raise PostgresError(f"Échec de {args[0]} ({what}) : {_sentence(detail)}", "postgresql")
    return done.stdout


def current_schema(conn: Connection) -> str:
    schema = conn.execute(text("SELECT current_schema()")).scalar()
    if not schema:
        raise PostgresError(
            "Aucun schéma courant : le search_path de la connexion ne désigne aucun schéma "
            "existant.",
            "postgresql",
        )
    return str(schema)


def dump(url: str, target: Path) -> tuple[str, str | None, dict[str, int]]:
    """Dump the current schema of ``url`` into ``target``; its name, revision and counts."""
    dsn, env = libpq(url)
    with _connection(url) as conn, conn.begin():
        snapshot = str(conn.execute(text("SELECT pg_export_snapshot()")).scalar())
        schema = current_schema(conn)
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        counts = {
            name: int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() or 0)
            for name, table in COUNTED.items()
        }
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--schema={schema}",
                f"--file={target}",
                f"--dbname={dsn}",
            ],
            env,
            "la sauvegarde",
        )
    return schema, (str(revision) if revision is not None else None), counts


# A line of ``pg_restore --list``: "123; 2615 16386 SCHEMA - s_abc rida".
_TOC = re.compile(r"^(\d+); \d+ \d+ (.+)$")


def _toc(path: Path, env: dict[str, str]) -> list[str]:
    return _run(
        ["pg_restore", "--list", str(path)], env, "la lecture de la sauvegarde"
    ).splitlines()


def dump_facts(path: Path) -> tuple[str, str | None]:
    """The schema of the dump ``path`` and the revision stored in it, read without
    restoring anything; :class:`PostgresError` if ``pg_restore`` cannot read it."""
    env = dict(os.environ)
    schemas = set()
    for line in _toc(path, env):
        entry = _TOC.match(line)
        if entry and entry.group(2).startswith("SCHEMA - "):
            schemas.add(entry.group(2).split()[2])
    if len(schemas) != 1:
        raise PostgresError(
            "Sauvegarde PostgreSQL illisible : elle ne contient pas un schéma et un seul.",
            "corrupt",
        )
    data = _run(
        ["pg_restore", "--data-only", "--table=alembic_version", "--file=-", str(path)],
        env,
        "la lecture de la sauvegarde",
    )
    lines = data.splitlines()
    revision = None
    for i, line in enumerate(lines):
        if line.startswith("COPY ") and i + 1 < len(lines) and lines[i + 1] != "\\.":
            revision = lines[i + 1].strip()
    return schemas.pop(), revision


def target_schema(url: str) -> tuple[str, list[str]]:
    """The current schema of ``url`` and the relations it holds (empty: ready to restore)."""
    with _connection(url) as conn:
        schema = current_schema(conn)
        relations = conn.execute(
            text(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = :schema ORDER BY c.relname"
            ),
            {"schema": schema},
        ).scalars()
        return schema, [str(r) for r in relations]


def restore(url: str, path: Path) -> None:
    """Restore the dump ``path`` into the current (empty) schema of ``url``, in one
    transaction; the dump's ``CREATE SCHEMA`` is left out (the schema exists)."""
    dsn, env = libpq(url)
    kept = []
    for line in _toc(path, env):
        entry = _TOC.match(line)
        if entry and entry.group(2).startswith("SCHEMA - "):
            continue
        kept.append(line)
    with tempfile.NamedTemporaryFile("w", suffix=".list", encoding="utf-8") as listing:
        listing.write("\n".join(kept) + "\n")
        listing.flush()
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--use-list={listing.name}",
                f"--dbname={dsn}",
                str(path),
            ],
            env,
            "la restauration",
        )
