"""The live stream through the real server: ``rida serve`` in a subprocess, viewers reading
``GET /api/meetings/<id>/events`` over plain HTTP while editors change the meeting through
the JSON API (or, for a command's change, straight in the database from this process).

No timing is asserted: each read waits up to a generous timeout (tests/live_support.py).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import select

from rida import db, exchange
from rida.accounts import api_tokens, create_user
from rida.live import retention
from rida.meetings import editing
from rida.models import Action, Meeting, Participation, RidaRow, Series, User, utcnow
from tests.conftest import draft_document, make_app
from tests.live_support import Server, Session, Stream

_logins = itertools.count(1)


@dataclass
class Live:
    server: Server
    app: Flask  # the same database, from this process
    streams: list[Stream] = field(default_factory=list)

    def session(self, login: str | None = None) -> Session:
        return Session(self.server.port).login(login or self.account("reader"))

    def account(self, role: str) -> str:
        """A new account (its own stream count): its login."""
        login = f"live{role}{next(_logins)}"
        with self.app.app_context(), db.transaction() as s:
            create_user(s, login, "correct horse battery", role)
        return login

    def meeting(self, **header: str) -> int:
        """A new draft meeting (the demo's content) of the demo's series."""
        with self.app.app_context(), db.transaction() as s:
            return exchange.import_document(s, draft_document() | header).id

    def watch(self, session: Session, meeting_id: int, **kwargs: object) -> Stream:
        stream = session.watch(meeting_id, **kwargs)  # type: ignore[arg-type]
        self.streams.append(stream)
        return stream

    def rows(self, meeting_id: int) -> list[RidaRow]:
        with self.app.app_context(), db.write_session(db.engine()) as s:
            return editing.rows_of(s, meeting_id)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("live")
    server = Server(
        root / "data",
        template_db,
        RIDA_LIVE_MAX_STREAMS_PER_ACCOUNT="4",
        RIDA_LIVE_MAX_STREAMS_PER_MEETING="5",
    )
    yield server
    server.stop()


@pytest.fixture
def live(server: Server) -> Iterator[Live]:
    app = make_app(server.data_dir)
    found = Live(server, app)
    yield found
    for stream in found.streams:
        stream.close()
    with app.app_context():
        db.engine().dispose()


def hello(stream: Stream) -> int:
    assert stream.status == 200
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert stream.headers["cache-control"] == "no-store"
    assert stream.headers["x-accel-buffering"] == "no"
    event = stream.next()
    assert event is not None and event["event"] == "hello", event
    assert event["id"] == str(event["data"]["seq"])
    return int(event["data"]["seq"])


def test_a_viewer_sees_each_change_once_committed(live: Live):
    meeting = live.meeting()
    editor = live.session("admin")
    viewer = live.watch(live.session(), meeting)
    start = hello(viewer)
    first, second = (r.uid for r in live.rows(meeting)[:2])
    base = f"/api/meetings/{meeting}"

    added = editor.send("POST", f"{base}/rows", {"fields": {"subject": "Nouveau"}, "after": first})
    uid = added.json()["row"]["uid"]
    create, order = viewer.changes(2)
    assert create["seq"] > start
    assert (create["kind"], create["op"], create["uid"]) == ("row", "create", uid)
    assert create["revision"] == 1 and create["fields"] == []
    assert create["data"] == added.json()["row"]
    assert create["by"] == {"login": "admin", "name": "admin"}
    assert create["at"].endswith("+00:00")
    assert (order["kind"], order["op"], order["uid"]) == ("row", "order", None)
    assert order["data"]["order"][:3] == [first, uid, second]

    editor.send("PATCH", f"{base}/rows/{uid}", {"revision": 1, "fields": {"answer": "Oui."}})
    [update] = viewer.changes(1)
    assert (update["op"], update["fields"], update["revision"]) == ("update", ["answer"], 2)
    assert update["data"]["answer"] == "Oui." and update["data"]["number"] == 2

    # A move renumbers two rows: one order event, then the next change (not one per row).
    editor.send("POST", f"{base}/rows/{uid}/move", {"direction": "down"})
    editor.send("POST", f"{base}/presence", {"row": uid, "state": "here"})
    moved, presence = viewer.changes(2)
    assert (moved["kind"], moved["op"]) == ("row", "order")
    assert moved["data"]["order"][:3] == [first, second, uid]
    assert (presence["kind"], presence["op"], presence["uid"]) == ("presence", "here", uid)
    assert presence["data"] == {"user": {"login": "admin", "name": "admin"}, "row": uid}

    editor.send("PATCH", base, {"fields": {"title": "Atelier en direct"}})
    [header] = viewer.changes(1)
    assert (header["kind"], header["op"], header["fields"]) == ("meeting", "update", ["title"])
    assert header["data"]["title"] == "Atelier en direct" and header["data"]["id"] == meeting

    with live.app.app_context(), db.write_session(db.engine()) as s:
        action = s.exec(select(Action).where(Action.meeting_id == meeting)).first()
        attending = select(Participation).where(Participation.meeting_id == meeting)
        participant = s.exec(attending).first()
    editor.send("POST", f"/api/actions/{action.id}/status", {"status": "done"})
    [status] = viewer.changes(1)
    assert (status["kind"], status["op"], status["uid"]) == ("action", "status", action.uid)
    assert status["fields"] == ["status"] and status["data"]["status"] == "done"

    editor.send(
        "PATCH",
        f"{base}/participants/{participant.uid}",
        {"revision": participant.revision, "fields": {"attendance": "excused"}},
    )
    [attendance] = viewer.changes(1)
    assert (attendance["kind"], attendance["fields"]) == ("participant", ["attendance"])
    assert attendance["data"]["attendance"] == "excused"

    editor.send("DELETE", f"{base}/rows/{first}")
    deleted, renumbered = viewer.changes(2)
    assert (deleted["op"], deleted["uid"], deleted["data"]) == ("delete", first, {"uid": first})
    assert renumbered["op"] == "order" and first not in renumbered["data"]["order"]
    seqs = [e["seq"] for e in (create, order, update, moved, presence, header, status)]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


def test_last_event_id_replays_exactly_what_was_missed(live: Live):
    meeting, other = live.meeting(), live.meeting()
    editor, reader = live.session("admin"), live.session()
    uid = live.rows(meeting)[0].uid
    path = f"/api/meetings/{meeting}/rows/{uid}"

    def save(revision: int) -> None:
        fields = {"answer": f"v{revision}"}
        answer = editor.send("PATCH", path, {"revision": revision, "fields": fields})
        assert answer.status == 200, answer.body

    first = live.watch(reader, meeting)
    start = hello(first)
    save(1)
    [seen] = first.changes(1)
    first.close()
    save(2)  # missed
    editor.send("PATCH", f"/api/meetings/{other}", {"fields": {"title": "Ailleurs"}})
    save(3)  # missed
    again = live.watch(reader, meeting, since=seen["seq"])
    assert again.status == 200
    missed = again.changes(2)
    assert [c["data"]["answer"] for c in missed] == ["v2", "v3"]
    save(4)  # live again: after the replay, no duplicate
    [after] = again.changes(1)
    assert after["data"]["answer"] == "v4"
    assert [seen["seq"], *(c["seq"] for c in missed), after["seq"]] == sorted(
        {seen["seq"], *(c["seq"] for c in missed), after["seq"]}
    )
    # ?since= (a client that cannot set the header) from the hello: all four, in order.
    from_query = live.watch(reader, meeting, since=start, query=True)
    assert [c["data"]["answer"] for c in from_query.changes(4)] == ["v1", "v2", "v3", "v4"]
    # A change made by another process (a command): the server's follower polls for it.
    with live.app.app_context(), db.transaction() as s:
        row = editing.find_row(s, meeting, uid)
        editing.update_row(s, row, row.revision, {"answer": "v5"})
    [latest] = again.changes(1)
    assert latest["data"]["answer"] == "v5"
    assert [c["data"]["answer"] for c in from_query.changes(1)] == ["v5"]
    # Beyond the log (a restored database): a fresh start, the client reloads the meeting.
    assert hello(live.watch(reader, meeting, since=10**12)) == latest["seq"]
    bad = live.watch(reader, meeting, since="abc", query=True)  # type: ignore[arg-type]
    assert bad.status == 400 and bad.body()["errors"][0]["path"] == "since"


def test_a_stream_older_than_the_pruned_log_starts_afresh(live: Live):
    meeting = live.meeting()
    editor, reader = live.session("admin"), live.session()
    uid = live.rows(meeting)[0].uid
    path = f"/api/meetings/{meeting}/rows/{uid}"
    first = live.watch(reader, meeting)
    start = hello(first)
    for revision in (1, 2):
        answer = editor.send(
            "PATCH", path, {"revision": revision, "fields": {"answer": f"v{revision}"}}
        )
        assert answer.status == 200, answer.body
    seen = first.changes(2)
    first.close()
    later = utcnow() + dt.timedelta(days=3)
    with live.app.app_context():
        assert retention.prune(db.engine(), 48, now=later) > 0  # all but the newest
    # From before the pruning: the client reloads the meeting (hello), nothing is skipped
    # silently; from the newest entry kept: a plain catch-up.
    assert hello(live.watch(reader, meeting, since=start)) == seen[-1]["seq"]
    kept = live.watch(reader, meeting, since=seen[-1]["seq"])
    answer = editor.send("PATCH", path, {"revision": 3, "fields": {"answer": "y"}})
    assert answer.status == 200, answer.body
    [after] = kept.changes(1)
    assert after["data"]["answer"] == "y"


def test_only_readers_of_the_meeting_may_watch_it(live: Live):
    confidential = live.meeting(classification="confidential")
    public = live.meeting()
    reader = live.session()
    refused = live.watch(reader, confidential)
    assert refused.status == 404
    assert live.watch(reader, 987654).status == 404
    assert live.watch(Session(live.server.port), public).status == 401
    with live.app.app_context(), db.transaction() as s:
        user = s.exec(select(User).where(User.login == "reader")).one()
        _, token = api_tokens.create(s, user, name="direct")
    script = Session(live.server.port, bearer=token)
    hello(live.watch(script, public))
    assert live.watch(script, confidential).status == 404
    assert live.watch(Session(live.server.port, bearer=token + "x"), public).status == 401


def closed(stream: Stream) -> dict:
    event = stream.next()
    assert event is not None and event["event"] == "closed", event
    assert stream.next() is None  # and the stream ends
    return event["data"]


def test_a_logout_closes_the_streams_of_that_session_only(live: Live):
    meeting = live.meeting()
    login = live.account("reader")
    leaving, staying = live.session(login), live.session(login)
    gone, kept = live.watch(leaving, meeting), live.watch(staying, meeting)
    hello(gone), hello(kept)
    leaving.logout()
    assert closed(gone) == {
        "reason": "Vous vous êtes déconnecté : le direct est fermé.",
        "code": "logout",
    }
    live.session("admin").send("PATCH", f"/api/meetings/{meeting}", {"fields": {"title": "Suite"}})
    [change] = kept.changes(1)
    assert change["data"]["title"] == "Suite"


def test_making_an_account_sso_only_ends_its_password_sessions_and_streams(live: Live):
    """The administrator's toggle on /admin/comptes: the account's open password session
    is logged out at its next request, and its live stream closes."""
    meeting = live.meeting()
    login = live.account("member")
    member, admin = live.session(login), live.session("admin")
    stream = live.watch(member, meeting)
    hello(stream)
    with live.app.app_context(), db.write_session(db.engine()) as s:
        user_id = s.exec(select(User).where(User.login == login)).one().id
    from urllib.parse import urlencode

    answer = admin.request(
        "POST",
        f"/admin/comptes/{user_id}/fournisseur-uniquement",
        urlencode({"sso_only": "1", "csrf_token": admin.csrf}).encode(),
        **{"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status == 302, answer.body
    assert closed(stream) == {
        "reason": "Votre session a pris fin : reconnectez-vous.",
        "code": "session",
    }
    assert member.request("GET", "/api/session").status == 401
    home = member.request("GET", "/")
    assert home.status == 302 and "/connexion" in home.headers["location"]
    assert admin.request("GET", "/api/session").status == 200  # the admin's own stays


def test_losing_the_series_membership_closes_the_stream(live: Live):
    restricted = live.meeting(classification="restricted")
    login = live.account("member")
    admin = live.session("admin")
    with live.app.app_context(), db.write_session(db.engine()) as s:
        user = s.exec(select(User).where(User.login == login)).one()
        series = s.get(Meeting, restricted).series_id
        assert s.get(Series, series) is not None
    form = {"series_id": str(series), "csrf_token": admin.csrf}

    def membership(action: str) -> None:
        from urllib.parse import urlencode

        body = urlencode(form | {"action": action}).encode()
        answer = admin.request(
            "POST",
            f"/admin/comptes/{user.id}/series",
            body,
            **{"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert answer.status == 302, answer.body

    membership("add")
    stream = live.watch(live.session(login), restricted)
    hello(stream)
    membership("remove")
    assert closed(stream) == {"reason": "Vous n'avez plus accès à cette réunion.", "code": "access"}


def test_a_meeting_turned_confidential_closes_its_readers_streams(live: Live):
    meeting = live.meeting()
    stream = live.watch(live.session(), meeting)
    hello(stream)
    answer = live.session("admin").send(
        "PATCH", f"/api/meetings/{meeting}", {"fields": {"classification": "confidential"}}
    )
    assert answer.status == 200
    # Closed before the header change is shown: the reader no longer reads the meeting.
    assert closed(stream)["code"] == "access"


def test_too_many_streams_answer_429_with_a_french_message(live: Live):
    meeting, crowded = live.meeting(), live.meeting()
    viewer = live.session()
    open_ = [live.watch(viewer, meeting) for _ in range(4)]
    for stream in open_:
        hello(stream)
    refused = live.watch(viewer, meeting)
    assert refused.status == 429
    assert refused.body() == {
        "error": "too_many_streams",
        "message": "Trop de flux en direct sont ouverts avec votre compte (4 au plus) : "
        "fermez des onglets de réunion.",
    }
    others = [live.session() for _ in range(2)]
    for stream in [live.watch(others[0], crowded) for _ in range(4)] + [
        live.watch(others[1], crowded)
    ]:
        hello(stream)
    full = live.watch(others[1], crowded)
    assert full.status == 429
    assert "Trop de personnes suivent cette réunion en direct (5 au plus)" in full.body()["message"]
    # A closed stream gives its place back (once the server notices: within a second).
    open_[0].close()
    while (again := live.watch(viewer, meeting)).status == 429:
        again.close()
    hello(again)


def test_stopping_the_server_ends_the_streams(tmp_path: Path, template_db: Path):
    server = Server(tmp_path / "data", template_db)
    try:
        app = make_app(server.data_dir)
        with app.app_context(), db.transaction() as s:
            meeting = exchange.import_document(s, draft_document()).id
        stream = Session(server.port).login("reader").watch(meeting)
        hello(stream)
    finally:
        assert server.stop() == 0
    assert stream.next() is None
    stream.close()
    with app.app_context():
        db.engine().dispose()


def test_a_room_link_streams_what_the_live_view_shows_until_revoked(live: Live):
    """A projector without an account (``?room=<token>``): the header, participants and
    rows, no actions, no login; a revoked link closes the stream."""
    from rida.live import changes, room

    meeting = live.meeting()
    with live.app.app_context(), db.transaction() as s:
        admin = s.exec(select(User).where(User.login == "admin")).one()
        _link, token = room.create(s, s.get_one(Meeting, meeting), admin)
    anonymous = Session(live.server.port)
    refused = anonymous.request("GET", f"/api/meetings/{meeting}/events?room=x{token}")
    assert (
        refused.status == 404
        and refused.json()["message"] == "Ce lien de salle n'est plus valable."
    )
    with live.app.app_context(), db.read_session(db.engine()) as s:
        since = changes.last_seq(s)  # as the live page gives it: the server's follower,
        # which polls SQLite, may not have seen the meeting's creation yet
    stream = Stream(
        live.server.port,
        f"/api/meetings/{meeting}/events?room={token}&since={since}",
        {"Accept": "text/event-stream"},
    )
    live.streams.append(stream)
    assert stream.status == 200  # with ?since=, no hello: what follows it comes
    editor = live.session("admin")
    first = live.rows(meeting)[0]
    editor.send("POST", f"/api/meetings/{meeting}/actions", {"fields": {"title": "Action cachée"}})
    editor.send(
        "PATCH",
        f"/api/meetings/{meeting}/rows/{first.uid}",
        {"revision": first.revision, "fields": {"answer": "Vu en salle"}},
    )
    change = stream.changes(1)[0]  # the action is not sent to the room
    assert (change["kind"], change["data"]["answer"]) == ("row", "Vu en salle")
    assert change["by"]["name"] and change["by"]["login"] != "admin"
    with live.app.app_context(), db.transaction() as s:
        room.revoke(s, s.get_one(Meeting, meeting), admin)
    assert closed(stream) == {"reason": "Ce lien de salle n'est plus valable.", "code": "room"}
