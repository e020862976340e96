"""Pictures of the demo compte-rendu for the README: page 1 and the RIDA table.

Builds the demo DOCX with rida's own writer, converts it to PDF with LibreOffice and
writes PNG pictures with poppler's ``pdftoppm`` into ``docs/images/``. Run with
``make docs-images`` after changing the DOCX writer.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from rida import exchange
from rida.compte_rendu import Source, pdf, render

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "rida" / "fixtures" / "demo_tf_mssante_2022-01-07.json"
OUT = ROOT / "docs" / "images"
DPI = 80
RIDA_MARKERS = ("Relevéd'Informations", "Question/Remarque")


def page_texts(pdf_path: Path) -> list[str]:
    """The text of each page, without whitespace (``\\f`` separates pages)."""
    text = subprocess.run(
        ["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return ["".join(page.split()) for page in text.split("\f")]


def rida_page(pages: list[str]) -> int:
    """The first page showing RIDA rows (1-based): where the table's title is, or the
    next page when the title is at the bottom of page 1."""
    for marker in RIDA_MARKERS:
        for number, text in enumerate(pages, 1):
            if marker in text:
                return number + 1 if number == 1 and len(pages) > 1 else number
    raise SystemExit("RIDA table not found in the PDF")


def snapshot(pdf_path: Path, page: int, target: Path) -> None:
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(DPI),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf_path),
            str(target.with_suffix("")),
        ],
        check=True,
    )


def main() -> None:
    for program in ("pdftoppm", "pdftotext"):
        if shutil.which(program) is None:
            sys.exit(f"{program} manquant : apt-get install poppler-utils")
    doc = exchange.validate(json.loads(DEMO.read_text(encoding="utf-8")))
    try:
        data = render(Source(doc=doc), "pdf")
    except pdf.PdfUnavailable as e:
        sys.exit(e.message)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pdf_path = Path(tmp) / "demo.pdf"
        pdf_path.write_bytes(data)
        pages = page_texts(pdf_path)
        for page, name in (
            (1, "compte-rendu-page-1.png"),
            (rida_page(pages), "compte-rendu-rida.png"),
        ):
            snapshot(pdf_path, page, OUT / name)
            print(f"{OUT / name} (page {page}, {(OUT / name).stat().st_size // 1024} Ko)")


if __name__ == "__main__":
    main()
