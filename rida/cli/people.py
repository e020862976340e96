"""``rida person list`` and ``rida person email``: the address each reminder goes to."""

from __future__ import annotations

import json

import click
from flask import Flask
from sqlmodel import select

from rida import db
from rida.actions import reminders
from rida.cli.common import with_app
from rida.fields import FieldError
from rida.meetings.people import label
from rida.models import Person


@click.group("person")
def person() -> None:
    """Gère les personnes (adresse e-mail des rappels)."""


@person.command("list")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (une liste d'objets).")
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
            raise FieldError("person_id" if not found.last_name else "address", e.message) from None
        s.add(found)
        click.echo(f"{label(found)} : {address or 'adresse effacée'}")
