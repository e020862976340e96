"""How an action is numbered and named, everywhere (compte-rendu, editor, dashboard,
action pages, ``rida actions`` and ``rida action set-status``, calendar, reminders).

An action's number is the one its compte-rendu prints: its rank in its meeting's list
(``Action 2``), what people read and quote. Outside its meeting it goes with the meeting:
« Action 2 de « Atelier #1 » du 07/01/2022 », and on the command line ``12/2`` (meeting
12, action 2), accepted wherever an action is named. The database id (« n° 5 ») stays
the stable key of exports and URLs (``#action-5``), shown only beside the number.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlmodel import Session, select

from rida.fields import FieldError
from rida.models import Action

# ``12/2``: action 2 of meeting 12 (spaces allowed around the slash)
REFERENCE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
MAX_ID = 2**31 - 1  # beyond: no such meeting or rank (and no integer overflow in SQL)


def number(action: Action) -> int:
    """``2`` for the second action of its meeting (as its compte-rendu numbers it)."""
    return action.position + 1


def label(action: Action) -> str:
    """``Action 2``: inside its own meeting."""
    return f"Action {number(action)}"


def reference(meeting_id: int, position: int) -> str:
    """``12/2``: action 2 of meeting 12, as the command line writes and reads it."""
    return f"{meeting_id}/{position + 1}"


def full_label(action: Action, meeting_title: str, meeting_date: dt.date) -> str:
    """« Action 2 de « Atelier #1 » du 07/01/2022 »: outside its meeting."""
    return f"{label(action)} de « {meeting_title} » du {meeting_date:%d/%m/%Y}"


def parse_reference(value: str) -> tuple[int, int] | None:
    """(meeting id, position) of a reference ``12/2`` (spaces allowed around the slash),
    None if ``value`` is not one; a rank 0 or a number no database holds gives position
    -1 (no action has it)."""
    found = REFERENCE.match(value)
    if not found:
        return None
    meeting_id, rank = int(found.group(1)), int(found.group(2))
    if rank < 1 or max(meeting_id, rank) > MAX_ID:
        return (0, -1)
    return meeting_id, rank - 1


def find(session: Session, value: str, path: str = "id") -> Action | None:
    """The action ``value`` names: ``12/2`` (meeting 12, action 2), or a bare database
    id (``5``); None if none; :class:`FieldError` (at ``path``) if ``value`` is neither."""
    reference = parse_reference(value)
    if reference is not None:
        meeting_id, position = reference
        if position < 0:
            return None
        return session.exec(
            select(Action).where(Action.meeting_id == meeting_id, Action.position == position)
        ).first()
    if value.strip().isascii() and value.strip().isdigit():
        return session.get(Action, int(value.strip()))
    raise FieldError(
        path, f"« {value} » : action attendue, « RÉUNION/N » (ex. 12/2) ou son n° (ex. 5)"
    )
