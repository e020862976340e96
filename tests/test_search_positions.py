"""Several search indexes on one database (one per host): each follows the outbox from its
own position, nobody drains it for the others, and an index away for too long is rebuilt.

Two apps on one SQLite file with two index folders stand for two hosts; the real Whoosh
index answers. (The ids' commit order needs no test of its own: SQLite has one writer;
on PostgreSQL the entries are inserted under the commit-order lock, which an audited
write transaction already holds from its first flush.)"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import update
from sqlmodel import col, select

from rida import db, search
from rida.meetings import editing
from rida.models import SearchConsumer, SearchOutbox, User, utcnow
from rida.search import Query, indexer, positions
from tests.conftest import make_app

URL = os.environ.get("RIDA_TEST_POSTGRES_URL", "")


@pytest.fixture
def host_b(app: Flask) -> Iterator[Flask]:
    """A second server on the same database, with its own index folder."""
    data_dir = Path(app.config["DATA_DIR"])
    other = make_app(data_dir, SEARCH_DIR=data_dir.parent / "host-b" / "search")
    yield other
    with other.app_context():
        db.engine().dispose()


def rename_subject(app: Flask, meeting_id: int, subject: str) -> None:
    with app.app_context(), db.transaction() as s:
        row = editing.rows_of(s, meeting_id)[0]
        editing.update_row(s, row, row.revision, {"subject": subject})


def hits(app: Flask, words: str) -> int:
    with app.app_context(), db.read_session(db.engine()) as s:
        admin = s.exec(select(User).where(User.login == "admin")).one()
        return search.search(s, admin, Query(text=words)).total


def entries(app: Flask) -> list[int]:
    with app.app_context(), db.read_session(db.engine()) as s:
        return list(s.exec(select(SearchOutbox.id).order_by(col(SearchOutbox.id))).all())


def catch_up(app: Flask) -> int:
    return indexer.catch_up(app)


def test_two_indexes_each_get_every_change(app, host_b, demo_meeting):
    catch_up(app), catch_up(host_b)  # both indexes start level with the database
    rename_subject(app, demo_meeting, "Ornithorynque")
    assert catch_up(app) == 1
    assert hits(app, "ornithorynque") == 1
    assert entries(app), "kept: host B has not applied it yet"
    assert catch_up(host_b) == 1  # host A did not consume it for B
    assert hits(host_b, "ornithorynque") == 1
    assert entries(app) == []  # every index has passed it: pruned


def test_the_position_is_kept_beside_the_index_and_in_the_database(app, demo_meeting):
    catch_up(app)
    rename_subject(app, demo_meeting, "Ornithorynque")
    catch_up(app)
    directory = indexer.directory_of(app)
    position = positions.read(directory)
    assert position > 0
    assert positions.file_of(directory).parent == directory.parent
    with app.app_context(), db.read_session(db.engine()) as s:
        row = s.get(SearchConsumer, positions.name_of(directory))
        assert row is not None and row.position == position
        assert positions.waiting(s, position) == 0


def test_an_index_away_too_long_no_longer_holds_entries_and_is_rebuilt(app, host_b, demo_meeting):
    catch_up(app), catch_up(host_b)
    with app.app_context(), db.transaction() as s:  # host B last seen eight days ago
        name = positions.name_of(indexer.directory_of(host_b))
        old = utcnow() - positions.AWAY - dt.timedelta(days=1)
        s.execute(update(SearchConsumer).where(SearchConsumer.name == name).values(seen_at=old))
    rename_subject(app, demo_meeting, "Ornithorynque")
    catch_up(app)
    assert entries(app) == []  # pruned without waiting for host B
    with app.app_context(), db.read_session(db.engine()) as s:
        assert positions.behind(s, positions.read(indexer.directory_of(host_b)))
    assert hits(host_b, "ornithorynque") == 0
    catch_up(host_b)  # behind what was pruned: rebuilt from the database
    assert hits(host_b, "ornithorynque") == 1
    with host_b.app_context(), db.read_session(db.engine()) as s:
        assert not positions.behind(s, positions.read(indexer.directory_of(host_b)))


def test_a_rebuild_moves_the_position_past_what_it_covers(app, demo_meeting):
    rename_subject(app, demo_meeting, "Ornithorynque")
    with app.app_context(), db.transaction() as s:
        newest = positions.last_id(s)
        search.rebuild(s)
    assert positions.read(indexer.directory_of(app)) == newest
    assert catch_up(app) == 0  # nothing applied twice
    assert hits(app, "ornithorynque") == 1


def test_a_new_index_after_everything_was_pruned_is_rebuilt_once(app, host_b, demo_meeting):
    catch_up(app)
    rename_subject(app, demo_meeting, "Ornithorynque")
    catch_up(app)  # host B never seen: its entries pruned
    assert entries(app) == []
    assert catch_up(host_b) == 1  # rebuilt (it was behind)
    assert catch_up(host_b) == 0  # and level now: no rebuild loop
    assert hits(host_b, "ornithorynque") == 1
