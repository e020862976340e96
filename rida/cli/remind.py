"""``rida remind``: e-mail each owner a digest of their overdue and soon-due actions."""

from __future__ import annotations

import datetime as dt

import click
from flask import Flask
from sqlmodel import select

from rida import accounts, db, mailer
from rida.actions import numbering, reminders
from rida.actions.calendar_feed import today_in_paris
from rida.cli.common import send_mail, with_app
from rida.fields import FieldError
from rida.meetings.people import display_name, fold
from rida.models import Person, Series, SeriesMember
from rida.render import date_short


def remind_days(value: str) -> int:
    """The setting ``RIDA_REMIND_DAYS``: a whole number of days, 0 or more."""
    if not value.strip().isdigit():
        raise FieldError("RIDA_REMIND_DAYS", f"nombre de jours attendu, reçu « {value} »")
    return int(value)


def describe(digest: reminders.Digest, today: dt.date) -> list[str]:
    late = sum(item.overdue(today) for item in digest.items)
    lines = [
        f"À {display_name(digest.person)} <{digest.person.email.strip()}> : "
        f"{reminders.plural(len(digest.items), 'action')} ({late} en retard)"
    ]
    for item in digest.items:
        tag = "en retard" if item.overdue(today) else "à venir"
        lines.append(
            f"  - [{tag}] {date_short(item.action.due_date)} "
            f"{item.action.title} (action "
            f"{numbering.reference(item.meeting.id or 0, item.action.position)})"
        )
    return lines


@click.command("remind")
@click.option("--dry-run", is_flag=True, help="Affiche qui recevrait quoi, sans rien envoyer.")
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=None,
    help="Horizon en jours : actions en retard et à échéance d'ici là "
    "(par défaut RIDA_REMIND_DAYS, 7).",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Date du jour (AAAA-MM-JJ), pour rejouer un envoi ; par défaut aujourd'hui à Paris.",
)
@click.option(
    "--series",
    metavar="NOM",
    help="Avec --to : un seul récapitulatif, de toute la série (tous porteurs), pour son "
    "responsable.",
)
@click.option(
    "--to",
    "to",
    metavar="IDENTIFIANT",
    help="Avec --series : le compte qui le reçoit (administrateur ou membre de la série, "
    "relié à une personne ayant une adresse) ; il n'y voit que ce qu'il peut lire.",
)
@with_app
def remind(
    app: Flask,
    dry_run: bool,
    days: int | None,
    today: dt.datetime | None,
    series: str | None = None,
    to: str | None = None,
) -> None:
    """Envoie à chaque porteur d'actions qui a une adresse e-mail un récapitulatif de
    ses actions en retard et de celles qui arrivent à échéance (RIDA_SMTP_URL).

    Un rappel ne contient que ce que son destinataire peut lire : avec un compte actif
    relié à la personne, les actions des réunions que ce compte lit ; sans compte, celles
    des réunions publiques. Les autres sont omises du message ; la commande dit combien.

    Les porteurs qui sont des organisations ou sans adresse sont signalés et ignorés.
    Si un envoi échoue, les autres sont faits quand même et la commande sort avec le
    code 1.
    """
    day = today.date() if today is not None else today_in_paris()
    horizon = days if days is not None else remind_days(app.config["REMIND_DAYS"])
    server = None if dry_run else mailer.parse_url(app.config["SMTP_URL"])
    skipped: list[reminders.Skipped] = []
    if series is not None or to is not None:
        digests = _series_digest(series, to, day, horizon)
    else:
        digests, skipped = reminders.collect(db.session(), day, horizon)
    click.echo(
        f"Rappels du {date_short(day)} : actions en retard ou à échéance d'ici "
        f"le {date_short(day + dt.timedelta(days=horizon))}."
    )
    for item in skipped:
        click.echo(item.line())
    failed = 0
    for digest in digests:
        if dry_run or server is None:
            click.echo("\n".join(describe(digest, day)))
            continue
        msg = reminders.message(
            digest,
            day,
            horizon,
            base_url=app.config["BASE_URL"],
            sender=app.config["MAIL_FROM"],
        )
        if not send_mail(server, msg, reminders.plural(len(digest.items), "action")):
            failed += 1
    if dry_run:
        click.echo(
            f"Vérification seule : {reminders.plural(len(digests), 'rappel')} "
            "à envoyer, rien n'a été envoyé."
        )
        return
    click.echo(f"{len(digests) - failed} rappel(s) envoyé(s), {failed} échec(s).")
    if failed:
        raise click.exceptions.Exit(1)


def _series_digest(
    name: str | None, login: str | None, day: dt.date, horizon: int
) -> list[reminders.Digest]:
    """The one digest of a series for its manager (``--series`` and ``--to``)."""
    if not name or not login:
        raise FieldError("--series" if not name else "--to", "--series et --to vont ensemble")
    session = db.session()
    account = accounts.by_login(session, login, "--to")
    found = [s for s in session.exec(select(Series)).all() if fold(s.name) == fold(name)]
    if not found:
        raise FieldError("--series", f"série inconnue : « {name} »")
    member = session.get(SeriesMember, (found[0].id, account.id))
    if not account.active or (account.role != "admin" and member is None):
        raise FieldError("--to", f"« {login} » n'est ni administrateur ni membre actif de la série")
    person = session.get(Person, account.person_id) if account.person_id else None
    if person is None or not reminders.valid_address(person.email):
        raise FieldError("--to", f"« {login} » n'est relié à aucune personne ayant une adresse")
    digest = reminders.series_digest(session, found[0], account, day, horizon)
    if digest is None:
        click.echo("Aucune action en retard ou à échéance proche dans cette série.")
    return [digest] if digest is not None else []
