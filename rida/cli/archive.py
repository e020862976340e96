"""``rida export --all DIR`` and ``rida import --all DIR``: the whole instance as an
archive of open files, and back (:mod:`rida.exchange.archive`). Administrators only:
without ``--user`` the command line is one; with it, the account must be an active admin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from sqlmodel import Session

from rida import accounts, db
from rida.audit import events
from rida.cli.common import act_as, fail
from rida.exchange import archive
from rida.fields import FieldError
from rida.models import User

ARCHIVE = "archive"  # the audit log's object type of an archive


def admin_account(session: Session, login: str | None) -> User | None:
    """The ``--user`` account, refused unless an active administrator (None: the CLI)."""
    user = accounts.cli_account(session, login)
    if user is not None and (user.role != "admin" or not user.active):
        raise FieldError(
            "--user", f"« {login} » n'est pas un administrateur actif : archive réservée aux admins"
        )
    return user


def _who(user: User | None) -> dict[str, Any]:
    """Who the audit entry of an event without a write session names (else the CLI)."""
    return {"user_id": user.id, "login": user.login, "ip": "cli"} if user is not None else {}


def export_all(directory: str, login: str | None) -> None:
    """Write the archive of the instance into the new directory ``directory``."""
    target = Path(directory)
    s = db.session()  # a read session: the server keeps writing meanwhile
    archive.snapshot(s)
    user = admin_account(s, login)
    try:
        manifest = archive.write_archive(s, target)
    except archive.ArchiveError as e:
        fail(e.as_dict())
    except OSError as e:
        raise FieldError("--all", f"écriture impossible : {e.strerror or e}") from None
    digest = archive.sha256((target / archive.MANIFEST).read_bytes())
    events.emit(
        events.EXPORTED,
        object_type=ARCHIVE,
        after={
            "format": archive.FORMAT,
            "output": str(target),
            "manifest_sha256": digest,
            "counts": manifest["counts"],
        },
        **_who(user),
    )
    counts = manifest["counts"]
    click.echo(
        f"Archive écrite : {target} ({counts['meetings']} réunions, {counts['actions']} "
        f"actions, {counts['versions']} versions figées ; manifeste SHA-256 {digest})."
    )


def import_all(directory: str, login: str | None) -> None:
    """Restore the archive in ``directory`` into this (empty) instance, in one transaction."""
    try:
        loaded = archive.read_archive(Path(directory))
    except archive.ArchiveError as e:
        fail(e.as_dict())
    except OSError as e:
        raise FieldError("--all", f"lecture impossible : {e.strerror or e}") from None
    with db.transaction() as s:
        user = admin_account(s, login)
        act_as(s, user)
        try:
            restored = archive.restore(s, loaded)
        except archive.ArchiveError as e:
            fail(e.as_dict())
        events.emit(
            events.IMPORTED,
            session=s,
            object_type=ARCHIVE,
            after={
                "format": archive.FORMAT,
                "input": directory,
                "manifest_sha256": loaded.manifest_sha256,
                "created_at": loaded.manifest.get("created_at"),
                "counts": loaded.manifest.get("counts"),
            },
        )
    for warning in restored.warnings:
        click.echo(warning, err=True)
    click.echo(
        f"Archive importée : {restored.meetings} réunions (manifeste SHA-256 "
        f"{loaded.manifest_sha256})."
    )
