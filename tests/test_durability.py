"""SIGKILL in the middle of a stream of autosaves: after a restart, every acknowledged save
is in the database and ``PRAGMA integrity_check`` is ``ok``.

The real server (``rida serve``, waitress) on a free loopback port and a fresh data dir
with the demo; the editor's API calls (``PATCH /api/meetings/<id>/rows/<uid>`` with the
CSRF token of a logged-in session), from three editors at once, for two seconds or until
twenty saves are acknowledged, whichever is later.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from tests.conftest import draft_document

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from _common import Client, free_port  # noqa: E402

pytestmark = pytest.mark.slow  # a real server killed and restarted

RIDA = Path(sys.executable).with_name("rida")
STREAM_SECONDS = 2.0  # at least; longer until MIN_SAVES are acknowledged
MIN_SAVES = 20
STREAM_DEADLINE = 120.0
EDITORS = (1, 4, 7)  # the rows they edit


def _run(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [str(RIDA), *args],
        env={**env, "PYTHONWARNINGS": "error"},
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout


@contextmanager
def _server(env: dict[str, str], port: int, log: Path) -> Iterator[subprocess.Popen]:
    with log.open("ab") as out:
        process = subprocess.Popen(
            [str(RIDA), "serve", "--port", str(port), "--threads", "4", "--workers", "1"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            probe = Client(port)
            try:
                if probe.get("/connexion").status == 200:
                    break
            except OSError:
                pass
            finally:
                probe.close()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=20)


class Editor(threading.Thread):
    """One tab saving one row's answer again and again, like the editor's autosave."""

    def __init__(self, client: Client, meeting: int, row: dict, stop: threading.Event):
        super().__init__(daemon=True)
        self.client, self.meeting, self.stop = client, meeting, stop
        self.uid, self.revision, self.number = row["uid"], row["revision"], row["number"]
        self.acknowledged: tuple[int, int] | None = None  # (save k, revision)
        self.errors: list[str] = []

    def run(self) -> None:
        try:
            self._stream()
        finally:
            self.client.close()

    def _stream(self) -> None:
        k = 0
        while not self.stop.is_set():
            k += 1
            payload = {"revision": self.revision, "fields": {"answer": f"save {k}"}}
            try:
                answer = self.client.send_json(
                    "PATCH", f"/api/meetings/{self.meeting}/rows/{self.uid}", payload
                )
            except (OSError, http.client.HTTPException):
                return  # the server is gone: this save was never acknowledged
            if answer.status != 200:
                self.errors.append(f"row {self.number}: HTTP {answer.status} {answer.text}")
                return
            self.revision = answer.json()["row"]["revision"]
            self.acknowledged = (k, self.revision)


def _acknowledged(editors: list[Editor]) -> int:
    return sum(e.acknowledged[0] for e in editors if e.acknowledged)


def _rows(database: Path, meeting: int) -> dict[int, dict]:
    """The meeting's rows read from the SQLite file (the rida/1 export has no row uids)."""
    with closing(sqlite3.connect(database)) as conn:
        found = conn.execute(
            "SELECT number, uid, revision, answer FROM rida_row WHERE meeting_id = ?", (meeting,)
        ).fetchall()
    return {
        n: {"number": n, "uid": uid, "revision": revision, "answer": answer}
        for n, uid, revision, answer in found
    }


def _integrity(database: Path) -> str:
    with closing(sqlite3.connect(database)) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def test_sigkill_loses_no_acknowledged_save(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RIDA_")}
    env.update(RIDA_DATA_DIR=str(tmp_path / "data"), RIDA_EXPORT_DIR=str(tmp_path / "exports"))
    _run(env, "demo")
    (tmp_path / "draft.json").write_text(json.dumps(draft_document()), encoding="utf-8")
    meeting = int(_run(env, "import", str(tmp_path / "draft.json")).strip())
    password = (tmp_path / "data" / "demo-password").read_text().strip()
    port, log = free_port(), tmp_path / "server.log"
    database = tmp_path / "data" / "rida.sqlite3"
    rows = _rows(database, meeting)

    with _server(env, port, log) as server:
        stop = threading.Event()
        editors = [
            Editor(Client(port).login("demo", password), meeting, rows[n], stop) for n in EDITORS
        ]
        for editor in editors:
            editor.start()
        # At least STREAM_SECONDS of saves, and on a slow machine until MIN_SAVES are
        # acknowledged (every editor at least one), not a fixed time: the count is the point.
        time.sleep(STREAM_SECONDS)
        deadline = time.monotonic() + STREAM_DEADLINE
        while _acknowledged(editors) < MIN_SAVES or not all(e.acknowledged for e in editors):
            assert time.monotonic() < deadline, [e.errors for e in editors]
            assert any(e.is_alive() for e in editors), [e.errors for e in editors]
            time.sleep(0.05)
        os.kill(server.pid, signal.SIGKILL)  # in the middle of the stream
        server.wait(timeout=20)
        stop.set()
        for editor in editors:
            editor.join(timeout=30)

    assert all(not e.errors for e in editors), [e.errors for e in editors]
    acknowledged = _acknowledged(editors)
    assert all(e.acknowledged for e in editors) and acknowledged >= MIN_SAVES, acknowledged
    print(f"{acknowledged} saves acknowledged before SIGKILL")  # shown with pytest -s
    assert _integrity(database) == "ok"

    with _server(env, port, log):  # the restart replays the WAL
        reader = Client(port).login("demo", password)
        served = {
            r["number"]: r["answer"] for r in reader.get(f"/api/meetings/{meeting}").json()["rida"]
        }
        reader.close()
        saved = _rows(database, meeting)
        assert served == {n: r["answer"] for n, r in saved.items()}
        for editor in editors:
            k, revision = editor.acknowledged
            row = saved[editor.number]
            # the last acknowledged save, or a later one the server had committed
            assert int(row["answer"].removeprefix("save ")) >= k, (row, k)
            assert row["revision"] >= revision
        untouched = [n for n in rows if n not in EDITORS]
        assert all(saved[n]["answer"] == rows[n]["answer"] for n in untouched)
    assert _integrity(database) == "ok"
