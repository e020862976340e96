"""The status report of the filtered dashboard: the actions grouped by owner (or by
series), overdue first, each with its due date and its latest comment.

One model (:func:`build`), one HTML rendering (:func:`to_html`, a standalone page with its
own style sheet, no script) used for the printable page ``/actions/rapport``, the HTML
file, the PDF (LibreOffice converts that HTML: :func:`rida.compte_rendu.pdf.convert` with
``suffix="html"``, called by the page and the command) and the e-mails of
``rida actions report``.

Access: the actions are those :func:`rida.actions.action_board.all_items` gives the user
(the meetings he may read), and a comment written during the session of a meeting he may
not read is not shown (a comment belongs to the meeting where it was written, as in
:func:`rida.actions.action_status.event_dict`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import or_
from sqlmodel import Session, col, select

from rida import access
from rida.actions.action_board.chart import Chart, geometry
from rida.actions.action_board.params import BoardQuery, to_args
from rida.actions.action_board.query import Item, all_items, board
from rida.actions.calendar_feed import action_url
from rida.meetings.people import fold, label
from rida.models import ActionEvent, Meeting, User
from rida.render import ACTION_KIND_LABELS, ACTION_STATUS_LABELS, StandalonePage, date_short

GROUPS = {"owner": "porteur", "series": "série"}
NO_OWNER = "Sans porteur"
CHUNK = 500  # ids per IN (…) clause

FILTER_LABELS = {
    "series": "Série",
    "owner": "Porteur",
    "organisation": "Organisation",
    "kind": "Type",
    "status": "Statut",
    "due_from": "Échéance à partir du",
    "due_to": "Échéance jusqu'au",
    "overdue": "En retard seulement",
    "mine": "Mes actions seulement",
    "text": "Texte ou référence",
}

PAGE = StandalonePage("actions/report.css")
CSS, CSP = PAGE.css, PAGE.csp
PAGE.env.filters["date_short"] = date_short


@dataclass
class Note:
    """The latest comment of an action's history the reader may see."""

    text: str
    at: dt.date
    by: str


@dataclass
class Line:
    item: Item
    note: Note | None


@dataclass
class Group:
    title: str
    lines: list[Line]

    @property
    def overdue(self) -> int:
        return sum(line.item.overdue for line in self.lines)


@dataclass
class Report:
    today: dt.date
    group_by: str
    filters: list[tuple[str, str]]
    groups: list[Group]
    messages: list[str] = field(default_factory=list)
    chart: Chart | None = None

    @property
    def total(self) -> int:
        return sum(len(g.lines) for g in self.groups)

    @property
    def overdue(self) -> int:
        return sum(g.overdue for g in self.groups)


def latest_notes(session: Session, user: User | None, action_ids: Sequence[int]) -> dict[int, Note]:
    """For each action, its history's latest non-empty comment that ``user`` may read:
    written outside any meeting (dashboard, API, CLI) or during a meeting he reads."""
    readable = select(Meeting.id).where(access.readable(user))
    notes: dict[int, Note] = {}
    ids = list(action_ids)
    for k in range(0, len(ids), CHUNK):
        events = session.exec(
            select(ActionEvent)
            .where(
                col(ActionEvent.action_id).in_(ids[k : k + CHUNK]),
                col(ActionEvent.comment) != "",
                or_(
                    col(ActionEvent.meeting_id).is_(None),
                    col(ActionEvent.meeting_id).in_(readable),
                ),
            )
            .order_by(col(ActionEvent.at).desc(), col(ActionEvent.id).desc())
        ).all()
        for event in events:
            if event.action_id not in notes:
                notes[event.action_id] = Note(event.comment, event.at.date(), event.user_name)
    return notes


def describe(query: BoardQuery) -> list[tuple[str, str]]:
    """The filters of ``query`` in French, for the report's header."""
    shown: dict[str, list[str]] = {}
    for name, value in to_args(query, page=False):
        if name not in FILTER_LABELS:
            continue
        if name == "status":
            value = ACTION_STATUS_LABELS.get(value, value)
        elif name == "kind":
            value = ACTION_KIND_LABELS.get(value, value)
        elif name in ("due_from", "due_to"):
            value = date_short(dt.date.fromisoformat(value))
        elif name in ("overdue", "mine"):
            value = "oui"
        shown.setdefault(FILTER_LABELS[name], []).append(value)
    return [(name, " ou ".join(values)) for name, values in shown.items()]


def _urgency(item: Item) -> tuple[bool, bool, dt.date, int]:
    """Overdue first, then by due date (none last), then by id."""
    due = item.action.due_date
    return (not item.overdue, due is None, due or dt.date.max, item.action.id or 0)


def _group_key(item: Item, group_by: str) -> tuple[bool, str, str]:
    if group_by == "series":
        return (False, fold(item.series), item.series)
    if item.owner is None:
        return (True, "", NO_OWNER)
    name = label(item.owner)
    return (False, fold(name), name)


def build(
    session: Session,
    user: User | None,
    query: BoardQuery,
    *,
    group_by: str = "owner",
    today: dt.date | None = None,
    with_chart: bool = False,
) -> Report:
    """The report of the actions ``query`` selects for ``user``."""
    today = today or dt.date.today()
    items, messages = all_items(session, user, query, today=today)
    notes = latest_notes(session, user, [i.action.id for i in items if i.action.id])
    grouped: dict[tuple[bool, str, str], list[Line]] = {}
    for item in sorted(items, key=_urgency):
        line = Line(item, notes.get(item.action.id or 0))
        grouped.setdefault(_group_key(item, group_by), []).append(line)
    groups = [Group(key[2], lines) for key, lines in sorted(grouped.items())]
    chart = board(session, user, query, today=today, with_chart=True).chart if with_chart else None
    return Report(today, group_by, describe(query), groups, messages, chart)


def to_html(report: Report, *, base_url: str, board_url: str | None = None) -> str:
    """The report as a standalone HTML page (its style sheet inline, allowed by its CSP
    hash; no script); links absolute under ``base_url``; ``board_url``: a link back to
    the dashboard (the web page), hidden when printed."""
    return PAGE.render(
        "actions/report.html",
        report=report,
        base_url=base_url.rstrip("/"),
        board_url=board_url,
        action_url=lambda item: action_url(base_url, item.meeting_id, item.action.id),
        label=label,
        kinds=ACTION_KIND_LABELS,
        statuses=ACTION_STATUS_LABELS,
        group_label=GROUPS[report.group_by],
        svg=geometry(report.chart) if report.chart and report.chart.points else None,
    )
