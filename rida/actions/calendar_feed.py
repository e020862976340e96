"""Actions and planned meetings as an iCalendar feed.

A feed is for one series or one person (with the organisations the feed's account belongs
to: :func:`rida.access.organisations_of`), and shows only what one account may read
(:func:`rida.access.readable`): one VTODO per action still open or in progress (due date as
a DATE, a link back to the action in its compte-rendu) and one VEVENT per planned meeting
(dated today or later; times are Europe/Paris wall-clock times). The UIDs are stable
(``action-<uid>@rida``, ``meeting-<id>@rida``) so that a calendar client updates the items
it already has instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, Todo
from sqlmodel import Session, col, or_, select

from rida.access import organisations_of, readable
from rida.actions.action_status import OPEN_STATUSES
from rida.actions.numbering import number
from rida.meetings.people import display_name
from rida.models import Action, Meeting, Participation, Person, Series, User

PARIS = ZoneInfo("Europe/Paris")
PRODID = "-//ANS//rida//FR"
TODO_STATUS = {"open": "NEEDS-ACTION", "in_progress": "IN-PROCESS"}


@dataclass(frozen=True)
class FeedAction:
    action: Action
    meeting: Meeting
    series: Series
    owner: Person | None


@dataclass(frozen=True)
class FeedMeeting:
    meeting: Meeting
    series: Series


def today_in_paris() -> dt.date:
    return dt.datetime.now(PARIS).date()


def action_url(base_url: str, meeting_id: int, action_id: int | None) -> str:
    """The action in its compte-rendu: ``<base>/reunions/<id>#action-<id>``."""
    return f"{base_url.rstrip('/')}/reunions/{meeting_id}#action-{action_id}"


def meeting_url(base_url: str, meeting_id: int) -> str:
    return f"{base_url.rstrip('/')}/reunions/{meeting_id}"


def open_actions(
    session: Session, user: User | None, series_id: int | None = None, person_id: int | None = None
) -> list[FeedAction]:
    """The open and in-progress actions ``user`` may read, of one series and/or owned by
    one person or by an organisation ``user`` belongs to, by due date (undated last)."""
    query = (
        select(Action, Meeting, Series, Person)
        .join(Meeting, col(Action.meeting_id) == Meeting.id)
        .join(Series, col(Meeting.series_id) == Series.id)
        .outerjoin(Person, col(Action.owner_id) == Person.id)
        .where(readable(user), col(Action.status).in_(OPEN_STATUSES))
    )
    if series_id is not None:
        query = query.where(Meeting.series_id == series_id)
    if person_id is not None:
        owners = {person_id}
        if user is not None and user.id is not None:
            owners |= organisations_of(session, [user]).get(user.id, set())
        query = query.where(col(Action.owner_id).in_(owners))
    found = session.exec(
        query.order_by(col(Action.due_date).is_(None), Action.due_date, Action.id)
    ).all()
    return [FeedAction(a, m, s, p) for a, m, s, p in found]


def planned_meetings(
    session: Session,
    user: User | None,
    series_id: int | None = None,
    person_id: int | None = None,
    today: dt.date | None = None,
) -> list[FeedMeeting]:
    """Meetings dated ``today`` or later that ``user`` may read, of one series and/or where
    one person takes part (participant, organiser or rapporteur)."""
    query = (
        select(Meeting, Series)
        .join(Series, col(Meeting.series_id) == Series.id)
        .where(readable(user), Meeting.date >= (today or today_in_paris()))
    )
    if series_id is not None:
        query = query.where(Meeting.series_id == series_id)
    if person_id is not None:
        attends = select(Participation.meeting_id).where(Participation.person_id == person_id)
        query = query.where(
            or_(
                col(Meeting.id).in_(attends),
                Meeting.organiser_id == person_id,
                Meeting.rapporteur_id == person_id,
            )
        )
    found = session.exec(query.order_by(Meeting.date, Meeting.id)).all()
    return [FeedMeeting(m, s) for m, s in found]


def paris_timezone() -> Timezone:
    """Europe/Paris as a VTIMEZONE with the EU summer-time rule (valid for any year)."""
    tz = Timezone()
    tz.add("tzid", "Europe/Paris")
    for part, name, start, before, after, month in (
        (TimezoneDaylight, "CEST", dt.datetime(1970, 3, 29, 2), "+0100", "+0200", 3),
        (TimezoneStandard, "CET", dt.datetime(1970, 10, 25, 3), "+0200", "+0100", 10),
    ):
        item = part()
        item.add("tzname", name)
        item.add("dtstart", start)
        item.add("tzoffsetfrom", dt.timedelta(hours=int(before[:3])))
        item.add("tzoffsetto", dt.timedelta(hours=int(after[:3])))
        item.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1SU"})
        tz.add_component(item)
    return tz


def _at(day: dt.date, hhmm: str) -> dt.datetime | None:
    try:
        clock = dt.time.fromisoformat(hhmm)
    except ValueError:
        return None
    return dt.datetime.combine(day, clock, tzinfo=PARIS)


def todo(item: FeedAction, base_url: str, stamp: dt.datetime) -> Todo:
    action, meeting = item.action, item.meeting
    url = action_url(base_url, meeting.id, action.id)
    component = Todo()
    component.add("uid", f"action-{action.uid}@rida")
    component.add("dtstamp", stamp)
    component.add("summary", action.title)
    if action.due_date is not None:
        component.add("due", action.due_date)
    component.add("status", TODO_STATUS[action.status])
    lines = [
        f"Porteur : {display_name(item.owner) or 'non désigné'}",
        f"Série : {item.series.name}",
        f"Réunion : {meeting.title} du {meeting.date.strftime('%d/%m/%Y')}, "
        f"action {number(action)}",
    ]
    if action.notes:
        lines += ["", action.notes]
    component.add("description", "\n".join([*lines, "", url]))
    component.add("url", url)
    component.add("categories", [item.series.name])
    return component


def event(item: FeedMeeting, base_url: str, stamp: dt.datetime) -> Event:
    meeting = item.meeting
    component = Event()
    component.add("uid", f"meeting-{meeting.id}@rida")
    component.add("dtstamp", stamp)
    component.add("summary", meeting.title)
    start = _at(meeting.date, meeting.start_time)
    if start is None:  # a whole day
        component.add("dtstart", meeting.date)
        component.add("dtend", meeting.date + dt.timedelta(days=1))
    else:
        component.add("dtstart", start)
        end = _at(meeting.date, meeting.end_time)
        if end is not None and end > start:
            component.add("dtend", end)
    if meeting.location:
        component.add("location", meeting.location)
    url = meeting_url(base_url, meeting.id)
    what = " · ".join(x for x in (item.series.name, meeting.meeting_type, meeting.subject) if x)
    component.add("description", f"{what}\n\n{url}")
    component.add("url", url)
    component.add("categories", [item.series.name])
    return component


def calendar(
    actions: Sequence[FeedAction],
    meetings: Sequence[FeedMeeting],
    *,
    base_url: str,
    name: str = "rida",
    stamp: dt.datetime | None = None,
) -> Calendar:
    """The VCALENDAR of these actions (VTODO) and meetings (VEVENT)."""
    stamp = stamp or dt.datetime.now(dt.UTC).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Paris")
    if any(_at(m.meeting.date, m.meeting.start_time) for m in meetings):
        cal.add_component(paris_timezone())
    for item in actions:
        cal.add_component(todo(item, base_url, stamp))
    for planned in meetings:
        cal.add_component(event(planned, base_url, stamp))
    return cal


def feed_name(session: Session, series_id: int | None, person_id: int | None) -> str:
    series = session.get(Series, series_id) if series_id is not None else None
    person = session.get(Person, person_id) if person_id is not None else None
    parts = [x for x in (series.name if series else "", display_name(person)) if x]
    return "rida — " + (" — ".join(parts) or "actions")


def ics_for(
    session: Session,
    user: User | None,
    series_id: int | None = None,
    person_id: int | None = None,
    *,
    base_url: str,
    today: dt.date | None = None,
) -> bytes:
    """The feed of one series and/or one person, as ``user`` may read it, in bytes."""
    cal = calendar(
        open_actions(session, user, series_id, person_id),
        planned_meetings(session, user, series_id, person_id, today),
        base_url=base_url,
        name=feed_name(session, series_id, person_id),
    )
    return cal.to_ical()


def ics_of_items(items: Sequence[Any], *, base_url: str, name: str = "rida — actions") -> bytes:
    """A VCALENDAR of dashboard items (``rida actions --format ics``): one VTODO per action
    not done nor cancelled, in the order given; no meetings."""
    feed = [
        FeedAction(
            i.action,
            Meeting(id=i.meeting_id, title=i.meeting_title, date=i.meeting_date, series_id=0),
            Series(name=i.series),
            i.owner,
        )
        for i in items
        if i.action.status in OPEN_STATUSES
    ]
    return calendar(feed, [], base_url=base_url, name=name).to_ical()
