"""``rida action set-status`` and ``rida action note``: follow an action from the command
line, with the web's rights when ``--user`` names an account."""

from __future__ import annotations

import click
from flask import Flask
from sqlmodel import Session

from rida import access, accounts, db
from rida.actions import action_status, numbering
from rida.cli.common import act_as, with_app
from rida.fields import FieldError
from rida.models import Action, Meeting, User
from rida.render import ACTION_STATUS_LABELS


def check_rights(session: Session, user: User, found: Action) -> None:
    """Refuse what the web refuses ``user``: an inactive account, an action of a meeting
    it may not read (the web's 404), a status it may not change (the web's 403)."""
    if not user.active:
        raise FieldError("--user", f"le compte « {user.login} » est désactivé")
    if not access.can_read(session, user, found.meeting_id):
        raise FieldError(
            "--user",
            f"le compte « {user.login} » ne peut pas lire la réunion de l'action "
            f"{found.id} : changement refusé",
        )
    if not access.may_set_status(session, user, found):
        raise FieldError(
            "--user",
            f"le compte « {user.login} » ne peut pas changer le statut de l'action "
            f"{found.id} : il n'en est ni le porteur, ni membre de l'organisation porteuse, "
            "ni rédacteur de sa réunion",
        )


def _found(session: Session, action_ref: str) -> tuple[Action, str]:
    """The action ``action_ref`` names, and how to name it back."""
    found = numbering.find(session, action_ref)
    if found is None:
        raise FieldError("id", f"action {action_ref} introuvable")
    meeting = session.get(Meeting, found.meeting_id)
    assert meeting is not None
    named = (
        f"{numbering.full_label(found, meeting.title, meeting.date)} "
        f"({numbering.reference(meeting.id or 0, found.position)})"
    )
    return found, named


USER_OPTION = click.option(
    "--user",
    "login",
    default=None,
    metavar="LOGIN",
    help="Compte qui fait le changement, avec ses droits (ceux du site) : porteur de "
    "l'action, membre de l'organisation porteuse ou rédacteur de la réunion "
    "(par défaut : « cli », l'exploitant).",
)


@click.group()
def action() -> None:
    """Suit une action (changement de statut, note de suivi, avec historique)."""


@action.command("set-status")
@click.argument("action_ref", metavar="ACTION")
@click.argument("status", metavar="STATUS")
@click.option(
    "--comment",
    default="",
    metavar="TEXTE",
    help="Commentaire gardé dans l'historique de l'action.",
)
@USER_OPTION
@with_app
def set_status(app: Flask, action_ref: str, status: str, comment: str, login: str | None) -> None:
    """Donne le statut STATUS (open, in_progress, done ou cancelled) à l'action ACTION :
    « RÉUNION/N », l'action N du compte-rendu de la réunion RÉUNION (ex. 12/2, comme
    l'affichent « rida actions » et le tableau de bord), ou son n° (ex. 5).

    Sans effet si l'action a déjà ce statut (rien n'est ajouté à l'historique), sauf le
    commentaire éventuel, gardé comme note de suivi. Avec --user, refusé si ce compte ne
    pourrait pas le faire sur le site."""
    with db.transaction() as s:
        found, named = _found(s, action_ref)
        user = accounts.cli_account(s, login)
        if user is not None:
            check_rights(s, user, found)
        act_as(s, user)
        event = action_status.set_status(s, found, status, user=user, comment=comment)
        label = ACTION_STATUS_LABELS[found.status]
        title = found.title
    if event is None:
        click.echo(f"{named} « {title} » : déjà « {label} », rien n'a changé.")
    elif action_status.is_note(event):
        click.echo(f"{named} « {title} » : déjà « {label} », note de suivi ajoutée.")
    else:
        old = ACTION_STATUS_LABELS.get(event.old_status or "", event.old_status or "")
        click.echo(f"{named} « {title} » : {old} → {label}.")


@action.command("note")
@click.argument("action_ref", metavar="ACTION")
@click.argument("text", metavar="TEXTE")
@USER_OPTION
@with_app
def note(app: Flask, action_ref: str, text: str, login: str | None) -> None:
    """Ajoute la note de suivi TEXTE à l'historique de l'action ACTION (« RÉUNION/N » ou
    son n°), sans changer son statut.

    Texte brut (affiché tel quel). Sans effet si la même note vient d'être ajoutée. Avec
    --user, refusé si ce compte ne pourrait pas le faire sur le site."""
    with db.transaction() as s:
        found, named = _found(s, action_ref)
        user = accounts.cli_account(s, login)
        if user is not None:
            check_rights(s, user, found)  # a note takes the right to change the status
        act_as(s, user)
        event = action_status.add_note(s, found, text, user=user)
        title = found.title
    if event is None:
        click.echo(f"{named} « {title} » : cette note y figure déjà.")
    else:
        click.echo(f"{named} « {title} » : note ajoutée.")
