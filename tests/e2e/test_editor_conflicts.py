"""Two people edit the same meeting: a stale edit is shown as a conflict, never applied
silently, and the rapporteur chooses which version wins."""

from __future__ import annotations

from playwright.sync_api import expect

ROW_NOTICE = "Cette ligne a été modifiée par quelqu'un d'autre."


def test_conflicting_row_edit_is_shown_not_applied(editor, new_context, log_in, open_editor):
    alice = editor
    bob = open_editor(log_in(new_context()), alice.meeting_id)

    alice.cell(1, "subject").fill("Version d'Alice")
    alice.wait_saved()
    bob.cell(1, "subject").fill("Version de Bob")
    notice = bob.row(1).get_by_role("alert")
    expect(notice).to_contain_text(ROW_NOTICE)
    expect(notice).to_contain_text("Objet : « Version d'Alice »")
    expect(bob.status).to_contain_text("Conflit")
    assert alice.document()["rida"][0]["subject"] == "Version d'Alice"
    bob.cell(1, "question").fill("Bob continue sur la même ligne")  # held, not sent
    bob.cell(2, "subject").fill("Autre ligne")  # other rows flow
    expect(bob.status).to_contain_text("Conflit")
    assert bob.document()["rida"][1]["subject"] == "Autre ligne"
    assert bob.document()["rida"][0]["subject"] == "Version d'Alice"

    notice.get_by_role("button", name="Garder ma version").click()
    expect(notice).to_have_count(0)
    bob.wait_saved()
    first = bob.document()["rida"][0]
    assert (first["subject"], first["question"]) == (
        "Version de Bob",
        "Bob continue sur la même ligne",
    )

    # Now Alice is behind: she takes the server's version instead.
    alice.cell(1, "answer").fill("Réponse d'Alice")
    notice = alice.row(1).get_by_role("alert")
    expect(notice).to_contain_text(ROW_NOTICE)
    notice.get_by_role("button", name="Prendre la version du serveur").click()
    expect(notice).to_have_count(0)
    expect(alice.cell(1, "subject")).to_have_value("Version de Bob")
    expect(alice.cell(1, "answer")).to_have_value(first["answer"] or "")
    expect(alice.cell(1, "answer")).to_be_focused()
    alice.wait_saved()
    assert alice.document()["rida"][0]["answer"] == first["answer"]
    assert alice.queued() == []


def test_conflicting_header_field(editor, new_context, log_in, open_editor):
    alice = editor
    bob = open_editor(log_in(new_context()), alice.meeting_id)
    alice.page.locator("#f-location").fill("Salle Alice")
    alice.wait_saved()
    bob.page.locator("#f-subject").fill("Objet de Bob")  # another field: no conflict
    bob.wait_saved()
    bob.page.locator("#f-location").fill("Salle Bob")
    notice = bob.page.get_by_role("alert").filter(has_text="Ce champ a été modifié")
    expect(notice).to_contain_text("Valeur sur le serveur : « Salle Alice »")
    assert bob.document()["location"] == "Salle Alice"
    notice.get_by_role("button", name="Prendre la version du serveur").click()
    expect(bob.page.locator("#f-location")).to_have_value("Salle Alice")
    bob.wait_saved()
    doc = bob.document()
    assert (doc["location"], doc["subject"]) == ("Salle Alice", "Objet de Bob")
