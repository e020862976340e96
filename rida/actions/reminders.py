"""Reminder digests: each owner's overdue actions and those due soon.

One digest per person who follows open or in-progress actions that are overdue (due before
today) or due within ``days`` days: the actions they own, and those of the organisations
their accounts belong to (:func:`rida.access.followed_owners`: the organisation named like
their person's entity, or one they were made a member of). An organisation with an
e-mail address (its contact) gets its own actions too. A digest only lists what its
recipient may read (:func:`readable_to`): with an active account linked to the person,
the actions of the meetings that account reads; without one, the actions of public
meetings alone. The others are left out of the e-mail without a word (its address may not
be the person's own); the command reports how many, not which. Persons without an e-mail
address get nothing and are reported as skipped, like actions without an owner, and like
an organisation's actions that reach nobody (no contact address, no member with one).
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

from rida.access import organisations_of, readable
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
    owner: Person | None = None  # named in a series' digest

    def overdue(self, today: dt.date) -> bool:
        return self.action.due_date is not None and self.action.due_date < today


@dataclass
class Digest:
    person: Person
    items: list[Item] = field(default_factory=list)
    series: str | None = None  # a series' digest (every owner's actions), for its manager


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


def _followers(session: Session) -> dict[int, set[int]]:
    """For each organisation (person id), the persons of the active accounts belonging to
    it."""
    accounts = list(session.exec(select(User).where(col(User.active).is_(True))).all())
    followers: dict[int, set[int]] = {}
    for user_id, organisations in organisations_of(session, accounts).items():
        person_id = next(u.person_id for u in accounts if u.id == user_id)
        if person_id is None:
            continue
        for organisation in organisations:
            followers.setdefault(organisation, set()).add(person_id)
    return followers


def _problem(person: Person) -> str | None:
    """Why no reminder can be sent to ``person``, or None."""
    if not person.email:
        return "pas d'adresse e-mail"
    if not valid_address(person.email):
        return f"adresse e-mail invalide « {person.email} »"
    return None


def _order(item: Item) -> tuple[dt.date, dt.date, int]:
    return (item.action.due_date or dt.date.max, item.meeting.date, item.action.id or 0)


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
        item = Item(action, meeting, series, person)
        by_owner.setdefault(action.owner_id, (person, []))[1].append(item)
    followers = (
        _followers(session) if any(p and not p.last_name for p, _ in by_owner.values()) else {}
    )
    wanted = {
        f for owner_id in by_owner if owner_id is not None for f in followers.get(owner_id, ())
    }
    people = {
        p.id: p
        for p in session.exec(select(Person).where(col(Person.id).in_(wanted - set(by_owner))))
    }
    people |= {p.id: p for p, _ in by_owner.values() if p is not None}
    # recipient -> their items; an organisation's go to it and to its members
    mail: dict[int, list[Item]] = {}
    skipped = []
    for owner_id, (person, items) in by_owner.items():
        if person is None or owner_id is None:
            skipped.append(Skipped(None, "personne à qui écrire", len(items)))
            continue
        to = {owner_id} | (followers.get(owner_id, set()) if not person.last_name else set())
        for recipient in to:
            mail.setdefault(recipient, []).extend(items)
        if person.last_name and (problem := _problem(person)) is not None:
            skipped.append(Skipped(person, problem, len(items)))
    digests, sent = [], set()
    for recipient_id, items in mail.items():
        recipient = people[recipient_id]
        if _problem(recipient) is not None:
            continue
        items = sorted({i.action.id: i for i in items}.values(), key=_order)
        kept, reason = readable_to(session, recipient, items)
        if len(kept) < len(items):
            skipped.append(Skipped(recipient, reason, len(items) - len(kept)))
        if kept:
            digests.append(Digest(recipient, kept))
            sent |= {i.action.id for i in kept}
    for person, items in by_owner.values():
        if person is not None and not person.last_name:
            lost = [i for i in items if i.action.id not in sent]
            if lost:
                skipped.append(
                    Skipped(person, "organisation : ni adresse ni membre à qui écrire", len(lost))
                )
    digests.sort(key=lambda d: (d.person.last_name.casefold(), d.person.first_name, d.person.id))
    return digests, skipped


def series_digest(
    session: Session, series: Series, account: User, today: dt.date, days: int
) -> Digest | None:
    """The digest of every owner's overdue and soon-due actions of ``series``, for
    ``account`` (its manager): only the meetings that account reads; None without any."""
    horizon = today + dt.timedelta(days=days)
    found = session.exec(
        select(Action, Meeting, Person)
        .join(Meeting, col(Action.meeting_id) == Meeting.id)
        .outerjoin(Person, col(Action.owner_id) == Person.id)
        .where(
            Meeting.series_id == series.id,
            readable(account),
            col(Action.status).in_(OPEN_STATUSES),
            col(Action.due_date).is_not(None),
            col(Action.due_date) <= horizon,
        )
        .order_by(Action.due_date, Meeting.date, Action.id)
    ).all()
    person = session.get(Person, account.person_id) if account.person_id else None
    if person is None or not found:
        return None
    return Digest(person, [Item(a, m, series, owner) for a, m, owner in found], series.name)


def subject(digest: Digest, today: dt.date) -> str:
    late = sum(item.overdue(today) for item in digest.items)
    parts = [f"{late} en retard"] if late else []
    if len(digest.items) > late:
        parts.append(f"{len(digest.items) - late} à échéance proche")
    if digest.series is not None:
        return f"[rida] Actions de la série {digest.series} : {', '.join(parts)}"
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


def _lines(item: Item, today: dt.date, person: Person, owners: bool = False) -> list[str]:
    """``owners``: every owner named (a series' digest); else the owner when it is not
    ``person`` (an organisation's action)."""
    action, meeting = item.action, item.meeting
    due = f"Échéance : {date_short(action.due_date)}"
    if item.overdue(today):
        due += f" (en retard de {plural((today - action.due_date).days, 'jour')})"
    if owners:
        due += f" · Porteur : {display_name(item.owner) if item.owner else 'aucun'}"
    lines = [
        action.title,
        f"{due} · {ACTION_STATUS_LABELS[action.status]}",
        f"{item.series.name} — action {number(action)} de « {meeting.title} » du "
        f"{date_short(meeting.date)}",
    ]
    if not owners and item.owner is not None and item.owner.id != person.id:
        lines.append(f"Porteur : {display_name(item.owner)}")
    return lines


INTRO = (
    "Voici les actions dont vous êtes porteur qui sont en retard ou arrivent à "
    "échéance prochainement."
)
INTRO_MEMBER = (
    "Voici les actions dont vous êtes porteur, vous ou une organisation dont vous êtes "
    "membre, qui sont en retard ou arrivent à échéance prochainement."
)


def _intro(digest: Digest) -> str:
    if digest.series is not None:
        return (
            f"Voici les actions de la série {digest.series}, tous porteurs confondus, qui "
            "sont en retard ou arrivent à échéance prochainement."
        )
    own = all(i.owner is None or i.owner.id == digest.person.id for i in digest.items)
    return INTRO if own else INTRO_MEMBER


OUTRO = "Pour mettre une action à jour, ouvrez son lien dans rida."
SIGNATURE = "rida, comptes-rendus des Task Forces (message automatique)"


def text_body(digest: Digest, today: dt.date, days: int, base_url: str) -> str:
    out = [f"Bonjour {display_name(digest.person)},", "", _intro(digest), ""]
    for title, items in _sections(digest, today, days):
        out += [title, ""]
        for item in items:
            first, *rest = _lines(item, today, digest.person, digest.series is not None)
            out += [
                f"- {first}",
                *(f"  {line}" for line in rest),
                f"  {action_url(base_url, item.meeting.id, item.action.id)}",
                "",
            ]
    return "\n".join([*out, OUTRO, "", "-- ", SIGNATURE, ""])


def html_body(digest: Digest, today: dt.date, days: int, base_url: str) -> str:
    e = html.escape
    out = [f"<p>Bonjour {e(display_name(digest.person))},</p>", f"<p>{e(_intro(digest))}</p>"]
    for title, items in _sections(digest, today, days):
        out.append(f"<h2>{e(title)}</h2><ul>")
        for item in items:
            first, *rest = _lines(item, today, digest.person, digest.series is not None)
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
    """Give ``person`` the address their reminders go to (empty: none); for an
    organisation, its contact address. The address kept. Raises
    :class:`~rida.fields.FieldError` (path ``email``) for a bad address."""
    address = address.strip()
    if address and not valid_address(address):
        raise FieldError("email", f"adresse e-mail invalide « {address} »")
    person.email = address
    return address
