"""Web views, one blueprint per area; thin: parse, check access, call the domain, render."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

from flask import abort, current_app, make_response
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlmodel import Session

from rida import access, db
from rida.circuit import versions
from rida.models import Action, Meeting, User
from rida.views import auth


def public_read() -> bool:
    """Whether anonymous visitors may read the published minutes (``RIDA_PUBLIC_READ``)."""
    return bool(current_app.config.get("PUBLIC_READ"))


P = ParamSpec("P")
R = TypeVar("R")


def login_or_public(view: Callable[P, R]) -> Callable[P, R | ResponseReturnValue]:
    """``login_required``, except for anonymous visitors when the instance is public: the
    view then serves them what :func:`readable_meeting` lets them read."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | ResponseReturnValue:
        if not current_user.is_authenticated and not public_read():
            return auth.unauthorized()
        return view(*args, **kwargs)

    return wrapper


def readable_meeting(meeting_id: int) -> Meeting:
    """The meeting if the current user may read it; 404 otherwise (no existence leak). An
    anonymous visitor of a public instance is sent to the login page instead, whether the
    meeting exists or not."""
    user = auth.user()
    meeting = access.readable_meeting(db.session(), user, meeting_id, public_read=public_read())
    if meeting is None:
        if user is None:
            abort(make_response(auth.unauthorized()))
        abort(404)
    return meeting


def readable_action(s: Session, user: User | None, action_id: int) -> Action:
    """The action if ``user`` may read its meeting; 404 otherwise (no existence leak)."""
    action = s.get(Action, action_id)
    if action is None or not access.can_read(s, user, action.meeting_id):
        abort(404)
    return action


@contextmanager
def writable(meeting_id: int, *, own_records: bool = False) -> Iterator[tuple[Session, Meeting]]:
    """A write transaction on a meeting the current user may change (404/403 otherwise);
    the access rule is checked inside the transaction, in one query. ``own_records``: the
    change touches the meeting's own records only (its header, rows, actions, presence;
    never a person, a series or another meeting), so that it waits only for the other
    writers of this meeting (:func:`rida.db.write_session`)."""
    user = auth.user()
    with db.transaction(meeting=meeting_id if own_records else None) as s:
        meeting = access.readable_meeting(s, user, meeting_id)
        if meeting is None:
            abort(404)
        if not access.may_edit(s, user, meeting):
            abort(403)
        yield s, meeting


@contextmanager
def editing(meeting_id: int, *, own_records: bool = True) -> Iterator[tuple[Session, Meeting]]:
    """:func:`writable`, for a change of the record: 409 once the meeting is validated.
    Every editing endpoint goes through here; those that may touch more than the
    meeting's own records (participants, who may be new people) say so."""
    with writable(meeting_id, own_records=own_records) as (s, meeting):
        versions.ensure_editable(meeting)
        yield s, meeting


def docx_template() -> Path | None:
    """The reference DOCX of this instance (setting ``RIDA_DOCX_TEMPLATE``)."""
    return current_app.config.get("DOCX_TEMPLATE")
