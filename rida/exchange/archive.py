"""The whole instance as a directory of open files, and back: ``rida export --all`` and
``rida import --all`` (reversibility: leaving rida loses nothing).

An archive is a directory::

    manifest.json                 format, rida version, date (UTC), counts, the meetings,
                                  size and SHA-256 of every other file
    series.json                   the series (id, name, members' logins, glossary) and the
                                  instance's glossary
    people.json                   every person (id, names, entity, function, e-mail) with
                                  the old names merged into them
    audit.csv                     the whole audit log (as ``rida audit export``)
    meetings/<id>/meeting.json    the meeting as a ``rida/1`` document
    meetings/<id>/x-rida.json     what ``rida/1`` does not hold: ids and uids, positions,
                                  dates of creation and change, review rounds, and the
                                  metadata of each kind of file (:data:`MEETING_FILES`)
    meetings/<id>/actions.json    the actions with their ids, uids and status history
    meetings/<id>/actions.csv     the same actions, for a spreadsheet (« ; », BOM)
    meetings/<id>/history.csv     their status changes, for a spreadsheet
    meetings/<id>/versions/…      each frozen version: ``<v>.docx`` (the frozen bytes),
                                  ``<v>.json`` (its rida/1 document) and ``<v>.source.json``
                                  (the stored source, restored byte for byte)

:func:`write_archive` reads everything in one snapshot and builds the directory beside
its destination, renamed into place when complete. :func:`read_archive` checks the
manifest and the SHA-256 of every file (and that none was added) and every document
before anything is written; :func:`restore` then writes it all, with the same ids, in
the caller's transaction, into an instance without series, meetings nor persons.
The audit log is archived, not restored: the new instance's log starts with the import,
which records the archive's manifest SHA-256 (and so the old log's).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import secrets
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from rida.audit import query as audit_query
from rida.exchange.exporting import export_document
from rida.exchange.importing import header_values
from rida.exchange.validation import extensions, loads, validate
from rida.fields import FieldError, ValidationError
from rida.meetings import figures
from rida.meetings.people import person_key
from rida.models import (
    Action,
    ActionEvent,
    Meeting,
    MeetingVersion,
    Participation,
    Person,
    PersonAlias,
    ReviewRound,
    RidaRow,
    Series,
    SeriesGlossary,
    SeriesMember,
    User,
    aware,
    id_of,
)
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
_SAFE_NAME = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]*")


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


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode()


def _when(moment: dt.datetime | None) -> str | None:
    return aware(moment).isoformat() if moment is not None else None


def _moment(value: Any) -> dt.datetime:
    if not isinstance(value, str):
        raise ValueError(f"date et heure attendues, reçu {value!r}")
    return aware(dt.datetime.fromisoformat(value))


def _day(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value is not None else None


def _csv(headers: Iterable[str], lines: Iterable[Iterable[Any]]) -> bytes:
    """A CSV for French Excel (byte order mark, ``;``), cells neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for line in lines:
        writer.writerow([neutralise("" if v is None else v) for v in line])
    return ("\ufeff" + out.getvalue()).encode()


# --- The kinds of files a meeting holds ----------------------------------------------------


@dataclass
class Restoring:
    """What a kind of file needs to restore its files: the accounts of the new instance by
    login (who validated keeps its name; its account is linked when it exists)."""

    users: dict[str, int]

    def user_id(self, login: str | None) -> int | None:
        return self.users.get(login) if login else None


# Files of one meeting: (their metadata, stored in x-rida.json under the kind's name;
# {path relative to the meeting's folder: bytes}).
Dump = Callable[[Session, Meeting], tuple[list[dict[str, Any]], dict[str, bytes]]]
# Restore them: the session, the new meeting's id, the metadata, a reader of the meeting's
# files by relative path (checked against the manifest), the context.
Restore = Callable[[Session, int, list[dict[str, Any]], Callable[[str], bytes], Restoring], None]


@dataclass(frozen=True)
class FileKind:
    name: str
    dump: Dump
    restore: Restore


def _dump_versions(
    session: Session, meeting: Meeting
) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
    found = session.exec(
        select(MeetingVersion)
        .where(MeetingVersion.meeting_id == meeting.id)
        .order_by(col(MeetingVersion.validated_at), col(MeetingVersion.id))
    ).all()
    entries, files = [], {}
    for frozen in found:
        if not _SAFE_NAME.fullmatch(frozen.version):
            raise ArchiveError(f"Version au nom inattendu : {frozen.version!r}.")
        base = f"versions/{frozen.version}"
        doc = json.loads(frozen.source)["doc"]
        files[f"{base}.docx"] = frozen.docx
        files[f"{base}.json"] = _json(doc)  # as a frozen version's rida/1 download
        files[f"{base}.source.json"] = frozen.source.encode()
        entries.append(
            {
                "version": frozen.version,
                "sha256": frozen.sha256,
                "validated_by": frozen.validated_by_name,
                "validated_at": _when(frozen.validated_at),
                "docx": f"{base}.docx",
                "json": f"{base}.json",
                "source": f"{base}.source.json",
            }
        )
    return entries, files


def _restore_versions(
    session: Session,
    meeting_id: int,
    entries: list[dict[str, Any]],
    read: Callable[[str], bytes],
    ctx: Restoring,
) -> None:
    for e in entries:
        docx = read(e["docx"])
        if sha256(docx) != e["sha256"]:
            raise ArchiveError(
                f"Version {e['version']} de la réunion {meeting_id} : le DOCX ne correspond "
                "pas à son empreinte SHA-256.",
                "tampered",
            )
        session.add(
            MeetingVersion(
                meeting_id=meeting_id,
                version=e["version"],
                source=read(e["source"]).decode("utf-8"),
                docx=docx,
                sha256=e["sha256"],
                validated_by=ctx.user_id(e["validated_by"]),
                validated_by_name=e["validated_by"],
                validated_at=_moment(e["validated_at"]),
            )
        )


_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg"}


def _dump_figures(
    session: Session, meeting: Meeting
) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
    """Each figure as an image file (``figures/figure-N.png``): readable without rida."""
    entries, files = [], {}
    for figure in figures.for_meeting(session, meeting.id):
        name = f"figures/figure-{figure.number}.{_EXTENSIONS.get(figure.media_type, 'bin')}"
        files[name] = figure.data
        entries.append({"number": figure.number, "sha256": figure.sha256, "file": name})
    return entries, files


def _restore_figures(
    session: Session,
    meeting_id: int,
    entries: list[dict[str, Any]],
    read: Callable[[str], bytes],
    ctx: Restoring,
) -> None:
    meeting = session.get(Meeting, meeting_id)
    assert meeting is not None
    for e in entries:
        data = read(e["file"])
        if sha256(data) != e["sha256"]:
            raise ArchiveError(
                f"Figure {e['number']} de la réunion {meeting_id} : le fichier ne correspond "
                "pas à son empreinte SHA-256.",
                "tampered",
            )
        try:
            figures.add(session, meeting, data, None, number=int(e["number"]))
        except figures.FigureError as err:
            raise ArchiveError(
                f"Figure {e['number']} de la réunion {meeting_id} : {err}", "invalid"
            ) from None


# Every kind of file a meeting holds beside its documents, in this order. A new kind adds
# its FileKind here: its dump and restore functions are all it takes.
MEETING_FILES: list[FileKind] = [
    FileKind("versions", _dump_versions, _restore_versions),
    FileKind("figures", _dump_figures, _restore_figures),
]


# --- Export --------------------------------------------------------------------------------


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
    archive.files[SERIES] = _json(_series(session, logins))
    archive.files[PEOPLE] = _json(_people(session))
    meetings = session.exec(select(Meeting).order_by(col(Meeting.id))).all()
    for meeting in meetings:
        ident = id_of(meeting)
        base = f"{MEETINGS}/{ident}"
        for name, data in _meeting_files(session, meeting, logins).items():
            archive.files[f"{base}/{name}"] = data
        archive.meetings.append(ident)
    archive.files[AUDIT] = "".join(
        audit_query.to_csv(audit_query.entries(session, audit_query.Filters()))
    ).encode("utf-8")

    def count(table: Any) -> int:
        return int(session.exec(select(func.count()).select_from(table)).one())

    archive.counts = {
        "series": count(Series),
        "people": count(Person),
        "meetings": len(meetings),
        "rida_rows": count(RidaRow),
        "actions": count(Action),
        "action_events": count(ActionEvent),
        "versions": count(MeetingVersion),
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
                "created_at": _when(s.created_at),
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
                "merged_at": _when(a.merged_at),
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


def _meeting_files(
    session: Session, meeting: Meeting, logins: dict[int | None, str]
) -> dict[str, bytes]:
    ident = id_of(meeting)
    files = {DOCUMENT: _json(export_document(session, meeting))}
    participations = session.exec(
        select(Participation)
        .where(Participation.meeting_id == ident)
        .order_by(col(Participation.position))
    ).all()
    rows = session.exec(
        select(RidaRow).where(RidaRow.meeting_id == ident).order_by(col(RidaRow.number))
    ).all()
    actions = session.exec(
        select(Action)
        .where(Action.meeting_id == ident)
        .order_by(col(Action.position), col(Action.id))
    ).all()
    rounds = session.exec(
        select(ReviewRound)
        .where(ReviewRound.meeting_id == ident)
        .order_by(col(ReviewRound.sent_at), col(ReviewRound.id))
    ).all()
    side: dict[str, Any] = {
        "id": ident,
        "series_id": meeting.series_id,
        "created_by": logins.get(meeting.created_by),
        "created_at": _when(meeting.created_at),
        "updated_at": _when(meeting.updated_at),
        "review_deadline": meeting.review_deadline.isoformat() if meeting.review_deadline else None,
        "organiser_id": meeting.organiser_id,
        "rapporteur_id": meeting.rapporteur_id,
        "participants": [
            {"uid": p.uid, "person_id": p.person_id, "position": p.position} for p in participations
        ],
        "rida": [{"number": r.number, "uid": r.uid} for r in rows],
        "review_rounds": [
            {
                "version": r.version,
                "deadline": r.deadline.isoformat(),
                "sent_by": r.sent_by_name,
                "sent_at": _when(r.sent_at),
            }
            for r in rounds
        ],
        "files": {},
    }
    for kind in MEETING_FILES:
        entries, kind_files = kind.dump(session, meeting)
        side["files"][kind.name] = entries
        files.update(kind_files)
    files[SIDE] = _json(side)
    numbers = {r.id: r.number for r in rows}
    owners = {
        p.id: p
        for p in session.exec(
            select(Person).where(col(Person.id).in_({a.owner_id for a in actions} - {None}))
        ).all()
    }
    events: dict[int, list[ActionEvent]] = {}
    if actions:
        for e in session.exec(
            select(ActionEvent)
            .where(col(ActionEvent.action_id).in_([a.id for a in actions]))
            .order_by(col(ActionEvent.at), col(ActionEvent.id))
        ).all():
            events.setdefault(e.action_id, []).append(e)
    listed: list[dict[str, Any]] = [
        {
            "id": a.id,
            "uid": a.uid,
            "position": a.position,
            "title": a.title,
            "kind": a.kind,
            "owner_id": a.owner_id,
            "due_date": a.due_date.isoformat() if a.due_date else None,
            "status": a.status,
            "rida": numbers.get(a.row_id),
            "linked_meeting_id": a.linked_meeting_id,
            "history": [
                {
                    "at": _when(e.at),
                    "old_status": e.old_status,
                    "new_status": e.new_status,
                    "comment": e.comment,
                    "user": e.user_name,
                    "meeting_id": e.meeting_id,
                }
                for e in events.get(id_of(a), [])
            ],
        }
        for a in actions
    ]
    files[ACTIONS] = _json(listed)

    def owner(a: Action) -> str:
        p = owners.get(a.owner_id)
        return (
            " ".join(filter(None, (p.first_name, p.last_name, p.entity and f"({p.entity})")))
            if p
            else ""
        )

    files[ACTIONS_CSV] = _csv(
        ("Id", "Intitulé", "Type", "Porteur", "Échéance", "Statut", "Ligne RIDA", "Notes"),
        (
            (a.id, a.title, a.kind, owner(a), a.due_date, a.status, numbers.get(a.row_id), a.notes)
            for a in actions
        ),
    )
    files[HISTORY_CSV] = _csv(
        (
            "Action",
            "Date (UTC)",
            "Ancien statut",
            "Nouveau statut",
            "Commentaire",
            "Par",
            "Réunion de suivi",
        ),
        (
            (
                a["id"],
                h["at"],
                h["old_status"],
                h["new_status"],
                h["comment"],
                h["user"],
                h["meeting_id"],
            )
            for a in listed
            for h in a["history"]
        ),
    )
    return files


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
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.partial-{secrets.token_hex(4)}")
    staging.mkdir(mode=0o700)
    try:
        for name, data in archive.files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        (staging / MANIFEST).write_bytes(_json(manifest))
        if target.exists():
            target.rmdir()  # empty, checked above
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


# --- Import --------------------------------------------------------------------------------


@dataclass
class Loaded:
    """An archive read and checked, not yet written."""

    manifest: dict[str, Any]
    manifest_sha256: str
    files: dict[str, bytes]
    meetings: list[tuple[int, dict[str, Any], dict[str, Any], list[dict[str, Any]]]]

    def read(self, name: str) -> bytes:
        if name not in self.files:
            raise ArchiveError(f"{name} : fichier absent du manifeste.", "invalid")
        return self.files[name]

    def json(self, name: str) -> Any:
        try:
            return loads(self.read(name))
        except ValidationError as e:
            raise ValidationError(
                [FieldError(f"{name}:{x.path}", x.message) for x in e.errors]
            ) from None


def read_archive(directory: Path) -> Loaded:
    """Read the archive in ``directory``, checked whole: the manifest, the size and
    SHA-256 of every file it lists (and that no other file is there), every document."""
    if not (directory / MANIFEST).is_file():
        raise ArchiveError(
            f"{directory} : pas de {MANIFEST}, ce n'est pas une archive rida.", "invalid"
        )
    raw = (directory / MANIFEST).read_bytes()
    try:
        manifest = json.loads(raw)
        if manifest.get("format") != FORMAT:
            raise ArchiveError(
                f"{MANIFEST} : format {FORMAT!r} attendu, reçu {manifest.get('format')!r}.",
                "invalid",
            )
        listed = {
            name: (int(v["bytes"]), str(v["sha256"])) for name, v in manifest["files"].items()
        }
        ids = [int(i) for i in manifest["meetings"]]
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise ArchiveError(f"{MANIFEST} illisible : {e}", "invalid") from None
    present = {
        p.relative_to(directory).as_posix()
        for p in directory.rglob("*")
        if p.is_file() or p.is_symlink()
    } - {MANIFEST}
    if present - set(listed):
        extra = sorted(present - set(listed))[0]
        raise ArchiveError(f"{extra} : fichier absent du manifeste (ajouté ?).", "tampered")
    files = {}
    for name, (size, digest) in sorted(listed.items()):
        path = directory / name
        if name not in present or path.is_symlink() or ".." in Path(name).parts:
            raise ArchiveError(f"{name} : fichier du manifeste introuvable.", "tampered")
        data = path.read_bytes()
        if len(data) != size or sha256(data) != digest:
            raise ArchiveError(
                f"{name} : taille ou empreinte SHA-256 différente de celle du manifeste "
                "(fichier altéré).",
                "tampered",
            )
        files[name] = data
    loaded = Loaded(manifest, sha256(raw), files, [])
    errors: list[FieldError] = []
    for ident in ids:
        base = f"{MEETINGS}/{ident}"
        try:
            doc = validate(loaded.json(f"{base}/{DOCUMENT}"))
        except ValidationError as e:
            errors += [FieldError(f"{base}/{DOCUMENT}:{x.path}", x.message) for x in e.errors]
            continue
        loaded.meetings.append(
            (ident, doc, loaded.json(f"{base}/{SIDE}"), loaded.json(f"{base}/{ACTIONS}"))
        )
    if errors:
        raise ValidationError(errors)
    return loaded


def instance_contents(session: Session) -> dict[str, int]:
    """What an instance holds that an import would collide with (all zero: empty)."""

    def count(table: Any) -> int:
        return int(session.exec(select(func.count()).select_from(table)).one())

    return {
        "séries": count(Series),
        "réunions": count(Meeting),
        "personnes": count(Person),
        "glossaires": count(SeriesGlossary),
    }


@dataclass
class Restored:
    meetings: int
    warnings: list[str]


def restore(session: Session, loaded: Loaded) -> Restored:
    """Write the archive ``loaded`` into the instance of ``session`` (which must be empty
    of series, meetings and persons), keeping its ids; in the caller's transaction."""
    found = instance_contents(session)
    if any(found.values()):
        held = ", ".join(f"{n} {what}" for what, n in found.items() if n)
        raise ArchiveError(
            f"L'instance n'est pas vide ({held}) : « rida import --all » ne restaure une "
            "archive que dans une instance vide (une base neuve après « rida init »).",
            "not_empty",
        )
    users = {u.login: id_of(u) for u in session.exec(select(User)).all()}
    ctx = Restoring(users)
    try:
        warnings = _restore_shared(session, loaded, ctx)
        for ident, doc, side, _actions in loaded.meetings:
            _restore_meeting(session, ident, doc, side, ctx)
        session.flush()
        for ident, doc, side, actions in loaded.meetings:
            _restore_details(session, loaded, ident, doc, side, actions, ctx)
        session.flush()
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise ArchiveError(f"Archive incohérente : {type(e).__name__} {e}", "invalid") from None
    _move_sequences(session)
    return Restored(len(loaded.meetings), warnings)


def _restore_shared(session: Session, loaded: Loaded, ctx: Restoring) -> list[str]:
    warnings = []
    people = loaded.json(PEOPLE)
    for p in people:
        session.add(
            Person(
                id=p["id"],
                key=person_key(p["last_name"], p["first_name"], p["entity"]),
                last_name=p["last_name"],
                first_name=p["first_name"],
                entity=p["entity"],
                function=p["function"],
                email=p["email"],
            )
        )
    series = loaded.json(SERIES)
    for s in series["series"]:
        session.add(Series(id=s["id"], name=s["name"], created_at=_moment(s["created_at"])))
    session.flush()
    for p in people:
        for a in p["aliases"]:
            session.add(
                PersonAlias(
                    person_id=p["id"],
                    merged_id=a["merged_id"],
                    key=person_key(a["last_name"], a["first_name"], a["entity"]),
                    last_name=a["last_name"],
                    first_name=a["first_name"],
                    entity=a["entity"],
                    merged_by=a["merged_by"],
                    merged_at=_moment(a["merged_at"]),
                )
            )
    for s in series["series"]:
        for login in s["members"]:
            if login in ctx.users:
                session.add(SeriesMember(series_id=s["id"], user_id=ctx.users[login]))
            else:
                warnings.append(
                    f"Série « {s['name']} » : le compte « {login} » n'existe pas ici, "
                    "il n'en est pas membre (« rida user » pour le créer)."
                )
        for terms in s["glossary"]:
            session.add(SeriesGlossary(series_id=s["id"], terms=list(terms)))
    for terms in series["glossary"]:
        session.add(SeriesGlossary(series_id=None, terms=list(terms)))
    return warnings


def _restore_meeting(
    session: Session, ident: int, doc: dict[str, Any], side: dict[str, Any], ctx: Restoring
) -> None:
    values = header_values(doc, lambda _p: _NOBODY)  # persons: by id, from x-rida.json
    values.update(organiser_id=side["organiser_id"], rapporteur_id=side["rapporteur_id"])
    session.add(
        Meeting(
            id=ident,
            series_id=side["series_id"],
            created_by=ctx.user_id(side["created_by"]),
            review_deadline=_day(side["review_deadline"]),
            created_at=_moment(side["created_at"]),
            updated_at=_moment(side["updated_at"]),
            **values,
        )
    )


_NOBODY = Person(id=0, key="")


def _restore_details(
    session: Session,
    loaded: Loaded,
    ident: int,
    doc: dict[str, Any],
    side: dict[str, Any],
    actions: list[dict[str, Any]],
    ctx: Restoring,
) -> None:
    if len(doc["participants"]) != len(side["participants"]) or len(doc["actions"]) != len(actions):
        raise ValueError(f"réunion {ident} : participants ou actions en nombre différent")
    for p, extra in zip(doc["participants"], side["participants"], strict=True):
        session.add(
            Participation(
                uid=extra["uid"],
                meeting_id=ident,
                person_id=extra["person_id"],
                position=extra["position"],
                attendance=p["attendance"],
                function=p["function"] or "",
                extensions=extensions(p),
            )
        )
    uids = {r["number"]: r["uid"] for r in side["rida"]}
    rows = {}
    for r in doc["rida"]:
        row = RidaRow(
            uid=uids[r["number"]],
            meeting_id=ident,
            number=r["number"],
            nature=r["nature"],
            subject=r["subject"],
            question=r["question"] or "",
            answer=r["answer"] or "",
            extensions=extensions(r),
        )
        session.add(row)
        rows[r["number"]] = row
    session.flush()
    for a, extra in zip(doc["actions"], actions, strict=True):
        session.add(
            Action(
                id=extra["id"],
                uid=extra["uid"],
                meeting_id=ident,
                position=extra["position"],
                title=a["title"],
                kind=a["kind"],
                owner_id=extra["owner_id"],
                owner_function=(a["owner"] or {}).get("function") or "",
                due_date=_day(a["due_date"]),
                status=a["status"],
                row_id=rows[a["rida"]].id if a["rida"] is not None else None,
                notes=a["notes"] or "",
                extensions=extensions(a),
                linked_meeting_id=extra["linked_meeting_id"],
            )
        )
    session.flush()
    for extra in actions:
        for h in extra["history"]:
            session.add(
                ActionEvent(
                    action_id=extra["id"],
                    meeting_id=h["meeting_id"],
                    old_status=h["old_status"],
                    new_status=h["new_status"],
                    comment=h["comment"],
                    user_id=ctx.user_id(h["user"]),
                    user_name=h["user"],
                    at=_moment(h["at"]),
                )
            )
    for r in side["review_rounds"]:
        session.add(
            ReviewRound(
                meeting_id=ident,
                version=r["version"],
                deadline=_day(r["deadline"]),
                sent_by=ctx.user_id(r["sent_by"]),
                sent_by_name=r["sent_by"],
                sent_at=_moment(r["sent_at"]),
            )
        )
    base = f"{MEETINGS}/{ident}"
    for kind in MEETING_FILES:
        kind.restore(
            session,
            ident,
            side["files"].get(kind.name, []),
            lambda name: loaded.read(f"{base}/{name}"),
            ctx,
        )


def _move_sequences(session: Session) -> None:
    """PostgreSQL: the sequences of the tables whose ids were kept start after them (SQLite
    takes the largest id + 1 by itself)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in KEPT_IDS:
        session.connection().execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)'
            )
        )
