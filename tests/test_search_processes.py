"""Searches in processes of their own (rida.search.processes): the same answers as in the
request's thread, the access rule applied there too, and a search process that dies is
answered « réessayez » and replaced."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import select

from rida import db
from rida.app import create_core_app
from rida.models import User
from rida.search import Query, guard, processes
from tests.search_ui_support import SECRET_WORD, confidential, demo, index

pytestmark = pytest.mark.both_engines  # each test with Whoosh and with PostgreSQL


@pytest.fixture
def pool(app: Flask) -> Iterator[processes.Pool]:
    index(app, demo(), confidential())
    config = processes._portable(dict(app.config))
    found = processes.Pool(create_core_app, config, size=1, nice=0)
    yield found
    found.close()


def user_id(app: Flask, login: str) -> int:
    with app.app_context():
        found = db.session().exec(select(User).where(User.login == login)).one()
        assert found.id is not None
        return found.id


@pytest.mark.parametrize("text", ["inducteur", SECRET_WORD, "financment"])
def test_a_search_process_answers_as_the_request_thread(app, pool, text) -> None:
    for login in ("admin", "reader"):
        account = user_id(app, login)
        with app.app_context():
            session = db.session()
            expected = guard.search(session, session.get(User, account), Query(text=text))
        assert pool.search(account, Query(text=text)) == expected
    assert pool.search(user_id(app, "admin"), Query(text=SECRET_WORD)).total > 0
    assert pool.search(user_id(app, "reader"), Query(text=SECRET_WORD)).total == 0
    assert pool.search(None, Query(text="inducteur")).total == 0  # nobody: nothing


def test_a_dead_search_process_is_answered_retry_then_replaced(app, pool) -> None:
    admin = user_id(app, "admin")
    assert pool.search(admin, Query(text="inducteur")).total > 0
    executor = pool._executor
    assert executor is not None
    for pid in list(executor._processes):  # type: ignore[attr-defined]
        os.kill(pid, signal.SIGKILL)
    with pytest.raises(processes.Broken):
        pool.search(admin, Query(text="inducteur"))
    assert pool.search(admin, Query(text="inducteur")).total > 0  # a new process


def test_only_a_server_process_has_search_processes(app) -> None:
    assert processes.pool_of(app) is None  # the tests' apps search in the request thread
    portable = processes._portable({**app.config, "SERVER_PROCESS": True, "X": lambda: 1})
    assert portable["SERVER_PROCESS"] is False and portable["SEARCH_PROCESSES"] == 0
    assert "X" not in portable and portable["SEARCH_INDEXER"] is False


ORPHAN = """
import sys
from rida.app import create_core_app
from rida.search import processes
pool = processes.Pool(create_core_app, processes._portable(dict(create_core_app().config)), 2, 0)
pool.start()
executor = pool._executor
while len(executor._processes) < 2:
    pass
print(*executor._processes, flush=True)
sys.stdin.read()
"""


def test_search_processes_end_when_their_server_is_killed(tmp_path) -> None:
    """A server process killed outright (no shutdown) leaves no search process behind."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RIDA_")}
    env |= {"RIDA_DATA_DIR": str(tmp_path / "data"), "RIDA_SECRET_KEY": "test"}
    rida = str(Path(sys.executable).parent / "rida")
    subprocess.run([rida, "init"], env=env, check=True, timeout=120, capture_output=True)
    server = subprocess.Popen(
        [sys.executable, "-c", ORPHAN],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    children = [int(pid) for pid in server.stdout.readline().split()]
    assert len(children) == 2
    server.kill()
    server.wait(30)
    server.stdout.close()
    assert server.stdin is not None
    server.stdin.close()
    for pid in children:
        for _ in range(300):  # each checks its parent every second
            if not _alive(pid):
                break
            time.sleep(0.1)
        assert not _alive(pid), f"search process {pid} outlived its server"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie is gone, only not yet reaped
        return f.read().split(") ", 1)[1][0] != "Z"
