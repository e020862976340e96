"""Progress notes in the editor's « Suivi des actions »: never dropped whatever the order
of typing — the status chosen first (sent at once) then the note, or the note then the
status — and a note alone, with the button or Enter. Each lands in the action's history."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def in_series(series: str, date: str):  # type: ignore[no-untyped-def]
    def change(doc: dict) -> None:
        doc.update(series=series, date=date)

    return change


def history(page, live_server, action_id: str) -> list[tuple]:
    answer = page.request.get(f"{live_server.url}/api/actions/{action_id}/history").json()
    return [(e["kind"], e["old_status"], e["status"], e["comment"]) for e in answer["history"]]


def test_notes_are_kept_whatever_the_order(page, live_server, make_meeting, open_editor):
    series = "E2E notes de suivi"
    make_meeting(page, "E2E notes 1", in_series(series, "2022-01-07"))
    second = make_meeting(page, "E2E notes 2", in_series(series, "2022-02-07"))
    ed = open_editor(page, second)
    items = page.locator("#follow-up tbody.follow-up-item")
    expect(items).to_have_count(3)
    first, other, third = items.nth(0), items.nth(1), items.nth(2)
    ids = [item.get_attribute("data-action-id") for item in (first, other, third)]

    # Status first, saved at once; the note typed after it, sent when leaving the action.
    first.locator('[data-fu="status"]').select_option("in_progress")
    first.locator('[data-fu="status"]').blur()
    expect(first.locator(".fu-message")).to_have_text("Statut enregistré : En cours.")
    first.locator('[data-fu="comment"]').fill("Note après le statut")
    other.locator('[data-fu="comment"]').focus()
    expect(first.locator(".fu-message")).to_have_text("Note de suivi enregistrée.")
    expect(first.locator('[data-fu="comment"]')).to_have_value("")

    # The note first, then the status: one change with its note.
    other.locator('[data-fu="comment"]').fill("Note avant le statut")
    other.locator('[data-fu="status"]').select_option("done")
    other.locator('[data-fu="status"]').blur()
    expect(other.locator(".fu-message")).to_have_text("Statut enregistré : Fait.")

    # A note alone: the button, then Enter.
    third.locator('[data-fu="comment"]').fill("Note seule")
    third.get_by_role("button", name=re.compile("^Enregistrer la note")).click()
    expect(third.locator(".fu-message")).to_have_text("Note de suivi enregistrée.")
    third.locator('[data-fu="comment"]').fill("Deuxième note")
    third.locator('[data-fu="comment"]').press("Enter")
    expect(third.locator(".history-count")).to_have_text("2")
    ed.wait_saved()

    assert history(page, live_server, ids[0]) == [
        ("status", "open", "in_progress", "Note après le statut")
    ]
    assert history(page, live_server, ids[1]) == [
        ("status", "open", "done", "Note avant le statut")
    ]
    assert history(page, live_server, ids[2]) == [
        ("note", "open", "open", "Note seule"),
        ("note", "open", "open", "Deuxième note"),
    ]
    page.reload()
    third = page.locator(f'#follow-up tbody[data-action-id="{ids[2]}"]')
    third.locator("details.history summary").click()
    expect(third.locator(".history-list li").first).to_contain_text(
        "note de suivi (statut À faire), pendant E2E notes 2 (07/02/2022) — « Note seule »"
    )
