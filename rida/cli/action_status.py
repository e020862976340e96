"""``rida action set-status``: change an action's status from the command line."""

from __future__ import annotations

import click
from flask import Flask

from rida import accounts, db
from rida.actions import action_status, numbering
from rida.cli.common import act_as, with_app
from rida.fields import FieldError
from rida.models import Meeting
from rida.render import ACTION_STATUS_LABELS


@click.group()
def action() -> None:
    """Suit une action (changement de statut, avec historique)."""


@action.command("set-status")
@click.argument("action_ref", metavar="ACTION")
@click.argument("status", metavar="STATUS")
@click.option(
    "--comment",
    default="",
    metavar="TEXTE",
    help="Commentaire gardé dans l'historique de l'action.",
)
@click.option(
    "--user",
    "login",
    default=None,
    metavar="LOGIN",
    help="Compte enregistré comme auteur du changement (par défaut : « cli »).",
)
@with_app
def set_status(app: Flask, action_ref: str, status: str, comment: str, login: str | None) -> None:
    """Donne le statut STATUS (open, in_progress, done ou cancelled) à l'action ACTION :
    « RÉUNION/N », l'action N du compte-rendu de la réunion RÉUNION (ex. 12/2, comme
    l'affichent « rida actions » et le tableau de bord), ou son n° (ex. 5).

    Sans effet si l'action a déjà ce statut (rien n'est ajouté à l'historique)."""
    with db.transaction() as s:
        found = numbering.find(s, action_ref)
        if found is None:
            raise FieldError("id", f"action {action_ref} introuvable")
        meeting = s.get(Meeting, found.meeting_id)
        assert meeting is not None
        named = (
            f"{numbering.full_label(found, meeting.title, meeting.date)} "
            f"({numbering.reference(meeting.id or 0, found.position)})"
        )
        user = accounts.cli_account(s, login)
        act_as(s, user)
        event = action_status.set_status(s, found, status, user=user, comment=comment)
        label = ACTION_STATUS_LABELS[found.status]
        title = found.title
    if event is None:
        click.echo(f"{named} « {title} » : déjà « {label} », rien n'a changé.")
    else:
        old = ACTION_STATUS_LABELS.get(event.old_status or "", event.old_status or "")
        click.echo(f"{named} « {title} » : {old} → {label}.")
