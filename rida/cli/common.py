"""What the ``rida`` commands share: the application they run in, who acts, how they fail.

Every command module imports from here, never from :mod:`rida.cli` (which only names
the commands and where they live).
"""

from __future__ import annotations

import json
from functools import wraps
from typing import Any, NoReturn

import click
from flask import g
from sqlmodel import Session

from rida import db
from rida.accounts import CLI_ADMIN
from rida.app import create_core_app
from rida.audit import hooks as audit_hooks
from rida.audit.record import Actor
from rida.fields import FieldError, ValidationError
from rida.models import User
from rida.search import indexer

CLI_ACTOR = Actor(None, CLI_ADMIN, "cli")  # a command run without --user


def act_as(session: Session, user: User | None) -> None:
    """Record the changes of ``session`` as ``user``'s (a command's ``--user``)."""
    if user is not None and user.id is not None:
        audit_hooks.act_as(session, Actor(user.id, user.login, "cli"))


def with_app(func):  # type: ignore[no-untyped-def]
    """Run the command inside an application context; errors exit non-zero, in French."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        app = create_core_app({"SEARCH_INDEXER": False})  # no indexer thread in a command
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
        except Exception as e:
            if not _is_version_error(e):
                raise
            fail(e.as_dict())  # type: ignore[attr-defined]
        finally:
            app.extensions["rida.engine"].dispose()

    return wrapper


def _is_version_error(e: Exception) -> bool:
    """Whether ``e`` is a :class:`rida.circuit.versions.VersionError` (refused by the
    validation circuit), without importing the circuit for commands that never use it."""
    import sys

    versions = sys.modules.get("rida.circuit.versions")
    return versions is not None and isinstance(e, versions.VersionError)


def fail(payload: dict) -> NoReturn:
    """Write ``payload`` as JSON on standard error and exit with code 1."""
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2), err=True)
    raise click.exceptions.Exit(1)
