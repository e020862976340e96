"""Domain rules for meetings and their RIDA rows.

Edits are optimistic: a row carries a ``revision`` that every change bumps, and a change
sent against an older revision is a :class:`Conflict`, unless it would leave the row as it
already is (a replayed save whose answer was lost). Header fields are checked against the
value the editor last saw (``base``), field by field, so two people editing different
header fields never collide. Row numbers stay consecutive after every insert, move and
delete.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, false
from sqlmodel import Session, select

from rida import fields
from rida.fields import FieldError
from rida.meetings import merging
from rida.meetings.ordering import delete_in, move_in, renumber, touch
from rida.meetings.people import visible_person
from rida.models import (
    CLASSIFICATIONS,
    NATURES,
    WORDING_KEY,
    WORDING_NAMES,
    Meeting,
    RidaRow,
    Series,
    SeriesMember,
    User,
    utcnow,
)


class Conflict(Exception):
    """A change made against a stale version; ``current`` is what the server holds and
    ``fields``, per field in conflict, the text the editor started from (``base``), the
    server's (``theirs``) and the editor's (``mine``)."""

    def __init__(self, current: dict[str, Any], message: str, fields: dict[str, Any] | None = None):
        super().__init__(message)
        self.current = current
        self.message = message
        self.fields = fields or {}


# --- Series and meetings -----------------------------------------------------------


def create_series(session: Session, name: str, user: User | None) -> Series:
    name = fields.text(name, "name", required=True, nonempty=True, limit=200)
    if session.exec(select(Series).where(Series.name == name)).first():
        raise FieldError("name", f"la série « {name} » existe déjà")
    series = Series(name=name)
    session.add(series)
    session.flush()
    if user is not None:
        session.add(SeriesMember(series_id=series.id, user_id=user.id))
    return series


def create_meeting(
    session: Session, series_id: int, user: User | None, values: dict[str, Any]
) -> Meeting:
    if session.get(Series, series_id) is None:
        raise FieldError("series_id", "série inconnue")
    title = fields.text(values.get("title"), "title", required=True, nonempty=True)
    date = fields.date(values.get("date"), "date", required=True)
    meeting = Meeting(
        series_id=series_id,
        title=title,
        date=date,
        created_by=user.id if user else None,
        rapporteur_id=user.person_id if user else None,
    )
    for name in ("meeting_type", "classification", "subject", "location"):
        if values.get(name):
            setattr(meeting, name, check_header_field(session, name, values[name]))
    session.add(meeting)
    session.flush()
    return meeting


HEADER_TEXT = ("title", "subject", "meeting_type", "location")
HEADER_FIELDS = (
    *HEADER_TEXT,
    "date",
    "start_time",
    "end_time",
    "classification",
    "organiser_id",
    "rapporteur_id",
    "reference_documents",
    "objectives",
    "summary",
    "comments",
    "results",
)
PERSON_HEADER = ("organiser_id", "rapporteur_id")
# The meeting's own wording (« Formulations »), kept in its extensions: empty is the
# template's wording (rida.compte_rendu.wording).
WORDING_FIELDS = {f"wording_{name}": name for name in WORDING_NAMES}


def check_header_field(
    session: Session, name: str, value: Any, *, visible: ColumnElement[bool] | None = None
) -> Any:
    """The normalised value of header field ``name``, or FieldError. ``organiser_id`` and
    ``rapporteur_id`` name a person among those the clause ``visible`` selects (the acting
    user's :func:`rida.access.visible_people`; none if not given): another id is
    « personne inconnue », like an id that does not exist."""
    if name == "title":
        return fields.text(value, name, required=True, nonempty=True)
    if name in HEADER_TEXT:
        return fields.text(value, name)
    if name == "date":
        return fields.date(value, name, required=True)
    if name in ("start_time", "end_time"):
        return fields.time(value, name)
    if name == "classification":
        return fields.choice(value, name, CLASSIFICATIONS)
    if name in ("summary", "results"):
        return fields.markdown(value, name)
    if name in ("reference_documents", "objectives"):
        return fields.text_list(value, name)
    if name == "comments":
        return fields.text_list(value, name, limit=fields.LONG_TEXT)
    if name in WORDING_FIELDS:
        return " ".join(fields.text(value, name).split())
    if name in PERSON_HEADER:
        if value is None or value == "":
            return None
        person_id = fields.integer(value, name)
        person = visible_person(session, person_id, false() if visible is None else visible)
        if person is None:
            raise FieldError(name, "personne inconnue")
        if not person.last_name:
            raise FieldError(name, "une organisation seule ne peut pas tenir ce rôle")
        return person_id
    raise FieldError(name, "champ inconnu ou non modifiable")


def _set_wording(meeting: Meeting, name: str, value: str) -> None:
    """Set (or, empty, remove) one wording; a new dict, so that the JSON column is saved."""
    own = meeting.extensions.get(WORDING_KEY)
    wording = {k: v for k, v in own.items() if k != name} if isinstance(own, dict) else {}
    if value:
        wording[name] = value
    extensions = {k: v for k, v in meeting.extensions.items() if k != WORDING_KEY}
    meeting.extensions = {**extensions, WORDING_KEY: wording} if wording else extensions


def header_dict(meeting: Meeting) -> dict[str, Any]:
    out = {name: getattr(meeting, name) for name in HEADER_FIELDS}
    own = meeting.extensions.get(WORDING_KEY)
    for field, name in WORDING_FIELDS.items():
        value = own.get(name) if isinstance(own, dict) else None
        out[field] = value if isinstance(value, str) else ""
    out["date"] = meeting.date.isoformat()
    out.update(id=meeting.id, status=meeting.status, version=meeting.version)
    return out


def _base_value(session: Session, name: str, value: Any) -> Any:
    """The value the editor last saw, normalised; a person field is compared by id alone,
    never looked up (nothing about a person is learnt from a ``base``)."""
    if name in PERSON_HEADER:
        return None if value is None or value == "" else fields.integer(value, name)
    return check_header_field(session, name, value)


def update_meeting(
    session: Session,
    meeting: Meeting,
    changes: object,
    base: dict[str, Any] | None = None,
    *,
    visible: ColumnElement[bool],
) -> dict[str, Any]:
    """Apply header ``changes`` (a request's value, checked here: a non-empty object). A
    field whose server value moved away from ``base`` (and differs from the new value) is
    merged when it is text and the two edits do not overlap, else a :class:`Conflict`. A
    person field names a person among those the clause ``visible`` selects (the acting
    user's :func:`rida.access.visible_people`)."""
    if not isinstance(changes, dict) or not changes:
        raise FieldError("fields", "objet non vide attendu")
    current = header_dict(meeting)
    new = {
        name: check_header_field(session, name, value, visible=visible)
        for name, value in changes.items()
    }
    overlapping: dict[str, dict[str, Any]] = {}
    for name, value in list(new.items()):
        if base is not None and name in base:
            seen = _base_value(session, name, base[name])
            seen = seen.isoformat() if isinstance(seen, dt.date) else seen
            wanted = value.isoformat() if isinstance(value, dt.date) else value
            if current[name] in (seen, wanted):
                continue
            texts = (seen, current[name], wanted)
            merged = merging.merge(*texts) if all(isinstance(t, str) for t in texts) else None
            if merged is None:
                overlapping[name] = {"base": seen, "theirs": current[name], "mine": wanted}
            else:
                new[name] = check_header_field(session, name, merged, visible=visible)
    if overlapping:
        names = ", ".join(f"« {name} »" for name in overlapping)
        raise Conflict(current, f"Modifié par ailleurs : {names}.", overlapping)
    for name, value in new.items():
        if name in WORDING_FIELDS:
            _set_wording(meeting, WORDING_FIELDS[name], value)
        else:
            setattr(meeting, name, value)
    meeting.updated_at = utcnow()
    session.add(meeting)
    session.flush()
    return header_dict(meeting)


# --- RIDA rows ----------------------------------------------------------------------

ROW_FIELDS = ("nature", "subject", "question", "answer")


def check_row_field(name: str, value: Any) -> Any:
    if name == "nature":
        return fields.choice(None if value == "" else value, name, (*NATURES, None))
    if name == "subject":
        return fields.text(value, name)
    if name in ("question", "answer"):
        return fields.markdown(value, name)
    raise FieldError(name, "champ inconnu ou non modifiable")


def row_dict(row: RidaRow) -> dict[str, Any]:
    return {
        "uid": row.uid,
        "number": row.number,
        "nature": row.nature,
        "subject": row.subject,
        "question": row.question,
        "answer": row.answer,
        "revision": row.revision,
    }


def rows_of(session: Session, meeting_id: int) -> list[RidaRow]:
    return list(
        session.exec(
            select(RidaRow).where(RidaRow.meeting_id == meeting_id).order_by(RidaRow.number)
        ).all()
    )


def find_row(session: Session, meeting_id: int, uid: str) -> RidaRow | None:
    return session.exec(
        select(RidaRow).where(RidaRow.meeting_id == meeting_id, RidaRow.uid == uid)
    ).first()


def row_order(rows: Sequence[RidaRow]) -> list[dict[str, Any]]:
    return [{"uid": r.uid, "number": r.number} for r in rows]


def add_row(
    session: Session,
    meeting: Meeting,
    values: dict[str, Any],
    *,
    uid: str | None = None,
    after: str | None = None,
) -> RidaRow:
    """A new row below the row ``after`` (at the end when absent or no longer there: a
    co-rapporteur may have deleted it); idempotent on ``uid``."""
    if after is not None:
        after = check_uid(after, "after")
    if uid is not None:
        uid = check_uid(uid)
        existing = session.exec(select(RidaRow).where(RidaRow.uid == uid)).first()
        if existing is not None:
            if existing.meeting_id != meeting.id:
                raise FieldError("uid", "identifiant déjà utilisé")
            return existing
    clean = {name: check_row_field(name, value) for name, value in values.items()}
    rows = rows_of(session, meeting.id)
    index = next((i + 1 for i, r in enumerate(rows) if r.uid == after), len(rows))
    row = RidaRow(meeting_id=meeting.id, number=len(rows) + 1, **clean)
    if uid is not None:
        row.uid = uid
    rows.insert(index, row)
    session.add(row)
    renumber(session, rows, "number", 1)
    touch(meeting)
    return row


def apply_revision(
    session: Session,
    item: Any,
    revision: Any,
    clean: dict[str, Any],
    current: Callable[[], dict[str, Any]],
    message: str,
    derived: Sequence[str] = (),
    base: dict[str, Any] | None = None,
    check: Callable[[str, Any], Any] = lambda _name, value: value,
) -> bool:
    """The editor's optimistic change of a record (row, participant, action) seen at
    ``revision``: True when ``clean`` changed it (its revision is then bumped).

    Conflicts are per field: a stale revision is fine for the fields that have not
    changed since it (``item.field_revisions``: the revision of each field's last change).
    A text field changed since, whose ``base`` (the text the editor started from) is
    given, is merged (:mod:`rida.meetings.merging`) when the two edits do not overlap.
    Otherwise it is a :class:`Conflict` carrying ``current()`` and, per field, the three
    texts. A save that leaves the record as it is (a replayed save) is never a conflict.
    ``derived`` fields follow others and are not compared; ``check`` checks a merged value
    (two valid texts may merge into one too long)."""
    if type(revision) is not int:
        raise FieldError("revision", "entier attendu")
    compared = {name: value for name, value in clean.items() if name not in derived}
    changed = {name for name, value in compared.items() if getattr(item, name) != value}
    if not changed:
        return False
    if revision != item.revision:
        merged = _rebase(item, revision, changed, clean, base or {}, current, message)
        clean = {**clean, **{name: check(name, value) for name, value in merged.items()}}
    stamped = dict(item.field_revisions or {})
    for name, value in clean.items():
        setattr(item, name, value)
    item.revision += 1
    stamped.update(dict.fromkeys(changed, item.revision))
    item.field_revisions = stamped
    session.add(item)
    session.flush()
    return True


def _rebase(
    item: Any,
    revision: int,
    changed: set[str],
    clean: dict[str, Any],
    base: dict[str, Any],
    current: Callable[[], dict[str, Any]],
    message: str,
) -> dict[str, Any]:
    """The values of a change seen at a stale ``revision`` that the record can take: the
    fields nobody changed since as sent, text fields changed since merged; else Conflict."""
    since = item.field_revisions or {}
    merged: dict[str, Any] = {}
    overlapping: dict[str, dict[str, Any]] = {}
    for name in sorted(changed):
        if revision < item.revision and since.get(name, 0) <= revision:
            continue  # nobody changed this field since the editor saw it
        theirs, mine, seen = getattr(item, name), clean[name], base.get(name)
        if revision < item.revision and all(isinstance(v, str) for v in (theirs, mine, seen)):
            text = merging.merge(seen, theirs, mine)
            if text is not None:
                merged[name] = text
                continue
        overlapping[name] = {"base": seen, "theirs": theirs, "mine": mine}
    if overlapping:
        raise Conflict(current(), message, overlapping)
    return merged


def update_row(
    session: Session,
    row: RidaRow,
    revision: Any,
    values: dict[str, Any],
    base: dict[str, Any] | None = None,
) -> RidaRow:
    """Change fields of ``row`` seen at ``revision`` (see :func:`apply_revision`; ``base``:
    the texts the editor started from, for a merge)."""
    clean = {name: check_row_field(name, value) for name, value in values.items()}
    if not clean:
        raise FieldError("fields", "aucun champ à modifier")
    if apply_revision(
        session,
        row,
        revision,
        clean,
        lambda: row_dict(row),
        f"La ligne {row.number} a été modifiée par quelqu'un d'autre.",
        base=base,
        check=check_row_field,
    ):
        row.updated_at = utcnow()
    return row


def delete_row(session: Session, meeting: Meeting, row: RidaRow) -> list[RidaRow]:
    return delete_in(session, meeting, row, lambda: rows_of(session, meeting.id), "number", 1)


def move_row(
    session: Session, meeting: Meeting, row: RidaRow, direction: Any, to: Any = None
) -> list[RidaRow]:
    """Move ``row`` one place; ``to`` (optional) is the number it should end up with."""
    return move_in(session, meeting, rows_of(session, meeting.id), row, direction, to, "number", 1)


def check_uid(uid: Any, path: str = "uid") -> str:
    if not isinstance(uid, str) or not re.fullmatch(r"[A-Za-z0-9_-]{8,64}", uid):
        raise FieldError(path, "identifiant de 8 à 64 caractères [A-Za-z0-9_-] attendu")
    return uid
