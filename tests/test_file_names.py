"""File names of downloads and exports: no path, no control character, no quote, RFC 6266
``filename*`` for accents; hostile meeting titles and series names change nothing."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest

from rida.circuit import files
from tests.conftest import draft_document, import_doc
from tests.test_cli import Cli

HOSTILE = [
    "../../etc/passwd",
    "a/b\\c",
    "ligne\nnouvelle\r",
    "guillemets \"doubles\" et 'simples'",
    "..",
    "\u202eexe.docx",
    "nul\x00octet",
    "; filename=evil.exe",
    "Compte-rendu été",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_safe_and_ascii_names(name):
    for made in (files.safe_name(name), files.ascii_name(name)):
        assert made and ".." not in made and not made.startswith(".")
        assert not set(made) & set("/\\\"';\r\n\x00\u202e")
    assert all(c.isascii() for c in files.ascii_name(name))


def _disposition_name(header: str) -> tuple[str, str | None]:
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    star = header.split("filename*=UTF-8''", 1)[1] if "filename*=" in header else None
    return fallback, unquote(star) if star else None


def test_content_disposition():
    assert files.content_disposition("cr.docx") == 'attachment; filename="cr.docx"'
    assert files.content_disposition("a.ics", inline=True) == 'inline; filename="a.ics"'
    header = files.content_disposition("Compte-rendu été.docx")
    assert _disposition_name(header) == ("Compte-rendu-ete.docx", "Compte-rendu été.docx")
    for name in HOSTILE:
        header = files.content_disposition(name)
        assert header.count('"') == 2 and "\n" not in header and "\r" not in header
        fallback, full = _disposition_name(header)
        assert "/" not in fallback and ".." not in fallback
        assert full is None or ("/" not in full and "\\" not in full and ".." not in full)


def _hostile_meeting(app, title: str, series: str) -> int:  # type: ignore[no-untyped-def]
    return import_doc(app, {**draft_document(), "title": title, "series": series})


@pytest.mark.parametrize("title", HOSTILE[:4])
def test_downloads_of_hostile_titles(app, browser, title):
    meeting_id = _hostile_meeting(app, title, f"Série {title}")
    for fmt in ("docx", "md", "json"):
        response = browser.client.get(f"/reunions/{meeting_id}/compte-rendu.{fmt}")
        assert response.status_code == 200
        fallback, full = _disposition_name(response.headers["Content-Disposition"])
        assert fallback.endswith(f".{fmt}") and fallback.startswith("20")
        assert set(fallback) <= set(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"
        )
        assert full is None
    exported = list(Path(app.config["EXPORT_DIR"]).iterdir())
    assert exported and all(p.parent == Path(app.config["EXPORT_DIR"]) for p in exported)


def test_save_never_leaves_the_export_dir(tmp_path):
    with pytest.raises(ValueError):
        files.inside(tmp_path, "../x.docx")
    with pytest.raises(ValueError):
        files.inside(tmp_path, "a/b.docx")
    assert files.inside(tmp_path, "a.docx") == tmp_path / "a.docx"


def test_cli_export_names(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cli = Cli(tmp_path)
    cli("init")
    doc = {**draft_document(), "title": "../../etc/passwd", "series": "a/b\\c"}
    meeting = cli("import", cli.write("m.json", doc)).stdout.strip()
    written = Path(cli("export", meeting, "--format", "md").stdout.strip())
    assert written.parent == tmp_path / "exports" and ".." not in written.name
    assert written.name == "2022-01-07_a-b-c_etc-passwd_v0.1.md"
    (tmp_path / "out").mkdir()
    cli("export", meeting, "--format", "md", "-o", str(tmp_path / "out"))
    assert [p.name for p in (tmp_path / "out").iterdir()] == [written.name]
    cli("export", meeting, "--format", "md", "-o", str(tmp_path / "exact name.md"))
    assert (tmp_path / "exact name.md").read_bytes() == written.read_bytes()
