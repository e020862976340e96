"""What the ``rida`` commands share: the application they run in, who acts, how they fail.

Every command module imports from here, never from :mod:`rida.cli` (which only names
the commands and where they live).
"""

from __future__ import annotations

import json
import smtplib
from collections.abc import Callable
from email.message import EmailMessage
from functools import wraps
from typing import TYPE_CHECKING, Any, Concatenate, NoReturn, ParamSpec, TypeVar

import click
from flask import Flask, g
from sqlmodel import Session

from rida import db
from rida.accounts import CLI_ADMIN
from rida.app import create_core_app
from rida.audit import hooks as audit_hooks
from rida.audit.record import Actor
from rida.circuit import versions
from rida.fields import FieldError, ValidationError
from rida.models import User
from rida.search import indexer

if TYPE_CHECKING:
    from rida.mailer import SmtpServer

CLI_ACTOR = Actor(None, CLI_ADMIN, "cli")  # a command run without --user

JSON_LIST_OPTION = click.option(
    "--json", "as_json", is_flag=True, help="Sortie JSON (une liste d'objets)."
)


def act_as(session: Session, user: User | None) -> None:
    """Record the changes of ``session`` as ``user``'s (a command's ``--user``)."""
    if user is not None and user.id is not None:
        audit_hooks.act_as(session, Actor(user.id, user.login, "cli"))


P = ParamSpec("P")
R = TypeVar("R")


def with_app(func: Callable[Concatenate[Flask, P], R]) -> Callable[P, R]:
    """Run the command inside an application context, the application as its first
    argument; errors exit non-zero, in French."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        # No indexer thread in a command; the search index opened only if used.
        app = create_core_app({"SEARCH_INDEXER": False}, lazy_search=True)
        try:
            with app.app_context():
                g.setdefault(db.ACTOR, CLI_ACTOR)
                result = func(app, *args, **kwargs)
            indexer.catch_up(app)  # index what the command changed, unless a server does
            return result
        except ValidationError as e:
            fail(e.as_dict())
        except FieldError as e:
            fail(ValidationError([e]).as_dict())
        except versions.VersionError as e:
            fail(e.as_dict())
        finally:
            app.extensions["rida.engine"].dispose()

    return wrapper


def fail(payload: dict[str, Any]) -> NoReturn:
    """Write ``payload`` as JSON on standard error and exit with code 1."""
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2), err=True)
    raise click.exceptions.Exit(1)


def send_mail(server: SmtpServer, message: EmailMessage, what: str) -> bool:
    """Send ``message`` on its own connection and say so (``what``: what it holds, in
    French); on an SMTP or network failure, say why on standard error and return False,
    so that the caller goes on with the other messages and counts the failures."""
    from rida import mailer  # ssl: only for the commands that send mail

    try:
        mailer.send(server, message)
    except (OSError, smtplib.SMTPException) as e:
        click.echo(f"Échec de l'envoi à {message['To']} ({server}) : {mailer.failure(e)}", err=True)
        return False
    click.echo(f"Envoyé à {message['To']} : {what}")
    return True
