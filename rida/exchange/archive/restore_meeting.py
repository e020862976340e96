"""``rida import --all``: one meeting of a checked archive written back, with its ids and
uids: the meeting, then its participants, RIDA rows, actions and their history, review
rounds and the files of each kind (:data:`~rida.exchange.archive.kinds.MEETING_FILES`)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from rida.exchange.archive.kinds import MEETING_FILES, RestoredMeeting, Restoring
from rida.exchange.archive.layout import MEETINGS, day, moment
from rida.exchange.archive.reading import Loaded
from rida.exchange.importing import header_values, rida_row
from rida.exchange.validation import extensions
from rida.models import (
    Action,
    ActionEvent,
    Meeting,
    Participation,
    Person,
    ReviewRound,
)

_NOBODY = Person(id=0, key="")


def restore_meeting(
    session: Session, ident: int, doc: dict[str, Any], side: dict[str, Any], ctx: Restoring
) -> None:
    """The meeting ``ident`` itself (its header; persons by id)."""
    values = header_values(doc, lambda _p: _NOBODY)  # persons: by id, from x-rida.json
    values.update(organiser_id=side["organiser_id"], rapporteur_id=side["rapporteur_id"])
    session.add(
        Meeting(
            id=ident,
            series_id=side["series_id"],
            created_by=ctx.user_id(side["created_by"]),
            review_deadline=day(side["review_deadline"]),
            created_at=moment(side["created_at"]),
            updated_at=moment(side["updated_at"]),
            **values,
        )
    )


def restore_details(
    session: Session,
    loaded: Loaded,
    ident: int,
    doc: dict[str, Any],
    side: dict[str, Any],
    actions: list[dict[str, Any]],
    ctx: Restoring,
) -> None:
    if len(doc["participants"]) != len(side["participants"]) or len(doc["actions"]) != len(actions):
        raise ValueError(f"réunion {ident} : participants ou actions en nombre différent")
    for p, extra in zip(doc["participants"], side["participants"], strict=True):
        session.add(
            Participation(
                uid=extra["uid"],
                meeting_id=ident,
                person_id=extra["person_id"],
                position=extra["position"],
                attendance=p["attendance"],
                function=p["function"] or "",
                extensions=extensions(p),
            )
        )
    uids = {r["number"]: r["uid"] for r in side["rida"]}
    rows = {}
    for r in doc["rida"]:
        row = rida_row(ident, r)
        row.uid = uids[r["number"]]
        session.add(row)
        rows[r["number"]] = row
    session.flush()
    for a, extra in zip(doc["actions"], actions, strict=True):
        session.add(
            Action(
                id=extra["id"],
                uid=extra["uid"],
                meeting_id=ident,
                position=extra["position"],
                title=a["title"],
                kind=a["kind"],
                owner_id=extra["owner_id"],
                owner_function=(a["owner"] or {}).get("function") or "",
                due_date=day(a["due_date"]),
                status=a["status"],
                row_id=rows[a["rida"]].id if a["rida"] is not None else None,
                notes=a["notes"] or "",
                extensions=extensions(a),
                linked_meeting_id=extra["linked_meeting_id"],
            )
        )
    session.flush()
    for extra in actions:
        for h in extra["history"]:
            session.add(
                ActionEvent(
                    action_id=extra["id"],
                    meeting_id=h["meeting_id"],
                    old_status=h["old_status"],
                    new_status=h["new_status"],
                    comment=h["comment"],
                    user_id=ctx.user_id(h["user"]),
                    user_name=h["user"],
                    at=moment(h["at"]),
                )
            )
    for r in side["review_rounds"]:
        session.add(
            ReviewRound(
                meeting_id=ident,
                version=r["version"],
                deadline=day(r["deadline"]),
                sent_by=ctx.user_id(r["sent_by"]),
                sent_by_name=r["sent_by"],
                sent_at=moment(r["sent_at"]),
            )
        )
    base = f"{MEETINGS}/{ident}"
    into = RestoredMeeting(session, ident, lambda name: loaded.read(f"{base}/{name}"), ctx)
    for kind in MEETING_FILES:
        kind.restore(into, side["files"].get(kind.name, []))
