"""Searches take turns (rida.views.search_gate): at most SEARCH_CONCURRENCY run at once in
a process, the others wait without CPU, a search that gets no turn is told « réessayez »
(503, Retry-After), and saves never wait behind searches."""

from __future__ import annotations

import threading

import pytest

from rida import db
from rida.meetings import editing
from rida.views import search_gate
from rida.views.search_gate import Busy, Gate
from tests.conftest import draft_document
from tests.search_ui_support import demo, index


def test_a_turn_waits_then_the_queue_is_full_then_the_wait_too_long() -> None:
    gate = Gate(concurrency=1, queue=1, wait=30)
    held, waiting, done = threading.Event(), threading.Event(), threading.Event()
    order: list[str] = []

    def first() -> None:
        with gate.turn():
            held.set()
            waiting.wait(30)
            order.append("first")

    def second() -> None:
        with gate.turn():
            order.append("second")
        done.set()

    a = threading.Thread(target=first)
    a.start()
    held.wait(30)
    b = threading.Thread(target=second)
    b.start()
    while gate._waiting == 0:  # the second waits its turn
        threading.Event().wait(0.01)
    with pytest.raises(Busy, match="réessayez"), gate.turn():  # no room left in the queue
        pass
    waiting.set()
    done.wait(30)
    a.join(30), b.join(30)
    assert order == ["first", "second"]
    quick = Gate(concurrency=1, queue=5, wait=0.05)
    with quick.turn(), pytest.raises(Busy), quick.turn():  # waited too long
        pass
    with quick.turn():  # and the turn is given back each time
        pass


@pytest.fixture
def meetings(app) -> list[int]:
    return index(app, demo(), draft_document())


def test_a_search_without_a_turn_is_told_to_retry_while_saves_go_on(app, browser, meetings):
    gate: Gate = app.extensions[search_gate.EXTENSION]
    taken = [gate.turns.acquire(blocking=False) for _ in range(2)]  # every turn in use
    gate.queue = 0  # and nobody may wait
    try:
        api = browser.client.get("/api/search?q=inducteur")
        assert api.status_code == 503 and api.headers["Retry-After"] == "2"
        assert api.json == {"error": "busy", "message": search_gate.BUSY}
        page = browser.client.get("/recherche?q=inducteur")
        assert page.status_code == 503 and page.headers["Retry-After"] == "2"
        html = page.get_data(as_text=True)
        assert "Trop de recherches en cours" in html and 'value="inducteur"' in html
        with app.app_context(), db.transaction() as s:
            row = editing.rows_of(s, meetings[1])[0]
            uid, revision = row.uid, row.revision
        saved = browser.json(
            "PATCH",
            f"/api/meetings/{meetings[1]}/rows/{uid}",
            {"revision": revision, "fields": {"answer": "Enregistré pendant les recherches"}},
        )
        assert saved.status_code == 200, saved.get_data(as_text=True)
    finally:
        for got in taken:
            if got:
                gate.turns.release()
        gate.queue = 64
    assert browser.client.get("/api/search?q=inducteur").status_code == 200
