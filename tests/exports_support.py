"""Helpers for the export tests: documents with hostile text, the Source of an imported
meeting, and the poppler / LibreOffice programs (skipped locally when missing, a failure
in CI, where `.ci/run` installs them)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask

from rida import compte_rendu, db
from rida.models import Meeting
from tests.conftest import demo_document, import_doc

SCRIPT = "<script>alert('x')</script>"


def hostile_document() -> dict:
    """The demo with HTML, pipes, line breaks and Markdown punctuation in its fields."""
    doc = demo_document()
    doc["title"] = f"Atelier {SCRIPT} | *gras* #2"
    doc["rida"][0]["subject"] = f"Objet {SCRIPT} | a|b"
    doc["rida"][0]["question"] = f"{SCRIPT}\n\n- un | deux\n- trois \\\n\nfin & <b>"
    doc["rida"][1]["answer"] = "ligne 1\nligne 2 |"
    doc["comments"] = [f"{SCRIPT}\n\nsuite"]
    return doc


def source_of(app: Flask, doc: dict) -> compte_rendu.Source:
    meeting_id = import_doc(app, doc)
    with app.app_context(), db.write_session(db.engine()) as s:
        return compte_rendu.source(s, s.get(Meeting, meeting_id))


def in_order(text: str, parts: list[str]) -> None:
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} missing or out of order"
        position = found + len(part)


def require(program: str) -> str:
    found = shutil.which(program)
    if found is None:
        message = f"{program} is not installed (.ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def pdf_pages(path: Path) -> int:
    out = subprocess.run(
        [require("pdfinfo"), str(path)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return int(next(line.split()[1] for line in out.splitlines() if line.startswith("Pages:")))


def pdf_text(path: Path) -> str:
    return subprocess.run(
        [require("pdftotext"), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
