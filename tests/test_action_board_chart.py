"""The dashboard's chart: open / done / overdue at the end of each period."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from rida import db
from rida.actions import action_status
from rida.actions.action_board import board, parse
from rida.actions.action_board.chart import Chart, Point, geometry, nice_ticks, period_ends
from rida.models import Action, Meeting
from tests.action_board_support import TODAY, load, meeting, user
from tests.conftest import import_doc

D = dt.date


def close_in_second_meeting(app) -> None:
    """Meeting 2 (07/02/2022) of the demo's series closes two of its three actions."""
    second = import_doc(app, meeting("Task Force MSSanté", "Atelier #2", "2022-02-07", []))
    with app.app_context(), db.transaction() as s:
        m2 = s.get(Meeting, second)
        for title, status in (
            ("Entretiens bilatéraux", "done"),
            ("Atelier industriel", "cancelled"),
        ):
            a = s.exec(select(Action).where(Action.title.startswith(title))).one()
            action_status.set_status(s, a, status, meeting=m2)


def chart_of(app, period: str, **args: list[str]):
    with app.app_context():
        found = board(
            db.session(),
            user(app, "admin"),
            parse({"chart": [period], **args}),
            today=TODAY,
            with_chart=True,
        )
    return found.chart


def test_monthly_counts_follow_closing_days(app):
    load(app)
    close_in_second_meeting(app)
    c = chart_of(
        app,
        "month",
        series=["Task Force MSSanté"],
        kind=["document", "workshop", "bilateral_interview"],
    )
    figures = [(p.end, p.open, p.done, p.overdue) for p in c.points]
    # January: the demo's 3 actions, 2 past due (14/01, 21/01); the confidential one
    # (15/02, due 20/02) exists from February.
    assert figures == [
        (D(2022, 1, 31), 3, 0, 2),
        (D(2022, 2, 28), 2, 1, 2),
        (D(2022, 3, 1), 2, 1, 2),
    ]
    assert [p.label for p in c.points] == ["01/2022", "02/2022", "03/2022"]


def test_weekly_chart_automatic_for_a_short_span(app):
    load(app)
    c = chart_of(app, "", series=["GT Annuaire"])  # no chart parameter: automatic
    assert c.period == "week"
    assert c.points[0].label == "sem. du 07/02" and c.points[-1].end == TODAY
    assert [p.done for p in c.points][-1] == 1  # « Publier le guide », done


def test_period_ends_are_capped_and_cut_at_today():
    ends = period_ends(D(2015, 1, 1), D(2022, 3, 9), "month")
    assert len(ends) == 26 and ends[-1] == D(2022, 3, 9) and ends[-2] == D(2022, 2, 28)
    weeks = period_ends(D(2022, 2, 1), D(2022, 2, 16), "week")
    assert weeks == [D(2022, 2, 6), D(2022, 2, 13), D(2022, 2, 16)]


def test_geometry_one_point_per_period(app):
    load(app)
    c = chart_of(app, "week")
    svg = geometry(c)
    assert [line["key"] for line in svg["lines"]] == ["overdue", "done", "open"]  # drawn
    assert [item["label"] for item in svg["legend"]] == ["Ouvertes", "Faites", "En retard"]
    assert all(len(line["points"].split()) == len(c.points) for line in svg["lines"])
    assert svg["y_ticks"][0]["label"] == 0


def test_a_status_change_shows_at_once_in_the_cached_chart(app):
    ids = load(app)
    before = chart_of(app, "month")
    assert chart_of(app, "month") is before  # the same actions: cached
    with app.app_context(), db.transaction() as s:
        a = s.exec(select(Action).where(Action.title == "Relancer les éditeurs")).one()
        action_status.set_status(s, a, "done", meeting=s.get(Meeting, ids["annuaire"]))
    after = chart_of(app, "month")
    assert after.points[-1].done == before.points[-1].done + 1


def test_y_axis_ticks_follow_the_real_maximum_and_overdue_stays_visible():
    """Issue 15: a maximum of 5 drew an axis up to 40 (41: up to 400), and « En retard »,
    equal to « Ouvertes », was hidden under it."""
    assert nice_ticks(5) == [0, 1, 2, 3, 4, 5]
    assert nice_ticks(41) == [0, 10, 20, 30, 40, 50]
    assert nice_ticks(0) == [0, 1] and nice_ticks(7) == [0, 2, 4, 6, 8]
    assert nice_ticks(100) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(12_345)[-1] == 15_000
    points = [Point(D(2022, m, 28), f"{m:02}/2022", n, 0, n) for m, n in ((1, 2), (2, 5))]
    svg = geometry(Chart("month", points))
    assert [t["label"] for t in svg["y_ticks"]] == [0, 1, 2, 3, 4, 5]
    assert svg["y_ticks"][-1]["y"] == svg["top"]  # the maximum reaches the top
    lines = {line["key"]: line for line in svg["lines"]}
    assert lines["overdue"]["points"] == lines["open"]["points"]  # equal series
    assert [line["key"] for line in svg["lines"]][-1] == "open"  # drawn over
    area = lines["overdue"]["area"].split()
    assert area[:2] == lines["overdue"]["points"].split()  # the area under « En retard »
    assert area[2:] == [f"{svg['right']:.1f},{svg['bottom']}", f"{svg['left']:.1f},{svg['bottom']}"]
    assert lines["open"]["area"] is None


def test_the_chart_follows_the_date_filters(app):
    load(app)
    c = chart_of(app, "month", due_from=["2021-06-01"], due_to=["2022-01-31"])
    # a past period: from the from date's month to the to date, not to today
    assert [p.label for p in c.points][0] == "06/2021"
    assert c.points[-1].end == D(2022, 1, 31) and len(c.points) == 8
    # only the actions due in the period are counted: the demo's two January ones
    assert c.points[-1].open == 2 and c.points[0].open == 0
    # a from date long ago: every month since, beyond the default 26
    long = chart_of(app, "month", due_from=["2019-01-01"])
    assert long.points[0].label == "01/2019" and long.points[-1].end == TODAY
    assert len(long.points) == 39
    # a to date in the future: cut at today
    assert chart_of(app, "month", due_to=["2030-01-01"]).points[-1].end == TODAY
    # automatic period: weeks for a short period
    assert chart_of(app, "", due_from=["2022-01-01"], due_to=["2022-01-31"]).period == "week"
