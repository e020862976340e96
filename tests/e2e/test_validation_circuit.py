"""Validation from the UI, with the keyboard; the compte-rendu is read-only afterwards,
including in an editor that was open at the time."""

from __future__ import annotations

import re

from playwright.sync_api import expect

FROZEN = (
    "Ce compte-rendu est validé (v1.0) : il ne peut plus être modifié. Créez une "
    "nouvelle version pour l'amender."
)


def ready(doc: dict) -> None:
    """Make the demo pass every blocking check."""
    doc["rida"][4]["nature"] = "I"
    doc["actions"][1]["rida"] = 7


def test_validate_with_the_keyboard_then_everything_is_read_only(
    page, live_server, new_context, log_in, open_editor, make_meeting
):
    meeting = make_meeting(page, "E2E validation", ready)
    bob = open_editor(log_in(new_context()), meeting)  # an editor left open meanwhile

    page.goto(f"{live_server.url}/reunions/{meeting}")
    panel = page.get_by_role("region", name="Validation")
    expect(panel).to_contain_text("Prêt à valider")
    expect(panel).to_contain_text("✓ Réussi : Au moins un intervenant")
    button = panel.get_by_role("button", name="Valider le compte-rendu")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Compte-rendu validé : version v1.0 figée.")
    expect(page.locator(".cr-status")).to_contain_text("Statut : Validé")

    page.goto(f"{live_server.url}/reunions/{meeting}/modifier")
    expect(page).to_have_url(re.compile(rf"/reunions/{meeting}#validation$"))
    expect(page.get_by_role("note")).to_have_text(FROZEN)
    expect(page.get_by_role("button", name="Créer une nouvelle version")).to_be_visible()
    expect(page.get_by_role("link", name="Modifier (éditeur du rapporteur)")).to_have_count(0)

    # The open editor: its next save is refused, said so, dropped, the text kept in view.
    bob.cell(1, "subject").fill("Trop tard")
    expect(bob.page.locator("#save-alert")).to_contain_text(FROZEN)
    expect(bob.status).to_have_attribute("data-state", "frozen")
    expect(bob.cell(1, "subject")).to_have_value("Trop tard")
    expect(bob.cell(1, "subject")).to_have_js_property("readOnly", True)
    assert bob.queued() == []
    assert bob.document()["rida"][0]["subject"] != "Trop tard"


def test_printing_the_read_view_prints_the_minutes_only(page, live_server, make_meeting):
    """Issue 15: printing showed the validation panel and its buttons."""
    meeting = make_meeting(page, "E2E impression")
    page.goto(f"{live_server.url}/reunions/{meeting}")
    panel = page.get_by_role("region", name="Validation")
    expect(panel).to_be_visible()
    expect(page.get_by_role("button", name="Valider le compte-rendu")).to_be_visible()
    page.emulate_media(media="print")
    expect(panel).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".toolbar")).to_be_hidden()
    for element in page.locator("main form, main button, details.history").all():
        expect(element).to_be_hidden()
    expect(page.locator("article.compte-rendu")).to_be_visible()
    expect(page.locator("table.rida")).to_be_visible()
    expect(page.locator("table.actions").first).to_be_visible()
    page.emulate_media(media="screen")
    expect(panel).to_be_visible()
