"""The dashboard's chart: open, done and overdue actions over time.

At the end of each period (a week ending on Sunday, or a month; the current period is
counted at ``today``), over the filtered actions: an action exists from its meeting's
date; it is *done* from its closing day (:func:`rida.actions.action_status.closing_days`) if its
status is ``done``, and leaves the chart from that day if ``cancelled``; until then it is
*open*, and *overdue* as well once its due date is past. Drawn as inline SVG by the
template from :func:`geometry`, with the same figures as a table.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from rida.actions.action_status import closing_days
from rida.models import Action, Meeting

MAX_PERIODS = 26  # without a from date: the latest 26 periods
MAX_PERIODS_ASKED = 120  # a period asked with from/to dates: up to 10 years by month
WEEKS_UNTIL = 16 * 7  # automatic choice: weeks for a span up to this many days
SERIES = (("open", "Ouvertes"), ("done", "Faites"), ("overdue", "En retard"))


@dataclass
class Point:
    end: dt.date  # the day counted
    label: str
    open: int
    done: int
    overdue: int


@dataclass
class Chart:
    period: str  # "week" | "month"
    points: list[Point]


def _month_end(day: dt.date) -> dt.date:
    first_next = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return first_next - dt.timedelta(days=1)


def period_ends(
    start: dt.date, today: dt.date, period: str, limit: int = MAX_PERIODS
) -> list[dt.date]:
    """The last day of each period from ``start``'s to ``today``'s (at most ``limit``,
    the latest ones), the last one cut at ``today`` (the last day shown)."""
    ends: list[dt.date] = []
    day = today
    while len(ends) < limit:
        end = day + dt.timedelta(days=6 - day.weekday()) if period == "week" else _month_end(day)
        ends.append(min(end, today))
        first = end - dt.timedelta(days=6) if period == "week" else end.replace(day=1)
        if first <= start:
            break
        day = first - dt.timedelta(days=1)
    return ends[::-1]


def _label(end: dt.date, period: str) -> str:
    if period == "month":
        return f"{end:%m/%Y}"
    monday = end - dt.timedelta(days=end.weekday())
    return f"sem. du {monday:%d/%m}"


def chart(
    session: Session,
    statement: Any,
    today: dt.date,
    period: str | None = None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Chart:
    """The chart of the actions ``statement`` selects (a select of Action ⋈ Meeting with
    the dashboard's WHERE clauses, see :func:`rida.actions.action_board.query.chart_select`).

    The period shown: from ``start`` to ``end`` (the dashboard's date filters), never
    past ``today``; without ``start``, from the first action's meeting, the latest
    :data:`MAX_PERIODS` periods at most."""
    rows = session.exec(statement).all()
    if not rows:
        return Chart(period or "month", [])
    last = min(end, today) if end is not None else today
    first = min(start, last) if start is not None else min(r.date for r in rows)
    chosen = period or ("week" if (last - first).days <= WEEKS_UNTIL else "month")
    limit = MAX_PERIODS_ASKED if start is not None else MAX_PERIODS
    ends = period_ends(first, last, chosen, limit)
    # closing_days reads id, status and meeting_id: the rows have them.
    closed = closing_days(session, rows)
    n = len(ends)
    opened, done, late = [0] * (n + 1), [0] * (n + 1), [0] * (n + 1)

    def add(counts: list[int], first_day: dt.date, until: dt.date | None) -> None:
        """Count in every point whose day is >= first_day and < until."""
        i = bisect_left(ends, first_day)
        j = n if until is None else bisect_left(ends, until)
        if i < j:
            counts[i] += 1
            counts[j] -= 1

    for r in rows:
        closed_on = closed.get(r.id)
        add(opened, r.date, closed_on)
        if closed_on is not None and r.status == "done":
            add(done, closed_on, None)
        if r.due_date is not None:
            overdue_from = max(r.date, r.due_date + dt.timedelta(days=1))
            add(late, overdue_from, closed_on)
    points, totals = [], [0, 0, 0]
    for k, end in enumerate(ends):
        totals = [totals[0] + opened[k], totals[1] + done[k], totals[2] + late[k]]
        points.append(Point(end, _label(end, chosen), *totals))
    return Chart(chosen, points)


def chart_select(where: list[Any]) -> Any:
    return (
        select(Action.id, Action.status, Action.meeting_id, Action.due_date, Meeting.date)
        .join(Meeting, col(Action.meeting_id) == Meeting.id)
        .where(*where)
    )


# --- Drawing ------------------------------------------------------------------------------

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 40


MAX_Y_INTERVALS = 5


def nice_ticks(maximum: int) -> list[int]:
    """The y-axis values, from 0 to just above ``maximum``, at most :data:`MAX_Y_INTERVALS`
    intervals of a round step (1, 2 or 5 × 10ⁿ): 5 → 0…5 by 1, 41 → 0…50 by 10."""
    maximum = max(maximum, 1)
    scale = 1
    while True:
        for step in (scale, 2 * scale, 5 * scale):
            intervals = -(-maximum // step)  # ceiling
            if intervals <= MAX_Y_INTERVALS:
                return [k * step for k in range(intervals + 1)]
        scale *= 10


# Drawing order, bottom to top: « En retard » is a part of « Ouvertes » (often all of it),
# so it is a shaded area with its own edge, and « Ouvertes » a line drawn over it: when
# the two are equal the area stays visible under the line. The legend keeps SERIES order.
DRAWING_ORDER = ("overdue", "done", "open")
AREAS = ("overdue",)


def geometry(c: Chart) -> dict[str, Any]:
    """Coordinates for the template's SVG: an area for « En retard », a polyline per
    series (in drawing order), the legend, axis ticks."""
    ticks = nice_ticks(max([max(p.open, p.done, p.overdue) for p in c.points] + [1]))
    top = ticks[-1]
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(len(c.points) - 1, 1)

    def x(i: int) -> float:
        return round(LEFT + i * step, 1)

    def y(v: int) -> float:
        return round(TOP + inner_h - v * inner_h / top, 1)

    labels = dict(SERIES)
    lines = []
    for key in DRAWING_ORDER:
        points = [f"{x(i)},{y(getattr(p, key))}" for i, p in enumerate(c.points)]
        base = [f"{x(len(c.points) - 1)},{y(0)}", f"{x(0)},{y(0)}"]
        lines.append(
            {
                "key": key,
                "label": labels[key],
                "points": " ".join(points),
                "area": " ".join(points + base) if key in AREAS else None,
            }
        )
    every = max(1, len(c.points) // 8)
    x_ticks = [{"x": x(i), "label": p.label} for i, p in enumerate(c.points) if i % every == 0]
    y_ticks = [{"y": y(v), "label": v} for v in ticks]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "lines": lines,
        "legend": [{"key": key, "label": label, "area": key in AREAS} for key, label in SERIES],
        "x_ticks": x_ticks,
        "y_ticks": y_ticks,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": y(0),
        "top": TOP,
    }
