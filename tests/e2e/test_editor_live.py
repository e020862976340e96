"""The live workshop: two rapporteurs in one meeting's editor (Alice, the demo
administrator, and Bob, the rapporteur account), each in their own browser. Each sees
the other's changes without reloading, never in the field being typed into; who is on
which row shows; overlapping edits are chosen by the second editor, the first is told.

No timed assertions: every check waits on the page (expect), with generous timeouts."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

BASE = "Rendez-vous le 4 février en salle B."
LIVE = "En direct"


def _with_answer(doc: dict) -> None:
    doc["rida"][0]["answer"] = BASE


@pytest.fixture
def errors() -> Iterator[Callable[[Page], None]]:
    """watch(page): the page's uncaught script errors fail the test."""
    found: list[str] = []

    def watch(page: Page) -> None:
        page.on("pageerror", lambda e: found.append(f"{page.url}: {e}"))

    yield watch
    assert found == []


@pytest.fixture
def pair(page, make_meeting, open_editor, log_in, new_context, errors, request):
    """Alice's and Bob's editors on a fresh meeting, both following the live stream."""
    title = "E2E direct " + re.sub(r"[^A-Za-z0-9 ]+", " ", request.node.name)[:40]
    alice = open_editor(page, make_meeting(page, title, _with_answer))
    bob = open_editor(log_in(new_context(), "rapporteur"), alice.meeting_id)
    for ed in (alice, bob):
        errors(ed.page)
        expect(ed.page.locator("#live-status")).to_contain_text(LIVE)
    return alice, bob


def _name(ed) -> str:
    return ed.page.evaluate(
        "JSON.parse(document.getElementById('editor-data').textContent).me.name"
    )


def test_different_fields_of_one_row_both_saved_and_seen_live(pair):
    alice, bob = pair
    question = alice.cell(1, "question").input_value()
    alice.cell(1, "subject").fill("Objet d'Alice")
    bob.cell(1, "question").focus()
    bob.page.keyboard.press("Control+End")
    bob.page.keyboard.type(" Précision de Bob.")
    bob.page.keyboard.press("Tab")  # leaves the question: sent now

    expect(alice.cell(1, "question")).to_have_value(question + " Précision de Bob.")
    expect(bob.cell(1, "subject")).to_have_value("Objet d'Alice")
    alice.wait_saved()
    bob.wait_saved()
    first = alice.document()["rida"][0]
    assert (first["subject"], first["question"]) == (
        "Objet d'Alice",
        question + " Précision de Bob.",
    )


def test_who_is_where(pair):
    alice, bob = pair
    alice_name, bob_name = _name(alice), _name(bob)
    alice.cell(2, "answer").focus()
    expect(bob.row(2).locator(".row-presence")).to_have_text(f"{alice_name} est sur cette ligne")
    expect(bob.page.locator("#live-presence")).to_have_text(f"Aussi dans l'éditeur : {alice_name}")
    expect(bob.row(1).locator(".row-presence")).to_have_count(0)
    bob.cell(2, "question").focus()
    expect(alice.row(2).locator(".row-presence")).to_have_text(f"{bob_name} est sur cette ligne")

    alice.cell(3, "subject").focus()  # Alice moves on: her name follows her
    expect(bob.row(3).locator(".row-presence")).to_have_text(f"{alice_name} est sur cette ligne")
    expect(bob.row(2).locator(".row-presence")).to_have_count(0)

    bob.page.close()  # Bob leaves: « leave », sent with keepalive
    expect(alice.page.locator("#live-presence")).to_be_empty()
    expect(alice.page.locator(".row-presence")).to_have_count(0)


def test_rows_added_moved_deleted_and_header_seen_live(pair):
    alice, bob = pair
    count = alice.rows.count()
    bob.cell(count, "answer").focus()
    bob.page.keyboard.press("Control+Enter")  # a new last row
    bob.page.keyboard.press("Tab")
    bob.page.keyboard.type("Ligne de Bob")
    bob.page.keyboard.press("Tab")

    expect(alice.rows).to_have_count(count + 1)
    expect(alice.cell(count + 1, "subject")).to_have_value("Ligne de Bob")

    bob.cell(count + 1, "subject").focus()
    bob.page.keyboard.press("Alt+ArrowUp")  # moved one place up
    expect(alice.cell(count, "subject")).to_have_value("Ligne de Bob")
    expect(alice.row(count).locator("th.num")).to_have_text(str(count))

    alice.page.locator("#f-title").focus()  # Alice is elsewhere when Bob deletes it
    bob.row(count).get_by_role("button", name=re.compile("^Supprimer")).click()
    bob.page.locator("#confirm-ok").click()
    expect(alice.rows).to_have_count(count)
    expect(alice.page.locator("#rida-grid")).not_to_contain_text("Ligne de Bob")
    assert [r["subject"] for r in alice.document()["rida"]].count("Ligne de Bob") == 0

    bob.page.locator("#f-location").fill("Salle du direct")
    expect(alice.page.locator("#f-location")).to_have_value("Salle du direct")
    alice.wait_saved()
    assert alice.queued() == []


def test_a_focused_field_is_not_replaced_then_its_save_merges(pair):
    alice, bob = pair
    answer = alice.cell(1, "answer")
    answer.focus()
    alice.page.keyboard.press("Control+End")
    alice.page.keyboard.type(" Alice tape encore")  # no pause: still being typed

    bob.cell(1, "answer").fill("Confirmé : " + BASE)
    bob.cell(1, "subject").fill("Objet de Bob")  # saved after the answer
    expect(alice.cell(1, "subject")).to_have_value("Objet de Bob")  # so both events are in
    expect(answer).to_have_value(BASE + " Alice tape encore")  # her field is hers
    expect(answer).to_be_focused()

    alice.page.keyboard.type(".")
    alice.page.keyboard.press("Tab")  # leaves: saved on top of Bob's, merged
    merged = "Confirmé : " + BASE + " Alice tape encore."
    expect(answer).to_have_value(merged)
    expect(bob.cell(1, "answer")).to_have_value(merged)
    alice.wait_saved()
    assert alice.document()["rida"][0]["answer"] == merged


def test_one_field_edited_in_two_places_is_merged_live(pair):
    alice, bob = pair
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
    alice.wait_saved()
    bob.wait_saved()
    assert bob.document()["rida"][0]["answer"] == merged


def test_overlapping_edits_the_second_chooses_the_first_is_told(pair):
    alice, bob = pair
    alice_name, bob_name = _name(alice), _name(bob)
    bob.cell(1, "answer").focus()  # Bob is on it: Alice's text does not replace his
    alice.cell(1, "answer").fill("Rendez-vous le 18 février en salle B.")
    alice.page.locator("#f-title").focus()
    alice.wait_saved()
    bob.cell(1, "answer").fill("Rendez-vous le 11 février en salle B.")

    choice = bob.row(1).get_by_role("alert")
    expect(choice).to_contain_text(f"Version de {alice_name}")
    expect(choice).to_contain_text("Rendez-vous le 18 février en salle B.")
    expect(choice).to_contain_text("Votre version")
    expect(choice).to_contain_text("Rendez-vous le 11 février en salle B.")
    told = alice.row(1).locator(".told")
    expect(told).to_contain_text(
        f"{bob_name} a modifié la même phrase en même temps : il/elle choisit la version à garder"
    )

    choice.get_by_label(re.compile("Proposition")).fill("Rendez-vous le 18 (ou le 11) février.")
    choice.get_by_role("button", name="Enregistrer cette version").click()
    expect(choice).to_have_count(0)
    expect(alice.cell(1, "answer")).to_have_value("Rendez-vous le 18 (ou le 11) février.")
    expect(told).to_have_count(0)  # Bob's choice is in: the notice has done its job
    bob.wait_saved()
    assert bob.document()["rida"][0]["answer"] == "Rendez-vous le 18 (ou le 11) février."


def test_a_stream_that_drops_catches_up(pair, live_server):
    alice, bob = pair
    alice.page.route(re.compile(r".*/events(\?.*)?$"), lambda route: route.abort())
    live_server.stop()  # every stream drops
    expect(alice.page.locator("#live-status")).not_to_contain_text(LIVE)
    live_server.start()
    bob.cell(1, "subject").fill("Écrit pendant la coupure du direct")
    bob.wait_saved()
    alice.page.unroute(re.compile(r".*/events(\?.*)?$"))  # Alice's stream comes back
    expect(alice.cell(1, "subject")).to_have_value("Écrit pendant la coupure du direct")
    expect(alice.page.locator("#live-status")).to_contain_text(LIVE)


def test_access_ended_makes_the_page_read_only(
    page, make_meeting, open_editor, new_context, log_in, errors
):
    context = new_context()
    ed = open_editor(log_in(context, fresh=True), make_meeting(page, "E2E direct fermé"))
    errors(ed.page)
    expect(ed.page.locator("#live-status")).to_contain_text(LIVE)
    other = context.new_page()  # same login session, another tab: log out there
    other.goto(f"{ed.server.url}/")
    other.get_by_role("button", name="Se déconnecter").click()

    expect(ed.page.locator("#live-status")).to_contain_text("déconnecté")
    expect(ed.page.locator("#save-alert")).to_contain_text("lecture seule")
    expect(ed.cell(1, "subject")).not_to_be_editable()
    expect(ed.page.locator("#add-row")).to_be_disabled()


def test_a_tab_closed_right_after_typing_still_delivers(pair):
    alice, bob = pair
    bob.cell(3, "answer").fill("Tapé par Bob juste avant de fermer")  # within the pause
    # The tab goes (its keepalive request outlives it). Not the whole browser context:
    # Playwright then tears down the context's network at once, which a real browser
    # closing a tab does not, and the request may be cut on a loaded machine.
    bob.page.close()
    expect(alice.cell(3, "answer")).to_have_value("Tapé par Bob juste avant de fermer")
