"""The status report by e-mail to the members of series (``rida actions report --email``).

Each member gets the report computed with his own account's rights
(:func:`rida.actions.action_board.report.build`): a restricted or confidential meeting's
actions, and comments written during it, reach only members who may read it. A member is
written to if his account is active and linked to a person with a valid e-mail address;
the others are reported as skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from sqlmodel import Session, col, select

from rida.actions.action_board.report import Report, to_html
from rida.actions.calendar_feed import action_url
from rida.actions.reminders import SIGNATURE, plural, valid_address
from rida.meetings.people import display_name, label
from rida.models import Person, SeriesMember, User
from rida.render import ACTION_STATUS_LABELS, date_short


@dataclass(frozen=True)
class Recipient:
    user: User
    person: Person

    @property
    def address(self) -> Address:
        return Address(display_name(self.person), addr_spec=self.person.email.strip())


def recipients(session: Session, series_ids: list[int]) -> tuple[list[Recipient], list[str]]:
    """The members of these series to write to, and a French line per member skipped."""
    members = session.exec(
        select(User)
        .distinct()
        .join(SeriesMember, col(SeriesMember.user_id) == User.id)
        .where(col(SeriesMember.series_id).in_(series_ids))
        .order_by(User.login)
    ).all()
    found, skipped = [], []
    for user in members:
        person = session.get(Person, user.person_id) if user.person_id else None
        if not user.active:
            skipped.append(f"Ignoré : {user.login} (compte désactivé)")
        elif person is None:
            skipped.append(f"Ignoré : {user.login} (compte relié à aucune personne)")
        elif not person.email or not valid_address(person.email):
            skipped.append(f"Ignoré : {user.login} (pas d'adresse e-mail valide)")
        else:
            found.append(Recipient(user, person))
    return found, skipped


def subject(report: Report, series: str) -> str:
    return (
        f"[rida] État des actions — {series} au {date_short(report.today)} : "
        f"{plural(report.total, 'action')}, {report.overdue} en retard"
    )


def text_body(report: Report, who: Person, base_url: str) -> str:
    out = [
        f"Bonjour {display_name(who)},",
        "",
        f"Voici l'état des actions au {date_short(report.today)} : "
        f"{plural(report.total, 'action')}, dont {report.overdue} en retard.",
        *(f"{name} : {value}" for name, value in report.filters),
        "",
    ]
    for group in report.groups:
        out += [f"{group.title} ({len(group.lines)})", ""]
        for line in group.lines:
            item, a = line.item, line.item.action
            due = date_short(a.due_date) if a.due_date else "sans échéance"
            late = " EN RETARD" if item.overdue else ""
            owner = label(item.owner) if item.owner else "sans porteur"
            where = item.series if report.group_by == "owner" else owner
            out += [
                f"- {due}{late} · {ACTION_STATUS_LABELS.get(a.status, a.status)} · {a.title}",
                f"  {where} — {item.meeting_title} du {date_short(item.meeting_date)}",
            ]
            if line.note is not None:
                out.append(f"  Dernier commentaire ({date_short(line.note.at)}) : {line.note.text}")
            out += [f"  {action_url(base_url, item.meeting_id, a.id)}", ""]
    return "\n".join([*out, "-- ", SIGNATURE, ""])


def message(
    report: Report, to: Recipient, series: str, *, base_url: str, sender: str
) -> EmailMessage:
    """The report as a French plain-text e-mail with the HTML page as alternative."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to.address
    msg["Subject"] = subject(report, series)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text_body(report, to.person, base_url))
    msg.add_alternative(to_html(report, base_url=base_url), subtype="html")
    return msg
