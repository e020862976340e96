"""An action and its owner as the editor and the API show them (JSON-ready dicts)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from rida.meetings.people import label
from rida.models import Action, Person, RidaRow


def owner_dict(person: Person | None) -> dict[str, Any] | None:
    if person is None:
        return None
    return {
        "id": person.id,
        "label": label(person),
        "last_name": person.last_name,
        "first_name": person.first_name,
        "entity": person.entity,
    }


def action_dict(session: Session, action: Action) -> dict[str, Any]:
    row = session.get(RidaRow, action.row_id) if action.row_id is not None else None
    owner = session.get(Person, action.owner_id) if action.owner_id is not None else None
    return {
        "uid": action.uid,
        "position": action.position,
        "title": action.title,
        "kind": action.kind,
        "status": action.status,
        "due_date": action.due_date.isoformat() if action.due_date else None,
        "notes": action.notes,
        "row": row.uid if row else None,
        "row_number": row.number if row else None,
        "owner": owner_dict(owner),
        "revision": action.revision,
    }
