"""``rida action set-status``: change an action's status from the command line."""

from __future__ import annotations

import click
from flask import Flask
from sqlmodel import Session

from rida import access, accounts, db
from rida.actions import action_status
from rida.cli.common import act_as, with_app
from rida.fields import FieldError
from rida.models import Action, User
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


@click.group()
def action() -> None:
    """Suit une action (changement de statut, note de suivi, avec historique)."""


@action.command("set-status")
@click.argument("action_id", metavar="ID", type=int)
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
    help="Compte qui fait le changement, avec ses droits (ceux du site) : porteur de "
    "l'action, membre de l'organisation porteuse ou rédacteur de la réunion "
    "(par défaut : « cli », l'exploitant).",
)
@with_app
def set_status(app: Flask, action_id: int, status: str, comment: str, login: str | None) -> None:
    """Donne le statut STATUS (open, in_progress, done ou cancelled) à l'action ID.

    Sans effet si l'action a déjà ce statut (rien n'est ajouté à l'historique), sauf le
    commentaire éventuel, gardé comme note de suivi. Avec --user, refusé si ce compte ne
    pourrait pas le faire sur le site."""
    with db.transaction() as s:
        found = s.get(Action, action_id)
        if found is None:
            raise FieldError("id", f"action {action_id} introuvable")
        user = accounts.cli_account(s, login)
        if user is not None:
            check_rights(s, user, found)
        act_as(s, user)
        event = action_status.set_status(s, found, status, user=user, comment=comment)
        label = ACTION_STATUS_LABELS[found.status]
        title = found.title
    if event is None:
        click.echo(f"Action {action_id} « {title} » : déjà « {label} », rien n'a changé.")
    elif action_status.is_note(event):
        click.echo(f"Action {action_id} « {title} » : déjà « {label} », note de suivi ajoutée.")
    else:
        old = ACTION_STATUS_LABELS.get(event.old_status or "", event.old_status or "")
        click.echo(f"Action {action_id} « {title} » : {old} → {label}.")


@action.command("note")
@click.argument("action_id", metavar="ID", type=int)
@click.argument("text", metavar="TEXTE")
@click.option(
    "--user",
    "login",
    default=None,
    metavar="LOGIN",
    help="Compte enregistré comme auteur de la note (par défaut : « cli »).",
)
@with_app
def note(app: Flask, action_id: int, text: str, login: str | None) -> None:
    """Ajoute la note de suivi TEXTE à l'historique de l'action ID, sans changer son statut.

    Texte brut (affiché tel quel). Sans effet si la même note vient d'être ajoutée. Avec
    --user, refusé si ce compte ne pourrait pas le faire sur le site."""
    with db.transaction() as s:
        found = s.get(Action, action_id)
        if found is None:
            raise FieldError("id", f"action {action_id} introuvable")
        user = accounts.cli_account(s, login)
        if user is not None:
            check_rights(s, user, found)  # a note takes the right to change the status
        act_as(s, user)
        event = action_status.add_note(s, found, text, user=user)
        title = found.title
    if event is None:
        click.echo(f"Action {action_id} « {title} » : cette note y figure déjà.")
    else:
        click.echo(f"Action {action_id} « {title} » : note ajoutée.")
