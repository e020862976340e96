"""Never stale, end to end: the real app with its indexer thread, the real Whoosh index.

Every wait polls the search until the expected answer comes (never sleep-and-hope), with
a generous deadline: the indexer thread (polling every 0.1 s here) must make an edit
searchable by itself, without a reindex. How fast is measured by benchmarks, not asserted
here: a loaded machine would make a timed assertion fail."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import select

from rida import db, search
from rida.models import SearchOutbox, User
from rida.search import Query
from rida.search import indexer as indexing
from tests.conftest import Browser, make_app
from tests.test_search_outbox import parts

LIVE = {"SEARCH_INDEXER": True, "SEARCH_INDEXER_POLL": 0.1, "SEARCH_INDEXER_MAX_DELAY": 0.5}


def live_app(data_dir: Path) -> Flask:
    return make_app(data_dir, **LIVE)


def close(app: Flask) -> None:
    worker = indexing.of(app)
    if worker is not None:
        worker.stop()
    with app.app_context():
        db.engine().dispose()


@pytest.fixture
def live(tmp_path: Path, template_db: Path) -> Iterator[Flask]:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(template_db, data_dir / "rida.sqlite3")
    app = live_app(data_dir)
    yield app
    close(app)


def found(app: Flask, text: str) -> set[tuple[int, str, int | None]]:
    """(meeting, kind, row) of every hit an admin gets for ``text``."""
    with app.app_context(), db.read_session(db.engine()) as s:
        admin = s.exec(select(User).where(User.login == "admin")).one()
        results = search.search(s, admin, Query(text, per_page=100))
        return {(h.meeting, h.kind, h.row) for h in results.hits}


def pending(app: Flask) -> int:
    with app.app_context(), db.read_session(db.engine()) as s:
        return len(s.exec(select(SearchOutbox.id)).all())


def in_sync(app: Flask) -> bool:
    with app.app_context(), db.read_session(db.engine()) as s:
        return search.check(s).ok


def wait_for(condition, timeout: float = 60.0) -> float:  # type: ignore[no-untyped-def]
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, "not reached in time"
        time.sleep(0.01)
    return time.monotonic() - start


def edit_subject(browser: Browser, app: Flask, meeting_id: int, index: int, subject: str):  # type: ignore[no-untyped-def]
    row = parts(app, meeting_id)[0][index]
    return browser.json(
        "PATCH",
        f"/api/meetings/{meeting_id}/rows/{row['uid']}",
        {"revision": row["revision"], "fields": {"subject": subject}},
    )


def create_demo(browser: Browser) -> int:
    from tests.conftest import draft_document

    response = browser.json("POST", "/api/meetings", draft_document())
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_an_edit_through_the_api_is_searchable_without_a_reindex(live, caplog):
    browser = Browser(live.test_client()).login("admin")
    assert found(live, "bilatéral") == set()  # a searcher opened on the empty index...
    meeting = create_demo(browser)
    wait_for(lambda: (meeting, "row", 8) in found(live, "bilatéral"))
    response = edit_subject(browser, live, meeting, 2, "Xylophone quantique")
    assert response.status_code == 200
    wait_for(lambda: (meeting, "row", 3) in found(live, "xylophone"))
    wait_for(lambda: pending(live) == 0)
    assert in_sync(live)
    assert "en erreur" not in caplog.text  # ... is refreshed, never "recovered"


def test_a_crash_leaves_the_outbox_which_is_replayed_at_start(tmp_path, template_db):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(template_db, data_dir / "rida.sqlite3")
    first = live_app(data_dir)
    browser = Browser(first.test_client()).login("admin")
    meeting = create_demo(browser)
    wait_for(lambda: pending(first) == 0 and (meeting, "row", 8) in found(first, "bilatéral"))
    indexing.of(first).stop()  # the indexer dies with the process: the change stays queued
    assert edit_subject(browser, first, meeting, 0, "Ornithorynque").status_code == 200
    assert pending(first) == 1 and found(first, "ornithorynque") == set()
    assert not in_sync(first)
    close(first)

    restarted = live_app(data_dir)
    try:
        wait_for(lambda: (meeting, "row", 1) in found(restarted, "ornithorynque"))
        wait_for(lambda: pending(restarted) == 0)
        assert in_sync(restarted)
    finally:
        close(restarted)


def test_concurrent_editors_and_searchers_end_with_index_equal_to_database(live):
    admin = Browser(live.test_client()).login("admin")
    meetings = [create_demo(admin) for _ in range(3)]
    errors: list[BaseException] = []
    stop = threading.Event()

    def editor(meeting: int) -> None:
        browser = Browser(live.test_client()).login("admin")
        try:
            for i in range(12):
                response = edit_subject(browser, live, meeting, i % 9, f"Sujet {meeting} n{i}")
                assert response.status_code == 200, response.get_json()
        except BaseException as e:  # reported below
            errors.append(e)

    def searcher() -> None:
        try:
            while not stop.is_set():
                found(live, "sujet")
                found(live, '"nombre de domaines"')
        except BaseException as e:
            errors.append(e)

    searchers = [threading.Thread(target=searcher) for _ in range(2)]
    editors = [threading.Thread(target=editor, args=(m,)) for m in meetings]
    for t in searchers + editors:
        t.start()
    for t in editors:
        t.join(60)
    stop.set()
    for t in searchers:
        t.join(60)
    assert errors == []
    wait_for(lambda: pending(live) == 0)
    assert in_sync(live)
    for meeting in meetings:  # the last subject of row 3 (i = 11 → row 11 % 9 + 1 = 3)
        assert (meeting, "row", 3) in found(live, f'"sujet {meeting} n11"')


def test_autosave_works_while_the_index_cannot_be_written_and_catches_up_after(live):
    browser = Browser(live.test_client()).login("admin")
    meeting = create_demo(browser)
    wait_for(lambda: pending(live) == 0)
    with live.app_context():
        index_dir = search.backend().directory
    with unwritable(index_dir):
        for i in range(3):
            response = edit_subject(browser, live, meeting, i, f"Hippocampe {i}")
            assert response.status_code == 200  # saved, without waiting for the index
        time.sleep(0.5)  # several failed passes of the indexer
        assert pending(live) >= 1
    wait_for(lambda: pending(live) == 0)
    assert {(meeting, "row", n) for n in (1, 2, 3)} <= found(live, "hippocampe")
    assert in_sync(live)


class unwritable:  # noqa: N801 (a context manager used like a function)
    """Make ``directory`` unwritable: ``chmod 0500``, or, for root (whom permissions do not
    stop), a plain file put in its place."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.aside = directory.with_name(directory.name + ".aside")

    def __enter__(self) -> None:
        if os.geteuid() == 0:
            self.directory.rename(self.aside)
            self.directory.write_text("pas un dossier")
        else:
            self.directory.chmod(0o500)

    def __exit__(self, *_exc: object) -> None:
        if os.geteuid() == 0:
            self.directory.unlink()
            self.aside.rename(self.directory)
        else:
            self.directory.chmod(0o700)
