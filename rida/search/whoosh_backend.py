"""The Whoosh engine: one index directory, one writer at a time, a cached searcher per
thread refreshed when the index changed.

Whoosh allows a single writer: every write goes through ``_write_lock`` (and Whoosh's own
file lock, waited on, for other processes). Each commit is synced to disk and its segment
files' checksums recorded (:mod:`rida.search.whoosh_storage`), which :meth:`check`
(``rida search-check``) verifies. A missing, unreadable or outdated index is rebuilt from
the database at start, with a log line.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import shutil
import threading
import warnings
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy import select as core_select
from sqlmodel import Session, col, select
from whoosh import index
from whoosh.reading import ReaderClosed
from whoosh.searching import Searcher
from whoosh.writing import CLEAR

from rida.access import readable
from rida.models import Meeting, User
from rida.search import CheckReport, Query, Results
from rida.search.analysis import VERSION
from rida.search.documents import documents
from rida.search.querytext import Glossary
from rida.search.whoosh_merge import merge_tiers
from rida.search.whoosh_query import fields_of, schema
from rida.search.whoosh_results import run_search
from rida.search.whoosh_storage import DurableStorage, analysis_version, damaged, seal

log = logging.getLogger("rida.search")
INDEX_NAME = "rida"
WRITE_TIMEOUT = 30.0
BATCH = 200


def readable_meetings(session: Session, user: User | None) -> set[int]:
    """The ids of the meetings ``user`` may read (core query: no ORM loading per row)."""
    rows = session.connection().execute(core_select(col(Meeting.id)).where(readable(user)))
    return {meeting_id for (meeting_id,) in rows if meeting_id is not None}


def _close(s: Searcher) -> None:
    if not s.is_closed:
        with contextlib.suppress(ReaderClosed):
            s.close()


def _close_all(searchers: list[Searcher]) -> None:
    for s in searchers:
        _close(s)
    searchers.clear()


class WhooshBackend:
    name = "whoosh"

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.schema = schema()
        self.ix: index.Index | None = None
        self._write_lock = threading.RLock()
        self._local = threading.local()
        self._opened: list[Searcher] = []
        self._generation = 0
        weakref.finalize(self, _close_all, self._opened)

    # --- opening ---------------------------------------------------------------------

    def open(self, session: Session | None) -> None:
        """Open the index; rebuild it from the database if missing or unreadable."""
        with self._write_lock:
            problem = self._try_open()
            if problem is None:
                return
            # A first start (no index, no meeting yet) is no loss: not worth a warning.
            first_start = problem == "absent" and (
                session is None or session.exec(select(Meeting.id).limit(1)).first() is None
            )
            log.log(
                logging.INFO if first_start else logging.WARNING,
                "Index de recherche %s dans %s : reconstruction depuis la base.",
                problem,
                self.directory,
            )
            self._create()
            if session is not None:
                self.rebuild(session)

    def _try_open(self) -> str | None:
        # Whoosh leaves open the file it failed to read: ignore the warning while the
        # exception that holds it is collected.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            problem = self._open_index()
            if problem is not None:
                gc.collect()
        return problem

    def _open_index(self) -> str | None:
        try:
            if not index.exists_in(str(self.directory), indexname=INDEX_NAME):
                return "absent"
            ix = DurableStorage(str(self.directory)).open_index(INDEX_NAME)
            if (
                sorted(ix.schema.names()) != sorted(self.schema.names())
                or analysis_version(self.directory) != VERSION
            ):
                ix.close()
                return "d'une version précédente"
            with ix.searcher() as s:
                s.doc_count()
                list(s.lexicon("meeting_id"))
                for stored in s.all_stored_fields():
                    stored.get("key")
                    break
        except Exception as error:  # noqa: BLE001 (any unreadable index is rebuilt)
            return f"illisible ({type(error).__name__}: {error})"
        self._set_index(ix)
        return None

    def _create(self) -> None:
        if self.directory.exists():
            shutil.rmtree(self.directory)
        self.directory.mkdir(mode=0o700, parents=True)
        storage = DurableStorage(str(self.directory))
        self._set_index(storage.create_index(self.schema, indexname=INDEX_NAME))
        self._seal()

    def _seal(self) -> None:
        assert self.ix is not None, "search index not opened"
        seal(self.ix, self.directory, VERSION)

    def _set_index(self, ix: index.Index) -> None:
        self.ix = ix
        self._generation += 1

    def recover(self, session: Session) -> None:
        """Start again from an empty index filled from the database (after an error)."""
        with self._write_lock:
            log.warning(
                "Index de recherche en erreur dans %s : reconstruction depuis la base.",
                self.directory,
            )
            self._create()
            self.rebuild(session)

    # --- reading ---------------------------------------------------------------------

    def searcher(self) -> Searcher:
        """This thread's searcher, reopened when the index changed.

        Never ``Searcher.refresh()``: in whoosh-reloaded 2.7.5 it reuses the old segment
        readers with their old deletion lists, so a re-indexed meeting's replaced
        documents stayed searchable (counted twice). Reopening costs a few ms, once per
        change of the index, not per query."""
        local = self._local
        s: Searcher | None = getattr(local, "searcher", None)
        if s is not None and local.generation == self._generation and s.up_to_date():
            return s
        if s is not None:
            _close(s)
            if s in self._opened:
                self._opened.remove(s)
        assert self.ix is not None, "search index not opened"
        s = self.ix.searcher()
        self._opened.append(s)
        local.searcher, local.generation = s, self._generation
        return s

    def healthy(self) -> bool:
        """Whether the index on disk still opens and reads (else it is to be rebuilt)."""
        with self._write_lock:
            return self._try_open() is None

    def search(
        self, session: Session, user: User | None, query: Query, glossary: Glossary
    ) -> Results:
        readable = readable_meetings(session, user)
        return run_search(self.searcher(), query, readable, glossary)

    def close(self) -> None:
        _close_all(self._opened)
        self._local = threading.local()

    # --- writing ---------------------------------------------------------------------

    def index_meetings(self, session: Session, meeting_ids: Iterable[int]) -> None:
        """Bring the meetings' documents up to date: only those whose stamp changed are
        written again (a row saved in a 200-row meeting is one document, not 200), those
        no longer in the database are deleted."""
        ids = sorted(set(meeting_ids))
        if not ids:
            return
        fresh = {doc.key: doc for docs in documents(session, ids).values() for doc in docs}
        with self._write_lock:
            assert self.ix is not None, "search index not opened"
            stored = self._stamps(ids)
            gone = [key for key in stored if key not in fresh]
            changed = [doc for key, doc in fresh.items() if stored.get(key) != doc.stamp]
            if not gone and not changed:
                return
            writer = self.ix.writer(timeout=WRITE_TIMEOUT)
            try:
                for key in gone:
                    writer.delete_by_term("key", key)
                for doc in changed:
                    writer.update_document(**fields_of(doc))  # ``key`` is unique
            except BaseException:
                writer.cancel()
                raise
            writer.commit(mergetype=merge_tiers)
            self._seal()

    def _stamps(self, meeting_ids: list[int]) -> dict[str, str]:
        """The indexed documents of these meetings: key -> stamp (as committed last)."""
        assert self.ix is not None, "search index not opened"
        found: dict[str, str] = {}
        with self.ix.searcher() as s:
            for meeting_id in meeting_ids:
                for number in s.document_numbers(meeting_id=str(meeting_id)):
                    stored = s.stored_fields(number)
                    found[stored["key"]] = stored.get("stamp", "")
        return found

    def remove_meeting(self, meeting_id: int) -> None:
        with self._write_lock:
            assert self.ix is not None, "search index not opened"
            writer = self.ix.writer(timeout=WRITE_TIMEOUT)
            writer.delete_by_term("meeting_id", str(meeting_id))
            writer.commit(mergetype=merge_tiers)
            self._seal()

    def rebuild(self, session: Session, progress: Callable[[int, int], None] | None = None) -> int:
        """Replace the whole index by the database's documents, in one commit."""
        ids = list(session.exec(select(Meeting.id).order_by(Meeting.id)).all())
        with self._write_lock:
            assert self.ix is not None, "search index not opened"
            writer = self.ix.writer(timeout=WRITE_TIMEOUT, limitmb=128)
            done = 0
            try:
                for start in range(0, len(ids), BATCH):
                    chunk = ids[start : start + BATCH]
                    for docs in documents(session, chunk).values():
                        for doc in docs:
                            writer.add_document(**fields_of(doc))
                    done += len(chunk)
                    if progress is not None:
                        progress(done, len(ids))
            except BaseException:
                writer.cancel()
                raise
            writer.commit(mergetype=CLEAR)
            self._seal()
        if progress is not None and not ids:
            progress(0, 0)
        return len(ids)

    # --- checking --------------------------------------------------------------------

    def indexed(self) -> dict[str, tuple[tuple[int, str, int | None], str]]:
        """Every indexed document: key -> ((meeting_id, kind, key), stamp)."""
        found = {}
        s = self.searcher()
        for stored in s.all_stored_fields():
            kind = stored["kind"]
            number = stored.get("row") if kind == "row" else stored.get("action")
            found[stored["key"]] = ((int(stored["meeting_id"]), kind, number), stored["stamp"])
        return found

    def check(self, session: Session) -> CheckReport:
        report = CheckReport()
        with self._write_lock:
            assert self.ix is not None, "search index not opened"
            report.damaged.extend(damaged(self.ix, self.directory))
        report.compare(session, self.indexed(), BATCH)
        return report

    def doc_count(self) -> int:
        count: int = self.searcher().doc_count()
        return count
