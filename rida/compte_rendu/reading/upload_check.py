"""Checks on a DOCX someone hands in (upload or ``rida import``), before anything parses it.

A DOCX is a ZIP archive of XML parts. Before python-docx reads one, :func:`check_docx`
makes sure that it is what it claims to be and that reading it is cheap and safe:

- its name ends with ``.docx`` (or it has no name: standard input);
- its size, and the sum of its parts once decompressed, stay under limits; no part
  decompresses more than :data:`MAX_RATIO` times (a *zip bomb* does it 1000 times); not
  too many parts; no archive inside (nested zips), except the embedded objects Word keeps
  in ``word/embeddings/`` (a chart's workbook, an OLE object: counted in the limits,
  never opened); no encrypted part; no part named with an absolute path or ``..``;
- no XML part declares a DTD (``<!DOCTYPE``) or an entity (``<!ENTITY``): entity
  expansion (*billion laughs*) and external entities (files, network) cannot happen;
- ``[Content_Types].xml`` declares ``/word/document.xml`` as a WordprocessingML main
  document.

python-docx parses with ``resolve_entities=False`` and lxml never fetches the network by
default; refusing DTDs up front makes that independent of either library. Pure: no
database. Every refusal is a :class:`UploadRefused` with a French message.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import PurePosixPath

from lxml import etree

MAX_FILE_BYTES = 20_000_000  # the file itself (the web request limit is lower)
MAX_UNPACKED = 100_000_000  # all its parts once decompressed
MAX_ENTRIES = 2_000
MAX_RATIO = 100  # decompressed / compressed, per part…
RATIO_FLOOR = 1_000_000  # …for parts bigger than this once decompressed
ZIP_MAGIC = b"PK\x03\x04"
CONTENT_TYPES = "[Content_Types].xml"
MAIN_PART = "/word/document.xml"
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XML_SUFFIXES = (".xml", ".rels", ".vml")
EMBEDDINGS = "word/embeddings/"  # Word's embedded objects: archives allowed, never opened
_FORBIDDEN_MARKUP = (b"<!doctype", b"<!entity")
_CHUNK = 1 << 16
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, dtd_validation=False
)


class UploadRefused(Exception):
    """The file is refused before parsing; the message is French and says why."""


def check_name(name: str) -> None:
    """A DOCX must be named ``*.docx``; ``-`` (standard input) and a bare name pass."""
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    if name != "-" and suffix and suffix != ".docx":
        raise UploadRefused(
            f"une archive ZIP nommée « {suffix} » n'est pas acceptée : "
            "seuls les documents Word .docx le sont"
        )


def too_big(max_bytes: int = MAX_FILE_BYTES) -> str:
    return f"fichier trop volumineux ({max_bytes // 1_000_000} Mo au plus)"


def check_docx(data: bytes, *, max_bytes: int = MAX_FILE_BYTES) -> None:
    """Refuse (:class:`UploadRefused`) anything but a plain, reasonably sized DOCX."""
    if len(data) > max_bytes:
        raise UploadRefused(too_big(max_bytes))
    if not data.startswith(ZIP_MAGIC):
        raise UploadRefused(
            "ce fichier n'est pas un document Word (.docx) : il n'est pas une archive ZIP"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            _check_entries(infos)
            for info in infos:
                _check_part(archive, info)
            _check_content_types(archive, {i.filename for i in infos})
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        OSError,
        zlib.error,
        NotImplementedError,
        RuntimeError,
    ):
        raise UploadRefused("fichier DOCX corrompu (archive ZIP illisible)") from None


def _check_entries(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ENTRIES:
        raise UploadRefused(
            f"archive de {len(infos)} parties ({MAX_ENTRIES} au plus) : "
            "ce n'est pas un compte-rendu"
        )
    if sum(i.file_size for i in infos) > MAX_UNPACKED:
        raise UploadRefused(
            f"archive trop volumineuse une fois décompressée (plus de "
            f"{MAX_UNPACKED // 1_000_000} Mo)"
        )
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or ".." in PurePosixPath(name.replace("\\", "/")).parts:
            raise UploadRefused(f"partie au nom interdit : « {name} »")
        if info.flag_bits & 0x1:
            raise UploadRefused(f"partie chiffrée : « {name} »")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UploadRefused(
                f"partie « {name} » anormalement compressée (bombe de décompression ?)"
            )
        if name.lower().endswith(
            (".zip", ".docx", ".xlsx", ".pptx", ".jar")
        ) and not name.startswith(EMBEDDINGS):
            raise UploadRefused(f"archive imbriquée refusée : « {name} »")


def _read_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The part's bytes, never more than its declared size (a lying header is refused)."""
    out = bytearray()
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            out += chunk
            if len(out) > info.file_size:
                raise UploadRefused(f"partie « {info.filename} » plus grande que déclarée")
    return bytes(out)


def _check_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    if info.is_dir():
        return
    data = _read_part(archive, info)
    if data.startswith(ZIP_MAGIC) and not info.filename.startswith(EMBEDDINGS):
        raise UploadRefused(f"archive imbriquée refusée : « {info.filename} »")
    if info.filename.lower().endswith(XML_SUFFIXES) and declares_dtd(data):
        raise UploadRefused(
            f"partie « {info.filename} » refusée : déclaration DTD ou "
            "d'entité XML (<!DOCTYPE, <!ENTITY) interdite"
        )


def declares_dtd(xml: bytes) -> bool:
    """Whether ``xml`` has a ``<!DOCTYPE`` or ``<!ENTITY`` declaration, in UTF-8 or UTF-16
    (NUL bytes dropped before looking)."""
    folded = xml.replace(b"\x00", b"").lower()
    return any(marker in folded for marker in _FORBIDDEN_MARKUP)


def _check_content_types(archive: zipfile.ZipFile, names: set[str]) -> None:
    if "word/document.xml" not in names:
        raise UploadRefused(
            "archive ZIP sans word/document.xml : ce n'est pas un document Word (.docx)"
        )
    if CONTENT_TYPES not in names:
        raise UploadRefused(
            f"archive ZIP sans {CONTENT_TYPES} : ce n'est pas un document Word (.docx)"
        )
    try:
        root = etree.fromstring(archive.read(CONTENT_TYPES), _PARSER)
    except etree.XMLSyntaxError:
        raise UploadRefused(
            f"{CONTENT_TYPES} illisible : ce n'est pas un document Word (.docx)"
        ) from None
    main = [
        e.get("ContentType")
        for e in root
        if isinstance(e.tag, str)
        and e.tag.endswith("}Override")
        and e.get("PartName", "").lower() == MAIN_PART
    ]
    if main != [WORD_MAIN]:
        raise UploadRefused(
            "le contenu principal n'est pas un document Word (.docx) "
            f"({main[0] if main else 'non déclaré'})"
        )
