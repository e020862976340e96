"""« Mes actions » at a glance (the home page): how many actions the user follows are
still open, and how many of them are overdue, among the meetings the user may read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from rida import access
from rida.actions.action_status import OPEN_STATUSES
from rida.models import Action, Meeting, User


@dataclass(frozen=True)
class Summary:
    open: int  # open or in progress
    overdue: int  # of those, due before today
    follows: bool  # the account follows someone (a person or an organisation)


def summary(session: Session, user: User | None, today: dt.date) -> Summary:
    owners = access.followed_owners(session, user)
    if not owners:
        return Summary(0, 0, False)
    late = func.sum(case((col(Action.due_date) < today, 1), else_=0))
    total, overdue = session.exec(
        select(func.count(), late)
        .select_from(Action)
        .join(Meeting, col(Action.meeting_id) == Meeting.id)
        .where(
            access.readable(user),
            col(Action.owner_id).in_(owners),
            col(Action.status).in_(OPEN_STATUSES),
        )
    ).one()
    return Summary(total, overdue or 0, True)
