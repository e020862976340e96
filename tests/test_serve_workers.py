"""``rida serve --workers 2``: two processes (gunicorn) behind one port, on one database.

Every request opens a connection of its own, so the two workers share the traffic: the
streams opened below are held by both, the saves land on either. Whichever worker takes a
save, every stream sees its change once (each worker follows the change log); edits sent
at once through both all land; SIGTERM ends the streams and stops every process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from rida import db, exchange
from rida.meetings import editing
from tests.conftest import draft_document, make_app
from tests.live_support import Server, Session, Stream

STREAMS = 8


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Iterator[Server]:
    server = Server(
        tmp_path_factory.mktemp("workers") / "data",
        template_db,
        workers=2,
        RIDA_LIVE_MAX_STREAMS_PER_ACCOUNT=str(STREAMS + 2),
        RIDA_LIVE_HEARTBEAT_SECONDS="600",  # a stream learns its client left by the socket
    )
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture(scope="module")
def app(server: Server) -> Iterator[Flask]:
    found = make_app(server.data_dir)
    yield found
    with found.app_context():
        db.engine().dispose()


def _meeting(app: Flask) -> tuple[int, list[str]]:
    with app.app_context(), db.transaction() as s:
        meeting = exchange.import_document(s, draft_document()).id
    with app.app_context(), db.write_session(db.engine()) as s:
        return meeting, [row.uid for row in editing.rows_of(s, meeting)]


def _children(server: Server) -> dict[int, int]:
    """The server's child processes: pid -> nice value."""
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    found = {}
    for pid in children.read_text().split():
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        found[int(pid)] = int(stat.rsplit(")", 1)[1].split()[16])
    return found


def _workers(server: Server) -> list[int]:
    return [pid for pid, nice in _children(server).items() if nice == 0]


def test_two_processes_serve_one_port_and_one_indexes_behind_them(server: Server):
    deadline = time.monotonic() + 60
    while len(_children(server)) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sorted(_children(server).values()) == [0, 0, 10]  # the indexer, niced


def test_every_stream_sees_every_save_whichever_worker_takes_it(server: Server, app: Flask):
    meeting, uids = _meeting(app)
    editor, reader = Session(server.port).login("admin"), Session(server.port).login("reader")
    streams = [reader.watch(meeting) for _ in range(STREAMS)]
    try:
        for stream in streams:
            assert stream.status == 200 and stream.next()["event"] == "hello"  # type: ignore[index]
        sent = []
        for k, uid in enumerate(uids[:6]):
            text = f"Enregistré par un des deux processus {k}"
            answer = editor.send(
                "PATCH",
                f"/api/meetings/{meeting}/rows/{uid}",
                {"revision": 1, "fields": {"answer": text}},
            )
            assert answer.status == 200, answer.body
            sent.append(text)
        for stream in streams:
            assert [c["data"]["answer"] for c in stream.changes(len(sent))] == sent
    finally:
        for stream in streams:
            stream.close()


def test_edits_sent_at_once_through_both_all_land(server: Server, app: Flask):
    meeting, uids = _meeting(app)
    sessions = [Session(server.port).login("admin") for _ in range(len(uids))]
    answers: list[int] = []

    def save(session: Session, uid: str, k: int) -> None:
        path = f"/api/meetings/{meeting}/rows/{uid}"
        for n in range(5):
            body = {"revision": 1 + n, "fields": {"question": f"Question {k}.{n}"}}
            answers.append(session.send("PATCH", path, body).status)

    threads = [
        threading.Thread(target=save, args=(s, uid, k))
        for k, (s, uid) in enumerate(zip(sessions, uids, strict=True))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [200] * (5 * len(uids))
    with app.app_context(), db.write_session(db.engine()) as s:
        rows = editing.rows_of(s, meeting)
    assert [r.question for r in rows] == [f"Question {k}.4" for k in range(len(uids))]


def test_a_client_that_leaves_gives_its_stream_back(server: Server, app: Flask):
    meeting, _ = _meeting(app)
    reader = Session(server.port).login("reader")
    for _ in range(3):  # three times the account's limit, each closed by the client
        streams = [reader.watch(meeting) for _ in range(STREAMS + 2)]
        deadline = time.monotonic() + 30
        while any(s.status == 429 for s in streams) and time.monotonic() < deadline:
            for k, stream in enumerate(streams):
                if stream.status == 429:
                    stream.close()
                    time.sleep(0.2)
                    streams[k] = reader.watch(meeting)
        assert [s.status for s in streams] == [200] * (STREAMS + 2)
        for stream in streams:
            stream.close()


def test_sigterm_ends_the_streams_and_stops_every_process(server: Server, app: Flask):
    meeting, _ = _meeting(app)
    admin = Session(server.port).login("admin")
    streams: list[Stream] = [admin.watch(meeting) for _ in range(4)]
    for stream in streams:
        assert stream.next()["event"] == "hello"  # type: ignore[index]
    workers = list(_children(server))
    assert server.stop() == 0
    for stream in streams:
        assert stream.next() is None  # ended, not left hanging
        stream.close()
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or _zombie(pid)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True
