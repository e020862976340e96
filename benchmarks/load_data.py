"""The data of the load test: what ``rida serve`` finds in its data dir when the load starts.

In process, on the data dir the server will use (before it starts): the demo compte-rendu,
a synthetic archive (``search.fill``: ``search_corpus.workshops``, 80 % public meetings in
8 series), the rapporteurs' draft meetings, the accounts, and a search index rebuilt from
all of it (so that the server's indexer starts with an empty outbox).

- Rapporteurs ``redacteurNN`` (role ``rapporteur``), two per draft meeting (``per_meeting``)
  in the restricted series « Task Force Charge », of which they are all members. Each
  rapporteur writes mostly in its own rows (rows ``slot``, ``slot + per_meeting``…) and
  sometimes in its co-rapporteur's: a meeting shared by two people is what produces the
  editor's 409 conflicts, so the retry path is part of what is measured.
- Readers ``lecteurNN`` (role ``reader``), each a member of two archive series (their
  restricted meetings are readable too: the access filter at work in every search).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import ROOT, meeting_document
from search import fill
from search_corpus import SERIES

DEMO = ROOT / "rida" / "fixtures" / "demo_tf_mssante_2022-01-07.json"
LOAD_SERIES = "Task Force Charge"
ROWS_PER_MEETING = 12
PASSWORD = "charge-" + secrets.token_hex(8)


@dataclass
class Row:
    uid: str
    number: int
    revision: int
    answer: str


@dataclass
class DraftMeeting:
    id: int
    rapporteurs: list[str]
    rows: list[Row] = field(default_factory=list)


@dataclass
class Plan:
    rapporteurs: list[str] = field(default_factory=list)
    readers: list[str] = field(default_factory=list)
    meetings: list[DraftMeeting] = field(default_factory=list)
    archive: dict[str, Any] = field(default_factory=dict)
    password: str = PASSWORD

    def meeting_of(self, login: str) -> tuple[DraftMeeting, int]:
        """The meeting ``login`` writes in, and its slot (0 = first rapporteur)."""
        for m in self.meetings:
            if login in m.rapporteurs:
                return m, m.rapporteurs.index(login)
        raise KeyError(login)


def _app(env: dict[str, str]) -> Any:
    from rida import create_app

    data = Path(env["RIDA_DATA_DIR"])
    return create_app(
        {
            "DATA_DIR": data,
            "EXPORT_DIR": Path(env["RIDA_EXPORT_DIR"]),
            "DATABASE_URL": env.get("RIDA_DATABASE_URL") or f"sqlite:///{data / 'rida.sqlite3'}",
            "SECRET_KEY": env["RIDA_SECRET_KEY"],
            "SEARCH_INDEXER": False,
        }
    )


def _draft(number: int, seed: int) -> dict[str, Any]:
    doc = meeting_document(ROWS_PER_MEETING, seed=seed + number, date="2026-11-23")
    doc.update(
        series=LOAD_SERIES,
        classification="restricted",
        status="draft",
        title=f"Atelier de charge n° {number}",
    )
    return doc


def prepare(
    env: dict[str, str],
    plan: Plan,
    *,
    rapporteurs: int,
    readers: int,
    rows: int,
    per_meeting: int,
    seed: int,
) -> None:
    """Fill the data dir of ``env`` and record in ``plan`` what the clients need."""
    from sqlmodel import select

    from rida import accounts, search
    from rida.circuit import versions
    from rida.db import write_session
    from rida.models import Series, SeriesMember, User

    app = _app(env)
    engine = app.extensions["rida.engine"]
    try:
        with write_session(engine) as s:
            admin = s.exec(select(User).where(User.role == "admin")).first()
            versions.import_document(s, json.loads(DEMO.read_text(encoding="utf-8")), admin)
        plan.archive = fill(app, rows, seed) if rows else {"rows": 0}
        with write_session(engine) as s:
            series = {x.name: x.id for x in s.exec(select(Series))}
            for i in range(readers):
                user = accounts.create_user(s, f"lecteur{i + 1:02d}", plan.password, "reader")
                plan.readers.append(user.login)
                for name in (SERIES[i % len(SERIES)], SERIES[(i + 3) % len(SERIES)]):
                    if name in series:
                        s.add(SeriesMember(series_id=series[name], user_id=user.id))
            users = [
                accounts.create_user(s, f"redacteur{i + 1:02d}", plan.password, "rapporteur")
                for i in range(rapporteurs)
            ]
            plan.rapporteurs = [u.login for u in users]
            load_series = Series(name=LOAD_SERIES)  # the rapporteurs' series: all members
            s.add(load_series)
            s.flush()
            for u in users:
                s.add(SeriesMember(series_id=load_series.id, user_id=u.id))
            s.flush()
            for k in range(0, rapporteurs, per_meeting):
                group = users[k : k + per_meeting]
                meeting = versions.import_document(s, _draft(k // per_meeting + 1, seed), group[0])
                plan.meetings.append(DraftMeeting(meeting.id, [u.login for u in group]))
        _read_rows(engine, plan)
        with app.app_context(), write_session(engine) as s:
            search.rebuild(s)
    finally:
        engine.dispose()


def _read_rows(engine: Any, plan: Plan) -> None:
    from sqlmodel import Session, select

    from rida.models import RidaRow

    with Session(engine) as s:
        for m in plan.meetings:
            found = s.exec(
                select(RidaRow).where(RidaRow.meeting_id == m.id).order_by(RidaRow.number)
            )
            m.rows = [Row(r.uid, r.number, r.revision, r.answer) for r in found]
