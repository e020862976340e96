"""The security suite: one fixture world, one actor per role, and the attempt count.

CSRF protection is ON here as in production (Flask-WTF's ``WTF_CSRF_ENABLED`` is never
turned off by the test configuration): every write sends the token a page would, unless
the attempt is precisely to leave it out."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import inspect

from rida import db
from tests.conftest import app_on_copy
from tests.security import world as world_module
from tests.security.attempts import TALLY, Actor, Script
from tests.security.world import ROLES, World


@pytest.fixture(scope="session")
def world_app(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Iterator[Flask]:
    yield from app_on_copy(tmp_path_factory.mktemp("security") / "data", template_db)


@pytest.fixture(scope="session")
def world(world_app: Flask) -> World:
    assert world_app.config.get("WTF_CSRF_ENABLED", True), "CSRF must be on for these tests"
    return world_module.build(world_app)


@pytest.fixture(scope="session")
def actors(world_app: Flask, world: World) -> dict[str, Actor]:
    return {role: Actor.log_in(role, world_app.test_client()) for role in ROLES}


@pytest.fixture(scope="session")
def scripts(world_app: Flask, world: World) -> dict[str, Script]:
    """One script per role (but anonymous), with its account's live API token."""
    return {
        role: Script(role, world_app.test_client(use_cookies=False), world.tokens[role][1])
        for role in ROLES
        if role != "anonymous"
    }


# Tables that record attempts rather than content (an audit trail, login throttling):
# a refused attack may rightly add to them.
JOURNALS = re.compile(r"audit|login|lockout|throttl", re.I)


# Columns that stamp a use rather than hold content (an API token's last use).
STAMPS = re.compile(r"^last_used_at$")


def snapshot(app: Flask) -> str:
    """Every row of every content table, for « nothing changed »."""
    with app.app_context(), db.write_session(db.engine()) as s:
        found = inspect(s.connection())
        rows = {}
        for table in sorted(found.get_table_names()):
            if JOURNALS.search(table):
                continue
            columns = ", ".join(
                f'"{c["name"]}"' for c in found.get_columns(table) if not STAMPS.search(c["name"])
            )
            rows[table] = [
                list(map(str, r))
                for r in s.connection().exec_driver_sql(f'SELECT {columns} FROM "{table}"')
            ]
        return json.dumps(rows, ensure_ascii=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A test fails, at its end, with every attempt of it that got through."""
    start = len(TALLY.failures)
    result = yield
    failed = TALLY.failures[start:]
    if failed:
        shown = "\n".join(failed[:40])
        more = f"\n... and {len(failed) - 40} more" if len(failed) > 40 else ""
        raise AssertionError(f"{len(failed)} attempt(s) got through:\n{shown}{more}")
    return result
