"""Where rida's own files are: templates, the demo fixtures, the migrations."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).parent
DEMO_FIXTURE = PACKAGE_DIR / "fixtures" / "demo_tf_mssante_2022-01-07.json"
# The next workshop of the same series, a draft: something to try the editor on.
DEMO_DRAFT_FIXTURE = PACKAGE_DIR / "fixtures" / "demo_tf_mssante_2022-02-04_brouillon.json"
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"


def templates_dir() -> Path:
    """Top-level ``templates/`` in a source checkout, ``rida/templates`` once installed."""
    installed = PACKAGE_DIR / "templates"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "templates"
