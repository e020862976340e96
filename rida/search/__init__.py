"""Full-text search across every workshop: the one interface views, CLI and indexer use.

The engine sits behind these few functions (microblog's pattern), chosen by the setting
``RIDA_SEARCH_BACKEND`` (default: ``postgresql`` on a PostgreSQL database, ``whoosh``
otherwise), so that another engine can be added without touching views. The database is
the source of truth: the index is derived and can be rebuilt at any time. Whoosh's is
kept fresh by the outbox (``rida/search/outbox.py``) and the indexer thread;
PostgreSQL's is a table written in the transaction of each change
(``rida/search/postgresql_index.py``).

What is indexed: every RIDA row, every action and each meeting's header. A hit points at
the exact row or action. Results only include what the searching account may read
(``rida.access.readable``), hits, snippets and facet counts alike.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import threading
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

    from rida.db import App
    from rida.models import User
    from rida.search.querytext import Glossary

Kind = Literal["row", "action", "meeting"]
SORTS = ("relevance", "date")
FACETS = ("nature", "series", "organisation", "year")


@dataclass(frozen=True)
class Filters:
    """Applied as filters (they restrict, they do not score)."""

    series: tuple[str, ...] = ()
    nature: tuple[str, ...] = ()  # "I", "D", "A", or "none" for rows without one
    meeting_type: tuple[str, ...] = ()
    organisation: tuple[str, ...] = ()  # participants' and owners' entities
    status: tuple[str, ...] = ()  # meeting status: draft, review, validated
    classification: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class Query:
    text: str
    filters: Filters = field(default_factory=Filters)
    sort: str = "relevance"  # one of SORTS
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class Hit:
    meeting: int  # meeting id
    kind: Kind
    row: int | None  # RIDA row number (kind "row")
    action: int | None  # action id (kind "action")
    title: str  # row subject, action title or meeting title
    snippet: str  # HTML: escaped text, matches in <mark>
    meeting_title: str
    series: str
    date: dt.date
    nature: str | None = None
    score: float = 0.0
    title_html: str = ""  # HTML: escaped title, matches in <mark>


@dataclass
class Results:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]  # FACETS -> [(value, count)], readable only
    suggestion: str | None = None  # a corrected query when nothing matched
    message: str | None = None  # French, e.g. why a query was simplified
    total_is_exact: bool = True  # False: at least ``total`` (« plus de »)


Ident = tuple[int, str, int | None]  # (meeting_id, kind, row number or action id or None)


@dataclass
class CheckReport:
    """Differences between the index and the database, as ``(meeting_id, kind, key)``:
    key is the row number, the action id, or None for a meeting's header."""

    missing: list[tuple[int, str, int | None]] = field(default_factory=list)
    extra: list[tuple[int, str, int | None]] = field(default_factory=list)
    stale: list[tuple[int, str, int | None]] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)  # index files failing their checksum

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.stale or self.damaged)

    def compare(
        self, session: Session, indexed: dict[str, tuple[Ident, str]], batch: int = 200
    ) -> None:
        """Add what differs between the database's documents and ``indexed`` (an engine's
        documents: key -> (ident, stamp)), reading the meetings ``batch`` at a time."""
        from sqlmodel import col, select

        from rida.models import Meeting
        from rida.search.documents import documents

        found = session.exec(select(col(Meeting.id)).order_by(col(Meeting.id))).all()
        ids = [meeting_id for meeting_id in found if meeting_id is not None]
        seen: set[str] = set()
        for start in range(0, len(ids), batch):
            for docs in documents(session, ids[start : start + batch]).values():
                for doc in docs:
                    seen.add(doc.key)
                    if doc.key not in indexed:
                        self.missing.append(doc.ident)
                    elif indexed[doc.key][1] != doc.stamp:
                        self.stale.append(doc.ident)
        self.extra.extend(ident for key, (ident, _) in indexed.items() if key not in seen)


class Backend(Protocol):
    """A search engine (``BACKENDS``), over the index of one app."""

    def open(self, session: Session | None) -> None: ...

    def search(
        self, session: Session, user: User | None, query: Query, glossary: Glossary
    ) -> Results: ...

    def healthy(self) -> bool: ...

    def recover(self, session: Session) -> None: ...

    def index_meetings(self, session: Session, meeting_ids: Iterable[int]) -> None: ...

    def remove_meeting(self, meeting_id: int) -> None: ...

    def rebuild(
        self, session: Session, progress: Callable[[int, int], None] | None = None
    ) -> int: ...

    def check(self, session: Session) -> CheckReport: ...

    def close(self) -> None: ...


# Engines by name (setting RIDA_SEARCH_BACKEND): "module:class", built with the index dir.
BACKENDS = {
    "whoosh": "rida.search.whoosh_backend:WhooshBackend",
    "postgresql": "rida.search.postgresql_backend:PostgresqlBackend",
}
# The engines whose index is written in the transaction of each change (no outbox).
IN_TRANSACTION = {"postgresql": "rida.search.postgresql_index:write_meetings"}
EXTENSION = "rida.search"
log = logging.getLogger("rida.search")


def known(name: str) -> None:
    """A clear error for an unknown engine."""
    if name not in BACKENDS:
        raise ValueError(
            f"RIDA_SEARCH_BACKEND : moteur de recherche inconnu « {name} » "
            f"(connus : {', '.join(sorted(BACKENDS))})."
        )


def make_backend(name: str, directory: Path) -> Backend:
    known(name)
    module, cls = BACKENDS[name].split(":")
    found: Backend = getattr(importlib.import_module(module), cls)(directory)
    return found


def backend_name(app: App) -> str:
    """The app's engine: ``RIDA_SEARCH_BACKEND``, else PostgreSQL's own on a PostgreSQL
    database and Whoosh on SQLite."""
    chosen: str | None = app.config.get("SEARCH_BACKEND")
    if chosen:
        return chosen
    engine: Engine = app.extensions["rida.engine"]
    return "postgresql" if engine.dialect.name == "postgresql" else "whoosh"


def in_transaction(app: App) -> bool:
    """Whether the app's index is written by each change's own transaction (then there
    is no outbox to drain, no indexer thread)."""
    return backend_name(app) in IN_TRANSACTION


def init_app(app: App, *, lazy: bool = False) -> None:
    """Open the app's index (rebuilt from the database if missing or corrupt); ``lazy``
    (a command): only when first used, so that a command that never searches nor changes
    a meeting does not load the engine. An engine indexing in the transaction of each
    change is hooked to the write sessions now, lazy or not."""
    from rida.search import outbox

    name = backend_name(app)
    known(name)
    engine: Engine = app.extensions["rida.engine"]
    if name == "postgresql" and engine.dialect.name != "postgresql":
        raise ValueError(
            "RIDA_SEARCH_BACKEND : le moteur « postgresql » demande une base PostgreSQL "
            "(RIDA_DATABASE_URL)."
        )
    if name in IN_TRANSACTION:
        module, function = IN_TRANSACTION[name].split(":")
        write = getattr(importlib.import_module(module), function)
        outbox.index_in_transaction(engine, write)
    app.extensions[EXTENSION] = _Unopened() if lazy else _open(app, exclusive=True)


class _Unopened:
    """The index of a lazy app, before its first use."""

    lock = threading.Lock()


def _open(app: App, *, exclusive: bool = False) -> Backend:
    """Open the app's index (creating or rebuilding it if needed); ``exclusive``: under
    the indexers' lock, so that the processes of one server (web, indexing) starting
    together never create one index folder at once."""
    from rida import db
    from rida.search import indexer

    directory = Path(app.config.get("SEARCH_DIR") or Path(app.config["DATA_DIR"]) / "search")
    engine = app.extensions["rida.engine"]
    found = make_backend(backend_name(app), directory)
    with indexer.exclusive(app) if exclusive else nullcontext():
        if db.is_initialised(engine):
            with db.read_session(engine) as session:
                found.open(session)
        else:
            found.open(None)
    return found


def backend() -> Backend:
    """The current app's search engine."""
    from rida import db

    found = db.extension(EXTENSION)
    if isinstance(found, _Unopened):
        with _Unopened.lock:
            app = db.current_app_object()
            found = app.extensions[EXTENSION]
            if isinstance(found, _Unopened):
                found = app.extensions[EXTENSION] = _open(app)
    opened: Backend = found
    return opened


def search(session: Session, user: User | None, query: Query) -> Results:
    """The hits ``user`` may read; bad query text gives a French ``message``, not an error."""
    from rida.search import glossary

    engine = backend()
    terms = glossary.load(session)
    try:
        return engine.search(session, user, query, terms)
    except Exception:
        # Only an unreadable index is rebuilt (minutes on a large archive): any other
        # failure is logged and answered with a message, never an error page.
        if engine.healthy():
            log.exception("Recherche en erreur (index lisible, non reconstruit).")
            return Results(
                total=0,
                hits=[],
                facets={name: [] for name in FACETS},
                message="La recherche n'a pas pu aboutir. Réessayez ou simplifiez la requête.",
            )
        log.exception("Index de recherche illisible : reconstruction depuis la base.")
        engine.recover(session)
        return engine.search(session, user, query, terms)


def index_meetings(session: Session, meeting_ids: Iterable[int]) -> None:
    """(Re)index every document of these meetings; one that no longer exists is removed."""
    backend().index_meetings(session, meeting_ids)


def remove_meeting(meeting_id: int) -> None:
    backend().remove_meeting(meeting_id)


def rebuild(session: Session, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the whole index from the database; the number of meetings indexed.

    The outbox entries committed before the rebuild started are covered by it: the
    index's position moves past them afterwards, else the indexer would index every
    meeting of a bulk import a second time, one batch after another (minutes on a large
    archive, during which autosaves wait for their turn). Entries queued during the
    rebuild stay above it. An engine indexing in each change's transaction has none."""
    from rida import db
    from rida.search import indexer, positions

    app = db.current_app_object()
    covered = None if in_transaction(app) else positions.last_id(session)
    count = backend().rebuild(session, progress)
    if covered is not None:
        directory = indexer.directory_of(app)
        positions.write(directory, covered)
        if session.info.get(db.WRITE):  # a write session: in its transaction
            positions.advance(session, positions.name_of(directory), covered)
        else:
            with db.write_session(db.engine()) as writer:
                positions.advance(writer, positions.name_of(directory), covered)
    return count


def check(session: Session) -> CheckReport:
    return backend().check(session)
