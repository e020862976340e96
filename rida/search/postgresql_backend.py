"""The PostgreSQL engine: the index is a table of the database (migration 0015), written
by each change's own transaction (:mod:`rida.search.postgresql_index`), searched with
the access rule in the same statement (:mod:`rida.search.postgresql_results`).

Nothing to keep fresh, no file, no lock of its own: a search sees exactly what its
transaction sees. At start, an index never built (the first start after the migration:
``search_state`` records no analysis) or built by another version of the analysis is
rebuilt, with a log line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, delete, func, select
from sqlmodel import Session, col

from rida import db
from rida.models import Meeting, User
from rida.search import CheckReport, Query, Results
from rida.search.analysis import VERSION
from rida.search.postgresql_index import analysis_version, rebuild, write_meetings
from rida.search.postgresql_results import run_search
from rida.search.postgresql_tables import DOCUMENT
from rida.search.querytext import Glossary

log = logging.getLogger("rida.search")
BATCH = 200


class PostgresqlBackend:
    name = "postgresql"

    def __init__(self, directory: Path):
        self.directory = directory  # unused: the index is in the database
        self._engine: Engine | None = None

    def engine(self) -> Engine:
        return self._engine or db.engine()

    @contextmanager
    def writing(self, session: Session) -> Iterator[Session]:
        """A session whose transaction writes the index: ``session`` itself if it is a
        write session (committed with it), else a transaction of its own."""
        if session.info.get(db.WRITE):
            yield session
            return
        with self.engine().begin() as conn, Session(bind=conn) as own:
            yield own

    def open(self, session: Session | None) -> None:
        if session is None:
            return
        bind = session.get_bind()
        self._engine = bind if isinstance(bind, Engine) else bind.engine
        conn = session.connection()
        version = analysis_version(conn)
        if version == VERSION:
            return
        problem = "vide" if version is None else "construit par une version précédente de l'analyse"
        has_meetings = conn.execute(select(col(Meeting.id)).limit(1)).first() is not None
        session.rollback()  # the check's snapshot: the rebuild reads afresh
        log.log(
            logging.WARNING if has_meetings else logging.INFO,
            "Index de recherche PostgreSQL %s : reconstruction depuis la base.",
            problem,
        )
        self.rebuild(session)

    def search(
        self, session: Session, user: User | None, query: Query, glossary: Glossary
    ) -> Results:
        with session.begin_nested():  # an error leaves the caller's transaction usable
            return run_search(session.connection(), user, query, glossary)

    def healthy(self) -> bool:
        try:
            with self.engine().connect() as conn:
                conn.execute(select(DOCUMENT.c.key).limit(1)).all()
        except Exception:  # noqa: BLE001 (whatever the reason, unusable)
            return False
        return True

    def recover(self, session: Session) -> None:
        log.warning("Index de recherche PostgreSQL en erreur : reconstruction depuis la base.")
        self.rebuild(session)

    def index_meetings(self, session: Session, meeting_ids: Iterable[int]) -> None:
        with self.writing(session) as writer:
            write_meetings(writer, meeting_ids)

    def remove_meeting(self, meeting_id: int) -> None:
        with self.engine().begin() as conn:
            conn.execute(delete(DOCUMENT).where(DOCUMENT.c.meeting_id == meeting_id))

    def rebuild(self, session: Session, progress: Callable[[int, int], None] | None = None) -> int:
        """Replace the whole index by the database's documents, in one transaction."""
        with self.writing(session) as writer:
            ids = list(writer.execute(select(col(Meeting.id)).order_by(col(Meeting.id))).scalars())
            rebuild(writer, ids, progress, BATCH, forget=writer is not session)
        if progress is not None and not ids:
            progress(0, 0)
        return len(ids)

    def check(self, session: Session) -> CheckReport:
        report = CheckReport()
        conn = session.connection()
        indexed = {
            key: ((meeting, kind, row if kind == "row" else action), stamp)
            for key, meeting, kind, row, action, stamp in conn.execute(
                select(
                    DOCUMENT.c.key,
                    DOCUMENT.c.meeting_id,
                    DOCUMENT.c.kind,
                    DOCUMENT.c.row,
                    DOCUMENT.c.action,
                    DOCUMENT.c.stamp,
                )
            )
        }
        report.compare(session, indexed, BATCH)
        return report

    def doc_count(self) -> int:
        with self.engine().connect() as conn:
            return int(conn.execute(select(func.count()).select_from(DOCUMENT)).scalar() or 0)

    def close(self) -> None:
        pass
