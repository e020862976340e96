"""``rida actions``: the dashboard's list as table, JSON, CSV or XLSX."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from rida.actions.action_board import tables
from rida.cli import main
from rida.cli.actions import actions
from tests.action_board_support import INJECTION, SECRET, link_person, load


@pytest.fixture
def data(app) -> dict[str, int]:
    return load(app)


def rida(app, *args: str, code: int = 0, command: click.Command | None = None) -> Result:
    data = Path(app.config["DATA_DIR"])
    env = {
        "RIDA_DATA_DIR": str(data),
        "RIDA_EXPORT_DIR": str(data.parent / "exports"),
        "RIDA_SECRET_KEY": "test",
        "RIDA_DATABASE_URL": None,
    }
    invoked = ["actions", *args] if command is None else list(args)
    result = CliRunner().invoke(command or main, invoked, env=env, prog_name="rida")
    if not isinstance(result.exception, (SystemExit, type(None))):
        raise result.exception
    assert result.exit_code == code, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result


def test_json_has_exactly_the_documented_keys(app, data):
    found = json.loads(
        rida(app, "--format", "json", "--series", "Task Force MSSanté", "--owner", "BRIS").stdout
    )
    assert found == [
        {
            "id": found[0]["id"],
            "number": 3,  # the compte-rendu's « Action 3 »
            "reference": f"{data['demo']}/3",  # as `rida action set-status` takes it
            "title": "Envoi de la nouvelle version des exigences",
            "kind": "document",
            "owner": "Edouard BRIS (ANS)",
            "due_date": "2022-01-14",
            "status": "open",
            "meeting": data["demo"],
            "rida": 2,
        }
    ]


def test_table_by_default_admin_reads_everything(app, data):
    result = rida(app)
    lines = result.stdout.splitlines()
    assert len(lines) == 7 and any(SECRET in line for line in lines)
    # each action by its meeting and number, as its compte-rendu numbers it
    assert any(
        line.lstrip().startswith(f"{data['demo']}/3 ")
        and "action 3 de « Atelier modèle économique #1 » du 07/01/2022" in line
        for line in lines
    ), lines
    assert "EN RETARD" in result.stdout and "(sans porteur)" in result.stdout
    assert result.stderr.strip() == "7 actions"


def test_filters_and_user(app, data):
    overdue = json.loads(rida(app, "--overdue", "--format", "json", "--user", "reader").stdout)
    assert overdue and all(a["status"] in ("open", "in_progress") for a in overdue)
    assert all(a["title"] != SECRET for a in overdue)
    several = json.loads(
        rida(app, "--status", "done", "--status", "in_progress", "--format", "json").stdout
    )
    assert {a["status"] for a in several} == {"done", "in_progress"}
    link_person(app, "member", "DUPONT")
    mine = json.loads(rida(app, "--mine", "--user", "member", "--format", "json").stdout)
    # DUPONT's own, and his organisation's (LIFEN)
    assert [a["title"] for a in mine] == ["Publier le guide", INJECTION]


def test_unknown_series_or_owner_empty_result_exit_zero(app, data):
    result = rida(app, "--series", "Inconnue", "--format", "json")
    assert json.loads(result.stdout) == []
    assert "Série inconnue : « Inconnue »." in result.stderr
    result = rida(app, "--owner", "Personne")
    assert result.stdout == "" and "Porteur inconnu : « Personne »." in result.stderr


def test_bad_options_exit_one_with_the_option(app, data):
    result = rida(app, "--status", "fini", "--due-from", "01/02/2022", code=1)
    errors = json.loads(result.stderr)["errors"]
    assert [e["path"] for e in errors] == ["--status", "--due-from"]
    assert result.stdout == ""
    assert "--user" in rida(app, "--user", "personne", code=1).stderr


def test_csv_and_xlsx_files(app, data, tmp_path):
    path = tmp_path / "actions.csv"
    result = rida(app, "--format", "csv", "-o", str(path), "--series", "GT Annuaire")
    assert "3 actions écrites dans" in result.stderr and result.stdout == ""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert tuple(table[0]) == tables.HEADERS and len(table) == 4
    book = tmp_path / "actions.xlsx"
    rida(app, "--format", "xlsx", "-o", str(book))
    rows = list(load_workbook(book)["Actions"].iter_rows(values_only=True))
    assert len(rows) == 8


def test_every_option_has_help(app):
    for option in actions.params:
        assert option.help, option.name


def test_ics_format_one_vtodo_per_open_action(app, data):
    from icalendar import Calendar

    result = rida(app, "--format", "ics", "--series", "Task Force MSSanté")
    cal = Calendar.from_ical(result.stdout)
    todos = [c for c in cal.walk("VTODO")]
    listed = json.loads(rida(app, "--format", "json", "--series", "Task Force MSSanté").stdout)
    still_open = [a for a in listed if a["status"] in ("open", "in_progress")]
    assert sorted(str(t["summary"]) for t in todos) == sorted(a["title"] for a in still_open)
    assert all(str(t["url"]).startswith("http://127.0.0.1:5000/reunions/") for t in todos)
