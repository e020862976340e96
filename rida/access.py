"""Who may read or change what: the one place that decides.

Reading a meeting depends on its classification:

- ``public``: every account;
- ``restricted``: members of the meeting's series;
- ``confidential``: the meeting's participants who have an account, its rapporteur;

and admins read everything. The account that created a meeting keeps reading it. When the
instance allows it (``RIDA_PUBLIC_READ=1``), anonymous visitors read the *validated*
*public* minutes, nothing else.

Writing needs the right to read plus the ``admin`` role, or the ``rapporteur`` role and
one of: membership of the meeting's series, being the meeting's rapporteur, having created
it. The status of an action may be changed by whoever may edit its meeting, and by its
owner (a member following up their own actions) — an owner being the account's person or
an organisation the account belongs to (:func:`followed_owners`). Readers read. Every
list, page and API call goes through :func:`readable`; a meeting one may not read answers
404 (its existence is not revealed), one readable but not editable 403.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import ColumnElement, and_, false, or_, true
from sqlmodel import Session, col, select

from rida.models import (
    Action,
    Meeting,
    OrganisationMember,
    Participation,
    Person,
    SeriesMember,
    User,
)
from rida.util.folding import fold

EDITOR_ROLES = ("admin", "rapporteur")


def published() -> ColumnElement[bool]:
    """The meetings anonymous visitors may read when the instance is public."""
    return (Meeting.classification == "public") & (Meeting.status == "validated")


def readable(user: User | None, *, public_read: bool = False) -> ColumnElement[bool]:
    """A WHERE clause on ``Meeting`` selecting the meetings ``user`` may read;
    ``public_read``: anonymous visitors (``user`` None) read the published minutes."""
    if user is None:
        return published() if public_read else false()
    if not user.active:
        return false()
    if user.role == "admin":
        return true()
    member = select(SeriesMember.series_id).where(SeriesMember.user_id == user.id)
    clauses = [
        Meeting.classification == "public",
        (Meeting.classification == "restricted") & Meeting.series_id.in_(member),
        Meeting.created_by == user.id,
    ]
    if user.person_id is not None:
        attended = select(Participation.meeting_id).where(Participation.person_id == user.person_id)
        clauses.append(Meeting.rapporteur_id == user.person_id)
        clauses.append(Meeting.id.in_(attended))
    return or_(*clauses)


def readers(session: Session, meeting: Meeting) -> list[User] | None:
    """The accounts that read ``meeting`` by :func:`readable` besides the admins (who read
    everything), or None for a public meeting (every account). The same rule, turned
    around: what a meeting may show of others is what each of these may read."""
    if meeting.classification == "public":
        return None
    linked = select(Participation.person_id).where(Participation.meeting_id == meeting.id)
    clauses: list[ColumnElement[bool]] = [
        col(User.id) == meeting.created_by,
        col(User.person_id).in_(linked),
    ]
    if meeting.rapporteur_id is not None:
        clauses.append(col(User.person_id) == meeting.rapporteur_id)
    if meeting.classification == "restricted":
        members = select(SeriesMember.user_id).where(SeriesMember.series_id == meeting.series_id)
        clauses.append(col(User.id).in_(members))
    found = session.exec(
        select(User).where(or_(*clauses), col(User.active).is_(True), User.role != "admin")
    )
    return list(found.all())


def readable_by_all(session: Session, meeting: Meeting) -> ColumnElement[bool]:
    """A WHERE clause on ``Meeting``: the meetings that every reader of ``meeting`` may
    read (what its follow-up may show)."""
    found = readers(session, meeting)
    if found is None:
        return Meeting.classification == "public"
    return and_(true(), *(readable(user) for user in found))


def readable_meeting(
    session: Session, user: User | None, meeting_id: int, *, public_read: bool = False
) -> Meeting | None:
    """The meeting, loaded in one query with the access rule, or None if ``user`` may not
    read it (or it does not exist)."""
    return session.exec(
        select(Meeting).where(Meeting.id == meeting_id, readable(user, public_read=public_read))
    ).first()


def can_read(session: Session, user: User | None, meeting_id: int) -> bool:
    found = session.exec(select(Meeting.id).where(Meeting.id == meeting_id, readable(user)))
    return found.first() is not None


def may_write(user: User | None) -> bool:
    """Whether ``user``'s role lets them change some meetings (see :func:`may_edit`)."""
    return user is not None and user.active and user.role in EDITOR_ROLES


NOT_A_MEMBER = "réservée aux membres de la série : demandez à un administrateur de vous y ajouter"


def can_edit_series(session: Session, user: User | None, series_id: int) -> bool:
    """Admins edit every series; rapporteurs the series they are members of."""
    if not may_write(user):
        return False
    assert user is not None
    return user.role == "admin" or session.get(SeriesMember, (series_id, user.id)) is not None


def may_edit(session: Session, user: User | None, meeting: Meeting) -> bool:
    """Whether ``user``, who may read ``meeting``, may change it."""
    if not may_write(user):
        return False
    assert user is not None
    return (
        user.role == "admin"
        or meeting.created_by == user.id
        or (user.person_id is not None and meeting.rapporteur_id == user.person_id)
        or can_edit_series(session, user, meeting.series_id)
    )


def can_edit(session: Session, user: User | None, meeting_id: int) -> bool:
    meeting = readable_meeting(session, user, meeting_id)
    return meeting is not None and may_edit(session, user, meeting)


def organisations_of(session: Session, users: list[User]) -> dict[int, set[int]]:
    """For each of these accounts (by id), the organisations it belongs to: those named
    like its person's entity (an account linked to « Karim ABDELLI (ANS) », or to the
    organisation « ANS » itself, belongs to « ANS ») and those it was made a member of
    (:class:`~rida.models.OrganisationMember`). Organisations are compared by name, without
    case or accents, so that every record of one organisation counts (a namesake created
    apart: see :func:`rida.meetings.people.find_or_create`)."""
    if not users:
        return {}
    ids = [u.id for u in users if u.id is not None]
    names: dict[int, set[str]] = {i: set() for i in ids}
    linked = {u.person_id for u in users if u.person_id is not None}
    entities = dict(
        session.exec(select(Person.id, Person.entity).where(col(Person.id).in_(linked))).all()
    )
    for u in users:
        if u.id is not None and u.person_id is not None and entities.get(u.person_id):
            names[u.id].add(fold(entities[u.person_id]))
    for user_id, entity in session.exec(
        select(OrganisationMember.user_id, Person.entity)
        .join(Person, col(OrganisationMember.organisation_id) == Person.id)
        .where(col(OrganisationMember.user_id).in_(ids))
    ).all():
        names[user_id].add(fold(entity))
    wanted = set().union(*names.values()) - {""}
    by_name: dict[str, set[int]] = {}
    if wanted:
        for org_id, entity in session.exec(
            select(Person.id, Person.entity).where(Person.last_name == "", Person.entity != "")
        ).all():
            if org_id is not None and fold(entity) in wanted:
                by_name.setdefault(fold(entity), set()).add(org_id)
    return {i: set().union(*(by_name.get(n, set()) for n in found)) for i, found in names.items()}


def followed_owners(session: Session, user: User | None) -> set[int]:
    """The owners (person ids) whose actions are ``user``'s to follow: its own person and
    the organisations it belongs to (:func:`organisations_of`); what « mes actions », the
    reminders and the calendar show of them is still only what ``user`` may read."""
    if user is None or not user.active or user.id is None:
        return set()
    own = {user.person_id} if user.person_id is not None else set()
    return own | organisations_of(session, [user]).get(user.id, set())


def may_set_status(
    session: Session, user: User | None, action: Action, *, owners: set[int] | None = None
) -> bool:
    """Whether ``user`` (who may read the action's meeting) may change its status.
    ``owners``: :func:`followed_owners` of ``user``, when already known."""
    if user is None or not user.active:
        return False
    if owners is None:
        owners = followed_owners(session, user)
    if action.owner_id is not None and action.owner_id in owners:
        return True
    meeting = session.get(Meeting, action.meeting_id)
    return meeting is not None and may_edit(session, user, meeting)


def status_rights(
    session: Session, user: User | None, actions: Sequence[Action]
) -> Callable[[Action], bool]:
    """:func:`may_set_status` for a page of ``actions`` (of meetings ``user`` may read):
    their meetings loaded in one query, each meeting and series judged once."""
    ids = {a.meeting_id for a in actions}
    meetings = (
        session.exec(
            select(Meeting.id, Meeting.series_id, Meeting.created_by, Meeting.rapporteur_id).where(
                col(Meeting.id).in_(ids)
            )
        ).all()
        if ids and may_write(user)
        else []
    )
    series: dict[int, bool] = {}
    editable: set[int] = set()
    for meeting_id, series_id, created_by, rapporteur_id in meetings:
        assert user is not None  # may_write
        if series_id not in series:
            series[series_id] = can_edit_series(session, user, series_id)
        if (
            series[series_id]
            or created_by == user.id
            or (user.person_id is not None and rapporteur_id == user.person_id)
        ):
            editable.add(meeting_id or 0)

    owners = followed_owners(session, user) if user is not None and user.active else set()

    def may(action: Action) -> bool:
        if user is None or not user.active:
            return False
        if action.owner_id is not None and action.owner_id in owners:
            return True  # its owner, or an organisation it follows
        if user.person_id is not None and user.person_id == action.owner_id:
            return True
        return action.meeting_id in editable

    return may


def can_see_series(session: Session, user: User | None, series_id: int) -> bool:
    """A series is visible to admins, to its members, and to whoever may read one of its
    meetings (the home page lists the same ones)."""
    if user is None or not user.active:
        return False
    if user.role == "admin":
        return True
    member = session.exec(
        select(SeriesMember).where(
            SeriesMember.series_id == series_id, SeriesMember.user_id == user.id
        )
    )
    if member.first() is not None:
        return True
    return (
        session.exec(
            select(Meeting.id).where(Meeting.series_id == series_id, readable(user))
        ).first()
        is not None
    )


def can_create(user: User | None) -> bool:
    return may_write(user)


def visible_people(user: User | None) -> ColumnElement[bool]:
    """A WHERE clause on ``Person``: people named in a meeting ``user`` may read (so that a
    confidential meeting does not leak who attended it through the people picker); every
    person for an admin (those named in no meeting too).

    Whatever takes a person from a user, by id or by name, looks among these only (see
    :mod:`rida.meetings.people`)."""
    if user is not None and user.active and user.role == "admin":
        return true()
    meetings = select(Meeting.id).where(readable(user))
    return or_(
        Person.id.in_(
            select(Participation.person_id).where(Participation.meeting_id.in_(meetings))
        ),
        Person.id.in_(select(Meeting.organiser_id).where(readable(user))),
        Person.id.in_(select(Meeting.rapporteur_id).where(readable(user))),
        Person.id.in_(select(Action.owner_id).where(Action.meeting_id.in_(meetings))),
    )
