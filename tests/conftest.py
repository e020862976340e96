"""Shared fixtures: the real app on a temporary data dir with a real SQLite file."""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, func, text
from sqlmodel import select

from rida import accounts, create_app, db, exchange, search
from rida.accounts import create_user
from rida.circuit import versions
from rida.cli import main
from rida.models import Action, Meeting, Participation, Person, RidaRow, Series, SeriesMember

# Machine speed is no test's business: no time limit per generated example and no « too
# slow » health check (a loaded machine, or xdist workers sharing two cores, must not fail
# a property test). Profiles registered by the test modules inherit this one.
settings.register_profile("rida", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("rida")

# In CI nothing may skip: a missing Chromium, LibreOffice, poppler or PostgreSQL
# (RIDA_TEST_POSTGRES_URL) fails the test that needs it instead of skipping it.
CI = bool(os.environ.get("CI"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    if CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped, but nothing may skip under CI=1: {reason}"
    return report


@pytest.hookimpl(trylast=True)  # after tests/e2e/conftest.py has marked its tests e2e
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The long tests (slow, e2e) first, in their order: with pytest-xdist, the workers then
    share out the short ones at the end instead of one worker finishing a long test alone."""
    items.sort(
        key=lambda item: not any(item.iter_markers("slow")) and not any(item.iter_markers("e2e"))
    )


# The security suite's tally (tests/security/attempts.py) is counted in each process; with
# pytest-xdist the workers hand theirs to the controller, which writes last-run.json and the
# « Sécurité : N tentatives » line. (These hooks live here, not in tests/security/conftest.py:
# the xdist controller collects nothing, so it only loads this conftest.)
SECURITY_LAST_RUN = Path(__file__).parent / "security" / "last-run.json"


def pytest_sessionfinish(session: pytest.Session) -> None:
    from tests.security.attempts import FLOW, TALLY

    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker
        workeroutput["security_tally"] = {"attempts": TALLY.attempts, "failed": TALLY.failures}
        workeroutput["flow_tally"] = [FLOW.responses, FLOW.canaries, FLOW.leaks]
    elif TALLY.attempts:
        summary = {"attempts": TALLY.attempts, "failures": len(TALLY.failures)}
        SECURITY_LAST_RUN.write_text(
            json.dumps(summary | {"failed": TALLY.failures}, ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8",
        )


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:  # type: ignore[no-untyped-def]
    """pytest-xdist: a worker is done; add its security tally to the controller's."""
    from tests.security.attempts import FLOW, TALLY

    tally = getattr(node, "workeroutput", {}).get("security_tally")
    if tally:
        TALLY.attempts += tally["attempts"]
        TALLY.failures.extend(tally["failed"])
    flow = getattr(node, "workeroutput", {}).get("flow_tally")
    if flow:
        FLOW.responses += flow[0]
        FLOW.canaries += flow[1]
        FLOW.leaks.extend(flow[2])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.security.attempts import FLOW, TALLY

    if TALLY.attempts:
        terminalreporter.write_line(
            f"Sécurité : {TALLY.attempts} tentatives, {len(TALLY.failures)} échecs"
        )
    if FLOW.responses:
        terminalreporter.write_line(
            f"Flux d'information : {FLOW.responses} réponses parcourues, "
            f"{FLOW.canaries} canaris vérifiés, {len(FLOW.leaks)} fuites"
        )


# Passwords: argon2 with its production parameters costs a quarter to a third of a second
# of CPU per login or new account, which made up a third of the suite's CPU. The apps of
# these tests (in this process) hash with the smallest parameters instead: the same code
# (argon2id, verification, rehash of older hashes), a hundredth of the cost. `rida serve`
# and the commands run as subprocesses keep the real parameters, and the fixture
# `production_hasher` brings them back for the tests about them.
PRODUCTION_HASHER, PRODUCTION_DUMMY_HASH = accounts._hasher, accounts._DUMMY_HASH
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
accounts._hasher = lambda: FAST_HASHER
accounts._DUMMY_HASH = FAST_HASHER.hash("not a password")


@pytest.fixture
def production_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 with the parameters rida uses in production, for this test."""
    monkeypatch.setattr(accounts, "_hasher", PRODUCTION_HASHER)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", PRODUCTION_DUMMY_HASH)


FIXTURES = Path(__file__).parent / "fixtures"
DEMO = Path(__file__).parents[1] / "rida" / "fixtures" / "demo_tf_mssante_2022-01-07.json"
PASSWORD = "correct horse battery"


def demo_document() -> dict:
    return json.loads(DEMO.read_text(encoding="utf-8"))


def make_app(data_dir: Path, **config: object) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "DATA_DIR": data_dir,
            "EXPORT_DIR": data_dir.parent / "exports",
            "DATABASE_URL": f"sqlite:///{data_dir / 'rida.sqlite3'}",
            "SECRET_KEY": "test",
            **config,
        }
    )


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database with one account per role and its (empty) search index, built
    once and copied per test (creating a search index costs a full garbage collection)."""
    data_dir = tmp_path_factory.mktemp("template") / "data"
    app = make_app(data_dir)
    with app.app_context():
        with db.transaction() as s:
            for login, role in (
                ("admin", "admin"),
                ("rapporteur", "rapporteur"),
                ("member", "member"),
                ("reader", "reader"),
            ):
                create_user(s, login, PASSWORD, role)
        search.backend().close()  # made now, in data_dir / "search"
        db.engine().dispose()
    return data_dir / "rida.sqlite3"


def app_on_copy(data_dir: Path, template_db: Path) -> Iterator[Flask]:
    """A real app on a copy of the template database (and its search index) in
    ``data_dir``; disposed after."""
    data_dir.mkdir()
    shutil.copy(template_db, data_dir / "rida.sqlite3")
    shutil.copytree(template_db.parent / "search", data_dir / "search")
    app = make_app(data_dir)
    yield app
    with app.app_context():
        db.engine().dispose()


@pytest.fixture
def app(request: pytest.FixtureRequest, tmp_path: Path, template_db: Path) -> Iterator[Flask]:
    """The real app; in a module marked ``both_engines``, once per search engine."""
    from tests import search_backends

    engine = getattr(request, "param", "whoosh")
    yield from search_backends.engine_app(engine, tmp_path / "data", template_db)


@pytest.fixture
def whoosh_app(tmp_path: Path, template_db: Path) -> Iterator[Flask]:
    """The real app searching with Whoosh, even in a module marked ``both_engines``."""
    yield from app_on_copy(tmp_path / "data", template_db)


@pytest.fixture(scope="module")
def module_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, template_db: Path
) -> Iterator[Flask]:
    """One real app for a module's read-only tests (built once: faster); in a module
    marked ``both_engines``, one per search engine."""
    from tests import search_backends

    engine = getattr(request, "param", "whoosh")
    data_dir = tmp_path_factory.mktemp("module") / "data"
    yield from search_backends.engine_app(engine, data_dir, template_db, shared=True)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A module marked ``both_engines`` runs its tests of ``module_app`` (else ``app``)
    once with each search engine (tests/search_backends.py)."""
    from tests.search_backends import BACKENDS

    if metafunc.definition.get_closest_marker("both_engines") is None:
        return
    for name, scope in (("module_app", "module"), ("app", "function")):
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, BACKENDS, indirect=True, scope=scope)  # type: ignore[arg-type]
            return


TABLES = (Meeting, RidaRow, Participation, Person, Action, Series, SeriesMember)


def counts(app: Flask) -> dict[str, int]:
    """Rows per table: to check that a refused document wrote nothing."""
    with app.app_context(), db.write_session(db.engine()) as s:
        return {t.__name__: s.exec(select(func.count()).select_from(t)).one() for t in TABLES}


def import_doc(app: Flask, doc: dict) -> int:
    with app.app_context(), db.write_session(db.engine()) as s:
        return exchange.import_document(s, doc).id


def export_doc(app: Flask, meeting_id: int) -> dict:
    with app.app_context(), db.write_session(db.engine()) as s:
        return exchange.export_document(s, s.get(Meeting, meeting_id))


def join_series(app: Flask, login: str, meeting_id: int) -> None:
    """Make ``login`` a member of the series of ``meeting_id`` (a rapporteur then edits
    its meetings)."""
    from rida.models import User

    with app.app_context(), db.write_session(db.engine()) as s:
        user = s.exec(select(User).where(User.login == login)).one()
        s.add(SeriesMember(series_id=s.get(Meeting, meeting_id).series_id, user_id=user.id))


def multipart(
    files: dict[str, tuple[str, bytes]], fields: dict[str, str] | None = None
) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type, built in memory: the test client
    spools a large one to a temporary file that it never closes (a ResourceWarning)."""
    boundary = "rida-test-boundary-7d1f"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in (fields or {}).items()
    ]
    parts += [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
        f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        + data
        + b"\r\n"
        for name, (filename, data) in files.items()
    ]
    return b"".join(
        parts
    ) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


# The browser tests (tests/e2e, tests/test_live_view_browser.py): headless Chromium through
# Playwright, one per test process (Playwright's sync API cannot be started twice in one).
CHROMIUM = Path(os.environ.get("RIDA_TEST_CHROMIUM") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Headless Chromium (a Playwright ``Browser``, imported only here: most tests do
    without it); skipped without it, failed under CI."""
    if not CHROMIUM.exists():
        message = f"Chromium introuvable ({CHROMIUM}) : tests navigateur impossibles"
        if CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def rida(app: Flask, tmp_path: Path):  # type: ignore[no-untyped-def]
    """rida(*args, code=0): the command on the test app's data dir; checks the exit code."""
    env = {
        "RIDA_DATA_DIR": str(tmp_path / "data"),
        "RIDA_EXPORT_DIR": str(tmp_path / "x"),
        "RIDA_SECRET_KEY": "test",
        "RIDA_DATABASE_URL": None,
    }

    def run(*args: str, code: int = 0) -> Result:
        result = CliRunner().invoke(main, list(args), env=env, prog_name="rida")
        if not isinstance(result.exception, (SystemExit, type(None))):
            raise result.exception
        assert result.exit_code == code, (result.stdout, result.stderr)
        return result

    return run


class Browser:
    """A logged-in test client that sends the CSRF token like the editor does."""

    def __init__(self, client: FlaskClient):
        self.client = client
        self.token = ""

    def login(self, login: str = "admin", password: str = PASSWORD) -> Browser:
        page = self.client.get("/connexion").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = self.client.post(
            "/connexion", data={"login": login, "password": password, "csrf_token": token}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        home = self.client.get("/").get_data(as_text=True)
        self.token = re.search(r'name="csrf-token" content="([^"]+)"', home).group(1)
        return self

    def json(self, method: str, url: str, payload: object = None, **kwargs):  # type: ignore[no-untyped-def]
        headers = {"X-CSRFToken": self.token, "Content-Type": "application/json"}
        data = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
        return self.client.open(url, method=method, data=data, headers=headers, **kwargs)

    def form(self, url: str, data: dict):  # type: ignore[no-untyped-def]
        return self.client.post(url, data={**data, "csrf_token": self.token})


@pytest.fixture
def browser(client: FlaskClient) -> Browser:
    return Browser(client).login("admin")


def draft_document() -> dict:
    """The demo as a draft (the demo itself is validated, hence read-only)."""
    return {**demo_document(), "status": "draft", "version": "0.1"}


def ready_document() -> dict:
    """The demo as a draft that passes every blocking check (row 5 gets a nature, the
    action row 7 its action)."""
    doc = draft_document()
    doc["rida"][4]["nature"] = "I"
    doc["actions"][1]["rida"] = 7
    return doc


@pytest.fixture
def ready_meeting(app: Flask) -> int:
    """A draft v0.1 ready to be validated."""
    with app.app_context(), db.transaction() as s:
        return exchange.import_document(s, ready_document()).id


@pytest.fixture
def demo_meeting(app: Flask) -> int:
    """The demo content as an editable draft, v0.1."""
    with app.app_context(), db.transaction() as s:
        return exchange.import_document(s, draft_document()).id


@pytest.fixture
def validated_meeting(app: Flask) -> int:
    """The demo as shipped: validated v1.0, frozen at import."""
    with app.app_context(), db.transaction() as s:
        return versions.import_document(s, demo_document()).id


# --- PostgreSQL (when a server is given: CI starts one) ---------------------------------

PG_URL = os.environ.get("RIDA_TEST_POSTGRES_URL", "")


@pytest.fixture
def pg_app(tmp_path) -> Iterator[Flask]:
    yield from pg_app_with(tmp_path)


@pytest.fixture
def pg_whoosh_app(tmp_path) -> Iterator[Flask]:
    """On PostgreSQL, but searching with Whoosh (the outbox and its indexer)."""
    yield from pg_app_with(tmp_path, SEARCH_BACKEND="whoosh")


def pg_app_with(tmp_path, **config: object) -> Iterator[Flask]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": tmp_path,
            "EXPORT_DIR": tmp_path,
            "DATABASE_URL": url,
            "SECRET_KEY": "test",
            **config,
        }
    )
    yield app
    with app.app_context():
        db.engine().dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
