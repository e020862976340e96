"""Next actions in the editor: created from a RIDA row with the keyboard (Alt+N), owner
and due date chosen, saved, shown beside the row, and the validation check satisfied."""

from __future__ import annotations

from playwright.sync_api import expect


def almost_ready(doc: dict) -> None:
    """The demo passing every blocking check but one: action row 7 has no action."""
    doc["rida"][4]["nature"] = "I"


def test_action_created_from_an_a_row_with_the_keyboard(
    page, live_server, make_meeting, open_editor
):
    meeting = make_meeting(page, "E2E action depuis une ligne", almost_ready)
    page.goto(f"{live_server.url}/reunions/{meeting}")
    panel = page.get_by_role("region", name="Validation")
    expect(panel).to_contain_text("Ligne 7")

    ed = open_editor(page, meeting)
    actions = page.locator("#actions-grid tbody.action-item")
    expect(actions).to_have_count(3)
    ed.cell(7, "answer").focus()
    page.keyboard.press("Alt+n")
    expect(actions).to_have_count(4)
    title = page.get_by_label("Intitulé de l'action 4")
    expect(title).to_be_focused()
    expect(title).to_have_value(ed.cell(7, "subject").input_value())  # prefilled, selected
    page.keyboard.type("Chiffrer les inducteurs")
    expect(page.get_by_label("Ligne RIDA de l'action 4")).to_have_value(
        ed.row(7).get_attribute("data-uid")
    )
    owner = page.get_by_label("Porteur de l'action 4", exact=True)
    owner.select_option(label="Mathieu SLOSAR (ANS)")
    page.get_by_label("Échéance de l'action 4").focus()
    page.keyboard.type("02/02/2022")  # JJ/MM/AAAA, whatever the locale
    page.keyboard.press("Tab")
    expect(ed.row(7).locator(".linked-actions")).to_contain_text(
        "Action 4 : Chiffrer les inducteurs — Mathieu SLOSAR (ANS) — échéance 02/02/2022"
    )
    ed.wait_saved()

    page.reload()
    expect(page.get_by_label("Intitulé de l'action 4")).to_have_value("Chiffrer les inducteurs")
    expect(page.get_by_label("Échéance de l'action 4")).to_have_value("02/02/2022")
    expect(owner.locator("option:checked")).to_have_text("Mathieu SLOSAR (ANS)")
    expect(ed.row(7).locator(".linked-actions")).to_contain_text("Chiffrer les inducteurs")
    stored = ed.document()["actions"][3]
    assert (stored["title"], stored["rida"], stored["due_date"], stored["owner"]["last_name"]) == (
        "Chiffrer les inducteurs",
        7,
        "2022-02-02",
        "SLOSAR",
    )

    # A row moved above keeps the link right: the action now points at row 6.
    ed.cell(7, "subject").focus()
    page.keyboard.press("Alt+ArrowUp")
    expect(page.get_by_label("Ligne RIDA de l'action 4").locator("option:checked")).to_contain_text(
        "Ligne 6"
    )
    ed.wait_saved()
    assert ed.document()["actions"][3]["rida"] == 6

    page.goto(f"{live_server.url}/reunions/{meeting}")
    expect(panel).to_contain_text("Prêt à valider")


def test_new_organisation_owner_and_an_action_created_offline(
    editor, context, live_server, open_editor
):
    ed, page = editor, editor.page
    live_server.stop()
    page.get_by_role("button", name="Ajouter une action").click()
    title = page.get_by_label("Intitulé de l'action 4")
    expect(title).to_be_focused()
    page.keyboard.type("Relancer les éditeurs")
    owner = page.get_by_label("Porteur de l'action 4", exact=True)
    owner.select_option("new-org")
    page.get_by_label("Entité du porteur de l'action 4").fill("FEIMA")
    page.keyboard.press("Enter")
    expect(owner).to_be_focused()
    expect(owner.locator("option:checked")).to_contain_text("FEIMA")
    expect(ed.status).to_contain_text("Hors ligne")
    assert [op["kind"] for op in ed.queued()][0] == "action-add"
    page.close()

    live_server.start()
    again = open_editor(context.new_page(), ed.meeting_id)
    expect(again.page.get_by_label("Intitulé de l'action 4")).to_have_value("Relancer les éditeurs")
    again.wait_saved()
    owner = again.page.get_by_label("Porteur de l'action 4", exact=True)
    expect(owner.locator("option:checked")).to_have_text("FEIMA")
    stored = again.document()["actions"][3]
    assert stored["title"] == "Relancer les éditeurs"
    assert stored["owner"] == {
        "last_name": None,
        "first_name": None,
        "entity": "FEIMA",
        "function": None,
    }


def test_due_date_before_the_meeting_is_kept_with_a_visible_warning(
    page, live_server, make_meeting, open_editor
):
    meeting = make_meeting(page, "E2E échéance passée", lambda doc: None)
    ed = open_editor(page, meeting)
    due = page.get_by_label("Échéance de l'action 1")
    warning = page.locator("#actions-grid tbody.action-item").first.locator("[data-due-warning]")
    expect(warning).to_be_hidden()
    due.fill("03/01/2022")  # the meeting is on 07/01/2022
    due.dispatch_event("change")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("antérieure à la réunion")
    ed.wait_saved()
    page.reload()
    expect(due).to_have_value("03/01/2022")
    expect(warning).to_be_visible()
