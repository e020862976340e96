"""Reading the audit log back: filters, pages, CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from rida import fields
from rida.audit.labels import action_label, object_label
from rida.audit.record import utc
from rida.fields import FieldError
from rida.models import AuditEntry
from rida.util.spreadsheet import neutralise

BATCH = 1000
# What a meeting's history shows: changes, not who read or downloaded it.
CHANGES = ("create", "update", "delete", "status.change", "validation")
CSV_HEADERS = (
    "N°",
    "Date (UTC)",
    "Compte",
    "Id du compte",
    "Adresse",
    "Action",
    "Objet",
    "Id de l'objet",
    "Réunion",
    "Avant",
    "Après",
    "Empreinte précédente",
    "Empreinte",
)


@dataclass(frozen=True)
class Filters:
    """What to show; every field optional. ``start``/``end``: days, both included."""

    login: str | None = None
    action: str | None = None
    object_type: str | None = None
    meeting_id: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    kinds: tuple[str, ...] = ()  # only these actions (not a URL argument)

    def as_args(self) -> dict[str, str]:
        """The filters as URL arguments (the names :func:`parse` reads)."""
        names = {
            "login": "compte",
            "action": "action",
            "object_type": "objet",
            "meeting_id": "reunion",
            "start": "du",
            "end": "au",
        }
        return {names[k]: str(v) for k, v in asdict(self).items() if k in names and v is not None}


def parse(args: Mapping[str, Any], names: Mapping[str, str] | None = None) -> Filters:
    """Filters from URL arguments (``compte``, ``action``, ``objet``, ``reunion``, ``du``,
    ``au``), or from other names (``names``: field → argument, e.g. for the CLI)."""
    names = names or {
        "login": "compte",
        "action": "action",
        "object_type": "objet",
        "meeting_id": "reunion",
        "start": "du",
        "end": "au",
    }

    def value(name: str) -> str | None:
        found = args.get(names[name])
        return found.strip() or None if isinstance(found, str) else None

    meeting = value("meeting_id")
    if meeting is not None and not meeting.isdigit():
        raise FieldError(names["meeting_id"], f"numéro de réunion attendu, reçu {meeting!r}")
    found = Filters(
        login=value("login"),
        action=value("action"),
        object_type=value("object_type"),
        meeting_id=int(meeting) if meeting is not None else None,
        start=fields.date(value("start"), names["start"]),
        end=fields.date(value("end"), names["end"]),
    )
    if found.start and found.end and found.start > found.end:
        raise FieldError(names["end"], "la date de fin précède la date de début")
    return found


def _where(filters: Filters) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if filters.login:
        clauses.append(col(AuditEntry.login) == filters.login)
    if filters.action:
        clauses.append(col(AuditEntry.action) == filters.action)
    if filters.kinds:
        clauses.append(col(AuditEntry.action).in_(filters.kinds))
    if filters.object_type:
        clauses.append(col(AuditEntry.object_type) == filters.object_type)
    if filters.meeting_id is not None:
        clauses.append(col(AuditEntry.meeting_id) == filters.meeting_id)
    if filters.start:
        clauses.append(col(AuditEntry.at) >= dt.datetime.combine(filters.start, dt.time(), dt.UTC))
    if filters.end:
        after = filters.end + dt.timedelta(days=1)
        clauses.append(col(AuditEntry.at) < dt.datetime.combine(after, dt.time(), dt.UTC))
    return clauses


def page(
    session: Session, filters: Filters, number: int, per_page: int
) -> tuple[list[AuditEntry], int]:
    """One page of matching entries, newest first, and how many match in all."""
    where = _where(filters)
    total = session.exec(select(func.count()).select_from(AuditEntry).where(*where)).one()
    found = session.exec(
        select(AuditEntry)
        .where(*where)
        .order_by(col(AuditEntry.id).desc())
        .offset((number - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(found), int(total)


def entries(session: Session, filters: Filters) -> Iterator[AuditEntry]:
    """Every matching entry, oldest first, read in batches."""
    where, last = _where(filters), 0
    while True:
        batch = session.exec(
            select(AuditEntry)
            .where(col(AuditEntry.id) > last, *where)
            .order_by(col(AuditEntry.id))
            .limit(BATCH)
        ).all()
        if not batch:
            return
        yield from batch
        last = batch[-1].id


def choices(session: Session) -> dict[str, list[str]]:
    """The accounts, actions and object types found in the log (for the filter form)."""

    def distinct(column: Any) -> list[str]:
        found = session.exec(select(column).where(column.is_not(None)).distinct())
        return sorted(v for v in found.all() if v)

    return {
        "login": distinct(col(AuditEntry.login)),
        "action": distinct(col(AuditEntry.action)),
        "object_type": distinct(col(AuditEntry.object_type)),
    }


def _json(value: dict[str, Any] | None) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""


def cells(e: AuditEntry) -> list[Any]:
    """One CSV line (text neutralised against formula injection)."""
    values = [
        e.id,
        utc(e.at).isoformat(sep=" ", timespec="seconds"),
        e.login or "",
        e.user_id if e.user_id is not None else "",
        e.ip or "",
        action_label(e.action),
        object_label(e.object_type),
        e.object_id or "",
        e.meeting_id if e.meeting_id is not None else "",
        _json(e.before),
        _json(e.after),
        e.prev_hash,
        e.hash,
    ]
    return [neutralise(v) for v in values]


def to_csv(found: Iterable[AuditEntry]) -> Iterator[str]:
    """The CSV for French Excel (byte order mark, ``;``), line by line."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    yield "\ufeff" + out.getvalue()
    for e in found:
        out.seek(0)
        out.truncate()
        writer.writerow(cells(e))
        yield out.getvalue()
