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

The modules: :mod:`~rida.exchange.archive.layout` (format, file names, errors, the SHA-256
check), :mod:`~rida.exchange.archive.kinds` (the kinds of files a meeting holds),
:mod:`~rida.exchange.archive.export` and :mod:`~rida.exchange.archive.export_meeting`
(writing), :mod:`~rida.exchange.archive.reading` (reading and checking),
:mod:`~rida.exchange.archive.restore_instance` and
:mod:`~rida.exchange.archive.restore_meeting` (restoring).
"""

from rida.exchange.archive.export import Archive, collect, manifest_of, snapshot, write_archive
from rida.exchange.archive.kinds import MEETING_FILES, FileKind, RestoredMeeting, Restoring
from rida.exchange.archive.layout import (
    ACTIONS,
    ACTIONS_CSV,
    AUDIT,
    DOCUMENT,
    FORMAT,
    HISTORY_CSV,
    KEPT_IDS,
    MANIFEST,
    MEETINGS,
    PEOPLE,
    SERIES,
    SIDE,
    ArchiveError,
    check_sha256,
    rida_version,
    sha256,
)
from rida.exchange.archive.reading import Loaded, read_archive
from rida.exchange.archive.restore_instance import Restored, instance_contents, restore

__all__ = [
    "ACTIONS",
    "ACTIONS_CSV",
    "AUDIT",
    "DOCUMENT",
    "FORMAT",
    "HISTORY_CSV",
    "KEPT_IDS",
    "MANIFEST",
    "MEETINGS",
    "MEETING_FILES",
    "PEOPLE",
    "SERIES",
    "SIDE",
    "Archive",
    "ArchiveError",
    "FileKind",
    "Loaded",
    "Restored",
    "RestoredMeeting",
    "Restoring",
    "check_sha256",
    "collect",
    "instance_contents",
    "manifest_of",
    "read_archive",
    "restore",
    "rida_version",
    "sha256",
    "snapshot",
    "write_archive",
]
