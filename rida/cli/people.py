"""``rida person list``, ``rida person email`` (the address each reminder goes to),
``rida person rename`` and ``rida person merge`` (:mod:`rida.meetings.identity`)."""

from __future__ import annotations

import json

import click
from flask import Flask
from sqlalchemy import true
from sqlmodel import Session, select

from rida import db
from rida.accounts import CLI_ADMIN
from rida.actions import reminders
from rida.cli.common import JSON_LIST_OPTION, with_app
from rida.fields import FieldError
from rida.meetings import identity
from rida.meetings.people import label
from rida.models import Person


@click.group("person")
def person() -> None:
    """Gère les personnes (adresse e-mail des rappels, nom, fusion des doublons)."""


@person.command("list")
@JSON_LIST_OPTION
@with_app
def list_people(app: Flask, as_json: bool) -> None:
    """Liste les personnes et organisations : id, nom, adresse e-mail."""
    found = (
        db.session()
        .exec(select(Person).order_by(Person.last_name, Person.first_name, Person.entity))
        .all()
    )
    rows = [
        {"id": p.id, "label": label(p), "email": p.email, "organisation": not p.last_name}
        for p in found
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['id']:>5}  {row['label']}  {row['email'] or '(sans adresse)'}")


@person.command("email")
@click.argument("person_id", type=int)
@click.argument("address")
@with_app
def set_email(app: Flask, person_id: int, address: str) -> None:
    """Donne à une personne son adresse e-mail (« - » pour l'effacer)."""
    with db.transaction() as s:
        found = s.get(Person, person_id)
        if found is None:
            raise FieldError("person_id", f"personne {person_id} inconnue")
        try:
            address = reminders.set_email(found, "" if address == "-" else address)
        except FieldError as e:  # the option as the command names it
            raise FieldError("address", e.message) from None
        s.add(found)
        click.echo(f"{label(found)} : {address or 'adresse effacée'}")


def _person(session: Session, person_id: int, option: str) -> Person:
    found = session.get(Person, person_id)
    if found is None:
        raise FieldError(option, f"personne {person_id} inconnue")
    return found


@person.command("rename")
@click.argument("person_id", type=int)
@click.option("--nom", "last_name", default=None, help="Nouveau nom (inchangé si absent).")
@click.option("--prenom", "first_name", default=None, help="Nouveau prénom.")
@click.option("--entite", "entity", default=None, help="Nouvelle entité (organisation).")
@with_app
def rename(
    app: Flask, person_id: int, last_name: str | None, first_name: str | None, entity: str | None
) -> None:
    """Renomme une personne : partout où elle est nommée (les textes déjà écrits et les
    versions figées ne changent pas)."""
    with db.transaction() as s:
        found = _person(s, person_id, "person_id")
        before = label(found)
        given = {"last_name": last_name, "first_name": first_name, "entity": entity}
        values = {k: getattr(found, k) if v is None else v for k, v in given.items()}
        identity.rename(s, found, values, visible=true())
        click.echo(f"{before} → {label(found)}")


@person.command("merge")
@click.argument("person_id", type=int)
@click.argument("into_id", type=int)
@with_app
def merge(app: Flask, person_id: int, into_id: int) -> None:
    """Fusionne la personne PERSON_ID (un doublon) dans INTO_ID, gardée : ses
    participations, actions et rôles passent à INTO_ID, son nom en devient un ancien nom."""
    with db.transaction() as s:
        merged = _person(s, person_id, "person_id")
        kept = _person(s, into_id, "into_id")
        gone = label(merged)
        identity.merge(s, merged, kept, by=CLI_ADMIN)
        click.echo(f"{gone} fusionnée dans {label(kept)} (n° {kept.id})")
