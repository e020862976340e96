"""How long the change log keeps its entries.

The log serves streams that catch up (``Last-Event-ID``): after a dropped connection or a
restarted server, minutes; after a laptop closed for the night, hours. Entries older than
``RIDA_LIVE_RETENTION_HOURS`` are deleted, so the table stays the size of a few days of
work whatever the age of the instance. A stream that asks for entries older than the
oldest one kept starts afresh (a ``hello``: the client loads the meeting again,
:func:`pruned_since`), so a pruned entry is never silently missed.

The pruning runs after a commit that wrote entries, at most once every
:data:`PRUNE_EVERY` seconds per process and not in its first :data:`FIRST_AFTER` seconds
(a command's short life never prunes), in a thread of its own (the save that triggered it
does not wait). The newest entry is always kept: sequence numbers never go back
(SQLite's ``AUTOINCREMENT`` and PostgreSQL's sequence would not anyway).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import weakref

from sqlalchemy import Engine, delete, func, select

from rida import db
from rida.live.changes import CHANGES as TABLE
from rida.live.changes import add_pruner
from rida.models import utcnow

log = logging.getLogger(__name__)

PRUNE_EVERY = 3600.0  # seconds, per process
FIRST_AFTER = 60.0  # seconds after the app is made

_hours: weakref.WeakKeyDictionary[Engine, float] = weakref.WeakKeyDictionary()
_last: weakref.WeakKeyDictionary[Engine, float] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def init_app(app: db.App) -> None:
    """Prune the change log of the app's database (after :func:`rida.db.init_app`)."""
    engine = app.extensions["rida.engine"]
    _hours[engine] = float(app.config.get("LIVE_RETENTION_HOURS", 48))
    with _lock:
        _last[engine] = time.monotonic() - PRUNE_EVERY + FIRST_AFTER


def prune(engine: Engine, hours: float, now: dt.datetime | None = None) -> int:
    """Delete the entries older than ``hours`` (the newest kept); how many went."""
    cutoff = (now or utcnow()) - dt.timedelta(hours=hours)
    # A write transaction from its start (SQLite: BEGIN IMMEDIATE, waiting its turn).
    with engine.execution_options(**{db.WRITE_OPTION: True}).begin() as conn:
        newest = conn.execute(select(func.max(TABLE.c.seq))).scalar()
        if newest is None:
            return 0
        kept = select(func.min(TABLE.c.seq)).where(TABLE.c.at >= cutoff).scalar_subquery()
        keep_from = func.coalesce(kept, newest)
        return conn.execute(delete(TABLE).where(TABLE.c.seq < keep_from)).rowcount or 0


def pruned_since(engine: Engine, since: int) -> bool:
    """Whether entries above ``since`` may have been pruned (then a stream starts afresh)."""
    with engine.connect() as conn:
        oldest = conn.execute(select(func.min(TABLE.c.seq))).scalar()
    return oldest is not None and oldest > since + 1


def _due(engine: Engine) -> None:
    """After a commit that wrote entries: prune in the background if it is time."""
    hours = _hours.get(engine)
    if hours is None:
        return
    now = time.monotonic()
    with _lock:
        if now < _last[engine] + PRUNE_EVERY:
            return
        _last[engine] = now
    threading.Thread(target=_run, args=(engine, hours), name="rida-live-prune", daemon=True).start()


def _run(engine: Engine, hours: float) -> None:
    try:
        gone = prune(engine, hours)
    except Exception:  # the next commit's turn, an hour later: nothing depends on it now
        log.exception("Élagage du journal des changements en échec.")
        return
    if gone:
        log.info("Journal des changements : %d entrées de plus de %g h supprimées.", gone, hours)


add_pruner(_due)
