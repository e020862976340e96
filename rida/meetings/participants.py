"""Participants of a meeting: pick an existing person or add one, attendance, order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session, select

from rida import fields
from rida.fields import FieldError
from rida.meetings.editing import apply_revision, check_uid
from rida.meetings.ordering import delete_in, move_in, touch
from rida.meetings.people import PERSON_LIMITS, find_or_create, visible_person
from rida.models import ATTENDANCES, Meeting, Participation, Person, id_of

PERSON_FIELDS = ("last_name", "first_name", "entity", "function")


def participant_dict(p: Participation, person: Person) -> dict[str, Any]:
    return {
        "uid": p.uid,
        "person_id": person.id,
        "last_name": person.last_name,
        "first_name": person.first_name,
        "entity": person.entity,
        "function": p.function,
        "attendance": p.attendance,
        # Who the participant is, as one field the editor changes (see update).
        "person": {
            "id": person.id,
            "last_name": person.last_name,
            "first_name": person.first_name,
            "entity": person.entity,
        },
        "revision": p.revision,
    }


def participants_of(session: Session, meeting_id: int) -> list[tuple[Participation, Person]]:
    return list(
        session.exec(
            select(Participation, Person)
            .join(Person)
            .where(Participation.meeting_id == meeting_id)
            .order_by(Participation.position, Participation.id)
        ).all()
    )


def find(session: Session, meeting_id: int, uid: str) -> Participation | None:
    return session.exec(
        select(Participation).where(
            Participation.meeting_id == meeting_id, Participation.uid == uid
        )
    ).first()


def add(
    session: Session,
    meeting: Meeting,
    data: dict[str, Any],
    *,
    visible: ColumnElement[bool],
    uid: str | None = None,
) -> tuple[Participation, Person]:
    """Add a participant from ``person_id`` or from person fields; idempotent on ``uid``.
    The person is taken among those the clause ``visible`` selects (the acting user's
    :func:`rida.access.visible_people`): another id is « personne inconnue », another
    namesake is not reused (see :func:`~rida.meetings.people.find_or_create`)."""
    if uid is not None:
        uid = check_uid(uid)
        existing = session.exec(select(Participation).where(Participation.uid == uid)).first()
        if existing is not None:
            if existing.meeting_id != meeting.id:
                raise FieldError("uid", "identifiant déjà utilisé")
            return existing, session.get(Person, existing.person_id)
    attendance = fields.choice(data.get("attendance"), "attendance", ATTENDANCES, "present")
    function = fields.text(data.get("function"), "function", limit=PERSON_LIMITS["function"])
    if data.get("person_id") not in (None, ""):
        person = visible_person(session, fields.integer(data["person_id"], "person_id"), visible)
        if person is None:
            raise FieldError("person_id", "personne inconnue")
        if not person.last_name:
            raise FieldError("person_id", "une organisation seule ne peut pas être participante")
    else:
        values = {k: fields.text(data.get(k), k, limit=PERSON_LIMITS[k]) for k in PERSON_FIELDS}
        if not values["last_name"]:
            raise FieldError("last_name", "le nom est obligatoire")
        person = find_or_create(session, values, visible=visible)
    taken = session.exec(
        select(Participation).where(
            Participation.meeting_id == meeting.id, Participation.person_id == person.id
        )
    ).first()
    if taken is not None:
        raise FieldError("person_id", "cette personne participe déjà à la réunion")
    count = len(participants_of(session, meeting.id))
    p = Participation(
        meeting_id=meeting.id,
        person_id=person.id,
        position=count,
        attendance=attendance,
        function=function or person.function,
    )
    if uid is not None:
        p.uid = uid
    session.add(p)
    session.flush()
    touch(meeting)
    return p, person


def _checked(name: str, value: Any) -> Any:
    if name == "attendance":
        return fields.choice(value, name, ATTENDANCES)
    if name == "function":
        return fields.text(value, name, limit=PERSON_LIMITS["function"])
    raise FieldError(name, "champ inconnu ou non modifiable")


NAME_FIELDS = ("last_name", "first_name", "entity")


def _person_id(
    session: Session, p: Participation, value: Any, visible: ColumnElement[bool] | None
) -> int:
    """The ``person`` field: who this participant is, given by names (a typo corrected in
    the participants' table). The names find a person among those ``visible`` selects,
    or make a new one (:func:`~rida.meetings.people.find_or_create`): the participation
    names another person; the person record itself is not renamed (renaming everywhere
    is the people page's: :mod:`rida.meetings.identity`)."""
    if visible is None:
        raise FieldError("person", "champ inconnu ou non modifiable")
    if not isinstance(value, dict):
        raise FieldError("person", f"objet attendu, reçu {fields.type_name(value)}")
    unknown = sorted(set(value) - {*NAME_FIELDS, "id"})
    if unknown:
        raise FieldError(f"person.{unknown[0]}", "champ inconnu")
    names = {
        k: fields.text(value.get(k), f"person.{k}", limit=PERSON_LIMITS[k]) for k in NAME_FIELDS
    }
    if not names["last_name"]:
        raise FieldError("person.last_name", "le nom est obligatoire")
    person = find_or_create(session, names, visible=visible)
    if person.id != p.person_id:
        taken = session.exec(
            select(Participation.id).where(
                Participation.meeting_id == p.meeting_id, Participation.person_id == person.id
            )
        ).first()
        if taken is not None:
            raise FieldError("person", "cette personne participe déjà à la réunion")
    return id_of(person)


def update(
    session: Session,
    p: Participation,
    revision: Any,
    values: dict[str, Any],
    base: dict[str, Any] | None = None,
    *,
    visible: ColumnElement[bool] | None = None,
) -> Participation:
    """Change the participant's fields (``function``, ``attendance``, and ``person`` given
    by names when ``visible``, the acting user's visible people, is given)."""
    clean = {
        ("person_id" if name == "person" else name): (
            _person_id(session, p, value, visible) if name == "person" else _checked(name, value)
        )
        for name, value in values.items()
    }
    apply_revision(
        session,
        p,
        revision,
        clean,
        lambda: participant_dict(p, session.get(Person, p.person_id)),
        "Ce participant a été modifié par quelqu'un d'autre.",
        base=base,
        check=_checked,
    )
    return p


def remove(session: Session, meeting: Meeting, p: Participation) -> None:
    delete_in(
        session,
        meeting,
        p,
        lambda: [q for q, _ in participants_of(session, meeting.id)],
        "position",
        0,
    )


def move(
    session: Session, meeting: Meeting, p: Participation, direction: Any, to: Any = None
) -> None:
    """Move ``p`` one place; ``to`` (optional) is the position it should end up at."""
    items = [q for q, _ in participants_of(session, meeting.id)]
    move_in(session, meeting, items, p, direction, to, "position", 0)
