"""``/admin/comptes``: administrators manage accounts (404 for everyone else).

A new or reset password is shown once, in the answer to the form (never in a flash
message: those travel in the session cookie), with ``Cache-Control: no-store``.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlmodel import Session, select
from werkzeug.wrappers import Response as BaseResponse

from rida import accounts, db
from rida.accounts import account_admin
from rida.accounts.account_admin import Actor, PasswordRoute
from rida.accounts.oidc import admin as oidc_admin
from rida.fields import FieldError
from rida.meetings.people import label
from rida.models import ROLES, Person, Series, User
from rida.views import auth
from rida.views.auth import login_required

bp = Blueprint("admin_accounts", __name__, url_prefix="/admin/comptes")


def _admin() -> User:
    user = auth.user()
    if user is None or user.role != "admin":
        abort(404)
    return user


def _actor() -> Actor:
    return Actor(user=_admin(), ip=request.remote_addr)


def _route() -> PasswordRoute:
    return PasswordRoute.of(current_app.config)


def _page(
    *, shown: dict[str, str] | None = None, error: str | None = None, status: int = 200
) -> Response:
    s = db.session()
    people = s.exec(
        select(Person).order_by(Person.last_name, Person.first_name, Person.entity)
    ).all()
    page = render_template(
        "admin/accounts.html",
        accounts=account_admin.overview(s),
        identities=oidc_admin.identities(s),
        roles=ROLES,
        people=[(p.id, label(p)) for p in people],
        all_series=s.exec(select(Series).order_by(Series.name)).all(),
        shown=shown,
        error=error,
    )
    response = Response(page, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _target(s: Session, user_id: int) -> User:
    target = s.get(User, user_id)
    if target is None:
        abort(404)
    return target


def _done(message: str) -> BaseResponse:
    flash(message, "info")
    return redirect(url_for("admin_accounts.index"))


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    _admin()
    return _page()


@bp.post("")
@login_required
def create() -> ResponseReturnValue:
    _admin()
    form = request.form
    login = form.get("login", "").strip()
    password = accounts.new_password()
    try:
        person = form.get("person_id") or None
        with db.transaction() as s:
            accounts.create_user(
                s, login, password, form.get("role", ""), person_id=_person_id(s, person)
            )
    except FieldError as e:
        return _page(error=f"Compte non créé : {e.message}.", status=400)
    return _page(shown={"login": login, "password": password, "what": "créé"})


def _person_id(s: Session, raw: str | None) -> int | None:
    if not raw:
        return None
    if not raw.isdigit() or s.get(Person, int(raw)) is None:
        raise FieldError("person_id", "personne inconnue")
    return int(raw)


def _change(user_id: int, refused: str, apply: Callable[[Session, User], str]) -> BaseResponse:
    """Apply one change to an account, in one transaction; ``apply`` returns the message
    to flash. A refused change shows the page with ``refused : reason``."""
    try:
        with db.transaction() as s:
            message = apply(s, _target(s, user_id))
    except FieldError as e:
        return _page(error=f"{refused} : {e.message}.", status=400)
    return _done(message)


@bp.post("/<int:user_id>/role")
@login_required
def set_role(user_id: int) -> ResponseReturnValue:
    actor, role = _actor(), request.form.get("role", "")

    def apply(s: Session, target: User) -> str:
        account_admin.set_role(s, target, role, actor, _route())
        return f"Compte « {target.login} » : rôle « {role} »."

    return _change(user_id, "Rôle inchangé", apply)


@bp.post("/<int:user_id>/actif")
@login_required
def set_active(user_id: int) -> ResponseReturnValue:
    actor, active = _actor(), request.form.get("active") == "1"

    def apply(s: Session, target: User) -> str:
        account_admin.set_active(s, target, active, actor, _route())
        return f"Compte « {target.login} » {'réactivé' if active else 'désactivé'}."

    return _change(user_id, "Compte inchangé", apply)


@bp.post("/<int:user_id>/mot-de-passe")
@login_required
def reset_password(user_id: int) -> ResponseReturnValue:
    _admin()
    with db.transaction() as s:
        target = _target(s, user_id)
        password = account_admin.set_password(s, target)
        login = target.login
    return _page(shown={"login": login, "password": password, "what": "réinitialisé"})


@bp.post("/<int:user_id>/personne")
@login_required
def link_person(user_id: int) -> ResponseReturnValue:
    actor = _actor()

    def apply(s: Session, target: User) -> str:
        account_admin.link_person(s, target, _person_id(s, request.form.get("person_id")), actor)
        return f"Compte « {target.login} » : personne enregistrée."

    return _change(user_id, "Personne inchangée", apply)


@bp.post("/<int:user_id>/series")
@login_required
def membership(user_id: int) -> ResponseReturnValue:
    actor, add = _actor(), request.form.get("action") != "remove"

    def apply(s: Session, target: User) -> str:
        series = account_admin.find_series(s, request.form.get("series_id", ""))
        account_admin.set_member(s, target, series, add, actor)
        return f"« {target.login} » {'membre de' if add else 'retiré de'} « {series.name} »."

    return _change(user_id, "Séries inchangées", apply)


@bp.post("/organisations")
@login_required
def organisation_membership() -> ResponseReturnValue:
    """Make an account a member of an organisation, or not (from the organisation's
    page): it then follows the organisation's actions."""
    actor, add = _actor(), request.form.get("action") != "remove"
    raw_org = request.form.get("organisation_id", "").strip()
    raw_user = request.form.get("user_id", "").strip()
    organisation = _person_of(raw_org)
    back = (
        url_for("people.detail", person_id=organisation.id) + "#h-members"
        if organisation is not None
        else url_for("people.index")
    )
    if organisation is None:
        flash("Membres inchangés : organisation inconnue.", "error")
        return redirect(back)
    try:
        with db.transaction() as s:
            target = s.get(User, int(raw_user)) if raw_user.isdigit() else None
            if target is None:
                raise FieldError(
                    "user_id", "choisissez un compte" if not raw_user else "compte inconnu"
                )
            org = s.get_one(Person, organisation.id)
            changed = account_admin.set_organisation_member(s, target, org, add, actor)
            login, name = target.login, org.entity
    except FieldError as e:
        flash(f"Membres inchangés : {e.message}.", "error")
        return redirect(back)
    verb = "membre de" if add else "n'est plus membre de"
    flash(f"« {login} » {verb} l'organisation « {name} »{'' if changed else ' (déjà)'}.", "info")
    return redirect(back)


def _person_of(raw: str) -> Person | None:
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        return None
    return db.session().get(Person, int(raw))


@bp.post("/<int:user_id>/approbation")
@login_required
def approve(user_id: int) -> ResponseReturnValue:
    actor = _actor()

    def apply(s: Session, target: User) -> str:
        done = oidc_admin.approve(s, target, actor)
        return f"Compte « {target.login} » {'approuvé' if done else 'déjà approuvé'}."

    return _change(user_id, "Compte non approuvé", apply)


@bp.post("/<int:user_id>/identites/retrait")
@login_required
def unlink_identity(user_id: int) -> ResponseReturnValue:
    actor, raw = _actor(), request.form.get("identity_id", "").strip()

    def apply(s: Session, target: User) -> str:
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
            raise FieldError("identity_id", "identité inconnue pour ce compte")
        provider = oidc_admin.unlink_identity(s, target, int(raw), actor)
        return f"Compte « {target.login} » : lien avec « {provider} » retiré."

    return _change(user_id, "Lien non retiré", apply)


@bp.post("/<int:user_id>/fournisseur-uniquement")
@login_required
def set_sso_only(user_id: int) -> ResponseReturnValue:
    actor, on = _actor(), request.form.get("sso_only") == "1"

    def apply(s: Session, target: User) -> str:
        return oidc_admin.set_sso_only(s, target, on, actor, _route()).message(target.login, on)

    return _change(user_id, "Mode de connexion inchangé", apply)
