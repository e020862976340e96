"""Opening a DOCX safely: clear French errors for what is not one, and the embedded
``rida/1`` part (``/customXml/rida-1.json``) when present."""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import Any

import docx
from docx.document import Document as WordDocument

from rida import exchange
from rida.fields import ValidationError

EMBEDDED_PART = "customXml/rida-1.json"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc (Word 97-2003)
MAX_UNPACKED = 300_000_000  # a zip bomb is refused before parsing


class DocxError(Exception):
    """The file is not a readable DOCX; the message is French and says why."""


def is_docx(data: bytes) -> bool:
    return data.startswith(ZIP_MAGIC)


def open_docx(data: bytes) -> tuple[WordDocument, bytes | None]:
    """The Word document and the embedded part's bytes (``None`` when absent)."""
    if not data:
        raise DocxError("fichier vide : ce n'est pas un document Word (.docx)")
    if data.startswith(OLE_MAGIC):
        raise DocxError("document Word 97-2003 (.doc) : enregistrez-le au format .docx "
                        "puis importez-le à nouveau")
    if not is_docx(data):
        raise DocxError("ce fichier n'est pas un document Word (.docx) : "
                        "il n'est pas une archive ZIP")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" not in names:
                raise DocxError("archive ZIP sans word/document.xml : ce n'est pas un "
                                "document Word (.docx)")
            if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED:
                raise DocxError("archive trop volumineuse une fois décompressée")
            bad = archive.testzip()
            if bad is not None:
                raise DocxError(f"fichier DOCX corrompu : la partie {bad} est illisible")
            embedded = archive.read(EMBEDDED_PART) if EMBEDDED_PART in names else None
    # A damaged header may also name a part in invalid UTF-8 (UnicodeDecodeError, a
    # ValueError), an unknown compression (NotImplementedError) or encryption (RuntimeError).
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, zlib.error,
            ValueError, NotImplementedError, RuntimeError) as e:
        raise DocxError(f"fichier DOCX corrompu (archive ZIP illisible : {e})") from None
    try:
        document = docx.Document(io.BytesIO(data))
    except DocxError:
        raise
    except Exception as e:  # python-docx and lxml raise many types on a broken package
        raise DocxError(f"document Word illisible ({type(e).__name__} : {e})") from None
    return document, embedded


def embedded_document(raw: bytes | None) -> tuple[dict[str, Any] | None, str | None]:
    """The embedded rida/1 document, validated, or a warning saying why it is ignored."""
    if raw is None:
        return None, None
    try:
        return exchange.validate(exchange.loads(raw)), None
    except ValidationError as e:
        first = e.errors[0]
        return None, (f"Données rida/1 intégrées : invalides ({first}), ignorées ; "
                      "seul le contenu visible est lu")
