"""The real server (``rida serve`` in a subprocess) and plain HTTP clients for the live
stream's tests: a logged-in session (cookies, CSRF token) and a Server-Sent Events reader.

Only the standard library talks to the server (``http.client``). Every wait is bounded by
a socket timeout far above what a step takes: a slow machine slows the tests down without
failing them, a missing event fails the test instead of hanging it.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from tests.conftest import PASSWORD

TIMEOUT = 60.0  # seconds any one read may wait (an event, an answer)
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """``rida serve`` on a copy of the tests' template database."""

    def __init__(self, data_dir: Path, template_db: Path, *, workers: int = 1, **settings: str):
        data_dir.mkdir(parents=True)
        shutil.copy(template_db, data_dir / "rida.sqlite3")
        shutil.copytree(template_db.parent / "search", data_dir / "search")
        self.data_dir, self.port = data_dir, free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("RIDA_")}
        self.env.update(
            RIDA_DATA_DIR=str(data_dir),
            RIDA_EXPORT_DIR=str(data_dir.parent / "exports"),
            RIDA_SECRET_KEY="test",
            **settings,
        )
        self.log = data_dir.parent / "server.log"
        command = [sys.executable, "-m", "rida.cli", "serve", "--port", str(self.port)]
        command += ["--workers", str(workers)]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(command, env=self.env, stdout=out, stderr=out)
        deadline = time.monotonic() + 90
        while True:
            assert self.process.poll() is None, self.log.read_text()
            try:
                socket.create_connection((HOST, self.port), timeout=1).close()
                return
            except OSError:
                assert time.monotonic() < deadline, self.log.read_text()
                time.sleep(0.05)

    def stop(self) -> int:
        """SIGTERM: the server ends its streams and stops; its exit status."""
        self.process.terminate()
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Session:
    """One browser: its cookies, its CSRF token, a keep-alive connection."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""
    bearer: str | None = None

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        found = dict(extra or {})
        if self.cookies:
            found["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.bearer:
            found["Authorization"] = f"Bearer {self.bearer}"
        return found

    def request(self, method: str, path: str, body: bytes | None = None, **headers: str) -> Answer:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=self.headers(headers))
            raw = conn.getresponse()
            data = raw.read()
        finally:
            conn.close()
        for value in raw.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(value)
            self.cookies.update({name: morsel.value for name, morsel in jar.items()})
        return Answer(raw.status, {k.lower(): v for k, v in raw.getheaders()}, data)

    def send(self, method: str, path: str, payload: object = None) -> Answer:
        body = json.dumps(payload if payload is not None else {}).encode()
        headers = {"Content-Type": "application/json"}
        if self.csrf:
            headers["X-CSRFToken"] = self.csrf
        return self.request(method, path, body, **headers)

    def login(self, login: str, password: str = PASSWORD) -> Session:
        page = self.request("GET", "/connexion").body.decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        form = urlencode({"login": login, "password": password, "csrf_token": token})
        answer = self.request(
            "POST",
            "/connexion",
            form.encode(),
            **{"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert answer.status == 302, answer.body
        home = self.request("GET", "/").body.decode()
        self.csrf = re.search(r'name="csrf-token" content="([^"]+)"', home).group(1)  # type: ignore[union-attr]
        return self

    def logout(self) -> None:
        form = urlencode({"csrf_token": self.csrf}).encode()
        answer = self.request(
            "POST",
            "/deconnexion",
            form,
            **{"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert answer.status == 302, answer.body

    def watch(self, meeting_id: int, *, since: int | None = None, query: bool = False) -> Stream:
        """Open the meeting's event stream (``since``: as ``Last-Event-ID``, or as
        ``?since=`` when ``query``)."""
        path, headers = f"/api/meetings/{meeting_id}/events", {"Accept": "text/event-stream"}
        if since is not None and query:
            path += f"?since={since}"
        elif since is not None:
            headers["Last-Event-ID"] = str(since)
        return Stream(self.port, path, self.headers(headers))


class Stream:
    """A Server-Sent Events reader on its own connection."""

    def __init__(self, port: int, path: str, headers: dict[str, str]):
        self.conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
        self.conn.request("GET", path, headers=headers)
        self.response = self.conn.getresponse()
        self.status = self.response.status
        self.headers = {k.lower(): v for k, v in self.response.getheaders()}

    def body(self) -> Any:
        """The JSON body of a refused stream (404, 429...)."""
        return json.loads(self.response.read())

    def next(self) -> dict[str, Any] | None:
        """The next event (``{"id", "event", "data"}``, comments skipped), or None at the
        end of the stream."""
        event: dict[str, Any] = {}
        while True:
            line = self.response.readline()
            if not line:
                return None
            text = line.decode("utf-8").rstrip("\r\n")
            if text == "":
                if "event" in event:
                    return event
                event = {}
                continue
            if text.startswith(":"):
                continue
            name, _, value = text.partition(":")
            value = value.removeprefix(" ")
            if name == "data":
                event["data"] = json.loads(value)
            elif name in ("id", "event", "retry"):
                event[name] = value

    def changes(self, count: int) -> list[dict[str, Any]]:
        """The data of the next ``count`` ``change`` events (fails on anything else)."""
        found = []
        for _ in range(count):
            event = self.next()
            assert event is not None and event["event"] == "change", (event, found)
            assert event["id"] == str(event["data"]["seq"])
            found.append(event["data"])
        return found

    def close(self) -> None:
        self.response.close()  # it holds the socket (the server said Connection: close)
        self.conn.close()


def read_while_writing(
    engine: Any, start: int, writers: list[Any], wait: float = 60
) -> tuple[list[int], list[BaseException]]:
    """Run each of ``writers`` (functions) in a thread while a reader reads the change log
    "everything above its cursor" (from ``start``) again and again, until they end: the
    seqs it saw, in order, and the writers' errors."""
    import threading

    from rida.live import entries

    done, seen, errors = threading.Event(), [], []

    def write(work: Any) -> None:
        try:
            work()
        except BaseException as e:  # noqa: BLE001 - the caller asserts there are none
            errors.append(e)

    def read() -> None:
        cursor = start
        while True:
            finished = done.is_set()
            for batch in entries.read(engine, cursor):
                seen.extend(e.seq for e in batch)
                cursor = batch[-1].seq
            if finished:
                return

    reader = threading.Thread(target=read)
    threads = [threading.Thread(target=write, args=(work,)) for work in writers]
    reader.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(wait)
    done.set()
    reader.join(wait)
    return seen, errors
