"""The kinds of files a meeting holds beside its documents (frozen versions, figures): how
each is dumped into an archive and restored from it (:data:`MEETING_FILES`)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from rida.exchange.archive.layout import ArchiveError, check_sha256, iso, json_bytes, moment
from rida.meetings import figures
from rida.models import Meeting, MeetingVersion

_SAFE_NAME = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]*")


@dataclass
class Restoring:
    """What a kind of file needs to restore its files: the accounts of the new instance by
    login (who validated keeps its name; its account is linked when it exists)."""

    users: dict[str, int]

    def user_id(self, login: str | None) -> int | None:
        return self.users.get(login) if login else None


@dataclass(frozen=True)
class RestoredMeeting:
    """A meeting whose files a kind restores: the session, the new meeting's id, a reader
    of the meeting's files by relative path (checked against the manifest), the context."""

    session: Session
    meeting_id: int
    read: Callable[[str], bytes]
    ctx: Restoring

    def read_checked(self, name: str, digest: str, label: str, what: str) -> bytes:
        """The file ``name``, refused (``tampered``) unless its SHA-256 is ``digest``."""
        return check_sha256(
            self.read(name),
            digest,
            f"{label} de la réunion {self.meeting_id} : {what} ne correspond pas à son "
            "empreinte SHA-256.",
        )


# Files of one meeting: (their metadata, stored in x-rida.json under the kind's name;
# {path relative to the meeting's folder: bytes}).
Dump = Callable[[Session, Meeting], tuple[list[dict[str, Any]], dict[str, bytes]]]
# Restore them: the meeting restored, the metadata.
Restore = Callable[[RestoredMeeting, list[dict[str, Any]]], None]


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
        files[f"{base}.json"] = json_bytes(doc)  # as a frozen version's rida/1 download
        files[f"{base}.source.json"] = frozen.source.encode()
        entries.append(
            {
                "version": frozen.version,
                "sha256": frozen.sha256,
                "validated_by": frozen.validated_by_name,
                "validated_at": iso(frozen.validated_at),
                "docx": f"{base}.docx",
                "json": f"{base}.json",
                "source": f"{base}.source.json",
            }
        )
    return entries, files


def _restore_versions(into: RestoredMeeting, entries: list[dict[str, Any]]) -> None:
    for e in entries:
        docx = into.read_checked(e["docx"], e["sha256"], f"Version {e['version']}", "le DOCX")
        into.session.add(
            MeetingVersion(
                meeting_id=into.meeting_id,
                version=e["version"],
                source=into.read(e["source"]).decode("utf-8"),
                docx=docx,
                sha256=e["sha256"],
                validated_by=into.ctx.user_id(e["validated_by"]),
                validated_by_name=e["validated_by"],
                validated_at=moment(e["validated_at"]),
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


def _restore_figures(into: RestoredMeeting, entries: list[dict[str, Any]]) -> None:
    meeting = into.session.get(Meeting, into.meeting_id)
    assert meeting is not None
    for e in entries:
        label = f"Figure {e['number']}"
        data = into.read_checked(e["file"], e["sha256"], label, "le fichier")
        try:
            figures.add(into.session, meeting, data, None, number=int(e["number"]))
        except figures.FigureError as err:
            raise ArchiveError(
                f"{label} de la réunion {into.meeting_id} : {err}", "invalid"
            ) from None


# Every kind of file a meeting holds beside its documents, in this order. A new kind adds
# its FileKind here: its dump and restore functions are all it takes.
MEETING_FILES: list[FileKind] = [
    FileKind("versions", _dump_versions, _restore_versions),
    FileKind("figures", _dump_figures, _restore_figures),
]
