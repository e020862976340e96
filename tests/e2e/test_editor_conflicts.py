"""Two people edit the same meeting: conflicts are per field. Edits of different fields are
all saved; edits of one text that do not overlap are merged by the server; overlapping
ones are shown to the second editor with both versions, and nobody's words are discarded
without being shown."""

from __future__ import annotations

import re

from playwright.sync_api import expect

BASE = "Rendez-vous le 4 février en salle B."


def _with_answer(doc: dict) -> None:
    doc["rida"][0]["answer"] = BASE


def _two_editors(page, make_meeting, open_editor, log_in, new_context, title):
    """Alice (the demo administrator) and Bob (the rapporteur account) on one meeting."""
    alice = open_editor(page, make_meeting(page, title, _with_answer))
    bob = open_editor(log_in(new_context(), "rapporteur"), alice.meeting_id)
    return alice, bob


def test_different_fields_of_one_row_are_both_saved(
    page, make_meeting, open_editor, log_in, new_context
):
    alice, bob = _two_editors(page, make_meeting, open_editor, log_in, new_context, "E2E champs")
    question = bob.cell(1, "question").input_value()
    bob.cell(1, "question").focus()  # Bob is on the question while Alice saves the subject

    alice.cell(1, "subject").fill("Objet d'Alice")
    alice.wait_saved()
    bob.page.keyboard.press("Control+End")
    bob.page.keyboard.type(" Précision de Bob.")
    bob.page.keyboard.press("Tab")
    bob.wait_saved()

    first = bob.document()["rida"][0]
    assert (first["subject"], first["question"]) == (
        "Objet d'Alice",
        question + " Précision de Bob.",
    )
    # Bob's page shows Alice's subject: his save's answer carried the row.
    expect(bob.cell(1, "subject")).to_have_value("Objet d'Alice")
    expect(bob.page.get_by_role("alert").filter(has_text="même passage")).to_have_count(0)
    assert bob.queued() == []


def test_one_field_edited_in_two_places_is_merged(
    page, make_meeting, open_editor, log_in, new_context
):
    alice, bob = _two_editors(page, make_meeting, open_editor, log_in, new_context, "E2E fusion")
    answer = bob.cell(1, "answer")
    answer.focus()  # Bob types in the answer while Alice changes its end

    alice.cell(1, "answer").fill(BASE.replace("en salle B.", "en salle C."))
    alice.wait_saved()
    bob.page.keyboard.press("Control+Home")
    bob.page.keyboard.type("Confirmé : ")
    bob.page.keyboard.press("Tab")
    bob.wait_saved()

    merged = "Confirmé : Rendez-vous le 4 février en salle C."
    assert bob.document()["rida"][0]["answer"] == merged
    expect(answer).to_have_value(merged)  # left: the field shows the merged text
    assert bob.queued() == []


def test_overlapping_edits_show_both_versions_and_a_proposal(
    page, make_meeting, open_editor, log_in, new_context
):
    alice, bob = _two_editors(
        page, make_meeting, open_editor, log_in, new_context, "E2E chevauchement"
    )
    bob.cell(1, "answer").focus()

    alice.cell(1, "answer").fill("Rendez-vous le 18 février en salle B.")
    alice.wait_saved()
    bob.cell(1, "answer").fill("Rendez-vous le 11 février en salle B.")

    notice = bob.row(1).get_by_role("alert")
    expect(notice).to_contain_text("Réponse de la ligne 1")
    expect(notice).to_contain_text(re.compile(r"Version de (l'autre rapporteur|.+)"))
    expect(notice).to_contain_text("Rendez-vous le 18 février en salle B.")
    expect(notice).to_contain_text("Votre version")
    expect(notice).to_contain_text("Rendez-vous le 11 février en salle B.")
    expect(bob.status).to_contain_text("Conflit")
    expect(bob.cell(1, "answer")).not_to_be_editable()  # the choice is made in the notice
    assert bob.document()["rida"][0]["answer"] == "Rendez-vous le 18 février en salle B."
    # The row's other fields keep saving meanwhile.
    bob.cell(1, "subject").fill("Objet de Bob")
    expect(bob.status).to_contain_text("Conflit")
    proposal = notice.get_by_label(re.compile("Proposition"))
    expect(proposal).to_have_value(
        "Rendez-vous le 18 février en salle B.\nRendez-vous le 11 février en salle B."
    )
    # Keyboard: the proposal and both buttons are reachable with Tab.
    proposal.focus()
    proposal.fill("Rendez-vous le 18 février (ou le 11) en salle B.")
    bob.page.keyboard.press("Tab")
    expect(notice.get_by_role("button", name="Enregistrer cette version")).to_be_focused()
    bob.page.keyboard.press("Tab")
    expect(notice.get_by_role("button", name="Garder la version de l'autre")).to_be_focused()
    bob.page.keyboard.press("Shift+Tab")
    bob.page.keyboard.press("Enter")

    expect(notice).to_have_count(0)
    expect(bob.cell(1, "answer")).to_have_value("Rendez-vous le 18 février (ou le 11) en salle B.")
    expect(bob.cell(1, "answer")).to_be_focused()
    bob.wait_saved()
    first = bob.document()["rida"][0]
    assert (first["answer"], first["subject"]) == (
        "Rendez-vous le 18 février (ou le 11) en salle B.",
        "Objet de Bob",
    )
    assert bob.queued() == []


def test_conflicting_header_field_keeps_the_others_version(
    editor, new_context, log_in, open_editor
):
    alice = editor
    bob = open_editor(log_in(new_context(), "rapporteur"), alice.meeting_id)
    bob.page.locator("#f-location").focus()  # Bob is on the field while Alice saves it
    alice.page.locator("#f-location").fill("Salle Alice")
    alice.wait_saved()
    bob.page.locator("#f-location").fill("Salle Bob")
    notice = bob.page.get_by_role("alert").filter(has_text="même passage")
    expect(notice).to_contain_text("« Lieu »")
    expect(notice).to_contain_text("Salle Alice")
    expect(notice).to_contain_text("Salle Bob")
    assert bob.document()["location"] == "Salle Alice"
    bob.page.locator("#f-subject").fill("Objet de Bob")  # another field: saved meanwhile
    expect(bob.page.locator("#save-pending")).to_be_empty()
    notice.get_by_role("button", name="Garder la version de l'autre").click()
    expect(notice).to_have_count(0)
    expect(bob.page.locator("#f-location")).to_have_value("Salle Alice")
    expect(bob.page.locator("#f-location")).to_be_focused()
    bob.wait_saved()
    doc = bob.document()
    assert (doc["location"], doc["subject"]) == ("Salle Alice", "Objet de Bob")
    assert bob.queued() == []
