"""The change log keeps RIDA_LIVE_RETENTION_HOURS of entries (rida.live.retention); a
stream older than what is kept starts afresh (tests/test_live_stream.py)."""

from __future__ import annotations

import datetime as dt
import time

from sqlalchemy import func, select, update

from rida import db
from rida.live import retention
from rida.live.changes import CHANGES
from rida.meetings import editing
from rida.models import utcnow


def _seqs(app) -> list[int]:
    with app.app_context(), db.engine().connect() as conn:
        return list(conn.execute(select(CHANGES.c.seq).order_by(CHANGES.c.seq)).scalars())


def _save(app, meeting_id: int, text: str) -> None:
    with app.app_context(), db.transaction() as s:
        row = editing.rows_of(s, meeting_id)[0]
        editing.update_row(s, row, row.revision, {"answer": text})


def _age(app, seqs: list[int], hours: float) -> None:
    with app.app_context(), db.engine().begin() as conn:
        old = utcnow() - dt.timedelta(hours=hours)
        conn.execute(update(CHANGES).where(CHANGES.c.seq.in_(seqs)).values(at=old))


def test_entries_older_than_the_retention_go_the_others_stay(app, demo_meeting):
    for k in range(4):
        _save(app, demo_meeting, f"v{k}")
    seqs = _seqs(app)
    _age(app, seqs[:-2], hours=49)
    with app.app_context():
        assert retention.prune(db.engine(), 48) == len(seqs) - 2
    assert _seqs(app) == seqs[-2:]


def test_the_newest_entry_is_kept_and_seqs_never_go_back(app, demo_meeting):
    for k in range(3):
        _save(app, demo_meeting, f"v{k}")
    seqs = _seqs(app)
    _age(app, seqs, hours=100)
    with app.app_context():
        retention.prune(db.engine(), 48)
        assert not retention.pruned_since(db.engine(), seqs[-1])
        assert retention.pruned_since(db.engine(), seqs[0])
    assert _seqs(app) == seqs[-1:]
    _save(app, demo_meeting, "after")
    assert _seqs(app)[-1] > seqs[-1]


def test_an_empty_log_prunes_nothing(app):
    with app.app_context(), db.engine().begin() as conn:
        conn.execute(CHANGES.delete())
    with app.app_context():
        assert retention.prune(db.engine(), 48) == 0
        assert not retention.pruned_since(db.engine(), 0)


def test_no_pruning_in_the_first_minute(app, demo_meeting):
    _save(app, demo_meeting, "first")
    seqs = _seqs(app)
    _age(app, seqs, hours=49)
    _save(app, demo_meeting, "second")
    time.sleep(0.5)
    assert set(seqs) <= set(_seqs(app))


def test_a_save_prunes_in_the_background_at_most_once_an_hour(app, demo_meeting):
    _save(app, demo_meeting, "first")
    seqs = _seqs(app)
    _age(app, seqs, hours=49)
    with app.app_context():
        retention._last[db.engine()] -= retention.PRUNE_EVERY  # as if an hour had gone by
    _save(app, demo_meeting, "second")  # commits entries: the pruning starts
    deadline = time.monotonic() + 30
    while set(_seqs(app)) & set(seqs) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not set(_seqs(app)) & set(seqs)
    newer = _seqs(app)
    _age(app, newer, hours=49)
    _save(app, demo_meeting, "third")  # within the hour: no second pruning
    time.sleep(0.5)
    assert set(newer) <= set(_seqs(app))
    with app.app_context(), db.engine().connect() as conn:
        assert conn.execute(select(func.count()).select_from(CHANGES)).scalar() == len(newer) + 1
