"""The live view in headless Chromium (Playwright): large type, reflow at 320 px, and the
changes of the stream applied in place.

The real app is served by a real HTTP server (werkzeug, threaded, in this process) on a
copy of the test database, so that a test can change the meeting through the JSON API and
register, on the same app, a scripted change stream (``/test-stream/<id>``): the page is
pointed at it by rewriting its ``data-stream-url`` (Playwright ``page.route``), and the
test sends exactly the events of the stream's contract (``hello``, ``change``, ``closed``,
``id:`` = seq, heartbeats as comments) after each change it makes.

``test_with_the_real_change_stream`` runs against the real stream,
``GET /api/meetings/<id>/events``, made on another branch: until that branch is merged
the route does not exist and the test is skipped (CI, where nothing may skip, runs it
once merged).
"""

from __future__ import annotations

import json
import queue
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Blueprint, Flask, Response, request
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect
from werkzeug.serving import make_server

from rida import db
from rida.live import room
from tests.conftest import PASSWORD, app_on_copy, draft_document
from tests.conftest import Browser as Client

pytestmark = pytest.mark.e2e

# How long a step may wait for the page: far above what a step takes (a loaded machine
# slows the tests down without failing them).
STEP_TIMEOUT_MS = 30_000
WAIT_SECONDS = 30


# --- A scripted change stream ---------------------------------------------------------


def frame(event: str, data: object, seq: int | None = None) -> str:
    """One Server-Sent Event."""
    head = f"id: {seq}\n" if seq is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@dataclass
class Script:
    """The events a test sends to the live views connected to ``/test-stream/<id>``."""

    seq: int = 0
    listeners: list[queue.Queue[str | None]] = field(default_factory=list)
    last_event_ids: list[str | None] = field(default_factory=list)  # one per connection
    tokens: list[str | None] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    connected: threading.Condition = field(default_factory=threading.Condition)

    def connect(self, last_event_id: str | None, token: str | None) -> queue.Queue[str | None]:
        q: queue.Queue[str | None] = queue.Queue()
        with self.lock:
            self.listeners.append(q)
        with self.connected:
            self.last_event_ids.append(last_event_id)
            self.tokens.append(token)
            self.connected.notify_all()
        return q

    def leave(self, q: queue.Queue[str | None]) -> None:
        with self.lock:
            if q in self.listeners:
                self.listeners.remove(q)

    def wait_connections(self, count: int) -> None:
        with self.connected:
            assert self.connected.wait_for(
                lambda: len(self.last_event_ids) >= count, WAIT_SECONDS
            ), f"{len(self.last_event_ids)} connections, {count} expected"

    def send(self, text: str | None) -> None:
        with self.lock:
            for q in self.listeners:
                q.put(text)

    def change(self, kind: str, op: str, uid: str | None, data: dict[str, Any]) -> int:
        self.seq += 1
        payload = {
            "seq": self.seq,
            "kind": kind,
            "op": op,
            "uid": uid,
            "revision": data.get("revision"),
            "fields": [],
            "data": data,
            "by": {"login": "admin", "name": "Administrateur"},
            "at": "2099-01-07T10:00:00+00:00",
        }
        self.send(frame("change", payload, self.seq))
        return self.seq

    def close(self, reason: str) -> None:
        self.send(frame("closed", {"reason": reason}))
        self.send(None)

    def drop(self) -> None:
        """End every connection (as a network failure would): the browser reconnects."""
        self.send(None)


def scripted_stream(script: Script) -> Blueprint:
    bp = Blueprint("test_stream", __name__)

    @bp.route("/test-stream/<int:meeting_id>")
    def stream(meeting_id: int) -> Response:
        token = request.args.get("room")
        if token is not None and room.meeting_for_token(db.session(), meeting_id, token) is None:
            return Response("lien invalide", status=404)
        last = request.headers.get("Last-Event-ID")
        q = script.connect(last, token)

        def events() -> Iterator[str]:
            try:
                yield "retry: 300\n\n"
                if last is None:
                    yield frame("hello", {"seq": script.seq})
                while True:
                    try:
                        item = q.get(timeout=1)
                    except queue.Empty:
                        yield ": heartbeat\n\n"
                        continue
                    if item is None:
                        return
                    yield item
            finally:
                script.leave(q)

        return Response(
            events(), mimetype="text/event-stream", headers={"Cache-Control": "no-store"}
        )

    return bp


# --- The server and the browser --------------------------------------------------------


@dataclass
class Live:
    app: Flask
    url: str
    script: Script


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Iterator[Live]:
    for app in app_on_copy(tmp_path_factory.mktemp("live-view") / "data", template_db):
        script = Script()
        app.register_blueprint(scripted_stream(script))
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield Live(app, f"http://127.0.0.1:{server.server_port}", script)
        finally:
            script.drop()
            server.shutdown()
            thread.join(WAIT_SECONDS)


@pytest.fixture
def new_context(chromium: Browser) -> Iterator[Callable[..., BrowserContext]]:
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        options.setdefault("viewport", {"width": 1400, "height": 900})
        context = chromium.new_context(locale="fr-FR", **options)
        context.set_default_timeout(STEP_TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


expect.set_options(timeout=STEP_TIMEOUT_MS)


@pytest.fixture
def api(live: Live) -> Client:
    """The JSON API as the administrator (who edits every meeting)."""
    return Client(live.app.test_client()).login("admin")


@pytest.fixture
def meeting(api: Client) -> int:
    response = api.json("POST", "/api/meetings", draft_document())
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def log_in(context: BrowserContext, live: Live) -> Page:
    page = context.new_page()
    page.goto(f"{live.url}/connexion")
    page.get_by_label("Identifiant").fill("admin")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live.url}/")
    return page


def point_at_script(page: Page, meeting_id: int) -> None:
    """Serve the live view of ``meeting_id`` with its stream URL turned to the script's
    (the room token, if any, kept)."""

    def rewrite(route: Route) -> None:
        response = route.fetch()
        body = re.sub(
            r'data-stream-url="/api/meetings/(\d+)/events',
            r'data-stream-url="/test-stream/\1',
            response.text(),
        )
        route.fulfill(response=response, body=body)

    page.route(re.compile(rf"/reunions/{meeting_id}/direct(\?[^/]*)?$"), rewrite)


def room_link(api: Client, meeting_id: int) -> tuple[str, str]:
    """A room link made from the read view's panel: its path and query, and its token."""
    made = api.form(f"/reunions/{meeting_id}/salle", {})
    page = made.get_data(as_text=True)
    found = re.search(r'id="room-link-url" class="feed-url" value="([^"]+)"', page)
    assert found, page
    parts = urlsplit(found.group(1).replace("&amp;", "&"))
    return f"{parts.path}?{parts.query}", parts.query.removeprefix("salle=")


def rows(page: Page) -> Any:
    return page.locator("#direct-rows > tr")


def numbers(page: Page) -> list[str]:
    return page.locator("#direct-rows > tr .num-value").all_inner_texts()


# --- The page ---------------------------------------------------------------------------


def test_large_type_high_contrast_and_reflow_at_320_px(live, new_context, meeting):
    page = log_in(new_context(), live)
    point_at_script(page, meeting)
    page.goto(f"{live.url}/reunions/{meeting}/direct")
    expect(page.get_by_role("heading", level=1)).to_have_text("Atelier modèle économique #1")
    expect(page.get_by_role("table")).to_be_visible()
    expect(rows(page)).to_have_count(9)
    expect(page.get_by_role("status")).to_have_text("En direct")
    expect(page.locator("#direct")).to_have_attribute("data-synced", "true")
    cell = page.locator("#direct-rows td.text").first
    size = cell.evaluate("(e) => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 24, size  # reads from the back of the room (16 px is a page's usual)
    assert cell.evaluate("(e) => getComputedStyle(e).color") == "rgb(0, 0, 0)"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") in (
        "rgba(0, 0, 0, 0)",
        "rgb(255, 255, 255)",
    )
    # no editing control: one checkbox (« Suivre la ligne en cours »), nothing else
    assert page.locator("input, textarea, select, button, [contenteditable]").count() == 1
    expect(page.get_by_label("Suivre la ligne en cours")).to_be_checked()
    expect(page.get_by_role("main")).to_be_visible()
    expect(page.get_by_role("banner")).to_be_visible()

    page.set_viewport_size({"width": 320, "height": 640})
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{overflow} px of horizontal scroll at 320 px"
    assert rows(page).first.evaluate("(e) => getComputedStyle(e).display") == "block"
    small = cell.evaluate("(e) => parseFloat(getComputedStyle(e).fontSize)")
    assert small >= 16, small


def test_the_stream_changes_the_page_in_place(live, new_context, api, meeting):
    script = live.script
    page = log_in(new_context(), live)
    point_at_script(page, meeting)
    before = len(script.last_event_ids)
    page.goto(f"{live.url}/reunions/{meeting}/direct")
    script.wait_connections(before + 1)
    expect(page.get_by_role("status")).to_have_text("En direct")
    expect(page.locator("#direct")).to_have_attribute("data-synced", "true")
    expect(rows(page)).to_have_count(9)
    uids = rows(page).evaluate_all("(trs) => trs.map((tr) => tr.dataset.uid)")

    # a new row, after the second one
    created = api.json(
        "POST",
        f"/api/meetings/{meeting}/rows",
        {"fields": {"nature": "D", "subject": "Ligne ajoutée en séance"}, "after": uids[1]},
    ).get_json()["row"]
    script.change("row", "create", created["uid"], created)
    new = page.locator(f'#direct-rows > tr[data-uid="{created["uid"]}"]')
    expect(new).to_contain_text("Ligne ajoutée en séance")
    expect(rows(page)).to_have_count(10)
    expect(new.locator(".num-value")).to_have_text("3")
    assert numbers(page) == [str(n) for n in range(1, 11)]

    # an answer changes: Markdown rendered by the server, hostile HTML shown as text
    patched = api.json(
        "PATCH",
        f"/api/meetings/{meeting}/rows/{uids[0]}",
        {"revision": 1, "fields": {"answer": "**Réponse** revue <img src=x onerror=alert(1)>"}},
    )
    assert patched.status_code == 200, patched.get_json()
    script.change("row", "update", uids[0], patched.get_json()["row"])
    answer = page.locator(f'#direct-rows > tr[data-uid="{uids[0]}"] td').nth(3)
    expect(answer.locator("strong")).to_have_text("Réponse")
    expect(answer).to_contain_text("revue <img src=x onerror=alert(1)>")
    expect(answer.locator("img")).to_have_count(0)

    # a row is deleted: it disappears, the others are numbered again
    gone = uids[4]
    deleted = api.json("DELETE", f"/api/meetings/{meeting}/rows/{gone}")
    assert deleted.status_code == 200
    script.change("row", "delete", gone, {"uid": gone})
    expect(page.locator(f'#direct-rows > tr[data-uid="{gone}"]')).to_have_count(0)
    expect(rows(page)).to_have_count(9)
    assert numbers(page) == [str(n) for n in range(1, 10)]

    # the last row moves up one place (the stream sends the full order)
    last = uids[-1]
    moved = api.json("POST", f"/api/meetings/{meeting}/rows/{last}/move", {"direction": "up"})
    assert moved.status_code == 200, moved.get_json()
    order = [r["uid"] for r in moved.get_json()["order"]]
    assert order[-2] == last
    script.change("row", "order", None, {"order": order})
    expect(rows(page).nth(7)).to_have_attribute("data-uid", last)
    assert rows(page).evaluate_all("(trs) => trs.map((tr) => tr.dataset.uid)") == order
    assert numbers(page) == [str(n) for n in range(1, 10)]

    # the header and the participants
    header = api.json("PATCH", f"/api/meetings/{meeting}", {"fields": {"location": "Salle Ségur"}})
    assert header.status_code == 200, header.get_json()
    script.change("meeting", "update", None, header.get_json().get("meeting", {}))
    expect(page.locator("#direct-entete")).to_contain_text("Salle Ségur")
    person = {"last_name": "NOUVELLE", "first_name": "Nina", "entity": "ANS"}
    added = api.json("POST", f"/api/meetings/{meeting}/participants", person)
    assert added.status_code == 201, added.get_json()
    participant = added.get_json()["participant"]
    script.change("participant", "create", participant["uid"], participant)
    expect(page.locator("#direct-intervenants")).to_contain_text("Nina NOUVELLE")


def test_the_row_being_typed_is_highlighted_and_followed(live, new_context, meeting):
    script = live.script
    page = log_in(new_context(viewport={"width": 1400, "height": 600}), live)
    point_at_script(page, meeting)
    before = len(script.last_event_ids)
    page.goto(f"{live.url}/reunions/{meeting}/direct")
    script.wait_connections(before + 1)
    expect(page.get_by_role("status")).to_have_text("En direct")
    expect(page.locator("#direct")).to_have_attribute("data-synced", "true")
    uids = rows(page).evaluate_all("(trs) => trs.map((tr) => tr.dataset.uid)")
    user = {"login": "rapporteur", "name": "Rapporteur"}

    script.change("presence", "here", None, {"user": user, "row": uids[7]})
    eighth = rows(page).nth(7)
    expect(eighth).to_have_attribute("aria-current", "true")
    expect(eighth).to_have_class(re.compile(r"\bcurrent\b"))
    expect(eighth.locator(".current-marker")).to_have_text("En cours")  # not colour alone
    expect(eighth).to_be_in_viewport()
    expect(page.locator("#direct-rows > tr.current")).to_have_count(1)

    script.change("presence", "here", None, {"user": user, "row": uids[0]})
    expect(rows(page).first).to_have_attribute("aria-current", "true")
    expect(rows(page).first).to_be_in_viewport()
    expect(eighth).not_to_have_attribute("aria-current", "true")
    expect(eighth.locator(".current-marker")).to_have_count(0)

    script.change("presence", "leave", None, {"user": user, "row": None})
    expect(page.locator("#direct-rows > tr.current")).to_have_count(0)


def test_reconnections_catch_up_and_closed_ends_the_view(live, new_context, api, meeting):
    script = live.script
    page = log_in(new_context(), live)
    point_at_script(page, meeting)
    before = len(script.last_event_ids)
    page.goto(f"{live.url}/reunions/{meeting}/direct")
    script.wait_connections(before + 1)
    expect(page.get_by_role("status")).to_have_text("En direct")
    expect(page.locator("#direct")).to_have_attribute("data-synced", "true")
    uid = rows(page).first.get_attribute("data-uid")

    # a change the stream never told (no event id yet): a new connection without
    # Last-Event-ID gets « hello », and the page fetches everything again
    patched = api.json(
        "PATCH",
        f"/api/meetings/{meeting}/rows/{uid}",
        {"revision": 1, "fields": {"answer": "Rattrapé à la reconnexion"}},
    )
    assert patched.status_code == 200, patched.get_json()
    script.drop()
    script.wait_connections(before + 2)
    assert script.last_event_ids[-1] is None
    expect(rows(page).first).to_contain_text("Rattrapé à la reconnexion")

    # once an event has come, a reconnection asks for what followed it (Last-Event-ID)
    seq = script.change("presence", "here", None, {"user": {"login": "a"}, "row": uid})
    expect(rows(page).first).to_have_attribute("aria-current", "true")
    script.drop()
    script.wait_connections(before + 3)
    assert script.last_event_ids[-1] == str(seq)
    expect(page.get_by_role("status")).to_have_text("En direct")
    expect(rows(page).first).to_have_attribute("aria-current", "true")  # kept

    script.close("L'accès à cette réunion a pris fin : elle est devenue confidentielle.")
    alert = page.get_by_role("alert")
    expect(alert).to_have_text(
        "L'accès à cette réunion a pris fin : elle est devenue confidentielle."
    )
    expect(page.locator("#direct-live")).to_be_hidden()
    expect(page.get_by_role("status")).to_have_text("Diffusion terminée")


def test_a_room_link_shows_the_live_view_without_an_account(live, new_context, api, meeting):
    script = live.script
    url, token = room_link(api, meeting)
    context = new_context()
    page = context.new_page()
    point_at_script(page, meeting)
    before = len(script.last_event_ids)
    page.goto(f"{live.url}{url}")
    script.wait_connections(before + 1)
    assert script.tokens[-1] == token
    expect(page.get_by_role("status")).to_have_text("En direct")
    expect(page.locator("#direct")).to_have_attribute("data-synced", "true")
    expect(rows(page)).to_have_count(9)
    assert context.cookies() == []
    assert page.locator("a[href]").evaluate_all("(as) => as.map((a) => a.hash)") == ["#direct-rida"]
    uid = rows(page).nth(2).get_attribute("data-uid")
    patched = api.json(
        "PATCH",
        f"/api/meetings/{meeting}/rows/{uid}",
        {"revision": 1, "fields": {"answer": "Vu depuis la salle"}},
    )
    assert patched.status_code == 200, patched.get_json()
    script.change("row", "update", uid, patched.get_json()["row"])
    expect(rows(page).nth(2)).to_contain_text("Vu depuis la salle")


def test_a_revoked_room_link_stops_the_page_when_it_reconnects(live, new_context, api, meeting):
    """The link is revoked while the stream is down: the stream refuses to reopen, the
    page is refused too, so the page stops (instead of trying again forever)."""
    script = live.script
    url, _ = room_link(api, meeting)
    page = new_context().new_page()
    point_at_script(page, meeting)
    before = len(script.last_event_ids)
    page.goto(f"{live.url}{url}")
    script.wait_connections(before + 1)
    expect(page.get_by_role("status")).to_have_text("En direct")
    expect(page.locator("#direct")).to_have_attribute("data-synced", "true")
    assert api.form(f"/reunions/{meeting}/salle/revocation", {}).status_code == 302
    script.drop()
    expect(page.get_by_role("alert")).to_have_text("Cette vue en direct n'est plus accessible.")
    expect(page.locator("#direct-live")).to_be_hidden()
    expect(page.get_by_role("status")).to_have_text("Diffusion terminée")


# --- Against the real change stream (once merged) --------------------------------------


def test_with_the_real_change_stream(live, new_context, api, meeting):
    """The page on the real ``GET /api/meetings/<id>/events`` (the others script it)."""
    page = log_in(new_context(), live)
    page.goto(f"{live.url}/reunions/{meeting}/direct")
    expect(page.get_by_role("status")).to_have_text("En direct")
    expect(page.locator("#direct")).to_have_attribute("data-synced", "true")
    uid = rows(page).nth(1).get_attribute("data-uid")
    patched = api.json(
        "PATCH",
        f"/api/meetings/{meeting}/rows/{uid}",
        {"revision": 1, "fields": {"answer": "Réponse **en direct**"}},
    )
    assert patched.status_code == 200, patched.get_json()
    expect(rows(page).nth(1).locator("strong")).to_have_text("en direct")
    added = api.json("POST", f"/api/meetings/{meeting}/rows", {"fields": {"subject": "Ajout"}})
    assert added.status_code == 201
    expect(rows(page)).to_have_count(10)
    deleted = api.json("DELETE", f"/api/meetings/{meeting}/rows/{uid}")
    assert deleted.status_code == 200
    expect(rows(page)).to_have_count(9)
    assert numbers(page) == [str(n) for n in range(1, 10)]

    # a room link, then its revocation: the stream closes, the page says why
    url, _ = room_link(api, meeting)
    projector = new_context().new_page()
    projector.goto(f"{live.url}{url}")
    expect(projector.get_by_role("status")).to_have_text("En direct")
    expect(projector.locator("#direct")).to_have_attribute("data-synced", "true")
    first = rows(projector).first.get_attribute("data-uid")
    patched = api.json(
        "PATCH",
        f"/api/meetings/{meeting}/rows/{first}",
        {"revision": 1, "fields": {"subject": "Vu en salle"}},
    )
    assert patched.status_code == 200, patched.get_json()
    expect(rows(projector).first).to_contain_text("Vu en salle")
    assert api.form(f"/reunions/{meeting}/salle/revocation", {}).status_code == 302
    # a change after the revocation: whenever the stream checks the link again, it closes
    patched = api.json(
        "PATCH",
        f"/api/meetings/{meeting}/rows/{first}",
        {"revision": patched.get_json()["row"]["revision"], "fields": {"subject": "Après"}},
    )
    assert patched.status_code == 200, patched.get_json()
    expect(projector.get_by_role("alert")).to_be_visible(timeout=2 * STEP_TIMEOUT_MS)
    expect(projector.get_by_role("alert")).not_to_be_empty()
    expect(projector.locator("#direct-live")).to_be_hidden()
