"""The live workshop, end to end: two rapporteurs' editors and the room's live view (opened
with a room link, no account) on one meeting of the real server. What one types, the
others see; rows added, moved and deleted show everywhere; both rapporteurs typing in one
field keep both texts; the server killed (SIGKILL) and started again: every view
reconnects and catches up, and what was typed during the outage arrives.

Each step waits on the pages (expect) with generous timeouts; the seconds a step took
are printed (``-s``) rather than asserted: ``benchmarks/live.py`` measures latency."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect

LIVE = "En direct"
BASE = "Rendez-vous le 4 février en salle B."


def _with_answer(doc: dict) -> None:
    doc["rida"][0]["answer"] = BASE


def _room_page(alice, new_context) -> Page:
    """The room link made from the read view's « Diffusion en salle » panel, opened in a
    browser without an account."""
    read = alice.page.context.new_page()
    read.goto(f"{alice.server.url}/reunions/{alice.meeting_id}")
    read.locator("#salle").get_by_role("button", name="Lien pour la salle").click()
    url = read.locator("#room-link-url").input_value()
    read.close()
    room = new_context().new_page()
    room.goto(url)
    expect(room.get_by_role("status")).to_have_text(LIVE)
    expect(room.locator("#direct")).to_have_attribute("data-synced", "true")
    return room


def _rows(room: Page):
    return room.locator("#direct-rows > tr")


def _seen(label: str, started: float) -> None:
    print(f"{label}: {time.monotonic() - started:.2f} s")


def test_two_rapporteurs_and_the_room_through_a_killed_server(
    page, make_meeting, open_editor, log_in, new_context, live_server
):
    alice = open_editor(page, make_meeting(page, "E2E atelier en direct", _with_answer))
    bob = open_editor(log_in(new_context(), "rapporteur"), alice.meeting_id)
    room = _room_page(alice, new_context)
    errors: list[str] = []
    for p in (alice.page, bob.page, room):
        p.on("pageerror", lambda e, p=p: errors.append(f"{p.url}: {e}"))
    for ed in (alice, bob):
        expect(ed.page.locator("#live-status")).to_contain_text(LIVE)
    count = alice.rows.count()

    # A types: B and the room see it, and the room follows A's row
    alice.cell(2, "subject").fill("Objet tapé par Alice")
    started = time.monotonic()
    expect(bob.cell(2, "subject")).to_have_value("Objet tapé par Alice")
    _seen("A typed -> B sees it (the editor's 600 ms typing pause included)", started)
    expect(_rows(room).nth(1)).to_contain_text("Objet tapé par Alice")
    _seen("A typed -> the room sees it", started)
    expect(_rows(room).nth(1)).to_have_attribute("aria-current", "true")

    # B adds, moves and deletes rows: A and the room see each
    bob.cell(count, "answer").focus()
    bob.page.keyboard.press("Control+Enter")
    bob.page.keyboard.press("Tab")
    bob.page.keyboard.type("Ligne de Bob")
    bob.page.keyboard.press("Tab")
    expect(alice.rows).to_have_count(count + 1)
    expect(_rows(room)).to_have_count(count + 1)
    expect(_rows(room).nth(count)).to_contain_text("Ligne de Bob")
    bob.cell(count + 1, "subject").focus()
    bob.page.keyboard.press("Alt+ArrowUp")
    expect(alice.cell(count, "subject")).to_have_value("Ligne de Bob")
    expect(_rows(room).nth(count - 1)).to_contain_text("Ligne de Bob")
    bob.row(count).get_by_role("button", name=re.compile("^Supprimer")).click()
    bob.page.locator("#confirm-ok").click()
    expect(alice.rows).to_have_count(count)
    expect(_rows(room)).to_have_count(count)
    expect(room.locator("#direct-rows")).not_to_contain_text("Ligne de Bob")

    # A and B type in the same field at once: both texts survive, everywhere
    alice.cell(1, "answer").focus()
    bob.cell(1, "answer").focus()
    alice.page.keyboard.press("Control+End")
    alice.page.keyboard.type(" Salle réservée.")
    bob.page.keyboard.press("Control+Home")
    bob.page.keyboard.type("Confirmé : ")
    alice.page.keyboard.press("Tab")
    bob.page.keyboard.press("Tab")
    merged = "Confirmé : " + BASE + " Salle réservée."
    expect(alice.cell(1, "answer")).to_have_value(merged)
    expect(bob.cell(1, "answer")).to_have_value(merged)
    expect(_rows(room).first).to_contain_text(merged)
    alice.wait_saved()
    bob.wait_saved()

    # The server is killed: every view says so; A and B go on typing
    live_server.kill()
    for p in (alice.page, bob.page):
        expect(p.locator("#live-status")).not_to_contain_text(LIVE)
    expect(room.get_by_role("status")).not_to_have_text(LIVE)
    alice.cell(3, "answer").fill("Écrit par Alice pendant la panne")
    bob.cell(4, "question").fill("Écrit par Bob pendant la panne")
    bob.page.keyboard.press("Tab")
    expect(alice.status).not_to_have_text("Enregistré")  # kept in the browser meanwhile

    live_server.start()
    started = time.monotonic()
    for p in (alice.page, bob.page):
        expect(p.locator("#live-status")).to_contain_text(LIVE)
    expect(room.get_by_role("status")).to_have_text(LIVE)
    _seen("all reconnected", started)
    alice.wait_saved()
    bob.wait_saved()
    expect(bob.cell(3, "answer")).to_have_value("Écrit par Alice pendant la panne")
    expect(alice.cell(4, "question")).to_have_value("Écrit par Bob pendant la panne")
    expect(_rows(room).nth(2)).to_contain_text("Écrit par Alice pendant la panne")
    expect(_rows(room).nth(3)).to_contain_text("Écrit par Bob pendant la panne")
    _seen("all caught up", started)

    # and the stream goes on after the restart
    bob.cell(5, "subject").fill("Après la reprise")
    expect(alice.cell(5, "subject")).to_have_value("Après la reprise")
    expect(_rows(room).nth(4)).to_contain_text("Après la reprise")
    stored = alice.document()["rida"]
    assert stored[0]["answer"] == merged
    assert stored[2]["answer"] == "Écrit par Alice pendant la panne"
    assert stored[3]["question"] == "Écrit par Bob pendant la panne"
    assert alice.queued() == [] and bob.queued() == []
    assert errors == []
