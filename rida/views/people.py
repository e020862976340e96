"""The people named in the minutes, and the e-mail address their reminders go to."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import select

from rida import access, db
from rida.actions import reminders
from rida.fields import FieldError
from rida.meetings.people import label
from rida.models import Person
from rida.views import auth
from rida.views.auth import login_required

bp = Blueprint("people", __name__)


def _editor() -> None:
    if not access.may_write(auth.user()):
        abort(403)


@bp.get("/personnes")
@login_required
def index() -> ResponseReturnValue:
    _editor()
    found = (
        db.session()
        .exec(
            select(Person)
            .where(access.visible_people(auth.user()))
            .order_by(Person.last_name, Person.first_name, Person.entity)
        )
        .all()
    )
    return render_template("people.html", people=[(p, label(p)) for p in found])


@bp.post("/personnes/<int:person_id>/email")
@login_required
def set_email(person_id: int) -> ResponseReturnValue:
    _editor()
    address = request.form.get("email", "")
    with db.transaction() as s:
        person = s.exec(
            select(Person).where(Person.id == person_id, access.visible_people(auth.user()))
        ).first()
        if person is None:
            abort(404)
        name = label(person)
        try:
            address = reminders.set_email(person, address)
        except FieldError as e:
            flash(f"{e.message[:1].upper()}{e.message[1:]} : {name}.", "error")
        else:
            s.add(person)
            flash(f"{name} : {'adresse enregistrée' if address else 'adresse effacée'}.", "success")
    return redirect(url_for("people.index") + f"#personne-{person_id}")
