"""Renaming a person, and merging a duplicate into another (« ABD » typed by mistake
into « ABDELLI Karim »).

Both change the person record only: every reference follows by id (participants of every
meeting, organisers, rapporteurs, action owners, the linked account, calendar feeds), so
every page shows the new name at once. What was *written* is not rewritten: speaker
prefixes in the texts (« ABD : … ») stay as typed, and the frozen versions of validated
minutes (their Source and DOCX) keep the names printed when they were validated.

A merge keeps the merged person's spelling and id as a :class:`~rida.models.PersonAlias`
of the person kept (the same spelling typed again finds that person: see
:func:`rida.meetings.people.find_or_create`). In a draft meeting where both took part,
the merged person's participation is dropped (the kept one is completed with its
function); a validated meeting where both took part cannot lose a participant, so such a
merge is refused.

Both are audited (``person.rename``, ``person.merge``, with the values before and after)
in the transaction of the change. Who may do them, on which people, is the caller's
business (the people page and the command line: see :mod:`rida.views.people`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from rida import fields
from rida.audit import events
from rida.fields import FieldError
from rida.meetings.people import PERSON_LIMITS, label, person_key
from rida.models import (
    Action,
    FeedToken,
    Meeting,
    OrganisationMember,
    Participation,
    Person,
    PersonAlias,
    User,
    id_of,
)

NAME_FIELDS = ("last_name", "first_name", "entity")
RENAMED = events.PERSON_RENAMED
MERGED = events.PERSON_MERGED


def names(person: Person) -> dict[str, str]:
    return {f: getattr(person, f) for f in NAME_FIELDS}


def rename(
    session: Session, person: Person, data: dict[str, Any], *, visible: ColumnElement[bool]
) -> Person:
    """Give ``person`` the names in ``data`` (last_name, first_name, entity). A person
    keeps a last name, an organisation (empty last name) an entity. Refused when another
    person among those ``visible`` selects (the acting user's) has the same names: merge
    them instead. A namesake the user may not see is not named (see
    :func:`~rida.meetings.people.find_or_create`)."""
    values = {f: fields.text(data.get(f), f, limit=PERSON_LIMITS[f]) for f in NAME_FIELDS}
    if person.last_name and not values["last_name"]:
        raise FieldError("last_name", "le nom est obligatoire")
    if not person.last_name:
        if values["last_name"] or values["first_name"]:
            raise FieldError(
                "last_name", "une organisation n'a ni nom ni prénom : seule son entité change"
            )
        if not values["entity"]:
            raise FieldError("entity", "le nom de l'organisation est obligatoire")
    before = names(person)
    if values == before:
        raise FieldError("last_name", "aucun changement : les noms sont les mêmes")
    key = person_key(values["last_name"], values["first_name"], values["entity"])
    taken = session.exec(
        select(Person).where(Person.key == key, Person.id != person.id, visible)
    ).first()
    if taken is not None:
        raise FieldError(
            "last_name",
            f"ce nom est déjà celui de {label(taken)} (n° {taken.id}) : "
            "fusionnez les deux personnes plutôt",
        )
    for f, v in values.items():
        setattr(person, f, v)
    person.key = key
    session.add(person)
    events.emit(
        RENAMED,
        session=session,
        object_type="person",
        object_id=str(person.id),
        before=before,
        after=values,
    )
    return person


def merge(session: Session, merged: Person, kept: Person, *, by: str = "") -> Person:
    """Merge ``merged`` into ``kept``: every reference to ``merged`` now names ``kept``,
    ``merged``'s record is replaced by an alias of ``kept``. One transaction: the caller's
    (nothing is committed here). ``by``: who merges (kept with the alias)."""
    if merged.id == kept.id:
        raise FieldError("into", "une personne ne peut pas être fusionnée avec elle-même")
    if bool(merged.last_name) != bool(kept.last_name):
        raise FieldError(
            "into",
            "une personne ne se fusionne qu'avec une personne, une organisation qu'avec "
            "une organisation",
        )
    merged_id, kept_id = id_of(merged), id_of(kept)
    both = session.exec(
        select(Participation, Meeting)
        .join(Meeting)
        .where(
            Participation.person_id == merged_id,
            col(Participation.meeting_id).in_(
                select(Participation.meeting_id).where(Participation.person_id == kept_id)
            ),
        )
    ).all()
    frozen = [m for _, m in both if m.status == "validated"]
    if frozen:
        raise FieldError(
            "into",
            f"{label(merged)} et {label(kept)} participent tous deux à la réunion validée "
            f"« {frozen[0].title} » ({frozen[0].date:%d/%m/%Y}) : une réunion validée ne "
            "perd pas de participant, fusion impossible",
        )
    dropped = []
    for p, m in both:  # drafts where both took part: the kept participation stays
        other = session.exec(
            select(Participation).where(
                Participation.meeting_id == m.id, Participation.person_id == kept_id
            )
        ).one()
        if not other.function and p.function:
            other.function = p.function
            session.add(other)
        dropped.append(m.id)
        session.delete(p)
    session.flush()
    moved = {
        "participations": _repoint(session, Participation, "person_id", merged_id, kept_id),
        "organised": _repoint(session, Meeting, "organiser_id", merged_id, kept_id),
        "written": _repoint(session, Meeting, "rapporteur_id", merged_id, kept_id),
        "actions": _repoint(session, Action, "owner_id", merged_id, kept_id),
        "accounts": _repoint(session, User, "person_id", merged_id, kept_id),
        "feeds": _repoint(session, FeedToken, "person_id", merged_id, kept_id),
        "members": _repoint_members(session, merged_id, kept_id),
    }
    _repoint(session, PersonAlias, "person_id", merged_id, kept_id)
    for f in ("function", "email"):
        if not getattr(kept, f) and getattr(merged, f):
            setattr(kept, f, getattr(merged, f))
    before = {"merged": {"id": merged_id, **names(merged)}, "kept": {"id": kept_id, **names(kept)}}
    session.add(
        PersonAlias(
            person_id=kept_id,
            merged_id=merged_id,
            key=merged.key,
            last_name=merged.last_name,
            first_name=merged.first_name,
            entity=merged.entity,
            merged_by=by,
        )
    )
    session.add(kept)
    session.delete(merged)
    session.flush()
    events.emit(
        MERGED,
        session=session,
        object_type="person",
        object_id=str(kept_id),
        before=before,
        after={
            "kept": {"id": kept_id, **names(kept)},
            "references": moved,
            "participations_dropped_in_meetings": dropped,
        },
    )
    return kept


def _repoint(session: Session, model: Any, column: str, old: int, new: int) -> int:
    """Make every ``model.column`` naming ``old`` name ``new``; how many rows changed.
    Each record is loaded and changed through the session (not a bulk UPDATE), so that
    the audit log and the search outbox see it like any edit."""
    attr = getattr(model, column)
    found = session.exec(select(model).where(attr == old)).all()
    for row in found:
        setattr(row, column, new)
        session.add(row)
    session.flush()
    return len(found)


def _repoint_members(session: Session, old: int, new: int) -> int:
    """Members of organisation ``old`` become members of ``new`` (once each)."""
    already = set(
        session.exec(
            select(OrganisationMember.user_id).where(OrganisationMember.organisation_id == new)
        ).all()
    )
    found = session.exec(
        select(OrganisationMember).where(OrganisationMember.organisation_id == old)
    ).all()
    for row in found:
        if row.user_id in already:
            session.delete(row)
        else:
            row.organisation_id = new
            session.add(row)
    session.flush()
    return len(found)


def aliases(session: Session, person_id: int) -> list[PersonAlias]:
    """The people merged into ``person_id``, oldest merge first."""
    return list(
        session.exec(
            select(PersonAlias)
            .where(PersonAlias.person_id == person_id)
            .order_by(col(PersonAlias.merged_at), col(PersonAlias.id))
        ).all()
    )
