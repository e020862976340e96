"""``rida export --all``: every file of the instance's archive, read in one snapshot, and
its manifest, written into a new directory renamed into place when complete."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from rida.audit import query as audit_query
from rida.exchange.archive.export_meeting import meeting_files
from rida.exchange.archive.layout import (
    AUDIT,
    FORMAT,
    MANIFEST,
    MEETINGS,
    PEOPLE,
    SERIES,
    ArchiveError,
    count_rows,
    iso,
    json_bytes,
    rida_version,
    sha256,
)
from rida.models import (
    Action,
    ActionEvent,
    Meeting,
    MeetingVersion,
    Person,
    PersonAlias,
    RidaRow,
    Series,
    SeriesGlossary,
    SeriesMember,
    User,
    id_of,
)
from rida.util.atomic import new_directory


@dataclass
class Archive:
    """An archive in memory: its files by relative path, and its manifest."""

    files: dict[str, bytes] = field(default_factory=dict)
    meetings: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def snapshot(session: Session) -> None:
    """Read everything from here on in one snapshot (PostgreSQL: repeatable read; SQLite's
    read transaction already is one)."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def collect(session: Session) -> Archive:
    """Every file of the archive of the instance (but the manifest)."""
    archive = Archive()
    logins = {u.id: u.login for u in session.exec(select(User)).all()}
    archive.files[SERIES] = json_bytes(_series(session, logins))
    archive.files[PEOPLE] = json_bytes(_people(session))
    meetings = session.exec(select(Meeting).order_by(col(Meeting.id))).all()
    for meeting in meetings:
        ident = id_of(meeting)
        base = f"{MEETINGS}/{ident}"
        for name, data in meeting_files(session, meeting, logins).items():
            archive.files[f"{base}/{name}"] = data
        archive.meetings.append(ident)
    archive.files[AUDIT] = "".join(
        audit_query.to_csv(audit_query.entries(session, audit_query.Filters()))
    ).encode("utf-8")
    archive.counts = {
        "series": count_rows(session, Series),
        "people": count_rows(session, Person),
        "meetings": len(meetings),
        "rida_rows": count_rows(session, RidaRow),
        "actions": count_rows(session, Action),
        "action_events": count_rows(session, ActionEvent),
        "versions": count_rows(session, MeetingVersion),
    }
    return archive


def _series(session: Session, logins: dict[int | None, str]) -> dict[str, Any]:
    members: dict[int, list[str]] = {}
    for m in session.exec(select(SeriesMember)).all():
        if m.user_id in logins:
            members.setdefault(m.series_id, []).append(logins[m.user_id])
    glossaries: dict[int | None, list[list[str]]] = {}
    for g in session.exec(select(SeriesGlossary).order_by(col(SeriesGlossary.id))).all():
        glossaries.setdefault(g.series_id, []).append(list(g.terms))
    return {
        "series": [
            {
                "id": s.id,
                "name": s.name,
                "created_at": iso(s.created_at),
                "members": sorted(members.get(id_of(s), [])),
                "glossary": glossaries.get(s.id, []),
            }
            for s in session.exec(select(Series).order_by(col(Series.id))).all()
        ],
        "glossary": glossaries.get(None, []),
    }


def _people(session: Session) -> list[dict[str, Any]]:
    aliases: dict[int, list[dict[str, Any]]] = {}
    for a in session.exec(select(PersonAlias).order_by(col(PersonAlias.id))).all():
        aliases.setdefault(a.person_id, []).append(
            {
                "merged_id": a.merged_id,
                "last_name": a.last_name,
                "first_name": a.first_name,
                "entity": a.entity,
                "merged_by": a.merged_by,
                "merged_at": iso(a.merged_at),
            }
        )
    return [
        {
            "id": p.id,
            "last_name": p.last_name,
            "first_name": p.first_name,
            "entity": p.entity,
            "function": p.function,
            "email": p.email,
            "aliases": aliases.get(id_of(p), []),
        }
        for p in session.exec(select(Person).order_by(col(Person.id))).all()
    ]


def manifest_of(archive: Archive, now: dt.datetime | None = None) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "rida_version": rida_version(),
        "created_at": (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "counts": archive.counts,
        "meetings": archive.meetings,
        "files": {
            name: {"bytes": len(data), "sha256": sha256(data)}
            for name, data in sorted(archive.files.items())
        },
    }


def write_archive(session: Session, target: Path, now: dt.datetime | None = None) -> dict[str, Any]:
    """Write the archive of the instance into the new directory ``target`` (absent or
    empty); return its manifest. ``session`` reads in one snapshot (:func:`snapshot`)."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ArchiveError(f"{target} existe déjà : choisissez un nouveau dossier.", "exists")
    archive = collect(session)
    manifest = manifest_of(archive, now)
    with new_directory(target) as staging:
        for name, data in archive.files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        (staging / MANIFEST).write_bytes(json_bytes(manifest))
    return manifest
