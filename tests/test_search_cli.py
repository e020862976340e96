"""``rida search``: the same search from the command line, as an admin or ``--user``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from rida.cli import main
from rida.cli.search import search
from tests.search_ui_support import SECRET_WORD, confidential, demo, index, rows

pytestmark = pytest.mark.both_engines  # each test with Whoosh and with PostgreSQL


@pytest.fixture
def meetings(app) -> list[int]:
    return index(app, demo(), confidential())


def rida(app, *args: str, ok: bool = True) -> Result:
    data = Path(app.config["DATA_DIR"])
    env = {
        "RIDA_DATA_DIR": str(data),
        "RIDA_EXPORT_DIR": str(data.parent / "exports"),
        "RIDA_SECRET_KEY": "test",
        "RIDA_DATABASE_URL": app.config["DATABASE_URL"],
    }
    result = CliRunner().invoke(main, ["search", *args], env=env, prog_name="rida")
    if not isinstance(result.exception, (SystemExit, type(None))):
        raise result.exception
    assert (result.exit_code == 0) == ok, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result


def test_json_output(app, meetings):
    data = json.loads(rida(app, "inducteur", "--json").stdout)
    assert list(data)[:2] == ["total", "hits"]
    assert list(data["hits"][0])[:5] == ["meeting", "kind", "row", "title", "snippet"]
    assert {4, 5, 6, 7, 8} <= rows([h for h in data["hits"] if h["meeting"] == meetings[0]])
    both = {h["meeting"] for h in data["hits"]}
    assert both == set(meetings)  # the CLI reads everything (admin)


def test_plain_output_one_line_per_hit_with_marks(app, meetings):
    result = rida(app, "BAL", "--series", "Task Force MSSanté")
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith(f"#{meetings[0]}") for line in lines)
    assert all("2022-01-07" in line for line in lines)
    assert any("«" in line and "»" in line and "<mark>" not in line for line in lines)
    assert "résultat" in result.stderr


def test_filters(app, meetings):
    data = json.loads(rida(app, "inducteur", "--nature", "A", "--json").stdout)
    assert data["hits"] and {h["nature"] for h in data["hits"]} == {"A"}
    assert json.loads(rida(app, "inducteur", "--from", "2023-01-01", "--json").stdout)["total"] == 0
    dated = json.loads(
        rida(app, "inducteur", "--to", "2022-01-07", "--sort", "date", "--json").stdout
    )
    assert dated["total"] > 0


def test_as_a_reader(app, meetings):
    data = json.loads(rida(app, SECRET_WORD, "--user", "reader", "--json").stdout)
    assert data["total"] == 0 and SECRET_WORD not in json.dumps(data["hits"])
    found = json.loads(rida(app, "inducteur", "--user", "reader", "--json").stdout)
    assert {h["meeting"] for h in found["hits"]} == {meetings[0]}


@pytest.mark.parametrize(
    "args, path",
    [
        (("--nature", "X"), "--nature"),
        (("--from", "hier"), "--from"),
        (("--page", "0"), "--page"),
        (("--sort", "score"), "--sort"),
        (("--user", "nobody"), "--user"),
    ],
)
def test_bad_options_exit_1_with_the_option_as_path(app, meetings, args, path):
    result = rida(app, "bal", *args, ok=False)
    error = json.loads(result.stderr)
    assert [e["path"] for e in error["errors"]] == [path]


@pytest.mark.parametrize("text", ['"unbalanced', "", "le de la", "x" * 10_000])
def test_bad_query_text_is_not_an_error(app, meetings, text):
    assert isinstance(json.loads(rida(app, text, "--json").stdout)["total"], int)


def test_every_option_has_help():
    command = search
    assert command.help
    assert all(p.help for p in command.params if hasattr(p, "help") and p.name != "query")
