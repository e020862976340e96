"""Where rida's own files are: templates, the demo fixture, the migrations."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).parent
DEMO_FIXTURE = PACKAGE_DIR / "fixtures" / "demo_tf_mssante_2022-01-07.json"
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"


def templates_dir() -> Path:
    """Top-level ``templates/`` in a source checkout, ``rida/templates`` once installed."""
    installed = PACKAGE_DIR / "templates"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "templates"
