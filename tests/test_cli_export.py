"""`rida export ID --format json|docx|md|html|pdf [-o PATH]`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document

from tests.conftest import demo_document
from tests.exports_support import pdf_pages, require
from tests.test_cli import Cli

NAME = "2022-01-07_TF-MSSante_Atelier-modele-economique-1_v1.0"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.chdir(tmp_path)
    return Cli(tmp_path)


@pytest.fixture
def demo(cli: Cli) -> str:
    cli.write("demo.json", demo_document())
    return cli("import", "demo.json").stdout.strip()


def test_help_names_the_formats(cli):
    out = cli("export", "--help").stdout
    for fmt in ("json", "docx", "md", "html", "pdf"):
        assert fmt in out
    assert "RIDA_EXPORT_DIR" in out


def test_each_format_to_a_file(cli, demo):
    for fmt in ("json", "docx", "md", "html"):
        done = cli("export", demo, "--format", fmt, "-o", f"out.{fmt}", real=fmt == "docx")
        assert done.stdout == "" and f"out.{fmt}" in done.stderr
    assert (
        json.loads((cli.root / "out.json").read_text())["title"] == "Atelier modèle économique #1"
    )
    document = Document(io.BytesIO((cli.root / "out.docx").read_bytes()))
    assert document.paragraphs[0].text == "COMPTE-RENDU"
    assert (cli.root / "out.md").read_text().startswith("**COMPTE-RENDU**\n")
    assert "<h1>Atelier modèle économique #1</h1>" in (cli.root / "out.html").read_text()
    assert not (cli.root / "exports").exists()


def test_without_output_writes_into_the_export_dir(cli, demo):
    for fmt in ("docx", "md", "html"):
        done = cli("export", demo, "--format", fmt, real=fmt == "md")
        path = cli.root / "exports" / f"{NAME}.{fmt}"
        assert done.stdout.strip() == str(path)
        assert path.stat().st_size > 0
    assert sorted(p.name for p in (cli.root / "exports").iterdir()) == [
        f"{NAME}.{fmt}" for fmt in ("docx", "html", "md")
    ]
    # rida/1 keeps its old default: standard output, for piping.
    assert json.loads(cli("export", demo).stdout)["format"] == "rida/1"


def test_standard_output(cli, demo):
    text = cli("export", demo, "--format", "md", "-o", "-", real=True).stdout
    assert text.startswith("**COMPTE-RENDU**\n") and "| 9 | I | TF MSS |" in text


@pytest.mark.slow
def test_pdf(cli, demo):
    require("soffice")
    done = cli("export", demo, "--format", "pdf", real=True)
    path = Path(done.stdout.strip())
    assert path == cli.root / "exports" / f"{NAME}.pdf"
    assert pdf_pages(path) >= 2


def test_errors_exit_non_zero_in_french(cli, demo):
    cli.env["RIDA_SOFFICE"] = str(cli.root / "no-soffice")
    done = cli("export", demo, "--format", "pdf", ok=False, real=True)
    error = cli.error(done)
    assert error["error"] == "pdf_unavailable"
    assert "LibreOffice (commande « soffice ») n'est pas installé" in error["message"]
    assert done.stdout == "" and not (cli.root / "exports").exists()
    assert cli.error(cli("export", "999", "--format", "md", ok=False)) == {
        "error": "not_found",
        "message": "Réunion 999 introuvable.",
    }
    done = cli("export", demo, "--format", "md", "-o", "no/such/dir/out.md", ok=False)
    assert cli.error(done)["errors"][0] == {
        "path": "no/such/dir/out.md",
        "message": "écriture impossible : No such file or directory",
    }
    (cli.root / "blocker").write_text("x")
    cli.env["RIDA_EXPORT_DIR"] = str(cli.root / "blocker" / "exports")
    done = cli("export", demo, "--format", "md", ok=False)
    assert cli.error(done)["errors"][0]["path"] == "RIDA_EXPORT_DIR"
    assert cli("export", demo, "--format", "odt", ok=False).returncode == 2
