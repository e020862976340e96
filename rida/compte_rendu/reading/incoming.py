"""A file someone hands in: a rida/1 JSON document or a compte-rendu DOCX, told apart by
content (a .doc/.docx name also routes to the DOCX reader, for a useful refusal)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from rida import exchange
from rida.compte_rendu.reading import docx_package
from rida.compte_rendu.reading.docx_import import DocxError, read_docx
from rida.compte_rendu.reading.upload_check import UploadRefused, check_name
from rida.fields import FieldError


@dataclass
class Incoming:
    doc: Any  # a rida/1 document, not yet validated
    warnings: list[str] = field(default_factory=list)  # what a DOCX reading guessed


def looks_like_docx(name: str, raw: bytes) -> bool:
    return (
        docx_package.is_docx(raw)
        or raw.startswith(docx_package.OLE_MAGIC)
        or name.lower().endswith((".docx", ".doc"))
    )


def read(name: str, raw: bytes, known: Callable[[], Iterable[dict[str, Any]]] = tuple) -> Incoming:
    """The document in ``raw``; FieldError (path ``name``) for an unreadable DOCX,
    ValidationError for bad JSON. ``known`` gives, for a DOCX, the people of the instance
    the importing user may see (:func:`rida.meetings.people.known_people`)."""
    if not looks_like_docx(name, raw):
        return Incoming(exchange.loads(raw))
    try:
        if docx_package.is_docx(raw):
            check_name(name)
        result = read_docx(raw, known())
    except (DocxError, UploadRefused) as e:
        raise FieldError(name, f"DOCX refusé : {e}") from None
    return Incoming(result.doc, list(result.warnings))
