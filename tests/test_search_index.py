"""The index's life: kept equal to the database, checked, rebuilt when missing or corrupt,
safe under concurrent writers and readers (both engines; the Whoosh index's files:
``whoosh_app``)."""

from __future__ import annotations

import logging
import shutil
import threading
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import select

from rida import db, search
from rida.models import Meeting, RidaRow
from tests.conftest import demo_document, import_doc, make_app
from tests.search_support import demo_with, find, index_document, reindex, rows

pytestmark = pytest.mark.both_engines  # each test with Whoosh and with PostgreSQL


def check(app: Flask) -> search.CheckReport:
    with app.app_context(), db.write_session(db.engine()) as s:
        return search.check(s)


def test_check_reports_missing_stale_and_extra_documents(whoosh_app: Flask) -> None:
    app = whoosh_app  # PostgreSQL's index never misses a change: tests/test_search_postgresql.py
    meeting_id = import_doc(app, {**demo_document(), "status": "draft", "version": "0.1"})
    report = check(app)
    assert not report.ok and len(report.missing) == 1 + 9 + 3
    assert (meeting_id, "row", 4) in report.missing and (
        meeting_id,
        "meeting",
        None,
    ) in report.missing
    reindex(app, meeting_id)
    assert check(app).ok
    with app.app_context(), db.transaction() as s:
        row = s.exec(
            select(RidaRow).where(RidaRow.meeting_id == meeting_id, RidaRow.number == 4)
        ).one()
        row.answer = "Changé"
    assert check(app).stale == [(meeting_id, "row", 4)]
    with app.app_context(), db.transaction() as s:
        s.delete(s.get(Meeting, meeting_id))
    report = check(app)
    assert len(report.extra) == 13 and not report.missing and not report.stale


def test_indexing_a_deleted_meeting_removes_it(app: Flask) -> None:
    meeting_id = index_document(app, demo_document())
    with app.app_context(), db.transaction() as s:
        s.delete(s.get(Meeting, meeting_id))
    reindex(app, meeting_id)
    assert check(app).ok and find(app, "inducteur").total == 0


def test_remove_meeting(app: Flask) -> None:
    meeting_id = index_document(app, demo_document())
    with app.app_context():
        search.remove_meeting(meeting_id)
    assert find(app, "inducteur").total == 0


def test_reindexing_replaces_a_meeting_s_documents(app: Flask) -> None:
    meeting_id = index_document(app, demo_document())
    with app.app_context(), db.transaction() as s:
        s.exec(select(RidaRow).where(RidaRow.number == 9)).one().subject = "Inducteurs bis"
    reindex(app, meeting_id)
    assert rows(find(app, "inducteur")) == [4, 5, 6, 7, 8, 9]
    assert check(app).ok


def test_rebuild_reports_progress_and_counts_meetings(app: Flask) -> None:
    ids = [
        import_doc(
            app, {**demo_document(), "status": "draft", "version": "0.1", "title": f"Atelier {i}"}
        )
        for i in range(3)
    ]
    seen: list[tuple[int, int]] = []
    with app.app_context(), db.write_session(db.engine()) as s:
        assert search.rebuild(s, lambda done, total: seen.append((done, total))) == 3
    assert seen[-1] == (3, 3)
    assert check(app).ok
    assert {h.meeting for h in find(app, "inducteur", per_page=100).hits} == set(ids)


def restart(app: Flask) -> Flask:
    with app.app_context():
        search.backend().close()
        db.engine().dispose()
    return make_app(app.config["DATA_DIR"])


def test_a_missing_index_is_rebuilt_at_start_with_a_log_line(
    whoosh_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    app = whoosh_app
    index_document(app, demo_document())
    directory = Path(app.config["DATA_DIR"]) / "search"
    with app.app_context():
        search.backend().close()
    shutil.rmtree(directory)
    with caplog.at_level(logging.WARNING, logger="rida.search"):
        again = restart(app)
    assert "absent" in caplog.text and "reconstruction depuis la base" in caplog.text
    assert rows(find(again, "inducteur")) == [4, 5, 6, 7, 8]
    with again.app_context():
        db.engine().dispose()


@pytest.mark.parametrize("damage", ["garbage", "truncate", "toc"])
def test_a_corrupt_index_is_rebuilt_at_start_with_a_log_line(
    whoosh_app: Flask, caplog: pytest.LogCaptureFixture, damage: str
) -> None:
    app = whoosh_app
    index_document(app, demo_document())
    directory = Path(app.config["DATA_DIR"]) / "search"
    with app.app_context():
        search.backend().close()
    for path in directory.iterdir():
        if damage == "toc" and path.suffix == ".toc":
            path.write_bytes(b"\x80\x04not a pickle")
        elif damage == "garbage" and path.suffix == ".seg":
            path.write_bytes(b"\x00" * 64)
        elif damage == "truncate" and path.suffix == ".seg":
            path.write_bytes(path.read_bytes()[:100])
    with caplog.at_level(logging.WARNING, logger="rida.search"):
        again = restart(app)
    assert "reconstruction depuis la base" in caplog.text
    assert rows(find(again, "inducteur")) == [4, 5, 6, 7, 8]
    with again.app_context():
        db.engine().dispose()


def test_an_unknown_backend_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="moteur de recherche inconnu « solr »"):
        make_app(tmp_path / "data", SEARCH_BACKEND="solr")


def test_the_index_directory_is_a_setting(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", SEARCH_DIR=tmp_path / "elsewhere")
    with app.app_context():
        assert search.backend().directory == tmp_path / "elsewhere"
        db.engine().dispose()
    assert (tmp_path / "elsewhere").stat().st_mode & 0o777 == 0o700


def test_concurrent_indexing_and_searching_end_equal_to_the_database(app: Flask) -> None:
    ids = [
        import_doc(app, {**demo_document(), "status": "draft", "version": "0.1"}) for _ in range(4)
    ]
    errors: list[BaseException] = []

    def edit(meeting_id: int) -> None:
        try:
            for i in range(5):
                with app.app_context(), db.transaction() as s:
                    row = s.exec(
                        select(RidaRow).where(RidaRow.meeting_id == meeting_id, RidaRow.number == 1)
                    ).one()
                    row.answer = f"Réponse {i} inducteur"
                reindex(app, meeting_id)
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    def read() -> None:
        try:
            for _ in range(10):
                find(app, "inducteur")
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=edit, args=(i,)) for i in ids]
    threads += [threading.Thread(target=read) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert check(app).ok
    # Rows 1 (edited), 4-8 and the header of each meeting.
    assert len(find(app, "inducteur", per_page=100).hits) == 4 * 7


def test_a_first_start_creates_the_index_without_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="rida.search"):
        app = make_app(tmp_path / "data")
    assert [r.levelname for r in caplog.records if r.name == "rida.search"] == ["INFO"]
    with app.app_context():
        db.engine().dispose()


def test_reindexing_never_leaves_replaced_documents_searchable(app: Flask) -> None:
    """A cached searcher must not keep documents that a re-indexing replaced (Whoosh's
    ``Searcher.refresh()`` did, and counted them twice)."""
    first = index_document(app, demo_with(status="draft", version="0.1"))
    index_document(app, demo_with(status="draft", version="0.1", title="Autre atelier"))
    before = find(app, "inducteur").total
    for _ in range(3):
        reindex(app, first)
        assert find(app, "inducteur").total == before


def damage_a_block(directory: Path) -> Path:
    """Overwrite a 4 KiB block in the middle of the largest segment file, as a failing
    disk would: Whoosh still opens and reads the index, with wrong postings."""
    segment = max(directory.glob("*.seg"), key=lambda p: p.stat().st_size)
    data = bytearray(segment.read_bytes())
    middle = len(data) // 2 // 4096 * 4096
    data[middle : middle + 4096] = bytes(b ^ 0x5A for b in data[middle : middle + 4096])
    segment.write_bytes(bytes(data))
    return segment


def test_a_damaged_segment_is_reported_by_the_check_until_rebuilt(whoosh_app: Flask) -> None:
    app = whoosh_app
    for i in range(6):
        index_document(app, demo_with(title=f"Atelier {i}", status="draft", version="0.1"))
    segment = damage_a_block(Path(app.config["DATA_DIR"]) / "search")
    report = check(app)
    assert report.damaged == [segment.name] and not report.ok
    assert not report.missing and not report.stale  # the stored fields still read fine
    with app.app_context(), db.write_session(db.engine()) as s:
        search.rebuild(s)
    assert check(app).ok
    assert len(find(app, "inducteur", per_page=100).hits) == 6 * 6


def test_each_commit_is_synced_to_disk(whoosh_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    synced: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    index_document(whoosh_app, demo_document())
    directory = str(Path(whoosh_app.config["DATA_DIR"]) / "search")
    assert any(p.endswith(".seg") for p in synced)  # the segment, before...
    assert any(".toc" in p for p in synced)  # ... the table of contents naming it
    assert directory in synced  # and the directory entries (renames)
