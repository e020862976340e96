"""The ``rida/1`` exchange format: validate, import, export.

:func:`validate` checks a whole document, collecting every error with its field path,
and returns the normalised document (strings trimmed, defaults filled in, empty optional
values as ``null``, rows in number order, each person spelt as at its first mention).
Export writes exactly that shape back, so for any valid document imported into a
database that does not know its persons yet, ``export(import(doc))`` equals
``validate(doc)`` plus the new ``id``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, or_, true
from sqlmodel import Session, col, select

from rida import fields
from rida.access import NOT_A_MEMBER, can_edit_series, visible_people
from rida.fields import FieldError, ValidationError
from rida.meetings import people
from rida.meetings.people import find_or_create, person_key
from rida.models import (
    ACTION_KINDS,
    ACTION_STATUSES,
    ATTENDANCES,
    CLASSIFICATIONS,
    NATURES,
    STATUSES,
    Action,
    Meeting,
    Participation,
    Person,
    RidaRow,
    Series,
    SeriesMember,
    User,
)

FORMAT = "rida/1"
TOP_KEYS = (
    "format",
    "id",
    "series",
    "title",
    "subject",
    "meeting_type",
    "date",
    "start_time",
    "end_time",
    "location",
    "status",
    "classification",
    "version",
    "organiser",
    "rapporteur",
    "reference_documents",
    "participants",
    "objectives",
    "summary",
    "rida",
    "comments",
    "results",
    "actions",
)
PERSON_KEYS = ("last_name", "first_name", "entity", "function")
ROW_KEYS = ("number", "nature", "subject", "question", "answer")
ACTION_KEYS = ("title", "kind", "owner", "due_date", "status", "rida", "notes")


class _Collector:
    """Runs checks, keeping every error instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def __call__(self, check: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return check(*args, **kwargs)
        except FieldError as error:
            self.errors.append(error)
            return None

    def add(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))

    def obj(
        self, value: Any, path: str, known: tuple[str, ...], *, extensions: bool
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.add(path, f"objet attendu, reçu {fields.type_name(value)}")
            return {}
        prefix = f"{path}." if path else ""
        for key in value:
            if key in known or (extensions and isinstance(key, str) and key.startswith("x-")):
                continue
            self.add(f"{prefix}{key}", "clé inconnue")
        return value

    def items(self, value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(path, f"liste attendue, reçu {fields.type_name(value)}")
            return []
        if len(value) > fields.MAX_ITEMS:
            self.add(path, f"trop d'éléments ({len(value)}, {fields.MAX_ITEMS} au plus)")
            return []
        return value


def _opt(value: str) -> str | None:
    return value or None


def _extensions(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if isinstance(k, str) and k.startswith("x-")}


def _checked_extensions(c: _Collector, data: dict[str, Any], path: str) -> dict[str, Any]:
    """The ``x-…`` keys of ``data``, verbatim, once checked to be plain JSON."""
    prefix = f"{path}." if path else ""
    found = _extensions(data)
    for key, value in found.items():
        key_path = f"{prefix}{key}"
        c(fields.json_key, key, key_path)
        c(fields.json_value, value, key_path)
    return found


def _person(
    c: _Collector, value: Any, path: str, *, entity_only: bool = False, extra: tuple[str, ...] = ()
) -> dict[str, Any] | None:
    if value is None:
        return None
    data = c.obj(value, path, PERSON_KEYS + extra, extensions=bool(extra))
    if not isinstance(value, dict):
        return None
    before = len(c.errors)
    limits = people.PERSON_LIMITS
    person = {
        k: _opt(c(fields.text, data.get(k), f"{path}.{k}", limit=limits[k]) or "")
        for k in PERSON_KEYS
    }
    reported = {e.path for e in c.errors[before:]}
    # An organisation alone (`{"entity": "ANS"}`) may own an action; a first name may not.
    if (
        not person["last_name"]
        and f"{path}.last_name" not in reported
        and not (entity_only and person["entity"] and not person["first_name"])
    ):
        message = (
            "ne peut pas être vide"
            if data.get("last_name") is not None
            else "champ obligatoire manquant"
        )
        hint = " (ou entity seule, sans first_name, pour un porteur)" if entity_only else ""
        c.add(f"{path}.last_name", message + hint)
    return person


def validate(doc: Any) -> dict[str, Any]:
    """Check a whole rida/1 document; return it normalised or raise ValidationError."""
    c = _Collector()
    if not isinstance(doc, dict):
        raise ValidationError([FieldError("$", f"objet attendu, reçu {fields.type_name(doc)}")])
    data = c.obj(doc, "", TOP_KEYS, extensions=True)
    if "format" not in data:
        c.add("format", f'champ obligatoire manquant ("{FORMAT}")')
    elif data["format"] != FORMAT:
        c.add("format", f'"{FORMAT}" attendu, reçu {data.get("format")!r}')
    if "id" in data and not (
        data["id"] is None or isinstance(data["id"], str) or type(data["id"]) is int
    ):
        c.add("id", "texte ou entier attendu")
    for key in ("series", "title", "date"):
        if key not in data:
            c.add(key, "champ obligatoire manquant")
    out: dict[str, Any] = {"format": FORMAT}
    out["series"] = (
        c(fields.text, data.get("series"), "series", required=True, nonempty=True, limit=200)
        if "series" in data
        else None
    )
    out["title"] = (
        c(fields.text, data.get("title"), "title", required=True, nonempty=True)
        if "title" in data
        else None
    )
    for key in ("subject", "meeting_type"):
        out[key] = _opt(c(fields.text, data.get(key), key) or "")
    d = c(fields.date, data.get("date"), "date", required=True) if "date" in data else None
    out["date"] = d.isoformat() if d else None
    out["start_time"] = _opt(c(fields.time, data.get("start_time"), "start_time") or "")
    out["end_time"] = _opt(c(fields.time, data.get("end_time"), "end_time") or "")
    out["location"] = _opt(c(fields.text, data.get("location"), "location") or "")
    out["status"] = c(fields.choice, data.get("status"), "status", STATUSES, "draft")
    out["classification"] = c(
        fields.choice, data.get("classification"), "classification", CLASSIFICATIONS, "public"
    )
    out["version"] = c(fields.version, data.get("version"), "version")
    out["organiser"] = _person(c, data.get("organiser"), "organiser")
    out["rapporteur"] = _person(c, data.get("rapporteur"), "rapporteur")
    out["reference_documents"] = (
        c(fields.text_list, data.get("reference_documents"), "reference_documents") or []
    )
    out["participants"] = _participants(c, data.get("participants"))
    out["objectives"] = c(fields.text_list, data.get("objectives"), "objectives") or []
    out["summary"] = _opt(c(fields.markdown, data.get("summary"), "summary") or "")
    out["rida"] = _rows(c, data.get("rida"))
    out["comments"] = (
        c(fields.text_list, data.get("comments"), "comments", limit=fields.LONG_TEXT) or []
    )
    out["results"] = _opt(c(fields.markdown, data.get("results"), "results") or "")
    numbers = {row["number"] for row in out["rida"]}
    out["actions"] = _actions(c, data.get("actions"), numbers)
    out.update(_checked_extensions(c, data, ""))
    if c.errors:
        raise ValidationError(c.errors)
    out["rida"].sort(key=lambda row: row["number"])  # the order export gives them back in
    people.merge_spellings(
        [
            out["organiser"],
            out["rapporteur"],
            *out["participants"],
            *(a["owner"] for a in out["actions"]),
        ]
    )
    return out


def _participants(c: _Collector, value: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(c.items(value, "participants")):
        path = f"participants[{i}]"
        if item is None:
            c.add(path, "objet attendu, reçu null")
            continue
        person = _person(c, item, path, extra=("attendance",))
        if person is None:
            continue
        attendance = c(
            fields.choice, item.get("attendance"), f"{path}.attendance", ATTENDANCES, "present"
        )
        key = person_key(
            person["last_name"] or "", person["first_name"] or "", person["entity"] or ""
        )
        if key in seen:
            c.add(path, f"même personne que participants[{seen[key]}]")
        seen[key] = i
        result.append({**person, "attendance": attendance, **_checked_extensions(c, item, path)})
    return result


def _rows(c: _Collector, value: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    seen: dict[int, int] = {}
    for i, item in enumerate(c.items(value, "rida")):
        path = f"rida[{i}]"
        data = c.obj(item, path, ROW_KEYS, extensions=True)
        if not isinstance(item, dict):
            continue
        for key in ("number", "nature", "subject"):
            if key not in data:
                c.add(f"{path}.{key}", "champ obligatoire manquant")
        number = (
            c(fields.integer, data.get("number"), f"{path}.number") if "number" in data else None
        )
        if number is not None:
            if number in seen:
                c.add(f"{path}.number", f"numéro {number} déjà utilisé par rida[{seen[number]}]")
            seen[number] = i
        result.append(
            {
                "number": number,
                "nature": c(fields.choice, data.get("nature"), f"{path}.nature", (*NATURES, None)),
                "subject": c(
                    fields.text, data.get("subject"), f"{path}.subject", required="subject" in data
                )
                or "",
                "question": _opt(
                    c(fields.markdown, data.get("question"), f"{path}.question") or ""
                ),
                "answer": _opt(c(fields.markdown, data.get("answer"), f"{path}.answer") or ""),
                **_checked_extensions(c, data, path),
            }
        )
    return result


def _actions(c: _Collector, value: Any, numbers: set[int]) -> list[dict[str, Any]]:
    result = []
    for i, item in enumerate(c.items(value, "actions")):
        path = f"actions[{i}]"
        data = c.obj(item, path, ACTION_KEYS, extensions=True)
        if not isinstance(item, dict):
            continue
        if "title" not in data:
            c.add(f"{path}.title", "champ obligatoire manquant")
        rida = data.get("rida")
        if rida is not None:
            rida = c(fields.integer, rida, f"{path}.rida")
            if rida is not None and rida not in numbers:
                c.add(f"{path}.rida", f"aucune ligne RIDA numéro {rida}")
        due = c(fields.date, data.get("due_date"), f"{path}.due_date")
        result.append(
            {
                "title": c(
                    fields.text, data.get("title"), f"{path}.title", required=True, nonempty=True
                )
                if "title" in data
                else None,
                "kind": c(fields.choice, data.get("kind"), f"{path}.kind", ACTION_KINDS, "other"),
                "owner": _person(c, data.get("owner"), f"{path}.owner", entity_only=True),
                "due_date": due.isoformat() if due else None,
                "status": c(
                    fields.choice, data.get("status"), f"{path}.status", ACTION_STATUSES, "open"
                ),
                "rida": rida,
                "notes": _opt(c(fields.markdown, data.get("notes"), f"{path}.notes") or ""),
                **_checked_extensions(c, data, path),
            }
        )
    return result


def loads(text: str | bytes) -> Any:
    """Parse JSON text (bytes must be UTF-8, a BOM is tolerated); malformed JSON is a
    ValidationError on the path ``$``."""
    try:
        # json.loads would guess UTF-16 or UTF-32 from the bytes: the format is UTF-8.
        return json.loads(text.decode("utf-8-sig") if isinstance(text, bytes) else text)
    except UnicodeDecodeError:
        raise ValidationError([FieldError("$", "le document n'est pas en UTF-8")]) from None
    except json.JSONDecodeError as e:
        raise ValidationError(
            [FieldError("$", f"JSON mal formé (ligne {e.lineno}, colonne {e.colno}) : {e.msg}")]
        ) from None
    except RecursionError:
        raise ValidationError([FieldError("$", "JSON trop profondément imbriqué")]) from None


# --- Import -------------------------------------------------------------------------


class _People:
    """The persons of one import, looked up among those ``visible`` selects (the importing
    user's :func:`~rida.access.visible_people`; everyone for the command line) and among
    those this import already created: a name repeated in a document is one person."""

    def __init__(self, session: Session, visible: ColumnElement[bool]):
        self.session = session
        self.visible = visible
        self.created: list[int] = []

    def __call__(self, data: dict[str, Any]) -> Person:
        visible = or_(self.visible, col(Person.id).in_(self.created))
        person = find_or_create(self.session, data, visible=visible)
        assert person.id is not None
        self.created.append(person.id)
        return person


def import_document(session: Session, doc: Any, user: User | None = None) -> Meeting:
    """Validate ``doc`` and create a new meeting from it in the caller's transaction.

    Its persons are matched by name among the people ``user`` may see (everyone when
    ``user`` is None: an import from the command line); a namesake they may not see is
    not reused, see :func:`rida.meetings.people.find_or_create`."""
    data = validate(doc)
    person_of = _People(session, true() if user is None else visible_people(user))
    series = session.exec(select(Series).where(Series.name == data["series"])).first()
    if series is not None and user is not None and not can_edit_series(session, user, series.id):
        # A new meeting joins an existing series only by its members (or an admin).
        raise ValidationError([FieldError("series", f"« {series.name} » : {NOT_A_MEMBER}")])
    if series is None:
        series = Series(name=data["series"])
        session.add(series)
        session.flush()
        if user is not None:
            session.add(SeriesMember(series_id=series.id, user_id=user.id))
    meeting = Meeting(
        series_id=series.id,
        created_by=user.id if user else None,
        **header_values(data, person_of),
    )
    session.add(meeting)
    session.flush()
    for i, p in enumerate(data["participants"]):
        person = person_of(p)
        session.add(
            Participation(
                meeting_id=meeting.id,
                person_id=person.id,
                position=i,
                attendance=p["attendance"],
                function=p["function"] or "",
                extensions=_extensions(p),
            )
        )
    rows = {}
    for r in data["rida"]:
        row = RidaRow(
            meeting_id=meeting.id,
            number=r["number"],
            nature=r["nature"],
            subject=r["subject"],
            question=r["question"] or "",
            answer=r["answer"] or "",
            extensions=_extensions(r),
        )
        session.add(row)
        rows[r["number"]] = row
    session.flush()
    for i, a in enumerate(data["actions"]):
        owner = person_of(a["owner"]) if a["owner"] else None
        session.add(
            Action(
                meeting_id=meeting.id,
                position=i,
                title=a["title"],
                kind=a["kind"],
                owner_id=owner.id if owner else None,
                owner_function=(a["owner"] or {}).get("function") or "",
                due_date=fields.date(a["due_date"], ""),
                status=a["status"],
                row_id=rows[a["rida"]].id if a["rida"] is not None else None,
                notes=a["notes"] or "",
                extensions=_extensions(a),
            )
        )
    session.flush()
    return meeting


def header_values(
    data: dict[str, Any], person_of: Callable[[dict[str, Any]], Person]
) -> dict[str, Any]:
    """Meeting column values from a validated document's header (its persons found or
    created by ``person_of``)."""
    values: dict[str, Any] = {
        "title": data["title"],
        "date": fields.date(data["date"], "date"),
        "status": data["status"],
        "classification": data["classification"],
        "version": data["version"],
        "reference_documents": data["reference_documents"],
        "objectives": data["objectives"],
        "comments": data["comments"],
        "extensions": _extensions(data),
    }
    for key in (
        "subject",
        "meeting_type",
        "start_time",
        "end_time",
        "location",
        "summary",
        "results",
    ):
        values[key] = data[key] or ""
    for role in ("organiser", "rapporteur"):
        person = person_of(data[role]) if data[role] else None
        values[f"{role}_id"] = person.id if person else None
        values[f"{role}_function"] = (data[role] or {}).get("function") or ""
    return values


# --- Export -------------------------------------------------------------------------


def person_dict(person: Person | None, function: str = "") -> dict[str, str | None] | None:
    if person is None:
        return None
    return {
        "last_name": _opt(person.last_name),
        "first_name": _opt(person.first_name),
        "entity": _opt(person.entity),
        "function": _opt(function),
    }


def export_document(session: Session, meeting: Meeting) -> dict[str, Any]:
    """The meeting as a normalised rida/1 document."""
    series = session.get(Series, meeting.series_id)
    people = _people(session, meeting)
    participations = session.exec(
        select(Participation)
        .where(Participation.meeting_id == meeting.id)
        .order_by(Participation.position)
    ).all()
    rows = session.exec(
        select(RidaRow).where(RidaRow.meeting_id == meeting.id).order_by(RidaRow.number)
    ).all()
    numbers = {row.id: row.number for row in rows}
    actions = session.exec(
        select(Action).where(Action.meeting_id == meeting.id).order_by(Action.position, Action.id)
    ).all()
    return {
        "format": FORMAT,
        "id": meeting.id,
        "series": series.name if series else None,
        "title": meeting.title,
        "subject": _opt(meeting.subject),
        "meeting_type": _opt(meeting.meeting_type),
        "date": meeting.date.isoformat(),
        "start_time": _opt(meeting.start_time),
        "end_time": _opt(meeting.end_time),
        "location": _opt(meeting.location),
        "status": meeting.status,
        "classification": meeting.classification,
        "version": meeting.version,
        "organiser": person_dict(people.get(meeting.organiser_id), meeting.organiser_function),
        "rapporteur": person_dict(people.get(meeting.rapporteur_id), meeting.rapporteur_function),
        "reference_documents": list(meeting.reference_documents),
        "participants": [
            {
                **person_dict(people[p.person_id], p.function),
                "attendance": p.attendance,
                **p.extensions,
            }
            for p in participations
        ],
        "objectives": list(meeting.objectives),
        "summary": _opt(meeting.summary),
        "rida": [
            {
                "number": r.number,
                "nature": r.nature,
                "subject": r.subject,
                "question": _opt(r.question),
                "answer": _opt(r.answer),
                **r.extensions,
            }
            for r in rows
        ],
        "comments": list(meeting.comments),
        "results": _opt(meeting.results),
        "actions": [
            {
                "title": a.title,
                "kind": a.kind,
                "owner": person_dict(people.get(a.owner_id), a.owner_function),
                "due_date": a.due_date.isoformat() if a.due_date else None,
                "status": a.status,
                "rida": numbers.get(a.row_id),
                "notes": _opt(a.notes),
                **a.extensions,
            }
            for a in actions
        ],
        **meeting.extensions,
    }


def _people(session: Session, meeting: Meeting) -> dict[int, Person]:
    ids = {meeting.organiser_id, meeting.rapporteur_id}
    ids |= set(
        session.exec(
            select(Participation.person_id).where(Participation.meeting_id == meeting.id)
        ).all()
    )
    ids |= set(session.exec(select(Action.owner_id).where(Action.meeting_id == meeting.id)).all())
    ids.discard(None)
    found = session.exec(select(Person).where(Person.id.in_(ids))).all() if ids else []
    return {p.id: p for p in found}
