"""DOCX to PDF with LibreOffice headless (``soffice --convert-to pdf``).

Each conversion runs in its own temporary directory with its own LibreOffice profile
(``-env:UserInstallation``): two conversions at once never share a profile, which
LibreOffice does not support. The PDF is tagged and PDF/UA (:data:`EXPORT_FILTER`): a
French public body publishes accessible documents (RGAA).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 120
NOT_INSTALLED = (
    "Le PDF n'est pas disponible : LibreOffice (commande « soffice ») n'est pas "
    "installé sur le serveur. Installez le paquet libreoffice-writer ou indiquez "
    "son chemin dans RIDA_SOFFICE."
)


# LibreOffice's PDF export filter options (JSON form, LibreOffice 7.4 and later): a tagged
# PDF (structure tree, so that screen readers follow headings, lists and tables) meeting
# PDF/UA, the document's title (its core property) shown instead of the file name.
EXPORT_FILTER = "pdf:writer_pdf_Export:" + json.dumps(
    {
        "UseTaggedPDF": {"type": "boolean", "value": "true"},
        "PDFUACompliance": {"type": "boolean", "value": "true"},
        "ExportBookmarks": {"type": "boolean", "value": "true"},
    },
    separators=(",", ":"),
)


class PdfUnavailable(Exception):
    """No PDF could be made; ``message`` says why, in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def find_soffice(configured: str | None = None) -> str:
    """The ``soffice`` program: ``configured`` (RIDA_SOFFICE) if given, else from PATH."""
    if configured:
        path = Path(configured)
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
        raise PdfUnavailable(
            f"{NOT_INSTALLED} (RIDA_SOFFICE = {configured} : introuvable ou non exécutable)"
        )
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise PdfUnavailable(NOT_INSTALLED)
    return found


def convert(
    docx: bytes,
    *,
    soffice: str | None = None,
    timeout: float = TIMEOUT_SECONDS,
    suffix: str = "docx",
) -> bytes:
    """The PDF of a DOCX document (or of an HTML page, ``suffix="html"``, laid out by
    Writer on A4 pages); :class:`PdfUnavailable` when it cannot be made."""
    program = find_soffice(soffice)
    with tempfile.TemporaryDirectory(prefix="rida-pdf-") as tmp:
        work = Path(tmp)
        source = work / f"compte-rendu.{suffix}"
        source.write_bytes(docx)
        # HTML opens in Writer/Web by default; Writer gives pages and page margins.
        # A status report (HTML) is tagged too: the same export filter.
        html_in = ["--infilter=HTML (StarWriter)", "--convert-to", EXPORT_FILTER]
        command = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            *(html_in if suffix == "html" else ["--convert-to", EXPORT_FILTER]),
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        try:
            # A session of its own: on timeout, soffice and the children it spawned die.
            proc = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env={**os.environ, "HOME": tmp},
                start_new_session=True,
            )
        except OSError as e:
            raise PdfUnavailable(f"{NOT_INSTALLED} ({e.strerror})") from None
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise PdfUnavailable(
                f"La conversion en PDF a dépassé {timeout:.0f} s et a été interrompue."
            ) from None
        result = work / "out" / "compte-rendu.pdf"
        if proc.returncode != 0 or not result.is_file():
            detail = (err or out).decode(errors="replace").strip()[-300:]
            raise PdfUnavailable(
                "La conversion en PDF par LibreOffice a échoué"
                + (f" : {detail}" if detail else ".")
            ) from None
        return result.read_bytes()
