"""A meeting's actions, as the rapporteur's editor changes them.

An action is something to do after the meeting: a title, a kind, an owner (a person, or an
organisation alone when no person is known), a due date, a status, notes, and the RIDA row
it comes from. The row is stored by id, so the link follows the row when rows move or are
renumbered, and becomes null when the row is deleted (``ON DELETE SET NULL``). Actions are
ordered by ``position`` (0, 1, …). Like RIDA rows, an action carries a client-generated
``uid`` (creating it twice is creating it once) and a ``revision`` for optimistic edits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session, select

from rida import fields
from rida.actions import action_status
from rida.actions.action_dicts import action_dict as action_dict
from rida.actions.action_dicts import owner_dict as owner_dict
from rida.fields import FieldError
from rida.meetings.editing import apply_revision, check_uid, find_row
from rida.meetings.ordering import delete_in, move_in, touch
from rida.meetings.people import PERSON_LIMITS, find_or_create, visible_person
from rida.models import ACTION_KINDS, ACTION_STATUSES, Action, Meeting, Person, User

ACTION_FIELDS = ("title", "kind", "status", "due_date", "notes", "row", "owner_id", "owner")
OWNER_FIELDS = ("last_name", "first_name", "entity")


def actions_of(session: Session, meeting_id: int) -> list[Action]:
    return list(
        session.exec(
            select(Action)
            .where(Action.meeting_id == meeting_id)
            .order_by(Action.position, Action.id)
        ).all()
    )


def find(session: Session, meeting_id: int, uid: str) -> Action | None:
    return session.exec(
        select(Action).where(Action.meeting_id == meeting_id, Action.uid == uid)
    ).first()


def action_order(actions: list[Action]) -> list[dict[str, Any]]:
    return [{"uid": a.uid, "position": a.position} for a in actions]


# --- Checking values ---------------------------------------------------------------------


def _owner_from_fields(session: Session, value: Any, visible: ColumnElement[bool]) -> Person | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise FieldError("owner", f"objet attendu, reçu {fields.type_name(value)}")
    unknown = sorted(set(value) - set(OWNER_FIELDS))
    if unknown:
        raise FieldError(f"owner.{unknown[0]}", "champ inconnu")
    names = {
        k: fields.text(value.get(k), f"owner.{k}", limit=PERSON_LIMITS[k]) for k in OWNER_FIELDS
    }
    if not names["last_name"]:
        if names["first_name"]:
            raise FieldError("owner.last_name", "le nom est obligatoire avec un prénom")
        if not names["entity"]:
            raise FieldError(
                "owner.last_name", "nom attendu (ou entité seule pour une organisation)"
            )
    return find_or_create(session, names, visible=visible)


def _owner_by_id(session: Session, value: Any, visible: ColumnElement[bool]) -> Person | None:
    if value is None or value == "":
        return None
    person = visible_person(session, fields.integer(value, "owner_id"), visible)
    if person is None:
        raise FieldError("owner_id", "personne inconnue")
    return person


def _row_id(session: Session, meeting: Meeting, value: Any) -> int | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise FieldError("row", f"identifiant de ligne attendu, reçu {fields.type_name(value)}")
    row = find_row(session, meeting.id, value)
    if row is None:
        raise FieldError("row", "aucune ligne RIDA de cette réunion n'a cet identifiant")
    return row.id


def check_fields(
    session: Session, meeting: Meeting, values: dict[str, Any], *, visible: ColumnElement[bool]
) -> dict[str, Any]:
    """Column values from the fields the API receives; ``owner`` and ``owner_id`` set the
    owner (``owner_function`` follows the person's known function), a person among those
    the clause ``visible`` selects (the acting user's :func:`rida.access.visible_people`):
    another id is « personne inconnue », another namesake is not reused."""
    if "owner" in values and "owner_id" in values:
        raise FieldError("owner", "owner ou owner_id, pas les deux")
    clean: dict[str, Any] = {}
    for name, value in values.items():
        if name == "title":
            clean[name] = fields.text(value, name, required=True, nonempty=True)
        elif name == "kind":
            clean[name] = fields.choice(value, name, ACTION_KINDS)
        elif name == "status":
            clean[name] = fields.choice(value, name, ACTION_STATUSES)
        elif name == "due_date":
            clean[name] = fields.date(None if value == "" else value, name)
        elif name == "notes":
            clean[name] = fields.markdown(value, name)
        elif name == "row":
            clean["row_id"] = _row_id(session, meeting, value)
        elif name in ("owner", "owner_id"):
            owner = _owner_from_fields if name == "owner" else _owner_by_id
            person = owner(session, value, visible)
            clean["owner_id"] = person.id if person else None
            clean["owner_function"] = person.function if person else ""
        else:
            raise FieldError(name, "champ inconnu ou non modifiable")
    return clean


def warnings(meeting: Meeting, action: Action) -> list[dict[str, str]]:
    """What is allowed but worth saying: a due date before the meeting."""
    if action.due_date is not None and action.due_date < meeting.date:
        return [
            {
                "path": "due_date",
                "message": "échéance antérieure à la réunion "
                f"({meeting.date:%d/%m/%Y}) : acceptée, signalée à la validation",
            }
        ]
    return []


# --- Changes -------------------------------------------------------------------------------


def add(
    session: Session,
    meeting: Meeting,
    values: dict[str, Any],
    *,
    visible: ColumnElement[bool],
    uid: str | None = None,
) -> Action:
    """A new action at the end of the list; idempotent on ``uid``; its owner is one of the
    people ``visible`` selects (see :func:`check_fields`)."""
    if uid is not None:
        uid = check_uid(uid)
        existing = session.exec(select(Action).where(Action.uid == uid)).first()
        if existing is not None:
            if existing.meeting_id != meeting.id:
                raise FieldError("uid", "identifiant déjà utilisé")
            return existing
    if "title" not in values:
        raise FieldError("title", "champ obligatoire manquant")
    clean = check_fields(session, meeting, values, visible=visible)
    action = Action(meeting_id=meeting.id, position=len(actions_of(session, meeting.id)), **clean)
    if uid is not None:
        action.uid = uid
    session.add(action)
    session.flush()
    touch(meeting)
    return action


def update(
    session: Session,
    meeting: Meeting,
    action: Action,
    revision: Any,
    values: dict[str, Any],
    user: User | None = None,
    *,
    visible: ColumnElement[bool],
    base: dict[str, Any] | None = None,
) -> Action:
    """Change fields of ``action`` seen at ``revision``: conflicts are per field, and
    ``base`` holds the texts the editor started from (see
    :func:`rida.meetings.editing.apply_revision`). A status change is
    kept in the action's history, as made by ``user`` during ``meeting``'s session. A new
    owner is one of the people ``visible`` selects (see :func:`check_fields`)."""
    clean = check_fields(session, meeting, values, visible=visible)
    if not clean:
        raise FieldError("fields", "aucun champ à modifier")
    old_status = action.status
    if apply_revision(
        session,
        action,
        revision,
        clean,
        lambda: action_dict(session, action),
        f"L'action {action.position + 1} a été modifiée par quelqu'un d'autre.",
        derived=("owner_function",),
        base=base,
        check=lambda name, value: check_fields(session, meeting, {name: value}, visible=visible)[
            name
        ],
    ):
        if action.status != old_status:
            action_status.record(
                session,
                action,
                action.status,
                old_status=old_status,
                user=user,
                meeting_id=meeting.id,
            )
        touch(meeting)
    return action


def delete(session: Session, meeting: Meeting, action: Action) -> list[Action]:
    return delete_in(
        session, meeting, action, lambda: actions_of(session, meeting.id), "position", 0
    )


def move(
    session: Session, meeting: Meeting, action: Action, direction: Any, to: Any = None
) -> list[Action]:
    """Move ``action`` one place; ``to`` (optional) is the position it should end up at."""
    return move_in(
        session, meeting, actions_of(session, meeting.id), action, direction, to, "position", 0
    )
