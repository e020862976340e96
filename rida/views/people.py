"""The people named in the minutes, and the e-mail address their reminders go to.

The page lists the people the user may see (:func:`rida.access.visible_people`). A
person's address is set by an admin or by the person's own account, nobody else: a person
one may not see answers 404, like an unknown id; one seen but not one's own, 403.

Admins and rapporteurs rename a person and merge a duplicate into another
(:mod:`rida.meetings.identity`), on a page of its own (``/personnes/<id>``), among the
people they may see only: both people of a merge must be visible to them, any other id
answers 404 like an unknown one.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import select

from rida import access, db
from rida.accounts import account_admin
from rida.actions import reminders
from rida.fields import FieldError
from rida.meetings import identity
from rida.meetings.people import label, visible_person
from rida.models import Person, User, id_of
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
        may_manage=access.may_write(user),
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


def _visible(person_id: int) -> Person:
    """The person ``person_id`` if the user may see it, else 404 (like an unknown id)."""
    found = visible_person(db.session(), person_id, access.visible_people(auth.user()))
    return found or abort(404)


@bp.get("/personnes/<int:person_id>")
@login_required
def detail(person_id: int) -> ResponseReturnValue:
    """Rename a person, merge it into another (admins and rapporteurs)."""
    _editor()
    person = _visible(person_id)
    user = auth.user()
    others = (
        db.session()
        .exec(
            select(Person)
            .where(
                access.visible_people(user),
                Person.id != person.id,
                (Person.last_name != "") if person.last_name else (Person.last_name == ""),
            )
            .order_by(Person.last_name, Person.first_name, Person.entity)
        )
        .all()
    )
    admin = user is not None and user.role == "admin"
    # Accounts are the admins' business: an organisation's members are shown to them only.
    members = (
        account_admin.organisation_members(db.session(), person)
        if admin and account_admin.is_organisation(person)
        else None
    )
    explicit = {u.id for u, chosen in members or [] if chosen}
    return render_template(
        "person.html",
        person=person,
        name=label(person),
        others=[(p.id, label(p)) for p in others],
        # Former spellings may come from meetings the user may not read: admins only.
        aliases=identity.aliases(db.session(), id_of(person)) if admin else [],
        members=members,
        candidates=[
            u
            for u in db.session().exec(select(User).order_by(User.login)).all()
            if u.id not in explicit
        ]
        if members is not None
        else [],
    )


def _form_names() -> dict[str, str]:
    return {f: request.form.get(f, "") for f in identity.NAME_FIELDS}


@bp.post("/personnes/<int:person_id>/renommer")
@login_required
def rename(person_id: int) -> ResponseReturnValue:
    _editor()
    visible = access.visible_people(auth.user())
    with db.transaction() as s:
        person = visible_person(s, person_id, visible) or abort(404)
        before = label(person)
        try:
            identity.rename(s, person, _form_names(), visible=visible)
        except FieldError as e:
            s.rollback()
            flash(f"Personne non renommée : {e.message}.", "error")
            return redirect(url_for("people.detail", person_id=person_id))
        flash(f"{before} s'appelle désormais {label(person)}.", "success")
    return redirect(url_for("people.index") + f"#personne-{person_id}")


@bp.post("/personnes/<int:person_id>/fusionner")
@login_required
def merge(person_id: int) -> ResponseReturnValue:
    _editor()
    user = auth.user()
    visible = access.visible_people(user)
    with db.transaction() as s:
        merged = visible_person(s, person_id, visible) or abort(404)
        raw = request.form.get("into", "").strip()
        number = re.fullmatch(r"[0-9]{1,9}", raw)
        kept = visible_person(s, int(raw), visible) if number else None
        problem = None
        if kept is None:
            problem = "choisissez la personne à garder" if not raw else "personne inconnue"
        else:
            gone = label(merged)
            try:
                identity.merge(s, merged, kept, by=user.login if user else "")
            except FieldError as e:
                problem = e.message
        if problem is not None:
            s.rollback()
            flash(f"Fusion refusée : {problem}.", "error")
            return redirect(url_for("people.detail", person_id=person_id))
        assert kept is not None
        flash(f"{gone} est fusionnée dans {label(kept)}.", "success")
        kept_id = id_of(kept)
    return redirect(url_for("people.index") + f"#personne-{kept_id}")
