"""Where each search index stands in the outbox: a position per index, not a queue.

An index kept outside the database (Whoosh: one folder per host) applies the outbox
entries above its own position, then moves its position to the last one applied. The
position is kept in two places:

- a file beside the index folder (``<index dir>.position``), written after the index's
  own commit: the index knows where it stands even if the database is restored;
- a ``search_consumer`` row named after the host and the folder, so that every host
  knows how far the slowest index is.

Entries that every index seen in the last :data:`AWAY` has passed are pruned, and the
highest id pruned is kept (row :data:`PRUNED`): an index that was away longer finds its
position below it, and is rebuilt instead of missing changes. Nobody consumes for the
others: two hosts, two indexes, each gets every change.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from pathlib import Path

from sqlalchemy import case, delete, func, select, update
from sqlmodel import Session, col

from rida.models import SearchConsumer, SearchOutbox, utcnow
from rida.search.whoosh_storage import fsync_directory

PRUNED = "(pruned)"  # the consumer row that holds the highest entry pruned
AWAY = dt.timedelta(days=7)  # an index not heard of since: no longer waited for


def file_of(directory: Path) -> Path:
    """``<index dir>.position``: beside the index folder, which a rebuild may replace."""
    return directory.with_name(directory.name + ".position")


def name_of(directory: Path) -> str:
    """The consumer's name: this host and the index folder."""
    return f"{socket.gethostname()}:{directory.resolve()}"[:300]


def read(directory: Path) -> int:
    """The last entry the index in ``directory`` applied (0: none known)."""
    try:
        found = json.loads(file_of(directory).read_text())
        return int(found["position"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def write(directory: Path, position: int) -> None:
    """Record ``position`` durably (after the index's commit: a crash in between only
    applies some entries twice, which is harmless)."""
    path = file_of(directory)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w") as out:
        json.dump({"position": position}, out)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
    fsync_directory(path.parent)


def last_id(session: Session) -> int:
    """The newest entry committed, or pruned (0 if none): what a rebuild starting now
    covers."""
    newest = int(session.execute(select(func.max(col(SearchOutbox.id)))).scalar() or 0)
    pruned = session.get(SearchConsumer, PRUNED)
    return max(newest, pruned.position if pruned else 0)


def after(session: Session, position: int, limit: int) -> list[tuple[int, int]]:
    """The ``limit`` entries above ``position``, oldest first, as ``(id, meeting id)``."""
    found = session.execute(
        select(col(SearchOutbox.id), col(SearchOutbox.meeting_id))
        .where(col(SearchOutbox.id) > position)
        .order_by(col(SearchOutbox.id))
        .limit(limit)
    )
    return [(int(entry), int(meeting)) for entry, meeting in found.all()]


def waiting(session: Session, position: int) -> int:
    """How many entries an index at ``position`` has still to apply."""
    count = select(func.count()).select_from(SearchOutbox).where(col(SearchOutbox.id) > position)
    return int(session.execute(count).scalar() or 0)


def behind(session: Session, position: int) -> bool:
    """Whether entries above ``position`` were pruned before this index applied them."""
    pruned = session.get(SearchConsumer, PRUNED)
    return pruned is not None and position < pruned.position


def advance(session: Session, name: str, position: int) -> None:
    """Record where the index ``name`` stands, then prune what every index has passed
    (in the caller's write transaction)."""
    now = utcnow()
    found = session.get(SearchConsumer, name)
    if found is None:
        session.add(SearchConsumer(name=name, position=position, seen_at=now))
    else:
        found.position, found.seen_at = position, now
    session.flush()
    _prune(session, now)


def _prune(session: Session, now: dt.datetime) -> None:
    active = select(func.min(col(SearchConsumer.position))).where(
        col(SearchConsumer.name) != PRUNED, col(SearchConsumer.seen_at) >= now - AWAY
    )
    slowest = session.execute(active).scalar()
    if not slowest:
        return
    session.execute(delete(SearchOutbox).where(col(SearchOutbox.id) <= slowest))
    highest = case((col(SearchConsumer.position) < slowest, slowest), else_=SearchConsumer.position)
    session.execute(
        update(SearchConsumer)
        .where(col(SearchConsumer.name) == PRUNED)
        .values(position=highest, seen_at=now)
    )
