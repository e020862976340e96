"""``rida import --all``, second step: write a checked archive into an empty instance, with
the same ids, in the caller's transaction: the persons, series and glossaries, then each
meeting (:mod:`rida.exchange.archive.restore_meeting`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session, select

from rida.exchange.archive.kinds import Restoring
from rida.exchange.archive.layout import (
    KEPT_IDS,
    PEOPLE,
    SERIES,
    ArchiveError,
    count_rows,
    moment,
)
from rida.exchange.archive.reading import Loaded
from rida.exchange.archive.restore_meeting import restore_details, restore_meeting
from rida.meetings.people import person_key
from rida.models import (
    Meeting,
    Person,
    PersonAlias,
    Series,
    SeriesGlossary,
    SeriesMember,
    User,
    id_of,
)


def instance_contents(session: Session) -> dict[str, int]:
    """What an instance holds that an import would collide with (all zero: empty)."""
    return {
        "séries": count_rows(session, Series),
        "réunions": count_rows(session, Meeting),
        "personnes": count_rows(session, Person),
        "glossaires": count_rows(session, SeriesGlossary),
    }


@dataclass
class Restored:
    meetings: int
    warnings: list[str]


def restore(session: Session, loaded: Loaded) -> Restored:
    """Write the archive ``loaded`` into the instance of ``session`` (which must be empty
    of series, meetings and persons), keeping its ids; in the caller's transaction."""
    found = instance_contents(session)
    if any(found.values()):
        held = ", ".join(f"{n} {what}" for what, n in found.items() if n)
        raise ArchiveError(
            f"L'instance n'est pas vide ({held}) : « rida import --all » ne restaure une "
            "archive que dans une instance vide (une base neuve après « rida init »).",
            "not_empty",
        )
    users = {u.login: id_of(u) for u in session.exec(select(User)).all()}
    ctx = Restoring(users)
    try:
        warnings = _restore_shared(session, loaded, ctx)
        for ident, doc, side, _actions in loaded.meetings:
            restore_meeting(session, ident, doc, side, ctx)
        session.flush()
        for ident, doc, side, actions in loaded.meetings:
            restore_details(session, loaded, ident, doc, side, actions, ctx)
        session.flush()
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise ArchiveError(f"Archive incohérente : {type(e).__name__} {e}", "invalid") from None
    _move_sequences(session)
    return Restored(len(loaded.meetings), warnings)


def _restore_shared(session: Session, loaded: Loaded, ctx: Restoring) -> list[str]:
    warnings = []
    people = loaded.json(PEOPLE)
    for p in people:
        session.add(
            Person(
                id=p["id"],
                key=person_key(p["last_name"], p["first_name"], p["entity"]),
                last_name=p["last_name"],
                first_name=p["first_name"],
                entity=p["entity"],
                function=p["function"],
                email=p["email"],
            )
        )
    series = loaded.json(SERIES)
    for s in series["series"]:
        session.add(Series(id=s["id"], name=s["name"], created_at=moment(s["created_at"])))
    session.flush()
    for p in people:
        for a in p["aliases"]:
            session.add(
                PersonAlias(
                    person_id=p["id"],
                    merged_id=a["merged_id"],
                    key=person_key(a["last_name"], a["first_name"], a["entity"]),
                    last_name=a["last_name"],
                    first_name=a["first_name"],
                    entity=a["entity"],
                    merged_by=a["merged_by"],
                    merged_at=moment(a["merged_at"]),
                )
            )
    for s in series["series"]:
        for login in s["members"]:
            if login in ctx.users:
                session.add(SeriesMember(series_id=s["id"], user_id=ctx.users[login]))
            else:
                warnings.append(
                    f"Série « {s['name']} » : le compte « {login} » n'existe pas ici, "
                    "il n'en est pas membre (« rida user » pour le créer)."
                )
        for terms in s["glossary"]:
            session.add(SeriesGlossary(series_id=s["id"], terms=list(terms)))
    for terms in series["glossary"]:
        session.add(SeriesGlossary(series_id=None, terms=list(terms)))
    return warnings


def _move_sequences(session: Session) -> None:
    """PostgreSQL: the sequences of the tables whose ids were kept start after them (SQLite
    takes the largest id + 1 by itself)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in KEPT_IDS:
        session.connection().execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)'
            )
        )
