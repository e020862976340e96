"""Browser tests: the real server in a subprocess, driven by headless Chromium (Playwright).

The server runs `rida serve` on a data dir prepared with `rida init`, `rida demo` and
`rida user add`; tests may stop and restart it (same port, same data). Each test gets a
fresh browser context (its own cookies and localStorage) and a meeting of its own.

Chromium is /usr/bin/chromium (or $RIDA_TEST_CHROMIUM); without it the tests are skipped,
or fail when $CI is set. The browser (fixture ``chromium``) is in tests/conftest.py: one
Playwright per test process, shared with the browser tests outside this folder.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

DEMO = Path(__file__).parents[2] / "rida" / "fixtures" / "demo_tf_mssante_2022-01-07.json"
RAPPORTEUR = ("rapporteur", "rapporteur e2e password")
HERE = Path(__file__).parent
# How long a step may wait for the page (actions, navigation, expect() assertions): far
# above what a step takes, so that a loaded machine (two xdist workers, each with its
# server and its Chromium, on two cores) slows the tests down without failing them.
# Playwright's own defaults are 30 s for actions but 5 s for expect().
STEP_TIMEOUT_MS = 30_000
expect.set_options(timeout=STEP_TIMEOUT_MS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`rida serve` as a subprocess that tests can stop and start again."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "RIDA_DATA_DIR": str(data_dir),
            "RIDA_EXPORT_DIR": str(data_dir / "exports"),
            "RIDA_SECRET_KEY": "test",
        }
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = data_dir / "server.log"

    def cli(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "rida.cli", *args],
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        assert not self.running
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "rida.cli",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--workers",
                    "1",  # one process: Server.kill() kills the whole server
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"rida serve exited:\n{self.log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"rida serve did not listen:\n{self.log.read_text()}")

    def stop(self) -> None:
        """SIGTERM, then wait: the port is free when this returns."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def kill(self) -> None:
        """SIGKILL: no shutdown at all (no stream closed, nothing flushed), like a crash."""
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait()
        self.proc = None


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("rida-e2e"))
    srv.cli("init")
    srv.cli("demo")
    srv.cli("user", "add", RAPPORTEUR[0], "--role", "rapporteur", stdin=RAPPORTEUR[1] + "\n")
    # The rapporteur of the demo's series (new meetings join a series through its members).
    srv.cli("user", "member", "add", RAPPORTEUR[0], "Task Force MSSanté")
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def live_server(server: Server) -> Server:
    """The server, started again if a previous test left it stopped."""
    if not server.running:
        server.start()
    return server


def credentials(server: Server, who: str) -> tuple[str, str]:
    """The demo administrator (`rida demo`) or the rapporteur account made for the tests."""
    if who == "demo":
        return "demo", (server.data_dir / "demo-password").read_text().strip()
    assert who == RAPPORTEUR[0]
    return RAPPORTEUR


@pytest.fixture
def new_context(chromium: Browser) -> Iterator[Callable[[], BrowserContext]]:
    """Make browser contexts (separate "people": cookies, localStorage); all closed after."""
    contexts: list[BrowserContext] = []

    def make() -> BrowserContext:
        context = chromium.new_context(locale="fr-FR", viewport={"width": 1400, "height": 900})
        context.set_default_timeout(STEP_TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def session_cookies() -> dict[str, list[Any]]:
    """The cookies of a first login per account, reused to log other contexts in faster."""
    return {}


@pytest.fixture
def log_in(live_server: Server, session_cookies: dict[str, list[Any]]) -> Callable[..., Page]:
    """log_in(context, who="demo", fresh=False): a new page of `context`, logged in, on the
    home page; `fresh` goes through the login form even if a session could be reused."""

    def go(context: BrowserContext, who: str = "demo", fresh: bool = False) -> Page:
        page = context.new_page()
        if who in session_cookies and not fresh:
            context.add_cookies(session_cookies[who])
            page.goto(f"{live_server.url}/")
            return page
        login, password = credentials(live_server, who)
        page.goto(f"{live_server.url}/connexion")
        page.get_by_label("Identifiant").fill(login)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(f"{live_server.url}/")
        session_cookies[who] = context.cookies()
        return page

    return go


@pytest.fixture
def context(new_context: Callable[[], BrowserContext]) -> BrowserContext:
    return new_context()


@pytest.fixture
def page(context: BrowserContext, log_in: Callable[..., Page]) -> Page:
    """A page logged in as the demo administrator."""
    return log_in(context)


@pytest.fixture
def make_meeting(live_server: Server) -> Callable[..., int]:
    """make_meeting(page, title, change=None): a new draft meeting with the demo content
    (passed through ``change(doc)`` if given), through the API."""

    def make(page: Page, title: str, change: Callable[[dict], None] | None = None) -> int:
        doc = json.loads(DEMO.read_text(encoding="utf-8"))
        doc.update(title=title, status="draft", version="0.1")
        if change is not None:
            change(doc)
        page.goto(f"{live_server.url}/")
        token = page.locator('meta[name="csrf-token"]').get_attribute("content")
        response = page.request.post(
            f"{live_server.url}/api/meetings",
            data=json.dumps(doc),
            headers={"Content-Type": "application/json", "X-CSRFToken": token},
        )
        assert response.status == 201, response.text()
        return response.json()["id"]

    return make


@pytest.fixture
def meeting(
    page: Page, make_meeting: Callable[[Page, str], int], request: pytest.FixtureRequest
) -> int:
    return make_meeting(page, "E2E " + re.sub(r"[^A-Za-z0-9 ]+", " ", request.node.name)[:60])


class Editor:
    """The editor page of one meeting, with the lookups the tests share."""

    def __init__(self, page: Page, server: Server, meeting_id: int):
        self.page = page
        self.server = server
        self.meeting_id = meeting_id
        self.status = page.locator("#save-status")
        self.rows = page.locator("#rida-grid tbody.rida-item")

    @property
    def url(self) -> str:
        return f"{self.server.url}/reunions/{self.meeting_id}/modifier"

    def open(self) -> Editor:
        self.page.goto(self.url)
        expect(self.status).to_have_attribute("data-state", re.compile("saved|saving|offline"))
        return self

    def wait_saved(self, timeout: float = STEP_TIMEOUT_MS) -> None:
        expect(self.status).to_have_text("Enregistré", timeout=timeout)

    def row(self, number: int) -> Locator:
        return self.rows.nth(number - 1)

    def cell(self, number: int, field: str) -> Locator:
        return self.row(number).locator(f'[data-field="{field}"]')

    def numbers(self) -> list[str]:
        return self.rows.locator("th.num").all_inner_texts()

    def document(self) -> dict[str, Any]:
        """The meeting as stored (rida/1), read through the API with this page's session."""
        response = self.page.request.get(f"{self.server.url}/api/meetings/{self.meeting_id}")
        assert response.status == 200, response.text()
        return response.json()

    def queued(self) -> list[dict[str, Any]]:
        """The operations this browser keeps for the meeting in localStorage."""
        return self.page.evaluate("(id) => window.Rida.Queue.stored(id)", self.meeting_id)


@pytest.fixture
def open_editor(live_server: Server) -> Callable[[Page, int], Editor]:
    """open_editor(page, meeting_id): the editor of that meeting, open and ready."""
    return lambda page, meeting_id: Editor(page, live_server, meeting_id).open()


@pytest.fixture
def editor(page: Page, meeting: int, open_editor: Callable[[Page, int], Editor]) -> Editor:
    """The demo administrator's editor on a fresh meeting, open and ready."""
    return open_editor(page, meeting)
