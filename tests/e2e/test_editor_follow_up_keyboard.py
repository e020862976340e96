"""The "Suivi des actions" in the editor of a later meeting, keyboard only: a status
changed there is saved at once, survives a reload, and joins the action's history with the
meeting that reviewed it. And Alt+N whatever the keyboard layout gives."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def in_series(series: str, date: str):  # type: ignore[no-untyped-def]
    def change(doc: dict) -> None:
        doc.update(series=series, date=date)

    return change


def test_follow_up_status_changed_with_the_keyboard(page, live_server, make_meeting, open_editor):
    series = "E2E suivi des actions"
    first = make_meeting(page, "E2E atelier 1", in_series(series, "2022-01-07"))
    second = make_meeting(page, "E2E atelier 2", in_series(series, "2022-02-07"))
    ed = open_editor(page, second)
    items = page.locator("#follow-up tbody.follow-up-item")
    expect(items).to_have_count(3)
    item = items.first
    expect(item.get_by_role("link")).to_have_text("E2E atelier 1 (07/01/2022)")
    action_id = item.get_attribute("data-action-id")
    expect(item.get_by_role("link")).to_have_attribute(
        "href", f"/reunions/{first}#action-{action_id}"
    )

    comment = page.get_by_label(re.compile("^Note de suivi : Entretiens"))
    comment.focus()  # then only the keyboard
    page.keyboard.type("Entretiens menés avec 3 opérateurs")
    page.keyboard.press("Tab")
    status = page.get_by_label(re.compile("^Statut : Entretiens bilatéraux"))
    expect(status).to_be_focused()
    page.keyboard.press("ArrowDown")  # En cours…
    page.keyboard.press("ArrowDown")  # …Fait: one change, not two
    page.keyboard.press("Tab")
    expect(item.locator(".fu-message")).to_have_text("Statut enregistré : Fait.")
    ed.wait_saved()
    expect(comment).to_have_value("")

    page.reload()
    expect(status).to_have_value("done")
    summary = item.locator("details.history summary")
    summary.focus()
    page.keyboard.press("Enter")
    history = item.locator(".history-list li")
    expect(history).to_have_count(1)
    expect(history).to_contain_text(
        "demo : À faire → Fait, pendant E2E atelier 2 (07/02/2022)"
        " — « Entretiens menés avec 3 opérateurs »"
    )
    answer = page.request.get(f"{live_server.url}/api/actions/{action_id}/history").json()
    assert [(e["old_status"], e["status"], e["meeting"]) for e in answer["history"]] == [
        ("open", "done", second)
    ]

    # The read view of the first meeting shows the same history.
    page.goto(f"{live_server.url}/reunions/{first}")
    row = page.locator(f"#action-{action_id}")
    expect(row).to_contain_text("Fait")
    row.locator("details.history summary").click()
    expect(row.locator(".history-list")).to_contain_text("pendant E2E atelier 2")


def test_alt_n_whatever_the_layout_gives(page, make_meeting, open_editor):
    meeting = make_meeting(page, "E2E azerty")
    ed = open_editor(page, meeting)
    actions = page.locator("#actions-grid tbody.action-item")
    expect(actions).to_have_count(3)
    # macOS Option, or a layout giving another character with Alt: the key's position is N.
    ed.cell(8, "answer").dispatch_event(
        "keydown", {"key": "˜", "code": "KeyN", "altKey": True, "bubbles": True}
    )
    expect(actions).to_have_count(4)
    expect(page.get_by_label("Intitulé de l'action 4")).to_be_focused()
    expect(ed.row(8).locator(".linked-actions")).to_contain_text("Action 4")


def test_a_status_changed_meanwhile_is_a_conflict(page, live_server, make_meeting, open_editor):
    series = "E2E suivi conflit"
    make_meeting(page, "E2E conflit 1", in_series(series, "2022-01-07"))
    second = make_meeting(page, "E2E conflit 2", in_series(series, "2022-02-07"))
    ed = open_editor(page, second)
    item = page.locator("#follow-up tbody.follow-up-item").first
    action_id = item.get_attribute("data-action-id")
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    elsewhere = page.request.post(
        f"{live_server.url}/api/actions/{action_id}/status",
        data='{"status": "cancelled"}',
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    assert elsewhere.status == 200
    status = item.locator('[data-fu="status"]')
    status.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    message = item.locator(".fu-message")
    expect(message).to_have_attribute("role", "alert")
    expect(message).to_contain_text("son statut est maintenant « Annulé »")
    expect(status).to_have_value("cancelled")
    ed.wait_saved()
    answer = page.request.get(f"{live_server.url}/api/actions/{action_id}/history").json()
    assert [e["status"] for e in answer["history"]] == ["cancelled"]
