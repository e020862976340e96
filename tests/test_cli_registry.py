"""The table of ``rida`` commands (:data:`rida.cli.COMMANDS`): every entry resolves to
its command, the short help shown by ``rida --help`` is the command's own, and the help
starts without importing the commands (nor Flask, nor SQLAlchemy)."""

from __future__ import annotations

import os
import subprocess
import sys

import click
from click.testing import CliRunner

from rida.cli import COMMANDS, load, main


def test_every_entry_resolves_to_its_command():
    for name, entry in COMMANDS.items():
        command = load(name)
        assert isinstance(command, click.Command), entry.where
        assert command.name == name, entry.where


def test_short_help_is_the_commands_own():
    for name, entry in COMMANDS.items():
        assert entry.help == load(name).get_short_help_str(limit=sys.maxsize), name


def test_help_lists_the_commands_as_click_would():
    eager = click.Group(
        "main",
        commands={name: load(name) for name in COMMANDS},
        params=main.params,
        help=main.help,
        context_settings=main.context_settings,
    )
    for width in (60, 80, 200):
        lazy = CliRunner().invoke(main, ["--help"], terminal_width=width)
        expected = CliRunner().invoke(eager, ["--help"], terminal_width=width)
        assert lazy.exit_code == 0
        assert lazy.stdout == expected.stdout


def test_help_imports_no_command_nor_flask_nor_sqlalchemy():
    code = (
        "import sys\n"
        "from rida.cli import main\n"
        "main(['--help'], standalone_mode=False)\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', "
        "'sqlmodel', 'alembic') or (m.startswith('rida.') and m != 'rida.cli')]\n"
        "print('LOADED', sorted(loaded))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert "Commands:" in done.stdout
    assert done.stdout.splitlines()[-1] == "LOADED []"


def test_python_dash_m_runs_the_command():
    done = subprocess.run(
        [sys.executable, "-m", "rida.cli", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and "Commands:" in done.stdout


def test_list_runs_on_sqlalchemy_core_alone(tmp_path):
    """``rida list`` loads neither Flask, nor the ORM, nor the heavy libraries."""
    env = {**os.environ, "RIDA_DATA_DIR": str(tmp_path), "RIDA_EXPORT_DIR": str(tmp_path)}
    env.pop("RIDA_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "rida.cli", "init"], env=env, check=True, timeout=60)
    code = (
        "import sys\n"
        "from rida.cli import main\n"
        "main(['list'], standalone_mode=False)\n"
        "print('LOADED', sorted(m for m in sys.modules\n"
        "    if m.split('.')[0] in HEAVY\n"
        "    or m.startswith(('rida.views', 'rida.models', 'sqlalchemy.orm'))))\n"
    ).replace("HEAVY", repr(HEAVY))
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "LOADED []"


HEAVY = (
    "alembic",
    "argon2",
    "docx",
    "icalendar",
    "markdown",
    "openpyxl",
    "waitress",
    "whoosh",
    "flask",
    "flask_login",
    "flask_wtf",
    "pydantic",
    "sqlmodel",
)
