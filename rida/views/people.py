"""The people named in the minutes, and the e-mail address their reminders go to.

The page lists the people the user may see (:func:`rida.access.visible_people`). A
person's address is set by an admin or by the person's own account, nobody else: a person
one may not see answers 404, like an unknown id; one seen but not one's own, 403.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import select

from rida import access, db
from rida.actions import reminders
from rida.fields import FieldError
from rida.meetings.people import label
from rida.models import Person, User
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
    user = auth.user()
    return render_template(
        "people.html",
        people=[(p, label(p), may_set_email(user, p)) for p in found],
    )


def may_set_email(user: User | None, person: Person) -> bool:
    """Only an admin, or the account linked to ``person``, sets its address."""
    if user is None or not user.active:
        return False
    return user.role == "admin" or (user.person_id is not None and user.person_id == person.id)


@bp.post("/personnes/<int:person_id>/email")
@login_required
def set_email(person_id: int) -> ResponseReturnValue:
    user = auth.user()
    address = request.form.get("email", "")
    with db.transaction() as s:
        person = s.get(Person, person_id)
        if person is None or not may_set_email(user, person):
            visible = s.exec(
                select(Person.id).where(Person.id == person_id, access.visible_people(user))
            ).first()
            abort(404 if visible is None else 403)
        name = label(person)
        try:
            address = reminders.set_email(person, address)
        except FieldError as e:
            flash(f"{e.message[:1].upper()}{e.message[1:]} : {name}.", "error")
        else:
            s.add(person)
            flash(f"{name} : {'adresse enregistrée' if address else 'adresse effacée'}.", "success")
    return redirect(url_for("people.index") + f"#personne-{person_id}")
