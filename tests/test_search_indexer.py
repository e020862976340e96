"""The indexer loop, driven by a small real index function (the search engine itself is
exercised end to end in tests/test_search_fresh.py)."""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import Session

from rida import db
from rida.meetings import editing
from rida.search import indexer as indexing
from tests.test_search_outbox import clear, parts, queued, second_meeting


class Recorder:
    """An index function that records the meeting ids it was given; it can fail on
    demand, and run a hook while "indexing" (to write concurrently)."""

    def __init__(self) -> None:
        self.calls: list[list[int]] = []
        self.failures = 0
        self.during: object = None
        self.lock = threading.Lock()

    def __call__(self, session: Session, meeting_ids: Iterable[int]) -> None:
        with self.lock:
            if self.failures:
                self.failures -= 1
                raise OSError("index en lecture seule")
            self.calls.append(list(meeting_ids))
        if callable(self.during):
            hook, self.during = self.during, None
            hook()

    def seen(self) -> set[int]:
        with self.lock:
            return {m for call in self.calls for m in call}


def wait_for(condition, timeout: float = 60.0) -> float:  # type: ignore[no-untyped-def]
    """Poll ``condition`` until true; the time it took (fails after ``timeout``, generous:
    a loaded machine must not fail these tests)."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, "condition not reached in time"
        time.sleep(0.01)
    return time.monotonic() - start


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def indexer(app: Flask, recorder: Recorder) -> Iterator[indexing.Indexer]:
    worker = indexing.Indexer(app, indexing.directory_of(app), recorder, poll=0.05, max_delay=0.2)
    yield worker
    worker.stop()


def test_a_pass_indexes_each_pending_meeting_once_and_deletes_what_it_read(
    app, demo_meeting, indexer, recorder
):
    other = second_meeting(app)
    edit_row(app, demo_meeting, "Encore")
    assert queued(app) == [demo_meeting, other, demo_meeting]
    assert indexer.drain() == 3
    assert recorder.calls == [sorted([demo_meeting, other])]
    assert queued(app) == []
    assert indexer.drain() == 0 and len(recorder.calls) == 1


def test_entries_queued_while_indexing_stay_for_the_next_pass(app, demo_meeting, indexer, recorder):
    recorder.during = lambda: edit_row(app, demo_meeting, "Pendant l'indexation")
    assert indexer.drain() == 1
    assert queued(app) == [demo_meeting]
    assert indexer.drain() == 1 and queued(app) == []


def test_an_index_error_keeps_the_entries(app, demo_meeting, indexer, recorder):
    recorder.failures = 1
    with pytest.raises(OSError):
        indexer.drain()
    assert queued(app) == [demo_meeting]
    assert indexer.drain() == 1 and queued(app) == []


def test_big_backlogs_are_drained_in_batches(app, demo_meeting, recorder):
    worker = indexing.Indexer(app, indexing.directory_of(app), recorder, batch=2)
    for i in range(4):
        edit_row(app, demo_meeting, f"Version {i}")
    assert worker.drain() == 5
    assert recorder.calls == [[demo_meeting]] * 3 and queued(app) == []


def test_only_one_process_drains_at_a_time(app, demo_meeting, indexer, recorder):
    fd = os.open(indexing.lock_path(app), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # "another process" is draining
        assert indexer.drain() == 0
        assert queued(app) == [demo_meeting] and recorder.calls == []
    finally:
        os.close(fd)
    assert indexer.drain() == 1


def test_the_lock_file_sits_beside_the_index_directory(app):
    assert indexing.lock_path(app) == Path(app.config["DATA_DIR"]) / "search.lock"
    app.config["SEARCH_DIR"] = "/srv/rida/index"
    assert indexing.lock_path(app) == Path("/srv/rida/index.lock")


def test_the_thread_replays_the_backlog_at_start_then_follows_each_commit(
    app, demo_meeting, browser, indexer, recorder
):
    indexer.start()  # the import of demo_meeting was left in the outbox: replayed
    wait_for(lambda: queued(app) == [] and recorder.seen() == {demo_meeting})
    other = second_meeting(app)
    wait_for(lambda: other in recorder.seen() and queued(app) == [])
    recorder.calls.clear()
    row = parts(app, demo_meeting)[0][0]
    response = browser.json(
        "PATCH",
        f"/api/meetings/{demo_meeting}/rows/{row['uid']}",
        {"revision": row["revision"], "fields": {"subject": "Vu"}},
    )
    assert response.status_code == 200
    wait_for(lambda: recorder.seen() == {demo_meeting})  # without a restart or a reindex
    indexer.stop()
    assert not indexer.running


def test_failures_are_logged_retried_and_never_reach_the_editor(
    app, demo_meeting, browser, indexer, recorder, caplog
):
    caplog.set_level(logging.INFO, logger="rida.search.indexer")
    clear(app)
    recorder.failures = 3
    indexer.start()
    row = parts(app, demo_meeting)[0][0]
    response = browser.json(
        "PATCH",
        f"/api/meetings/{demo_meeting}/rows/{row['uid']}",
        {"revision": row["revision"], "fields": {"subject": "Sauvé"}},
    )
    assert response.status_code == 200  # the autosave does not wait for the index
    wait_for(lambda: queued(app) == [] and recorder.seen() == {demo_meeting})

    def logged(text: str) -> bool:
        return any(text in r.getMessage() for r in list(caplog.records))

    # The recovery line is written just after the batch is done: wait for it too.
    wait_for(lambda: logged("rétablie après 3 échecs"))
    assert logged("en échec")


def test_the_indexer_is_off_under_testing_and_on_by_configuration(app, recorder):
    assert indexing.init_app(app, recorder) is None and indexing.of(app) is None
    app.config["SEARCH_INDEXER"] = True
    worker = indexing.init_app(app, recorder)
    try:
        assert worker is indexing.of(app) and worker.running
    finally:
        worker.stop()


def edit_row(app: Flask, meeting_id: int, subject: str) -> None:
    with app.app_context(), db.transaction() as s:
        row = editing.rows_of(s, meeting_id)[0]
        editing.update_row(s, row, row.revision, {"subject": subject})


def test_catching_up_drains_now_and_never_raises(app, demo_meeting, recorder, caplog):
    recorder.failures = 1
    assert indexing.catch_up(app, recorder) == 0
    assert queued(app) == [demo_meeting]
    assert "Indexation de la recherche différée (index en lecture seule)" in caplog.text
    assert indexing.catch_up(app, recorder) == 1 and queued(app) == []
