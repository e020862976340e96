"""Compte-rendu files: what the download links and ``rida export`` produce.

:func:`export` is the single entry point of both the web views and the CLI: a meeting in
one format, with its standard file name. :func:`save` writes such a file into the export
directory (``RIDA_EXPORT_DIR``) atomically.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlmodel import Session

from rida.compte_rendu import FORMATS, MEDIA_TYPES, Source, render, source
from rida.models import Meeting
from rida.util import atomic

EXPORT_FORMATS = ("json", *FORMATS)
EXPORT_MEDIA_TYPES = {"json": "application/json", **MEDIA_TYPES}
FORMAT_LABELS = {
    "docx": "DOCX",
    "md": "Markdown",
    "html": "HTML",
    "pdf": "PDF",
    "json": "rida/1 (JSON)",
}
SERIES_ABBREVIATIONS = (
    (re.compile(r"\btask\s+forces?\b", re.IGNORECASE), "TF"),
    (re.compile(r"\bgroupes?\s+de\s+travail\b", re.IGNORECASE), "GT"),
)
SERIES_MAX, TITLE_MAX, VERSION_MAX = 40, 80, 12
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


@dataclass(frozen=True)
class Export:
    doc: dict[str, Any]
    fmt: str
    name: str
    data: bytes
    media_type: str

    def save(self, export_dir: Path) -> Path:
        """The file in ``export_dir``; for Markdown, its figures beside it too."""
        path = save(export_dir, self.doc, self.fmt, self.data)
        if self.fmt == "md":
            from rida.compte_rendu import markdown

            directory = figure_dir(self.doc)
            for relative, data in markdown.figure_files(Source(doc=self.doc), directory):
                folder = inside(export_dir, directory)
                folder.mkdir(exist_ok=True)
                write_atomic(inside(folder, relative.rsplit("/", 1)[1]), data)
        return path


def export(
    session: Session,
    meeting: Meeting,
    fmt: str,
    *,
    soffice: str | None = None,
    template: str | Path | None = None,
) -> Export:
    """``meeting``'s compte-rendu in ``fmt`` (one of :data:`EXPORT_FORMATS`).

    A validated meeting is exported from its frozen version, never re-rendered: the DOCX
    is the frozen bytes, the PDF is made from them, the other formats from the frozen
    source. Raises :class:`rida.compte_rendu.pdf.PdfUnavailable` for a PDF without
    LibreOffice."""
    from rida.circuit import versions

    frozen = (
        versions.find(session, meeting.id, meeting.version)
        if meeting.status == "validated"
        else None
    )
    if frozen is None:
        src = source(session, meeting)
        data = document(src, fmt, soffice=soffice, template=template)
    else:
        src = Source.from_json(frozen.source)
        if fmt == "docx":
            data = frozen.docx
        elif fmt == "pdf":
            from rida.compte_rendu import pdf

            data = pdf.convert(frozen.docx, soffice=soffice)
        else:
            data = document(src, fmt)
    return Export(src.doc, fmt, file_name(src.doc, fmt), data, EXPORT_MEDIA_TYPES[fmt])


def document(
    src: Source, fmt: str, *, soffice: str | None = None, template: str | Path | None = None
) -> bytes:
    """The bytes of ``src`` in ``fmt``; ``json`` is the ``rida/1`` document itself."""
    if fmt == "json":
        return (json.dumps(src.doc, ensure_ascii=False, indent=2) + "\n").encode()
    if fmt == "md":
        from rida.compte_rendu import markdown

        return markdown.render(src, figure_dir(src.doc)).encode()
    return render(src, fmt, soffice=soffice, template=template)


def _ascii_words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.findall(r"[A-Za-z0-9]+", plain)


def slug(text: str, limit: int, default: str) -> str:
    """`Atelier modèle économique #1` -> `Atelier-modele-economique-1`: accents folded,
    punctuation dropped, `-` between words, cut between words to at most ``limit``."""
    words = _ascii_words(text)
    if not words:
        return default
    result = words[0][:limit]
    for word in words[1:]:
        if len(result) + 1 + len(word) > limit:
            break
        result += "-" + word
    return result


def series_slug(series: str) -> str:
    """`Task Force MSSanté` -> `TF-MSSante`."""
    for pattern, short in SERIES_ABBREVIATIONS:
        series = pattern.sub(short, series)
    return slug(series, SERIES_MAX, "serie")


def file_name(doc: dict[str, Any], fmt: str) -> str:
    """`2022-01-07_TF-MSSante_Atelier-modele-economique-1_v1.0.docx`: only
    ``[A-Za-z0-9._-]``, never ``..``, at most about 150 characters."""
    date = re.sub(r"[^0-9-]", "", str(doc.get("date") or ""))[:10] or "sans-date"
    version = re.sub(r"\.{2,}", ".", re.sub(r"[^0-9.]", "", str(doc.get("version") or "")))
    version = version.strip(".")[:VERSION_MAX].strip(".") or "0"
    extension = re.sub(r"[^a-z]", "", fmt)
    return (
        f"{date}_{series_slug(doc.get('series') or '')}_"
        f"{slug(doc.get('title') or '', TITLE_MAX, 'sans-titre')}_v{version}.{extension}"
    )


def figure_dir(doc: dict[str, Any]) -> str:
    """The folder, beside the Markdown file, of its figures: `<its name>_figures`."""
    return file_name(doc, "md").removesuffix(".md") + "_figures"


NAME_MAX = 150
_UNSAFE_IN_NAME = set("/\\\"';:*?<>|")


def _unsafe(c: str) -> bool:
    return c in _UNSAFE_IN_NAME or (unicodedata.category(c)[0] in "CZ" and c != " ")


def safe_name(name: str, default: str = "document") -> str:
    """A file name as it may be offered to a browser or written by rida: no directory
    part, no control or invisible formatting character (bidi overrides included), no
    quote, no ``..``, no leading dot; accents kept."""
    kept = "".join("-" if _unsafe(c) else c for c in unicodedata.normalize("NFC", name))
    kept = re.sub(r"\.{2,}", ".", re.sub(r"-{2,}", "-", kept)).strip(" .-")
    return kept[:NAME_MAX].strip(" .-") or default


def ascii_name(name: str, default: str = "document") -> str:
    """:func:`safe_name` reduced to ``[A-Za-z0-9._-]`` (the ``filename=`` fallback)."""
    decomposed = unicodedata.normalize("NFKD", safe_name(name).translate(_LIGATURES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = re.sub(r"[^A-Za-z0-9._-]+", "-", plain)
    return re.sub(r"\.{2,}", ".", plain).strip(".-") or default


def content_disposition(name: str, *, inline: bool = False) -> str:
    """``attachment; filename="…"`` for ``name`` made safe, with the RFC 6266
    ``filename*`` (UTF-8) when the name has characters beyond ASCII."""
    kind = "inline" if inline else "attachment"
    fallback, full = ascii_name(name), safe_name(name)
    header = f'{kind}; filename="{fallback}"'
    if full != fallback:
        header += f"; filename*=UTF-8''{quote(full, safe='')}"
    return header


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` whole or not at all (:func:`rida.util.atomic.write_file`)."""
    return atomic.write_file(path, data)


def save(export_dir: Path, doc: dict[str, Any], fmt: str, data: bytes) -> Path:
    """Write a generated file into ``export_dir`` under its standard name."""
    export_dir.mkdir(parents=True, exist_ok=True)
    return write_atomic(inside(export_dir, file_name(doc, fmt)), data)


def inside(directory: Path, name: str) -> Path:
    """``directory / name`` for a name rida derived itself; refuses (ValueError) any name
    that would land elsewhere (a defence in depth: :func:`file_name` never makes one)."""
    path = directory / name
    if name != safe_name(name) or path.resolve().parent != directory.resolve():
        raise ValueError(f"unsafe export file name: {name!r}")
    return path
