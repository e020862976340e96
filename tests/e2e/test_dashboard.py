"""The actions dashboard in a browser: change a status with the keyboard, autosaved; the
action then shows with its new status in the next meeting's « Suivi des actions »."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect


def test_status_change_from_the_dashboard_reaches_the_next_follow_up(
    page: Page, live_server, make_meeting
):
    title = f"Action suivie E2E {uuid.uuid4().hex[:8]}"

    def first(doc: dict) -> None:
        doc.update(date="2030-01-07")
        doc["actions"][0]["title"] = title
        doc["actions"][0]["due_date"] = "2030-01-20"

    def second(doc: dict) -> None:
        doc.update(date="2030-02-07", actions=[])

    make_meeting(page, "E2E tableau de bord 1", first)
    next_meeting = make_meeting(page, "E2E tableau de bord 2", second)

    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Actions"
    ).click()
    expect(page.get_by_role("heading", name="Actions de la Task Force")).to_be_visible()
    page.goto(f"{live_server.url}/actions?sort=meeting&order=desc")
    status = page.get_by_label(f"Statut de l'action « {title} »")
    expect(status).to_have_value("open")
    row = page.locator("tr", has=status)
    expect(row.get_by_role("link", name=title)).to_have_attribute(
        "href", re.compile(r"/reunions/\d+#action-\d+")
    )

    status.focus()
    page.keyboard.type("E")  # « En cours », chosen with the keyboard
    expect(status).to_have_value("in_progress")
    expect(page.locator("#save-status")).to_have_text("Enregistré")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved")

    # Saved on the server: a reload shows it
    page.reload()
    expect(page.get_by_label(f"Statut de l'action « {title} »")).to_have_value("in_progress")

    # The next meeting of the series reviews it, with its new status (the read page does
    # not show the follow-up: its compte-rendu, served as a download, does)
    answer = page.request.get(f"{live_server.url}/reunions/{next_meeting}/compte-rendu.html")
    assert answer.ok
    page.set_content(answer.text())
    heading = page.get_by_role("heading", name=re.compile("Suivi des actions"))
    expect(heading).to_be_visible()
    # numbered as its compte-rendu numbers it (the meeting is in the next column)
    action = page.get_by_role("cell", name=f"Action 1 : {title}", exact=True)
    line = page.locator("tr", has=action)
    expect(line).to_have_count(1)
    # (« En cours (en retard) » when its due date is before the next meeting's)
    expect(
        line.get_by_role("cell", name=re.compile(r"^En cours( \(en retard\))?$"))
    ).to_be_visible()
    expect(line).to_contain_text("E2E tableau de bord 1 (07/01/2030)")


def test_conflict_shows_the_current_status(page: Page, live_server, make_meeting):
    title = f"Action en conflit E2E {uuid.uuid4().hex[:8]}"

    def change(doc: dict) -> None:
        doc.update(date="2031-01-07")
        doc["actions"][0]["title"] = title

    make_meeting(page, "E2E tableau de bord conflit", change)
    page.goto(f"{live_server.url}/actions?sort=meeting&order=desc")
    status = page.get_by_label(f"Statut de l'action « {title} »")
    action_id = status.get_attribute("data-action-id")
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    # Someone else closes it meanwhile
    other = page.request.post(
        f"{live_server.url}/api/actions/{action_id}/status",
        data='{"status": "done"}',
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    assert other.ok
    status.focus()
    page.keyboard.type("E")  # « En cours », on the stale revision
    alert = page.locator("#board-alert")
    expect(alert).to_contain_text("a été modifiée par quelqu'un d'autre")
    expect(alert).to_contain_text("son statut est maintenant « Fait »")
    expect(status).to_have_value("done")
    expect(page.locator("#save-status")).to_have_text("Enregistré")


def test_counts_and_chart_follow_a_status_change_without_reload(
    page: Page, live_server, make_meeting
):
    series = f"E2E décomptes {uuid.uuid4().hex[:8]}"

    def change(doc: dict) -> None:
        doc.update(series=series, date="2024-01-07")

    make_meeting(page, "E2E décomptes", change)
    page.goto(f"{live_server.url}/actions?series={series}&chart=month")
    counts = page.locator(".board-counts")

    def count(name: str):
        return counts.locator("li", has=page.get_by_role("link", name=name, exact=True)).locator(
            ".count"
        )

    expect(count("Fait")).to_have_text("0")
    expect(count("À faire")).to_have_text("3")
    last_done = page.locator(".board-chart table.chart-data tbody tr").last.locator("td").nth(1)
    expect(last_done).to_have_text("0", use_inner_text=False)
    select = page.locator("select.board-status").first
    select.select_option("done")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved")
    # no reload: the same page's counts and chart now count it done
    expect(count("Fait")).to_have_text("1")
    expect(count("À faire")).to_have_text("2")
    expect(last_done).to_have_text("1", use_inner_text=False)
    expect(select).to_have_value("done")
