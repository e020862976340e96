"""What an archive is made of: its format and file names, its error, the SHA-256 check of
its files, and how values are written into it (JSON, CSV, dates) and read back."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Iterable
from importlib import metadata
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from rida.models import aware
from rida.util.spreadsheet import neutralise

FORMAT = "rida-archive/1"
MANIFEST = "manifest.json"
SERIES = "series.json"
PEOPLE = "people.json"
AUDIT = "audit.csv"
MEETINGS = "meetings"
DOCUMENT = "meeting.json"
SIDE = "x-rida.json"
ACTIONS = "actions.json"
ACTIONS_CSV = "actions.csv"
HISTORY_CSV = "history.csv"
# The tables whose ids an archive keeps (PostgreSQL: their sequences moved past them).
KEPT_IDS = ("series", "person", "meeting", "action")


class ArchiveError(Exception):
    """An archive cannot be written or read; ``message`` is French."""

    def __init__(self, message: str, code: str = "archive"):
        super().__init__(message)
        self.message, self.code = message, code

    def as_dict(self) -> dict[str, str]:
        return {"error": self.code, "message": self.message}


def rida_version() -> str:
    try:
        return metadata.version("rida")
    except metadata.PackageNotFoundError:  # pragma: no cover - a source tree not installed
        return "0"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_sha256(data: bytes, digest: str, message: str, size: int | None = None) -> bytes:
    """``data`` if its SHA-256 is ``digest`` (and its length ``size``, when given); else the
    archive was tampered with: :class:`ArchiveError` ``tampered`` saying ``message``."""
    if (size is not None and len(data) != size) or sha256(data) != digest:
        raise ArchiveError(message, "tampered")
    return data


def count_rows(session: Session, table: Any) -> int:
    return int(session.exec(select(func.count()).select_from(table)).one())


def json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode()


def iso(at: dt.datetime | None) -> str | None:
    return aware(at).isoformat() if at is not None else None


def moment(value: Any) -> dt.datetime:
    if not isinstance(value, str):
        raise ValueError(f"date et heure attendues, reçu {value!r}")
    return aware(dt.datetime.fromisoformat(value))


def day(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value is not None else None


def csv_bytes(headers: Iterable[str], lines: Iterable[Iterable[Any]]) -> bytes:
    """A CSV for French Excel (byte order mark, ``;``), cells neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for line in lines:
        writer.writerow([neutralise("" if v is None else v) for v in line])
    return ("\ufeff" + out.getvalue()).encode()
