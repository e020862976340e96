"""The ``rida`` command on a temporary data dir: the real console script in a subprocess
for the main paths, click's runner in this process (same environment) for the rest."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from rida import accounts, db, exchange
from rida.cli import main
from tests.conftest import demo_document, make_app

RIDA = Path(sys.executable).with_name("rida")
LIST_KEYS = {"id", "series", "title", "date", "status", "classification", "version"}


class Cli:
    def __init__(self, root: Path):
        self.root = root
        self.data = root / "data"
        self.env: dict[str, str | None] = {
            "RIDA_DATA_DIR": str(self.data),
            "RIDA_EXPORT_DIR": str(root / "exports"),
            "RIDA_SECRET_KEY": "test",
            "RIDA_DATABASE_URL": None,
        }

    def __call__(
        self, *args: str, stdin: str = "", ok: bool = True, real: bool = False
    ) -> subprocess.CompletedProcess[str]:
        """Run ``rida ARGS``: in a subprocess when ``real``, else through CliRunner."""
        if real:
            env = {k: v for k, v in {**os.environ, **self.env}.items() if v is not None}
            done = subprocess.run(
                [str(RIDA), *args],
                input=stdin,
                capture_output=True,
                text=True,
                env=env | {"PYTHONWARNINGS": "error"},
                cwd=self.root,
                timeout=60,
            )
        else:
            result = CliRunner().invoke(main, args, input=stdin, env=self.env, prog_name="rida")
            if not isinstance(result.exception, (SystemExit, type(None))):
                raise result.exception
            done = subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)
        assert (done.returncode == 0) == ok, (args, done.returncode, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr, done.stderr
        return done

    def write(self, name: str, doc: object) -> str:
        text = doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False)
        (self.root / name).write_text(text, encoding="utf-8")
        return name

    def meetings(self) -> list[dict]:
        return json.loads(self("list", "--json").stdout)

    def error(self, done: subprocess.CompletedProcess[str]) -> dict:
        assert "Traceback" not in done.stderr, done.stderr
        # Log lines may come first (a missing search index rebuilt at start says so).
        return json.loads(done.stderr[done.stderr.index("{\n") :])


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.chdir(tmp_path)
    return Cli(tmp_path)


# --- Help ----------------------------------------------------------------------------


def test_help_lists_every_command(cli):
    out = cli("--help", real=True).stdout
    for command in ("init", "demo", "list", "serve", "import", "export", "user"):
        assert f"\n  {command} " in out, command
    assert "RIDA_DATA_DIR" in out
    assert "Format de sortie" in cli("export", "--help").stdout
    assert "rida, version" in cli("--version").stdout


def _commands(group: click.Group, prefix: str = "rida"):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield f"{prefix} {name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix} {name}")


def test_every_command_and_option_has_help():
    found = dict(_commands(main))
    assert {
        "rida init",
        "rida demo",
        "rida list",
        "rida serve",
        "rida import",
        "rida export",
        "rida user",
        "rida user add",
    } <= set(found)
    for name, command in found.items():
        assert command.help and command.help.strip(), name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help and param.help.strip(), (name, param.name)
    assert all(p.help for p in main.params if isinstance(p, click.Option))


# --- init, demo, list ------------------------------------------------------------------


def test_init_demo_and_list(cli):
    assert "Base prête : sqlite:///" in cli("init", real=True).stdout
    assert cli("init").returncode == 0  # already at head: a no-op
    out = cli("demo", real=True).stdout
    assert "Réunion de démonstration chargée : 1" in out
    assert "Brouillon de démonstration, à modifier : 2" in out
    password = out.split("mot de passe « ")[1].split(" »")[0]
    assert "identifiant « demo »" in out and len(password) >= 8
    password_file = cli.data / "demo-password"
    assert password_file.read_text().strip() == password
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    app = make_app(cli.data)
    with app.app_context():
        assert accounts.authenticate(db.session(), "demo", password) is not None
        db.engine().dispose()
    again = cli("demo", "--if-empty").stdout
    assert "chargée" not in again and f"« {password} »" in again
    listed = sorted(cli.meetings(), key=lambda m: m["date"])
    assert len(listed) == 2 and all(set(m) == LIST_KEYS for m in listed)
    assert listed[0] | {"id": 0} == {
        "id": 0,
        "series": "Task Force MSSanté",
        "title": "Atelier modèle économique #1",
        "date": "2022-01-07",
        "status": "validated",
        "classification": "public",
        "version": "1.0",
    }
    # and the next workshop, a draft to try the editor on (issue 15)
    assert listed[1] | {"id": 0} == {
        "id": 0,
        "series": "Task Force MSSanté",
        "title": "Atelier modèle économique #2",
        "date": "2022-02-04",
        "status": "draft",
        "classification": "public",
        "version": "0.1",
    }
    draft = json.loads(cli("export", str(listed[1]["id"]), "--format", "json", "-o", "-").stdout)
    assert len(draft["rida"]) == 4 and draft["actions"][0]["rida"] == 3
    assert "Atelier modèle économique #1" in cli("list").stdout


# --- import, export ----------------------------------------------------------------------


def test_import_prints_ids_and_export_round_trips(cli):
    second = demo_document() | {"title": "  Atelier #2 ", "x-source": {"k": [1, None]}}
    cli.write("a.json", demo_document())
    cli.write("b.json", second)
    ids = [
        int(line)
        for line in cli("import", "--keep-validated", "a.json", "b.json", real=True).stdout.split()
    ]
    assert len(ids) == 2 and ids[0] != ids[1]
    out = json.loads(cli("export", str(ids[1]), "--format", "json", "-o", "-", real=True).stdout)
    assert out == {**exchange.validate(second), "id": ids[1]}
    done = cli("export", str(ids[0]), "-o", "out.json", real=True)
    assert "out.json" in done.stderr and done.stdout == ""
    exported = json.loads((cli.root / "out.json").read_text(encoding="utf-8"))
    assert exported == {**exchange.validate(demo_document()), "id": ids[0]}
    third = int(
        cli("import", "--keep-validated", "out.json").stdout
    )  # an export imports back as it was
    again = json.loads(cli("export", str(third)).stdout)
    assert again == {**exported, "id": third}
    from_stdin = int(
        cli("import", "--keep-validated", "-", stdin=json.dumps(demo_document())).stdout
    )
    assert [m["id"] for m in cli.meetings()] == [from_stdin, third, ids[1], ids[0]]


@pytest.mark.parametrize(
    ("content", "path", "fragment"),
    [
        (None, "bad.json:rida[3].nature", "valeur attendue parmi I, D, A, null"),
        ('{"format": "rida/1",', "bad.json:$", "JSON mal formé"),
        ("", "bad.json:$", "JSON mal formé"),
        ("[1, 2]", "bad.json:$", "objet attendu"),
    ],
)
def test_a_bad_file_fails_and_writes_nothing(cli, content, path, fragment):
    real = content is None
    if content is None:
        doc = demo_document()
        doc["rida"][3]["nature"] = "X"
        content = json.dumps(doc)
    cli.write("good.json", demo_document())
    cli.write("bad.json", content)
    done = cli("import", "good.json", "bad.json", ok=False, real=real)
    assert done.stdout == ""
    error = cli.error(done)
    assert error["error"] == "invalid"
    assert fragment in {e["path"]: e["message"] for e in error["errors"]}[path]
    assert cli.meetings() == []


def test_missing_file_fails(cli):
    cli.write("good.json", demo_document())
    error = cli.error(cli("import", "good.json", "missing.json", ok=False))
    assert error["errors"][0]["path"] == "missing.json"
    assert "lecture impossible" in error["errors"][0]["message"]
    assert cli.meetings() == []


def test_export_unknown_id_fails(cli):
    done = cli("export", "999", ok=False, real=True)
    assert done.stdout == ""
    assert cli.error(done) == {"error": "not_found", "message": "Réunion 999 introuvable."}
    assert cli("export", "abc", ok=False).returncode == 2  # click's usage error
    cli.write("a.json", demo_document())
    meeting_id = cli("import", "a.json").stdout.strip()
    done = cli("export", meeting_id, "-o", "no/such/dir/out.json", ok=False)
    assert "écriture impossible" in cli.error(done)["errors"][0]["message"]


# --- user add ----------------------------------------------------------------------------


def test_user_add(cli):
    done = cli("user", "add", "alice", "--role", "rapporteur", stdin="un mot de passe\n")
    assert "Compte « alice » créé (rapporteur)." in done.stdout
    short = cli.error(cli("user", "add", "bob", "--role", "member", stdin="court\n", ok=False))
    assert short["errors"][0]["path"] == "password"
    duplicate = cli("user", "add", "alice", stdin="un autre mot de passe\n", ok=False)
    assert cli.error(duplicate)["errors"][0]["message"] == "l'identifiant « alice » existe déjà"
    bad_login = cli("user", "add", "a b", stdin="un mot de passe\n", ok=False)
    assert cli.error(bad_login)["errors"][0]["path"] == "login"
    assert (
        cli(
            "user", "add", "carol", "--role", "boss", stdin="un mot de passe\n", ok=False
        ).returncode
        == 2
    )
    generated = cli("user", "add", "dave", "--generate-password").stdout
    password = generated.split("Mot de passe : ")[1].strip()
    app = make_app(cli.data)
    with app.app_context():
        alice = accounts.authenticate(db.session(), "alice", "un mot de passe")
        assert alice is not None and alice.role == "rapporteur"
        assert accounts.authenticate(db.session(), "dave", password).role == "reader"
        assert accounts.authenticate(db.session(), "bob", "court") is None
        db.engine().dispose()
