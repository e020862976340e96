"""Data for the dashboard tests: three meetings in two series, one of them confidential."""

from __future__ import annotations

import copy
import datetime as dt

from flask import Flask
from sqlmodel import select

from rida import db
from rida.models import Person, User
from tests.conftest import demo_document, import_doc

TODAY = dt.date(2022, 3, 1)
SECRET = "Chiffrer les coûts confidentiels"
INJECTION = '=HYPERLINK("http://evil.example";"clic")'


def owner(last: str | None, first: str | None, entity: str | None) -> dict:
    return {"last_name": last, "first_name": first, "entity": entity, "function": None}


def action(
    title: str,
    who: dict | None,
    due: str | None,
    status: str = "open",
    kind: str = "other",
    rida: int | None = None,
) -> dict:
    return {
        "title": title,
        "kind": kind,
        "owner": who,
        "due_date": due,
        "status": status,
        "rida": rida,
        "notes": None,
    }


def meeting(
    series: str, title: str, date: str, actions: list[dict], classification: str = "public"
) -> dict:
    doc = copy.deepcopy(demo_document())
    doc.update(
        series=series,
        title=title,
        date=date,
        status="draft",
        version="0.1",
        classification=classification,
        actions=actions,
    )
    return doc


def annuaire() -> dict:
    return meeting(
        "GT Annuaire",
        "Atelier annuaire #1",
        "2022-02-10",
        [
            action(
                "Publier le guide",
                owner("DUPONT", "Claire", "LIFEN"),
                "2022-02-20",
                "done",
                "document",
            ),
            action(INJECTION, owner(None, None, "LIFEN"), "2022-05-01", "open", "workshop"),
            action("Relancer les éditeurs", None, None, "in_progress"),
        ],
    )


def confidential() -> dict:
    return meeting(
        "Task Force MSSanté",
        "Entretien bilatéral ORANGE",
        "2022-02-15",
        [
            action(
                SECRET,
                owner("SECRET", "Agent", "ORANGE"),
                "2022-02-20",
                "open",
                "bilateral_interview",
            ),
        ],
        classification="confidential",
    )


def load(app: Flask) -> dict[str, int]:
    """The demo (3 open actions, TF MSSanté, 2022-01-07), the annuaire meeting and a
    confidential meeting; returns their ids."""
    demo = copy.deepcopy(demo_document())
    demo.update(status="draft", version="0.1")
    return {
        "demo": import_doc(app, demo),
        "annuaire": import_doc(app, annuaire()),
        "secret": import_doc(app, confidential()),
    }


def link_person(app: Flask, login: str, last_name: str) -> int:
    """Make ``login``'s account the person ``last_name`` (for « mes actions »)."""
    with app.app_context(), db.transaction() as s:
        person = s.exec(select(Person).where(Person.last_name == last_name)).one()
        user = s.exec(select(User).where(User.login == login)).one()
        user.person_id = person.id
        s.add(user)
        return person.id


def user(app: Flask, login: str) -> User:
    with app.app_context(), db.write_session(db.engine()) as s:
        found = s.exec(select(User).where(User.login == login)).one()
        s.expunge(found)
        return found
