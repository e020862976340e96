"""The fixture world the security suite attacks: two series, meetings of every
classification (validated and draft) with rows, actions, participants and frozen versions,
one account per role, and calendar feeds (live, revoked, of a deactivated account).

Which account may read which meeting is written here by hand, from the rule stated in the
issue (public: every account; restricted: members of the series; confidential: its
participants with an account, its rapporteur, admins), independently of ``rida.access``.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import io
from dataclasses import dataclass, field

from flask import Flask
from PIL import Image
from sqlmodel import select

from rida import db, models, search
from rida.accounts import api_tokens, create_user, feed_tokens
from rida.circuit import versions
from rida.models import Action, Meeting, Participation, Person, RidaRow, Series, SeriesMember, User
from tests.conftest import PASSWORD, demo_document

SERIES_A = "Task Force qzseriesa"
SERIES_B = "Task Force qzseriesb"
PERSON_X = {
    "last_name": "XAVIER",
    "first_name": "Xena",
    "entity": "Org qzorgx",
    "function": "Participante X",
}
PERSON_Y = {
    "last_name": "YVELINES",
    "first_name": "Yann",
    "entity": "Org qzorgy",
    "function": "Participant Y",
}
ROLES = ("admin", "rapporteur", "rapporteur_b", "member", "reader", "anonymous")

# meeting key -> (series, classification, status); each key is also a marker written in
# the meeting's title, a row, an action and its notes, so that any leak shows in a body.
MEETINGS = {
    "qzpubval": (SERIES_A, "public", "validated"),
    "qzpubdft": (SERIES_A, "public", "draft"),
    "qzresadft": (SERIES_A, "restricted", "draft"),
    "qzresaval": (SERIES_A, "restricted", "validated"),
    "qzconfdft": (SERIES_A, "confidential", "draft"),
    "qzconfval": (SERIES_A, "confidential", "validated"),
    "qzresbdft": (SERIES_B, "restricted", "draft"),
}
PUBLIC = {"qzpubval", "qzpubdft"}
READS = {
    "admin": set(MEETINGS),
    "rapporteur": PUBLIC | {"qzresadft", "qzresaval"},  # member of series A
    "rapporteur_b": PUBLIC | {"qzresbdft"},  # member of series B
    "member": PUBLIC | {"qzconfdft", "qzconfval"},  # is person X, a participant
    "reader": set(PUBLIC),
    "anonymous": set(),
}
EDITORS = {"admin", "rapporteur", "rapporteur_b"}
# Rapporteurs edit the meetings of the series they are members of (SeriesMember below).
EDITS = {role: set() for role in ROLES} | {
    "admin": set(MEETINGS),
    "rapporteur": READS["rapporteur"],  # all of series A it reads
    "rapporteur_b": {"qzresbdft"},  # reads series A's public ones
}
# Series B has only a restricted meeting; series A has public ones.
SEES_SERIES_B = {"admin", "rapporteur_b"}
# Person X is named only in the confidential meetings; the people page is for editors.
SEES_PERSON_X = {"admin", "member"}


@dataclass
class Target:
    """One meeting of the world and the ids of its objects."""

    key: str
    id: int
    series_id: int
    validated: bool
    row_uid: str
    participant_uid: str
    action_uid: str
    action_id: int


@dataclass
class World:
    meetings: dict[str, Target]
    series: dict[str, int]
    person_x: int
    feeds: dict[str, tuple[int, str]] = field(default_factory=dict)  # name -> (id, token)
    users: dict[str, int] = field(default_factory=dict)
    # API tokens: a live one per account (named after its role), and the revoked, expired
    # and deactivated account's ones -> (prefix, token)
    tokens: dict[str, tuple[str, str]] = field(default_factory=dict)

    def values(self, target: Target) -> dict[str, object]:
        """A value for every URL parameter of the app, on ``target``'s objects."""
        return {
            "meeting_id": target.id,
            "uid": target.action_uid,
            "action_id": target.action_id,
            "name": "1.0",
            "fmt": "docx",
            "number": 1,
            "series_id": target.series_id,
            "person_id": self.person_x,
            "feed_id": self.feeds["rapporteur_a"][0],
            "token": "x",
            "filename": "style.css",
            "user_id": self.users["reader"],
            "prefix": self.tokens["rapporteur"][0],
        }

    def forbidden(self, role: str) -> list[Target]:
        return [t for k, t in self.meetings.items() if k not in READS[role]]

    def readable(self, role: str) -> list[Target]:
        return [t for k, t in self.meetings.items() if k in READS[role]]

    def markers_hidden_from(self, role: str) -> tuple[str, ...]:
        hidden = [k for k in MEETINGS if k not in READS[role]]
        if role not in SEES_SERIES_B:
            hidden.append("qzseriesb")
        if role not in SEES_PERSON_X:
            hidden += ["qzorgx", "qzorgy"]
        return tuple(hidden)


def tiny_png() -> str:
    image = io.BytesIO()
    Image.new("RGB", (4, 3), (10, 20, 30)).save(image, "PNG")
    return base64.b64encode(image.getvalue()).decode()


def meeting_document(key: str) -> dict:
    series, classification, status = MEETINGS[key]
    doc = copy.deepcopy(demo_document())
    doc |= {
        "series": series,
        "title": f"Réunion {key}",
        "subject": f"Objet {key}",
        "classification": classification,
        "status": status,
        "version": "1.0" if status == "validated" else "0.1",
    }
    doc["rida"][0]["subject"] = f"Sujet {key}"
    doc["rida"][0]["answer"] = f"Réponse {key} sur le financement"
    doc["actions"][0]["title"] = f"Action {key}"
    doc["actions"][0]["notes"] = f"Notes {key}"
    doc["actions"][0]["due_date"] = "2099-01-07"
    # Figure 1 (`/reunions/<id>/figures/1`), served only to the meeting's readers.
    doc["results"] = f"![Sondage {key}](figure:1)"
    doc["x-rida-figures"] = [{"number": 1, "data": tiny_png()}]
    if classification == "confidential":
        doc["participants"] += [
            PERSON_X | {"attendance": "present"},
            PERSON_Y | {"attendance": "present"},
        ]
        doc["actions"][0]["owner"] = dict(PERSON_X)
    return doc


def target_of(s, key: str, meeting: Meeting) -> Target:  # type: ignore[no-untyped-def]
    row = s.exec(
        select(RidaRow).where(RidaRow.meeting_id == meeting.id).order_by(RidaRow.number)
    ).first()
    part = s.exec(
        select(Participation)
        .where(Participation.meeting_id == meeting.id)
        .order_by(Participation.position)
    ).first()
    action = s.exec(
        select(Action).where(Action.meeting_id == meeting.id).order_by(Action.position)
    ).first()
    return Target(
        key,
        meeting.id,
        meeting.series_id,
        meeting.status == "validated",
        row.uid,
        part.uid,
        action.uid,
        action.id,
    )


def _user(s, login: str) -> User:  # type: ignore[no-untyped-def]
    return s.exec(select(User).where(User.login == login)).one()


def build(app: Flask) -> World:
    """Create the world in ``app``'s database (which has the template accounts) and index
    it for the search."""
    with app.app_context(), db.transaction() as s:
        found = {key: versions.import_document(s, meeting_document(key)) for key in MEETINGS}
        targets = {key: target_of(s, key, m) for key, m in found.items()}
        series = {
            name: s.exec(select(Series.id).where(Series.name == name)).one()
            for name in (SERIES_A, SERIES_B)
        }
        person_x = s.exec(select(Person.id).where(Person.last_name == "XAVIER")).one()
        create_user(s, "rapporteur_b", PASSWORD, "rapporteur")
        create_user(s, "departed", PASSWORD, "reader")
        users = {
            login: _user(s, login).id
            for login in ("admin", "rapporteur", "rapporteur_b", "member", "reader", "departed")
        }
        s.add(SeriesMember(series_id=series[SERIES_A], user_id=users["rapporteur"]))
        s.add(SeriesMember(series_id=series[SERIES_B], user_id=users["rapporteur_b"]))
        member = _user(s, "member")
        member.person_id = person_x
        s.add(member)
        s.flush()
        world = World(targets, series, person_x, users=users)
        for name, login, options in (
            ("rapporteur_a", "rapporteur", {"series_id": series[SERIES_A]}),
            ("rapporteur_b", "rapporteur_b", {"series_id": series[SERIES_B]}),
            ("member_mine", "member", {"mine": True}),
            ("revoked", "rapporteur", {"series_id": series[SERIES_A]}),
            ("departed", "departed", {"series_id": series[SERIES_A]}),
        ):
            feed, token = feed_tokens.create(s, _user(s, login), **options)
            world.feeds[name] = (feed.id, token)
        feed_tokens.revoke(s, _user(s, "rapporteur"), world.feeds["revoked"][0])
        for name, login in (
            *((r, r) for r in ROLES if r != "anonymous"),
            ("revoked", "rapporteur"),
            ("expired", "rapporteur"),
            ("departed", "departed"),
        ):
            record, token = api_tokens.create(
                s,
                _user(s, login),
                name=f"jeton {name}",
                expires_days=1 if name == "expired" else None,
            )
            world.tokens[name] = (record.prefix, token)
            if name == "expired":
                record.expires_at = models.utcnow() - dt.timedelta(minutes=1)
                s.add(record)
        api_tokens.revoke(s, world.tokens["revoked"][0])
        _user(s, "departed").active = False
    with app.app_context(), db.write_session(db.engine()) as s:
        search.index_meetings(s, [t.id for t in targets.values()])
    return world
