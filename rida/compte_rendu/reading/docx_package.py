"""Opening a DOCX safely (checked first by :mod:`rida.compte_rendu.reading.upload_check`):
clear French errors for what is not one, and the embedded ``rida/1`` part
(``/customXml/rida-1.json``) when present."""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import Any

import docx
from docx.document import Document as WordDocument

from rida import exchange
from rida.compte_rendu.reading import upload_check
from rida.fields import ValidationError

EMBEDDED_PART = "customXml/rida-1.json"
ZIP_MAGIC = upload_check.ZIP_MAGIC
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc (Word 97-2003)


class DocxError(Exception):
    """The file is not a readable DOCX; the message is French and says why."""


def is_docx(data: bytes) -> bool:
    return data.startswith(ZIP_MAGIC)


def open_docx(data: bytes) -> tuple[WordDocument, bytes | None]:
    """The Word document and the embedded part's bytes (``None`` when absent)."""
    if not data:
        raise DocxError("fichier vide : ce n'est pas un document Word (.docx)")
    if data.startswith(OLE_MAGIC):
        raise DocxError(
            "document Word 97-2003 (.doc) : enregistrez-le au format .docx "
            "puis importez-le à nouveau"
        )
    try:
        upload_check.check_docx(data)
    except upload_check.UploadRefused as e:
        raise DocxError(str(e)) from None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            embedded = archive.read(EMBEDDED_PART) if EMBEDDED_PART in names else None
    # A damaged header may also name a part in invalid UTF-8 (UnicodeDecodeError, a
    # ValueError), an unknown compression (NotImplementedError) or encryption (RuntimeError).
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        OSError,
        zlib.error,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ):
        raise DocxError("fichier DOCX corrompu (archive ZIP illisible)") from None
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx and lxml raise many types on a broken package
        raise DocxError(
            "document Word illisible : une partie du fichier est mal formée ou manquante"
        ) from None
    return document, embedded


def embedded_document(raw: bytes | None) -> tuple[dict[str, Any] | None, str | None]:
    """The embedded rida/1 document, validated, or a warning saying why it is ignored."""
    if raw is None:
        return None, None
    try:
        return exchange.validate(exchange.loads(raw)), None
    except ValidationError as e:
        first = e.errors[0]
        return None, (
            f"Données rida/1 intégrées : invalides ({first}), ignorées ; "
            "seul le contenu visible est lu"
        )
