"""What a change-log entry says about each kind of record.

A row, a participant, an action or the meeting's header carries the dict the editor
already receives for it (``row_dict``, ``participant_dict``, ``action_dict``,
``header_dict``), so that a client applies a change like the answer to its own save. A
deletion carries only the uid; a new order (rows renumbered, participants or actions
moved) the full list of uids, in order.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from rida.actions.action_dicts import action_dict
from rida.meetings.editing import header_dict, row_dict
from rida.meetings.participants import participant_dict
from rida.meetings.people import name_of
from rida.models import Action, Meeting, Participation, Person, RidaRow, User

KINDS: tuple[tuple[type, str], ...] = (
    (RidaRow, "row"),
    (Participation, "participant"),
    (Action, "action"),
    (Meeting, "meeting"),
)
# The column that orders each kind within its meeting (renumbered by inserts, moves and
# deletes: one ``order`` entry, not one update per shifted record).
ORDER_COLUMN = {"row": "number", "participant": "position", "action": "position"}
# Columns that are no content of their own (stamps, counters, keys).
NOT_CONTENT = frozenset(
    {"id", "uid", "meeting_id", "revision", "field_revisions", "created_at", "updated_at"}
)
# Column names as the client knows them (the keys of the dicts above).
FIELD_NAMES = {"row_id": "row", "owner_id": "owner"}
# Changing these changes who may read the meeting (rida.access).
MEETING_ACCESS = frozenset({"classification", "series_id", "created_by", "rapporteur_id"})
USER_ACCESS = frozenset({"session_epoch", "active", "role", "person_id"})
TOKEN_ACCESS = frozenset({"revoked_at", "expires_at"})


def kind_of(obj: object) -> str | None:
    for cls, kind in KINDS:
        if isinstance(obj, cls):
            return kind
    return None


def meeting_of(obj: object) -> int | None:
    value = getattr(obj, "id" if isinstance(obj, Meeting) else "meeting_id", None)
    return value if isinstance(value, int) else None


def field_name(column: str) -> str:
    return FIELD_NAMES.get(column, column)


def payload(session: Session, kind: str, obj: Any) -> dict[str, Any]:
    """The new values of ``obj`` (a record of ``kind``), as the editor's API gives them."""
    if kind == "row":
        return row_dict(obj)
    if kind == "participant":
        return participant_dict(obj, session.get_one(Person, obj.person_id))
    if kind == "action":
        return action_dict(session, obj)
    return header_dict(obj)


def order(session: Session, meeting_id: int, kind: str) -> list[str]:
    """The uids of ``kind`` in ``meeting_id``, in their order."""
    if kind == "row":
        rows = select(RidaRow.uid).where(RidaRow.meeting_id == meeting_id)
        return list(session.exec(rows.order_by(col(RidaRow.number))))
    model = Participation if kind == "participant" else Action
    found = select(model.uid).where(model.meeting_id == meeting_id)
    return list(session.exec(found.order_by(col(model.position), col(model.id))))


# Who acts, in one query without ORM objects (this runs on every save).
_WHO = (
    select(User.login, Person.first_name, Person.last_name, Person.entity)
    .select_from(User)
    .outerjoin(Person, col(Person.id) == User.person_id)
    .where(col(User.id) == bindparam("user_id"))
)


def who(session: Session, actor: object) -> tuple[int | None, dict[str, Any] | None]:
    """The account acting in ``session`` (its id) and how a client names it:
    ``{"login", "name"}`` (the account's person, else its login), or None."""
    user_id = getattr(actor, "user_id", None)
    login = getattr(actor, "login", None)
    if user_id is None and login is None:
        return None, None
    name = login
    if isinstance(user_id, int):
        found = session.connection().execute(_WHO, {"user_id": user_id}).first()
        if found is not None:
            login, first, last, entity = found
            name = name_of(first or "", last or "", entity or "") or login
    return user_id, {"login": login, "name": name}
