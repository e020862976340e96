"""The files of one meeting in an archive: its ``rida/1`` document, what the format does not
hold (``x-rida.json``), its actions with their history (JSON and CSV) and the files of each
kind (:data:`~rida.exchange.archive.kinds.MEETING_FILES`)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from rida.exchange.archive.kinds import MEETING_FILES
from rida.exchange.archive.layout import (
    ACTIONS,
    ACTIONS_CSV,
    DOCUMENT,
    HISTORY_CSV,
    SIDE,
    csv_bytes,
    iso,
    json_bytes,
)
from rida.exchange.exporting import export_document
from rida.models import (
    Action,
    ActionEvent,
    Meeting,
    Participation,
    Person,
    ReviewRound,
    RidaRow,
    id_of,
)


def meeting_files(
    session: Session, meeting: Meeting, logins: dict[int | None, str]
) -> dict[str, bytes]:
    """The files of ``meeting``, by path relative to its folder ``meetings/<id>/``."""
    ident = id_of(meeting)
    files = {DOCUMENT: json_bytes(export_document(session, meeting))}
    participations = session.exec(
        select(Participation)
        .where(Participation.meeting_id == ident)
        .order_by(col(Participation.position))
    ).all()
    rows = session.exec(
        select(RidaRow).where(RidaRow.meeting_id == ident).order_by(col(RidaRow.number))
    ).all()
    actions = session.exec(
        select(Action)
        .where(Action.meeting_id == ident)
        .order_by(col(Action.position), col(Action.id))
    ).all()
    rounds = session.exec(
        select(ReviewRound)
        .where(ReviewRound.meeting_id == ident)
        .order_by(col(ReviewRound.sent_at), col(ReviewRound.id))
    ).all()
    side: dict[str, Any] = {
        "id": ident,
        "series_id": meeting.series_id,
        "created_by": logins.get(meeting.created_by),
        "created_at": iso(meeting.created_at),
        "updated_at": iso(meeting.updated_at),
        "review_deadline": meeting.review_deadline.isoformat() if meeting.review_deadline else None,
        "organiser_id": meeting.organiser_id,
        "rapporteur_id": meeting.rapporteur_id,
        "participants": [
            {"uid": p.uid, "person_id": p.person_id, "position": p.position} for p in participations
        ],
        "rida": [{"number": r.number, "uid": r.uid} for r in rows],
        "review_rounds": [
            {
                "version": r.version,
                "deadline": r.deadline.isoformat(),
                "sent_by": r.sent_by_name,
                "sent_at": iso(r.sent_at),
            }
            for r in rounds
        ],
        "files": {},
    }
    for kind in MEETING_FILES:
        entries, kind_files = kind.dump(session, meeting)
        side["files"][kind.name] = entries
        files.update(kind_files)
    files[SIDE] = json_bytes(side)
    numbers = {r.id: r.number for r in rows}
    owners = {
        p.id: p
        for p in session.exec(
            select(Person).where(col(Person.id).in_({a.owner_id for a in actions} - {None}))
        ).all()
    }
    events: dict[int, list[ActionEvent]] = {}
    if actions:
        for e in session.exec(
            select(ActionEvent)
            .where(col(ActionEvent.action_id).in_([a.id for a in actions]))
            .order_by(col(ActionEvent.at), col(ActionEvent.id))
        ).all():
            events.setdefault(e.action_id, []).append(e)
    listed: list[dict[str, Any]] = [
        {
            "id": a.id,
            "uid": a.uid,
            "position": a.position,
            "title": a.title,
            "kind": a.kind,
            "owner_id": a.owner_id,
            "due_date": a.due_date.isoformat() if a.due_date else None,
            "status": a.status,
            "rida": numbers.get(a.row_id),
            "linked_meeting_id": a.linked_meeting_id,
            "history": [
                {
                    "at": iso(e.at),
                    "old_status": e.old_status,
                    "new_status": e.new_status,
                    "comment": e.comment,
                    "user": e.user_name,
                    "meeting_id": e.meeting_id,
                }
                for e in events.get(id_of(a), [])
            ],
        }
        for a in actions
    ]
    files[ACTIONS] = json_bytes(listed)

    def owner(a: Action) -> str:
        p = owners.get(a.owner_id)
        return (
            " ".join(filter(None, (p.first_name, p.last_name, p.entity and f"({p.entity})")))
            if p
            else ""
        )

    files[ACTIONS_CSV] = csv_bytes(
        ("Id", "Intitulé", "Type", "Porteur", "Échéance", "Statut", "Ligne RIDA", "Notes"),
        (
            (a.id, a.title, a.kind, owner(a), a.due_date, a.status, numbers.get(a.row_id), a.notes)
            for a in actions
        ),
    )
    files[HISTORY_CSV] = csv_bytes(
        (
            "Action",
            "Date (UTC)",
            "Ancien statut",
            "Nouveau statut",
            "Commentaire",
            "Par",
            "Réunion de suivi",
        ),
        (
            (
                a["id"],
                h["at"],
                h["old_status"],
                h["new_status"],
                h["comment"],
                h["user"],
                h["meeting_id"],
            )
            for a in listed
            for h in a["history"]
        ),
    )
    return files
