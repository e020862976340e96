"""What administrators change on accounts: role, active flag, password, person, series
memberships. Every permission change is emitted (``rida.audit.events``) with its
before/after values, in the transaction of the change.

There is always one active administrator left: the last one cannot be demoted or
deactivated. Nor can the last active administrator able to sign in with a password while
others sign in through their provider only (:func:`keep_an_admin` with a
:class:`PasswordRoute`): the break-glass route stays open. With password sign-in closed
(``RIDA_PASSWORD_LOGIN=0``), that route is the break-glass administrator
(``RIDA_BREAK_GLASS_ADMIN``) alone: it stays an active administrator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from rida import access, accounts
from rida.audit import events
from rida.fields import FieldError
from rida.meetings.people import display_name, fold, label
from rida.models import OrganisationMember, Person, Series, SeriesMember, User, id_of


@dataclass(frozen=True)
class Actor:
    """Who makes the change, and from where (a remote address, or « cli »)."""

    user: User | None
    ip: str | None


def emit(
    session: Session,
    action: str,
    actor: Actor,
    target: User,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    **details: Any,
) -> None:
    """Tell the audit log that ``actor`` did ``action`` to the account ``target`` (in the
    transaction of ``session``)."""
    events.emit(
        action,
        session=session,
        user_id=actor.user.id if actor.user else None,
        login=actor.user.login if actor.user else None,
        ip=actor.ip,
        object_type="user",
        object_id=str(target.id),
        before=before,
        after=after,
        details={"account": target.login, **details},
    )


def _emit(
    session: Session, actor: Actor, target: User, before: dict[str, Any], after: dict[str, Any]
) -> None:
    emit(session, events.PERMISSION_CHANGED, actor, target, before=before, after=after)


LAST_ADMIN = "il faut garder au moins un administrateur actif"
LAST_PASSWORD_ADMIN = (
    "il faut garder au moins un administrateur actif pouvant se connecter par mot de passe "
    "(accès de secours)"
)


BREAK_GLASS_STAYS = (
    "la connexion par mot de passe est fermée (RIDA_PASSWORD_LOGIN=0) : l'administrateur de "
    "secours (RIDA_BREAK_GLASS_ADMIN), seul à pouvoir l'utiliser, reste administrateur actif"
)


@dataclass(frozen=True)
class PasswordRoute:
    """Who may sign in with a password: any account (``RIDA_PASSWORD_LOGIN``, the default),
    or, when it is closed, the break-glass administrator (``RIDA_BREAK_GLASS_ADMIN``) only."""

    open: bool = True
    break_glass: str = ""

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> PasswordRoute:
        """The route of an application's ``config``."""
        return cls(
            open=bool(config.get("PASSWORD_LOGIN", True)),
            break_glass=str(config.get("BREAK_GLASS_ADMIN") or ""),
        )

    def admits(self, user: User) -> bool:
        """Whether ``user`` may sign in with a password (it has one, is not SSO-only)."""
        if user.sso_only or not user.password_hash:
            return False
        return self.open or user.login == self.break_glass


OPEN = PasswordRoute()  # password sign-in open to all (the default)


def keep_an_admin(
    session: Session, target: User, path: str, *, password: PasswordRoute | None = None
) -> None:
    """Refuse (:class:`FieldError` on ``path``) a change that would leave no other active
    administrator than ``target``; with ``password``, no other one able to sign in with a
    password (the break-glass route), ``target`` counting only if it can. With password
    sign-in closed, only the break-glass administrator can: it is refused outright."""
    if target.role != "admin" or not target.active:
        return
    if password is not None and not password.admits(target):
        return
    if password is not None and not password.open:
        raise FieldError(path, BREAK_GLASS_STAYS)
    others = (
        select(func.count())
        .select_from(User)
        .where(User.role == "admin", col(User.active).is_(True), User.id != target.id)
    )
    if password is not None:
        others = others.where(col(User.sso_only).is_(False), User.password_hash != "")
    if session.exec(others).one() == 0:
        raise FieldError(path, LAST_PASSWORD_ADMIN if password else LAST_ADMIN)


def _keep_admins(session: Session, target: User, path: str, route: PasswordRoute) -> None:
    """An active administrator left, and one of them able to sign in with a password."""
    keep_an_admin(session, target, path)
    keep_an_admin(session, target, path, password=route)


def end_sessions(target: User) -> None:
    """Every login session of ``target`` opened until now ends at its next request."""
    target.session_epoch = (target.session_epoch or 0) + 1


def set_role(
    session: Session,
    target: User,
    role: str,
    actor: Actor,
    route: PasswordRoute = OPEN,
) -> bool:
    """Change the role; False if it already was ``role``. ``route``: who may sign in with
    a password (the break-glass route kept open)."""
    accounts.valid_role(role)
    if target.role == role:
        return False
    _keep_admins(session, target, "role", route)
    before = target.role
    target.role = role
    end_sessions(target)
    session.add(target)
    _emit(session, actor, target, {"role": before}, {"role": role})
    return True


def set_active(
    session: Session,
    target: User,
    active: bool,
    actor: Actor,
    route: PasswordRoute = OPEN,
) -> bool:
    """Activate or deactivate; False if it already was so. ``route``: as :func:`set_role`."""
    if target.active == active:
        return False
    if not active:
        _keep_admins(session, target, "active", route)
    target.active = active
    end_sessions(target)
    session.add(target)
    _emit(session, actor, target, {"active": not active}, {"active": active})
    return True


def set_password(session: Session, target: User, password: str | None = None) -> str:
    """Give the account ``password`` (checked), or a generated one; returns it."""
    password = (
        accounts.valid_password(password) if password is not None else accounts.new_password()
    )
    target.password_hash = accounts.hash_password(password)
    end_sessions(target)
    session.add(target)
    return password


def link_person(session: Session, target: User, person_id: int | None, actor: Actor) -> None:
    if person_id is not None and session.get(Person, person_id) is None:
        raise FieldError("person_id", f"personne {person_id} inconnue")
    if target.person_id == person_id:
        return
    before = target.person_id
    target.person_id = person_id
    session.add(target)
    # Who the account is decides what it reads (confidential meetings, own actions).
    _emit(session, actor, target, {"person_id": before}, {"person_id": person_id})


def find_series(session: Session, ref: str | int) -> Series:
    """A series by id or by exact name."""
    text = str(ref).strip()
    found = (
        session.get(Series, int(text))
        if text.isdigit()
        else session.exec(select(Series).where(Series.name == text)).first()
    )
    if found is None:
        raise FieldError("series", f"série « {text} » inconnue")
    return found


def set_member(session: Session, target: User, series: Series, member: bool, actor: Actor) -> bool:
    """Add or remove a series membership; False if nothing changed."""
    found = session.get(SeriesMember, (series.id, target.id))
    if (found is not None) == member:
        return False
    if member:
        session.add(SeriesMember(series_id=series.id, user_id=target.id))
    else:
        session.delete(found)
    _emit(
        session,
        actor,
        target,
        {"series": series.name, "member": not member},
        {"series": series.name, "member": member},
    )
    return True


def overview(session: Session) -> list[dict[str, Any]]:
    """Every account with its person and series, by login."""
    users = session.exec(select(User).order_by(User.login)).all()
    people = {
        p.id: p
        for p in session.exec(
            select(Person).where(
                col(Person.id).in_([u.person_id for u in users if u.person_id is not None])
            )
        )
    }
    series: dict[int, list[Series]] = {}
    for m, s in session.exec(
        select(SeriesMember, Series)
        .join(Series, col(SeriesMember.series_id) == Series.id)
        .order_by(Series.name)
    ):
        series.setdefault(m.user_id, []).append(s)
    return [
        {
            "id": u.id,
            "login": u.login,
            "role": u.role,
            "active": u.active,
            "person_id": u.person_id,
            "person": label(people[u.person_id]) if u.person_id in people else "",
            "series": [{"id": s.id, "name": s.name} for s in series.get(u.id, [])],
            "user": u,
        }
        for u in users
    ]


def find_person(session: Session, ref: str, path: str = "person") -> Person:
    """A person (or organisation) by number, or by a name designating one record only:
    « ABDELLI Karim », « Karim ABDELLI », « ABDELLI Karim (ANS) », an organisation's name.
    For the command line, which sees everyone."""
    text = " ".join(ref.split())
    if text.isascii() and text.isdigit():
        found = session.get(Person, int(text))
        if found is None:
            raise FieldError(path, f"personne n° {text} inconnue")
        return found
    wanted = fold(text)
    if not wanted:
        raise FieldError(path, "personne attendue (numéro ou nom)")
    matches = [
        p
        for p in session.exec(select(Person).order_by(col(Person.id))).all()
        if wanted in _spellings(p)
    ]
    if not matches:
        raise FieldError(path, f"personne « {text} » inconnue")
    if len(matches) > 1:
        listed = ", ".join(f"n° {p.id} ({label(p)})" for p in matches[:5])
        raise FieldError(
            path, f"« {text} » désigne plusieurs personnes : {listed} ; donnez le numéro"
        )
    return matches[0]


def find_organisation(session: Session, ref: str) -> Person:
    """An organisation by number or by name (its records all count as one: the first)."""
    text = " ".join(ref.split())
    if text.isascii() and text.isdigit():
        found = find_person(session, text, "organisation")
    else:
        wanted = fold(text)
        matches = [
            p
            for p in session.exec(
                select(Person).where(Person.last_name == "").order_by(col(Person.id))
            ).all()
            if wanted and fold(p.entity) == wanted
        ]
        if not matches:
            raise FieldError("organisation", f"organisation « {text} » inconnue")
        found = matches[0]
    if not is_organisation(found):
        raise FieldError("organisation", f"{label(found)} est une personne, pas une organisation")
    return found


def _spellings(person: Person) -> set[str]:
    names = {
        label(person),
        display_name(person),
        f"{person.last_name} {person.first_name}",
        f"{person.first_name} {person.last_name}",
    }
    if person.entity:  # « NOM Prénom (ENTITÉ) » as well as the label's « Prénom NOM (ENTITÉ) »
        names.add(f"{person.last_name} {person.first_name} ({person.entity})")
    return {fold(n) for n in names if n.strip()}


def is_organisation(person: Person) -> bool:
    return not person.last_name and bool(person.entity)


def set_organisation_member(
    session: Session, target: User, organisation: Person, member: bool, actor: Actor
) -> bool:
    """Make ``target`` a member of ``organisation`` (it then follows its actions) or not;
    False if nothing changed. Membership by the person's entity is not changed here."""
    if not is_organisation(organisation):
        raise FieldError(
            "organisation", f"{label(organisation)} est une personne, pas une organisation"
        )
    found = session.exec(
        select(OrganisationMember).where(
            OrganisationMember.user_id == target.id,
            OrganisationMember.organisation_id == organisation.id,
        )
    ).first()
    if (found is not None) == member:
        return False
    if member:
        session.add(OrganisationMember(user_id=id_of(target), organisation_id=id_of(organisation)))
    else:
        session.delete(found)
    name = organisation.entity
    _emit(
        session,
        actor,
        target,
        {"organisation": name, "organisation_id": organisation.id, "member": not member},
        {"organisation": name, "organisation_id": organisation.id, "member": member},
    )
    return True


def organisation_members(session: Session, organisation: Person) -> list[tuple[User, bool]]:
    """The accounts belonging to ``organisation``, by login: each with True when made a
    member explicitly (removable), False when it belongs through its person's entity."""
    users = list(session.exec(select(User).order_by(User.login)).all())
    explicit = set(
        session.exec(
            select(OrganisationMember.user_id).where(
                OrganisationMember.organisation_id == organisation.id
            )
        ).all()
    )
    belongs = access.organisations_of(session, [u for u in users if u.active])
    return [
        (u, u.id in explicit)
        for u in users
        if u.id in explicit or organisation.id in belongs.get(id_of(u), set())
    ]
