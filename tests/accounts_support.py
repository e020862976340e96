"""Helpers of the account, token, login and session tests."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from rida import db
from rida.audit import events
from rida.cli import main
from rida.models import User


def login_form_token(client: FlaskClient) -> str:
    page = client.get("/connexion").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def post_login(client: FlaskClient, login: str, password: str, **kwargs):  # type: ignore[no-untyped-def]
    return client.post(
        "/connexion",
        data={"login": login, "password": password, "csrf_token": login_form_token(client)},
        **kwargs,
    )


def account(app: Flask, login: str) -> User:
    with app.app_context(), db.write_session(db.engine()) as s:
        return s.exec(select(User).where(User.login == login)).one()


@contextmanager
def recorded() -> Iterator[list[events.Event]]:
    """The events emitted inside the block."""
    seen: list[events.Event] = []

    def listen(event: events.Event, **_: object) -> None:
        seen.append(event)

    events.happened.connect(listen)
    try:
        yield seen
    finally:
        events.happened.disconnect(listen)


class Rida:
    """``rida ARGS`` through click's runner, on the data dir of the ``app`` fixture."""

    def __init__(self, data_dir: Path):
        self.env: dict[str, str | None] = {
            "RIDA_DATA_DIR": str(data_dir),
            "RIDA_EXPORT_DIR": str(data_dir.parent / "x"),
            "RIDA_SECRET_KEY": "test",
            "RIDA_DATABASE_URL": None,
        }

    def __call__(self, *args: str, code: int = 0, stdin: str = "") -> Result:
        result = CliRunner().invoke(main, list(args), input=stdin, env=self.env, prog_name="rida")
        if not isinstance(result.exception, (SystemExit, type(None))):
            raise result.exception
        assert result.exit_code == code, (args, result.stdout, result.stderr)
        return result

    def error_paths(self, *args: str) -> list[str]:
        """The field paths of a refused command (exit 1, JSON on stderr)."""
        stderr = self(*args, code=1).stderr
        return [e["path"] for e in json.loads(stderr[stderr.index("{\n") :])["errors"]]
