"""The Task Force dashboard's query: every action of every series the user may read,
filtered, sorted, counted and paged.

Access: only the actions of meetings ``rida.access.readable(user)`` selects, in the list,
the counts and the chart alike. Counts are facets: the counts by status ignore the status
filter, the counts by owner ignore the owner and « mes actions » filters, every other
filter applies. The text filter (:func:`text_clause`) selects by title, or one action by
its reference ``12/2``: an action of a meeting the user may not read stays out of the list
and of every count, like any other. "Overdue" means not closed (``open`` or
``in_progress``) and due before ``today``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, case, false, func
from sqlmodel import Session, col, select

from rida import access
from rida.actions.action_board import chart_cache
from rida.actions.action_board.chart import Chart, chart, chart_select
from rida.actions.action_board.names import Resolved, resolve
from rida.actions.action_board.params import BoardQuery
from rida.actions.action_status import OPEN_STATUSES
from rida.actions.numbering import parse_reference
from rida.models import ACTION_STATUSES, Action, ActionEvent, Meeting, Person, RidaRow, Series, User

OWNER_COUNTS = 15  # owners listed in the counts (the most loaded ones)


@dataclass
class Item:
    """One action as the dashboard shows it."""

    action: Action
    meeting_id: int
    meeting_title: str
    meeting_date: dt.date
    series: str
    owner: Person | None
    row_number: int | None
    overdue: bool


@dataclass
class Board:
    items: list[Item]
    total: int
    by_status: dict[str, int]
    overdue: int  # overdue ones, status filter ignored
    by_owner: list[tuple[Person | None, int]]
    messages: list[str] = field(default_factory=list)
    chart: Chart | None = None
    # the owners of every action the user may read, when the counts read them all
    all_owner_ids: list[int] | None = None


def overdue_clause(today: dt.date) -> ColumnElement[bool]:
    return col(Action.status).in_(OPEN_STATUSES) & (col(Action.due_date) < today)


def text_clause(text: str) -> ColumnElement[bool]:
    """A reference ``12/2`` (spaces allowed): that action alone; other text: the actions
    whose title contains it, case ignored (``%`` and ``_`` are plain characters)."""
    reference = parse_reference(text)
    if reference is not None:
        meeting_id, position = reference
        return (col(Action.meeting_id) == meeting_id) & (col(Action.position) == position)
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return col(Action.title).ilike(f"%{escaped}%", escape="\\")


def conditions(
    user: User | None,
    query: BoardQuery,
    found: Resolved,
    today: dt.date,
    *,
    skip: Sequence[str] = (),
) -> list[ColumnElement[bool]]:
    """The WHERE clauses of ``query`` on Action ⋈ Meeting (⟕ Person for organisations);
    the filters named in ``skip`` (``status``, ``owner``) are left out."""
    where: list[ColumnElement[bool]] = [access.readable(user)]
    if found.empty:
        return [false()]
    if found.series_ids is not None:
        where.append(col(Meeting.series_id).in_(found.series_ids))
    if found.owner_ids is not None and "owner" not in skip:
        where.append(col(Action.owner_id).in_(found.owner_ids))
    if found.mine_ids is not None and "owner" not in skip:
        where.append(col(Action.owner_id).in_(found.mine_ids))
    if found.entities is not None:
        entity_owners = select(Person.id).where(col(Person.entity).in_(found.entities))
        where.append(col(Action.owner_id).in_(entity_owners))
    if query.kind:
        where.append(col(Action.kind).in_(query.kind))
    if query.status and "status" not in skip:
        where.append(col(Action.status).in_(query.status))
    if query.due_from:
        where.append(col(Action.due_date) >= query.due_from)
    if query.due_to:
        where.append(col(Action.due_date) <= query.due_to)
    if query.overdue:
        where.append(overdue_clause(today))
    if query.text:
        where.append(text_clause(query.text))
    return where


def _order(query: BoardQuery) -> list[Any]:
    desc = query.order == "desc"

    def way(column: Any) -> Any:
        return column.desc() if desc else column.asc()

    status_rank = case({s: i for i, s in enumerate(ACTION_STATUSES)}, value=Action.status)
    due = [col(Action.due_date).is_(None), way(col(Action.due_date))]  # no due date: last
    # as labelled: a person by last name, an organisation by its name
    owner_name = case((col(Person.last_name) == "", Person.entity), else_=Person.last_name)
    keys = {
        "due_date": due,
        "status": [way(status_rank), *due],
        "series": [way(col(Series.name)), *due],
        "owner": [
            col(Action.owner_id).is_(None),
            way(func.lower(owner_name)),
            way(func.lower(Person.first_name)),
            way(func.lower(Person.entity)),
            *due,
        ],
        "meeting": [way(col(Meeting.date)), way(col(Meeting.id)), col(Action.position)],
    }
    return [*keys[query.sort], way(col(Action.id))]


def items_select(where: list[ColumnElement[bool]], query: BoardQuery) -> Any:
    return (
        select(Action, Meeting.title, Meeting.date, Series.name, Person, RidaRow.number)
        .join(Meeting, col(Action.meeting_id) == Meeting.id)
        .join(Series, col(Meeting.series_id) == Series.id)
        .outerjoin(Person, col(Action.owner_id) == Person.id)
        .outerjoin(RidaRow, col(Action.row_id) == RidaRow.id)
        .where(*where)
        .order_by(*_order(query))
    )


def _items(session: Session, statement: Any, today: dt.date) -> list[Item]:
    return [
        Item(
            a,
            a.meeting_id,
            title,
            day,
            series,
            owner,
            number,
            a.status in OPEN_STATUSES and a.due_date is not None and a.due_date < today,
        )
        for a, title, day, series, owner, number in session.exec(statement).all()
    ]


def _joined(statement: Any) -> Any:
    return statement.select_from(Action).join(Meeting, col(Action.meeting_id) == Meeting.id)


def _page_ids(where: list[ColumnElement[bool]], query: BoardQuery) -> Any:
    """The ids of one page, in order: the sort reads narrow rows, not whole actions."""
    return (
        select(Action.id)
        .join(Meeting, col(Action.meeting_id) == Meeting.id)
        .join(Series, col(Meeting.series_id) == Series.id)
        .outerjoin(Person, col(Action.owner_id) == Person.id)
        .where(*where)
        .order_by(*_order(query))
        .limit(query.per_page)
        .offset((query.page - 1) * query.per_page)
    )


def _owner_passes(user: User | None, query: BoardQuery, found: Resolved) -> Any:
    """The owner and « mine » filters, on an owner id (the counts apply them in Python)."""

    def passes(owner_id: int | None) -> bool:
        if found.owner_ids is not None and owner_id not in found.owner_ids:
            return False
        return not (query.mine and user is not None and owner_id != user.person_id)

    return passes


@dataclass
class Summary:
    """What a dashboard shows besides its page of actions: the same for every page and
    order of one set of filters, kept (see :mod:`.chart_cache`) until anything changes."""

    found: Resolved
    total: int
    by_status: dict[str, int]
    overdue: int
    owner_counts: list[tuple[int | None, int]]
    all_owner_ids: list[int] | None
    stamp: tuple[Any, ...]  # what the filtered actions are (see cached_chart)
    charts: dict[str | None, Chart] = field(default_factory=dict)  # by period asked


def _summary(session: Session, user: User | None, query: BoardQuery, today: dt.date) -> Summary:
    """The counts, from one aggregate per owner over the actions every filter but status
    and owner selects: the facets are sums of it."""
    found = resolve(session, user, query)
    skipped = conditions(user, query, found, today, skip=("status", "owner"))
    status = col(Action.status)
    by_status_sums = [func.sum(case((status == s, 1), else_=0)) for s in ACTION_STATUSES]
    statement = (
        _joined(
            select(
                Action.owner_id,
                func.sum(case((overdue_clause(today), 1), else_=0)),
                func.sum(Action.revision),
                func.max(Action.id),
                func.max(Meeting.updated_at),
                *by_status_sums,
            )
        )
        .where(*skipped)
        .group_by(Action.owner_id)
        .order_by(Action.owner_id)
    )
    # Plain rows (a few hundred): no ORM processing.
    rows = session.connection().execute(statement).all()
    owner_passes = _owner_passes(user, query, found)
    by_status = {s: 0 for s in ACTION_STATUSES}
    by_owner_id: dict[int | None, int] = {}
    total = overdue = 0
    # The revisions, ids and meeting changes of a superset of the chart's actions: they
    # tell whether a chart computed earlier still holds, once something else changed.
    stamp: list[Any] = []
    for owner_id, late, revisions, last_id, changed, *counts in rows:
        stamp += [owner_id, revisions, last_id, changed, *counts]
        per_status = dict(zip(ACTION_STATUSES, counts, strict=True))
        selected = sum(n for s, n in per_status.items() if not query.status or s in query.status)
        if selected:
            by_owner_id[owner_id] = selected
        if owner_passes(owner_id):
            for s, n in per_status.items():
                by_status[s] += n
            overdue += late or 0
            total += selected
    owners = sorted(by_owner_id.items(), key=lambda o: (-o[1], o[0] is not None, o[0] or 0))
    return Summary(
        found=found,
        total=total,
        by_status=by_status,
        overdue=overdue,
        owner_counts=owners[:OWNER_COUNTS],
        all_owner_ids=[o for o, *_ in rows if o is not None]
        if _unfiltered(query) and not found.empty
        else None,
        stamp=tuple(stamp),
    )


def _unfiltered(query: BoardQuery) -> bool:
    """Whether the counts' aggregate covers every action the user may read (only the
    status and owner filters are used, which it leaves out)."""
    return not (
        query.series
        or query.organisation
        or query.kind
        or query.due_from
        or query.due_to
        or query.overdue
        or query.text
    )


def board(
    session: Session,
    user: User | None,
    query: BoardQuery,
    *,
    today: dt.date | None = None,
    with_chart: bool = False,
) -> Board:
    """One page of the actions ``query`` selects, with the counts (and the chart of the
    whole filtered set if ``with_chart``).

    The counts, the chart and the ids of each page are kept until the database changes
    (:func:`chart_cache.position`): a page seen again costs a few primary-key reads."""
    today = today or dt.date.today()
    position = chart_cache.position(session)
    filters = dataclasses.replace(query, sort="due_date", order="asc", page=1, per_page=1)
    key = (
        position,
        (user.id, user.role, user.person_id, user.active) if user else None,
        filters,
        today,
    )
    summary = chart_cache.summary(key, lambda: _summary(session, user, query, today))
    found = summary.found
    where = conditions(user, query, found, today)
    page_key = (position, key, query.sort, query.order, query.page, query.per_page)
    ids = chart_cache.page(page_key, lambda: list(session.exec(_page_ids(where, query)).all()))
    people = {
        p.id: p
        for p in session.exec(
            select(Person).where(
                col(Person.id).in_([o for o, _ in summary.owner_counts if o is not None])
            )
        )
    }
    items = _items(session, items_select([col(Action.id).in_(ids)], query), today) if ids else []
    chart_now = None
    if with_chart:
        chart_now = summary.charts.get(query.chart)
        if chart_now is None:
            chart_now = cached_chart(session, user, query, where, today, summary.stamp)
            if position is not None:
                summary.charts[query.chart] = chart_now
    return Board(
        items=items,
        total=summary.total,
        by_status=dict(summary.by_status),
        overdue=summary.overdue,
        by_owner=[(people.get(o) if o else None, n) for o, n in summary.owner_counts],
        messages=list(found.messages),
        chart=chart_now,
        all_owner_ids=summary.all_owner_ids,
    )


def cached_chart(
    session: Session,
    user: User | None,
    query: BoardQuery,
    where: list[ColumnElement[bool]],
    today: dt.date,
    stamp: tuple[Any, ...],
) -> Chart:
    """The chart of the filtered actions, computed again only when they changed (the
    counts are computed again after any change; the chart, the costly part, only when
    these actions or their histories changed)."""
    last_event = session.exec(select(func.max(ActionEvent.id))).one()
    filters = dataclasses.replace(query, sort="due_date", order="asc", page=1, per_page=1)
    key = (
        chart_cache.database(session),
        (user.id, user.role, user.person_id) if user else None,
        tuple(sorted(access.followed_owners(session, user))) if query.mine else (),
        filters,
        today,
        stamp,
        last_event,
    )
    return chart_cache.get(
        key,
        lambda: chart(
            session,
            chart_select(where),
            today,
            query.chart,
            start=query.due_from,
            end=query.due_to,
        ),
    )


def all_items(
    session: Session, user: User | None, query: BoardQuery, *, today: dt.date | None = None
) -> tuple[list[Item], list[str]]:
    """Every action ``query`` selects (no paging), in its order, and the messages about
    names that designate nothing: for the exports and ``rida actions``."""
    today = today or dt.date.today()
    found = resolve(session, user, query)
    statement = items_select(conditions(user, query, found, today), query)
    return _items(session, statement, today), found.messages
