"""The people named in the minutes, and the e-mail address their reminders go to."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlmodel import select

from rida import access, auth, db
from rida.models import Person
from rida.people import label
from rida.reminders import valid_address

bp = Blueprint("people", __name__)


def _editor() -> None:
    if not access.may_write(auth.user()):
        abort(403)


@bp.get("/personnes")
@login_required
def index():  # type: ignore[no-untyped-def]
    _editor()
    found = db.session().exec(select(Person).where(access.visible_people(auth.user()))
                              .order_by(Person.last_name, Person.first_name,
                                        Person.entity)).all()
    return render_template("people.html", people=[(p, label(p)) for p in found])


@bp.post("/personnes/<int:person_id>/email")
@login_required
def set_email(person_id: int):  # type: ignore[no-untyped-def]
    _editor()
    address = request.form.get("email", "").strip()
    with db.transaction() as s:
        person = s.exec(select(Person).where(Person.id == person_id,
                                             access.visible_people(auth.user()))).first()
        if person is None:
            abort(404)
        name = label(person)
        if address and not person.last_name:
            flash(f"« {name} » est une organisation : elle ne reçoit pas de rappel.", "error")
        elif address and not valid_address(address):
            flash(f"Adresse e-mail invalide pour {name} : « {address} ».", "error")
        else:
            person.email = address
            s.add(person)
            flash(f"{name} : {'adresse enregistrée' if address else 'adresse effacée'}.",
                  "success")
    return redirect(url_for("people.index") + f"#personne-{person_id}")
