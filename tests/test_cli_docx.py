"""``rida import`` with DOCX files: warnings on stderr, clear errors, one transaction."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document

from tests.conftest import demo_document
from tests.fixtures.make_legacy_docx import build
from tests.test_cli import Cli


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.chdir(tmp_path)
    return Cli(tmp_path)


def test_import_legacy_docx_prints_id_and_warnings(cli: Cli):
    build(cli.root / "cr.docx")
    done = cli("import", "cr.docx", real=True)
    meeting_id = int(done.stdout)
    assert "cr.docx : Tableau RIDA, ligne 5 : nature absente" in done.stderr.splitlines()
    exported = json.loads(cli("export", str(meeting_id)).stdout)
    assert [r["nature"] for r in exported["rida"]] == ["I", "I", "I", "I", None, "I", "A", "A", "I"]
    assert len(exported["participants"]) == 4 and len(exported["actions"]) == 3


def test_import_mixes_docx_and_json(cli: Cli):
    build(cli.root / "cr.docx")
    cli.write("demo.json", demo_document())
    ids = cli("import", "demo.json", "cr.docx").stdout.split()
    assert len(ids) == 2 and len(cli.meetings()) == 2


def test_corrupt_docx_is_refused_and_nothing_written(cli: Cli):
    data = build(cli.root / "cr.docx").read_bytes()
    (cli.root / "broken.docx").write_bytes(data[: len(data) // 2])
    (cli.root / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    for name in ("broken.docx", "old.doc"):
        error = _error(cli("import", "cr.docx", name, ok=False, real=name == "old.doc"))
        assert error["errors"][0]["path"] == name
        assert error["errors"][0]["message"].startswith("DOCX refusé : ")
    assert "Word 97-2003" in error["errors"][0]["message"]
    assert cli.meetings() == []


def test_docx_without_date_is_refused_with_its_path(cli: Cli):
    (cli.root / "empty.docx").write_bytes(_empty_docx())
    error = _error(cli("import", "empty.docx", ok=False))
    assert {"path": "empty.docx:date", "message": "champ obligatoire manquant"} in error["errors"]


def test_dry_run_writes_nothing(cli: Cli):
    build(cli.root / "cr.docx")
    done = cli("import", "--dry-run", "cr.docx")
    assert done.stdout == "" and "rien d'écrit" in done.stderr
    assert cli.meetings() == []


def _empty_docx() -> bytes:
    out = io.BytesIO()
    Document().save(out)
    return out.getvalue()


def _error(done) -> dict:  # type: ignore[no-untyped-def]
    """The JSON error, after the reading warnings that precede it on stderr."""
    return json.loads(done.stderr[done.stderr.index("{\n") :])
