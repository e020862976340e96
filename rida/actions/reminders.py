"""Reminder digests: each owner's overdue actions and those due soon.

One digest per person who owns open or in-progress actions that are overdue (due before
today) or due within ``days`` days. A digest only lists its recipient's own actions, and
of those only what the recipient may read (:func:`readable_to`): with an active account
linked to the person, the actions of the meetings that account reads; without one, the
actions of public meetings alone. The others are left out of the e-mail without a word
(its address may not be the person's own); the command reports how many, not which.
Owners that are organisations, or persons without an e-mail address, get nothing: they
are reported as skipped, like actions without an owner.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from email import errors
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select

from rida.access import readable
from rida.actions.action_status import OPEN_STATUSES
from rida.actions.calendar_feed import action_url
from rida.actions.numbering import number
from rida.fields import FieldError
from rida.meetings.people import display_name
from rida.models import Action, Meeting, Person, Series, User
from rida.render import ACTION_STATUS_LABELS, date_short


@dataclass(frozen=True)
class Item:
    action: Action
    meeting: Meeting
    series: Series

    def overdue(self, today: dt.date) -> bool:
        return self.action.due_date is not None and self.action.due_date < today


@dataclass
class Digest:
    person: Person
    items: list[Item] = field(default_factory=list)


@dataclass(frozen=True)
class Skipped:
    person: Person | None
    reason: str
    count: int

    def line(self) -> str:
        who = display_name(self.person) if self.person else "Actions sans porteur"
        return f"Ignoré : {who} ({self.reason}) — {plural(self.count, 'action')}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def valid_address(email: str) -> bool:
    """A plain ``local@domain.tld`` address the e-mail headers accept."""
    try:
        address = Address(addr_spec=email.strip())
    except (ValueError, IndexError, errors.HeaderParseError):
        return False
    return bool(address.username and "." in address.domain)


NO_ACCOUNT = "réunions non publiques, personne sans compte actif : actions omises"
NOT_READABLE = "réunions que son compte ne peut pas lire : actions omises"


def recipient_clause(session: Session, person: Person) -> tuple[ColumnElement[bool], str]:
    """A WHERE clause on ``Meeting`` selecting what a reminder to ``person`` may tell
    about, and why the rest is left out: the meetings one of the person's active accounts
    reads, or, without one, the public meetings."""
    accounts = session.exec(
        select(User).where(User.person_id == person.id, col(User.active).is_(True))
    ).all()
    if not accounts:
        return col(Meeting.classification) == "public", NO_ACCOUNT
    return or_(*(readable(user) for user in accounts)), NOT_READABLE


def readable_to(session: Session, person: Person, items: list[Item]) -> tuple[list[Item], str]:
    """The ``items`` a reminder to ``person`` may contain, and why the others are not."""
    clause, reason = recipient_clause(session, person)
    ids = {item.meeting.id for item in items}
    allowed = set(session.exec(select(Meeting.id).where(col(Meeting.id).in_(ids), clause)))
    return [item for item in items if item.meeting.id in allowed], reason


def collect(session: Session, today: dt.date, days: int) -> tuple[list[Digest], list[Skipped]]:
    """The digests to send and the owners skipped, for actions due up to ``today + days``."""
    horizon = today + dt.timedelta(days=days)
    found = session.exec(
        select(Action, Meeting, Series, Person)
        .join(Meeting, col(Action.meeting_id) == Meeting.id)
        .join(Series, col(Meeting.series_id) == Series.id)
        .outerjoin(Person, col(Action.owner_id) == Person.id)
        .where(
            col(Action.status).in_(OPEN_STATUSES),
            col(Action.due_date).is_not(None),
            col(Action.due_date) <= horizon,
        )
        .order_by(Action.due_date, Meeting.date, Action.id)
    ).all()
    by_owner: dict[int | None, tuple[Person | None, list[Item]]] = {}
    for action, meeting, series, person in found:
        by_owner.setdefault(action.owner_id, (person, []))[1].append(Item(action, meeting, series))
    digests, skipped = [], []
    for person, items in by_owner.values():
        if person is None:
            skipped.append(Skipped(None, "personne à qui écrire", len(items)))
        elif not person.last_name:
            skipped.append(Skipped(person, "organisation, pas de destinataire", len(items)))
        elif not person.email:
            skipped.append(Skipped(person, "pas d'adresse e-mail", len(items)))
        elif not valid_address(person.email):
            skipped.append(
                Skipped(person, f"adresse e-mail invalide « {person.email} »", len(items))
            )
        else:
            kept, reason = readable_to(session, person, items)
            if len(kept) < len(items):
                skipped.append(Skipped(person, reason, len(items) - len(kept)))
            if kept:
                digests.append(Digest(person, kept))
    digests.sort(key=lambda d: (d.person.last_name.casefold(), d.person.first_name, d.person.id))
    return digests, skipped


def subject(digest: Digest, today: dt.date) -> str:
    late = sum(item.overdue(today) for item in digest.items)
    parts = [f"{late} en retard"] if late else []
    if len(digest.items) > late:
        parts.append(f"{len(digest.items) - late} à échéance proche")
    return f"[rida] Vos actions : {', '.join(parts)}"


def _sections(digest: Digest, today: dt.date, days: int) -> list[tuple[str, list[Item]]]:
    late = [i for i in digest.items if i.overdue(today)]
    soon = [i for i in digest.items if not i.overdue(today)]
    horizon = date_short(today + dt.timedelta(days=days))
    return [
        (title, items)
        for title, items in (
            (f"En retard ({len(late)})", late),
            (f"À échéance d'ici le {horizon} ({len(soon)})", soon),
        )
        if items
    ]


def _lines(item: Item, today: dt.date) -> list[str]:
    action, meeting = item.action, item.meeting
    due = f"Échéance : {date_short(action.due_date)}"
    if item.overdue(today):
        due += f" (en retard de {plural((today - action.due_date).days, 'jour')})"
    return [
        action.title,
        f"{due} · {ACTION_STATUS_LABELS[action.status]}",
        f"{item.series.name} — action {number(action)} de « {meeting.title} » du "
        f"{date_short(meeting.date)}",
    ]


INTRO = (
    "Voici les actions dont vous êtes porteur qui sont en retard ou arrivent à "
    "échéance prochainement."
)
OUTRO = "Pour mettre une action à jour, ouvrez son lien dans rida."
SIGNATURE = "rida, comptes-rendus des Task Forces (message automatique)"


def text_body(digest: Digest, today: dt.date, days: int, base_url: str) -> str:
    out = [f"Bonjour {display_name(digest.person)},", "", INTRO, ""]
    for title, items in _sections(digest, today, days):
        out += [title, ""]
        for item in items:
            first, *rest = _lines(item, today)
            out += [
                f"- {first}",
                *(f"  {line}" for line in rest),
                f"  {action_url(base_url, item.meeting.id, item.action.id)}",
                "",
            ]
    return "\n".join([*out, OUTRO, "", "-- ", SIGNATURE, ""])


def html_body(digest: Digest, today: dt.date, days: int, base_url: str) -> str:
    e = html.escape
    out = [f"<p>Bonjour {e(display_name(digest.person))},</p>", f"<p>{e(INTRO)}</p>"]
    for title, items in _sections(digest, today, days):
        out.append(f"<h2>{e(title)}</h2><ul>")
        for item in items:
            first, *rest = _lines(item, today)
            url = e(action_url(base_url, item.meeting.id, item.action.id))
            out.append(
                f'<li><a href="{url}">{e(first)}</a><br>'
                + "<br>".join(e(line) for line in rest)
                + "</li>"
            )
        out.append("</ul>")
    out += [f"<p>{e(OUTRO)}</p>", f"<p>-- <br>{e(SIGNATURE)}</p>"]
    return (
        '<!doctype html><html lang="fr"><meta charset="utf-8"><body>'
        + "\n".join(out)
        + "</body></html>\n"
    )


def message(
    digest: Digest, today: dt.date, days: int, *, base_url: str, sender: str
) -> EmailMessage:
    """The digest as a French plain-text e-mail with an HTML alternative."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = Address(display_name(digest.person), addr_spec=digest.person.email.strip())
    msg["Subject"] = subject(digest, today)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text_body(digest, today, days, base_url))
    msg.add_alternative(html_body(digest, today, days, base_url), subtype="html")
    return msg


def set_email(person: Person, address: str) -> str:
    """Give ``person`` the address their reminders go to (empty: none); the address kept.
    Raises :class:`~rida.fields.FieldError` (path ``email``) for a bad address or an
    organisation, which receives no reminder."""
    address = address.strip()
    if address and not person.last_name:
        raise FieldError("email", "une organisation ne reçoit pas de rappel")
    if address and not valid_address(address):
        raise FieldError("email", f"adresse e-mail invalide « {address} »")
    person.email = address
    return address
