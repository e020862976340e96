"""rida's side of the search benchmark: its search facade, the query mix, the documents.

``Rida`` drives ``rida.search`` (``rebuild``, the change path, ``search``) inside the
app's context, with the app's engine (Whoosh or PostgreSQL), as the admin account (every
meeting) or as a reader (public meetings and the restricted ones of two series: the
access filter at work). ``documents`` reads the
same records rida indexes (RIDA rows, actions, meeting headers) for the reference engines.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from _common import summarise
from search_corpus import SERIES
from search_cpu import CpuClock
from search_engines import BenchQuery, Doc
from sqlmodel import Session, select

from rida.models import Action, Meeting, Participation, Person, RidaRow, Series, SeriesMember, User

D = dt.date
QUERIES = (
    BenchQuery("ANS", "organisation", "ANS"),
    BenchQuery("LIFEN", "organisation", "LIFEN"),
    BenchQuery("GCS SARA", "organisation", "GCS SARA"),
    BenchQuery("ENOVACOM", "organisation", "ENOVACOM"),
    BenchQuery("inducteurs de financement", "topic", "inducteurs de financement"),
    BenchQuery("preuves de déploiement", "topic", "preuves de déploiement"),
    BenchQuery("bilatéral", "topic", "bilatéral"),
    BenchQuery("conformite", "topic", "conformite"),
    BenchQuery("auto-configuration", "topic", "auto-configuration"),
    BenchQuery("hébergement données santé", "topic", "hébergement données santé"),
    BenchQuery("cloud souverain", "topic", "cloud souverain"),
    BenchQuery('"nombre de domaines"', "phrase", '"nombre de domaines"'),
    BenchQuery('"mise en conformité"', "phrase", '"mise en conformité"'),
    BenchQuery('"données de santé"', "phrase", '"données de santé"'),
    BenchQuery("prépar*", "operator", "prépar*"),
    BenchQuery("financement -Ségur", "operator", "financement -Ségur"),
    BenchQuery("financement | series", "filtered", "financement", series=(SERIES[0],)),
    BenchQuery("déploiement | nature D", "filtered", "déploiement", nature=("D",)),
    BenchQuery(
        "BAL | 2019-2020", "filtered", "BAL", date_from=D(2019, 1, 1), date_to=D(2020, 12, 31)
    ),
    BenchQuery(
        "ANS | series, nature A, 2022+",
        "filtered",
        "ANS",
        series=(SERIES[0],),
        nature=("A",),
        date_from=D(2022, 1, 1),
    ),
    BenchQuery("données | by date", "sorted", "données", sort="date"),
    BenchQuery("opérateurs messagerie | by date", "sorted", "opérateurs messagerie", sort="date"),
)


def update_word(word: str) -> BenchQuery:
    return BenchQuery(word, "update", word)


def timed_queries(
    search: Callable[[BenchQuery], tuple[int, list[str]]],
    repeat: int,
    clock: CpuClock | None = None,
) -> dict[str, Any]:
    """One warm-up pass of the mix, then ``repeat`` timed passes: the wall-time summary
    (``query``), the CPU-time one (``cpu``: this process, plus the database server's for
    PostgreSQL), per-query figures and each query's total."""
    clock = clock or CpuClock()
    totals = {q.label: search(q)[0] for q in QUERIES}
    clock.refresh()
    wall: dict[str, list[float]] = {q.label: [] for q in QUERIES}
    cpu: dict[str, list[float]] = {q.label: [] for q in QUERIES}
    for _ in range(repeat):
        for q in QUERIES:
            started = clock.start()
            search(q)
            spent = clock.stop(started)
            wall[q.label].append(spent[0])
            cpu[q.label].append(spent[1])
    per_query = [
        {
            "label": q.label,
            "category": q.category,
            "total": totals[q.label],
            **summarise(wall[q.label]),
            "cpu_p50_ms": summarise(cpu[q.label])["p50_ms"],
        }
        for q in QUERIES
    ]
    return {
        "query": summarise([s for v in wall.values() for s in v]),
        "cpu": summarise([s for v in cpu.values() for s in v]),
        "cpu_includes_server": clock.server,
        "per_query": per_query,
        "totals": totals,
    }


# --- Documents for the reference engines -------------------------------------------------


def _person(p: Person | None) -> str:
    return " ".join(x for x in (p.first_name, p.last_name, p.entity) if x) if p else ""


def _docs(s: Session, meetings: list[Meeting]) -> list[Doc]:
    ids = [m.id for m in meetings]
    series = {x.id: x.name for x in s.exec(select(Series))}
    people = {p.id: p for p in s.exec(select(Person))}
    found: list[Doc] = []
    by_meeting = {m.id: m for m in meetings}
    attendees: dict[int, list[str]] = {}
    for p in s.exec(select(Participation).where(Participation.meeting_id.in_(ids))):
        attendees.setdefault(p.meeting_id, []).append(_person(people.get(p.person_id)))
    for m in meetings:
        header = [
            series[m.series_id],
            m.title,
            m.subject,
            m.meeting_type,
            *m.objectives,
            m.summary,
            *m.comments,
            *attendees.get(m.id, []),
            m.date.isoformat(),
            m.status,
            m.classification,
        ]
        found.append(
            Doc(
                f"meeting:{m.id}",
                m.id,
                "meeting",
                None,
                series[m.series_id],
                "",
                m.date,
                "\n".join(header),
            )
        )
    for r in s.exec(select(RidaRow).where(RidaRow.meeting_id.in_(ids))):
        m = by_meeting[r.meeting_id]
        text = "\n".join((r.subject, r.question, r.answer, r.nature or "", str(r.number)))
        found.append(
            Doc(
                f"row:{m.id}:{r.number}",
                m.id,
                "row",
                r.number,
                series[m.series_id],
                r.nature or "",
                m.date,
                text,
            )
        )
    for a in s.exec(select(Action).where(Action.meeting_id.in_(ids))):
        m = by_meeting[a.meeting_id]
        text = "\n".join(
            (
                a.title,
                a.notes,
                _person(people.get(a.owner_id)),
                a.status,
                a.due_date.isoformat() if a.due_date else "",
            )
        )
        found.append(
            Doc(f"action:{a.id}", m.id, "action", None, series[m.series_id], "", m.date, text)
        )
    return found


def documents(app: Any) -> list[Doc]:
    """Every meeting header, RIDA row and action, read in batches of 500 meetings."""
    found: list[Doc] = []
    with Session(app.extensions["rida.engine"]) as s:
        ids = list(s.exec(select(Meeting.id).order_by(Meeting.id)))
        for i in range(0, len(ids), 500):
            batch = list(s.exec(select(Meeting).where(Meeting.id.in_(ids[i : i + 500]))))
            found += _docs(s, batch)
    return found


def row_document(app: Any, meeting_id: int, number: int) -> Doc:
    with Session(app.extensions["rida.engine"]) as s:
        meeting = s.get(Meeting, meeting_id)
        key = f"row:{meeting_id}:{number}"
        return next(d for d in _docs(s, [meeting]) if d.key == key)


# --- rida's search through its facade ------------------------------------------------------


class Rida:
    """One rida app and its search engine (``name``: whoosh or postgresql)."""

    def __init__(self, app: Any, name: str, application: str | None = None) -> None:
        from rida import search as facade

        self.app, self.facade, self.name = app, facade, name
        self.engine = app.extensions["rida.engine"]
        self.clock = CpuClock(self.engine if application else None, application)
        with Session(self.engine, expire_on_commit=False) as s:
            admin = User(login="bench-admin", password_hash="-", role="admin")
            reader = User(login="bench-reader", password_hash="-", role="reader")
            s.add_all([admin, reader])
            s.flush()
            for series in s.exec(select(Series).where(Series.name.in_(SERIES[:2]))):
                s.add(SeriesMember(series_id=series.id, user_id=reader.id))
            s.commit()
            self.admin, self.reader = admin, reader
            self.meeting_ids = list(s.exec(select(Meeting.id).order_by(Meeting.id)))

    def build(self) -> float:
        with self.app.app_context(), Session(self.engine) as s:
            start = time.perf_counter()
            self.facade.rebuild(s)
            return round(time.perf_counter() - start, 2)

    def doc_count(self) -> int:
        with self.app.app_context():
            return int(self.facade.backend().doc_count())

    def _search(self, user: User, q: BenchQuery) -> tuple[int, list[str]]:
        f = self.facade
        query = f.Query(
            q.text,
            f.Filters(series=q.series, nature=q.nature, date_from=q.date_from, date_to=q.date_to),
            sort=q.sort,
        )
        with self.app.app_context(), Session(self.engine) as s:
            found = f.search(s, user, query)
        keys = [
            f"row:{h.meeting}:{h.row}"
            if h.kind == "row"
            else f"action:{h.action}"
            if h.kind == "action"
            else f"meeting:{h.meeting}"
            for h in found.hits
        ]
        return found.total, keys

    def search(self, q: BenchQuery) -> tuple[int, list[str]]:
        return self._search(self.admin, q)

    def as_reader(self) -> Callable[[BenchQuery], tuple[int, list[str]]]:
        return lambda q: self._search(self.reader, q)

    def change_row(self, i: int) -> tuple[int, str]:
        """Append a new word to row 1 of a meeting, committed as the app commits (Whoosh:
        the outbox entry in the same transaction, the indexer thread woken; PostgreSQL:
        the index itself in the same transaction); returns (meeting, word)."""
        from rida import db

        meeting_id = self.meeting_ids[(i * 7919) % len(self.meeting_ids)]
        word = f"zorglub{chr(97 + i // 26 % 26)}{chr(97 + i % 26)}ik"
        with self.app.app_context(), db.transaction() as s:
            row = s.exec(
                select(RidaRow).where(RidaRow.meeting_id == meeting_id, RidaRow.number == 1)
            ).one()
            row.answer = f"{row.answer} {word}"
            row.revision += 1
        return meeting_id, word
