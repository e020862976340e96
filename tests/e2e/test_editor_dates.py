"""Dates shown and typed as JJ/MM/AAAA in a browser whose language is English (en-US):
no <input type="date"> (whose format would follow the locale, mm/dd/yyyy), ISO saved."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import STEP_TIMEOUT_MS

pytestmark = pytest.mark.e2e
MESSAGE = "Date invalide : attendu JJ/MM/AAAA"


@pytest.fixture
def english(chromium: Browser) -> Any:
    context: BrowserContext = chromium.new_context(
        locale="en-US", viewport={"width": 1400, "height": 900}
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def en_page(english: BrowserContext, log_in: Callable[..., Page]) -> Page:
    page = log_in(english, fresh=True)
    assert page.evaluate("navigator.language") == "en-US"
    return page


def test_editor_dates_are_jj_mm_aaaa_in_an_english_browser(
    en_page: Page, make_meeting: Callable[..., int], open_editor: Callable[..., Any]
) -> None:
    page = en_page
    ed = open_editor(page, make_meeting(page, "E2E dates en anglais"))
    date = page.locator("#f-date")
    expect(date).to_have_attribute("type", "text")
    expect(date).to_have_attribute("inputmode", "numeric")
    expect(date).to_have_attribute("placeholder", "JJ/MM/AAAA")
    expect(page.get_by_label("Date (JJ/MM/AAAA)")).to_have_value("07/01/2022")
    assert page.locator('input[type="date"]').count() == 0
    due = page.get_by_label("Échéance de l'action 1 (JJ/MM/AAAA)")
    expect(due).to_have_value("04/02/2022")

    # Typed as J/M/AAAA: shown as JJ/MM/AAAA once left, saved as ISO.
    due.fill("5/3/2022")
    due.press("Tab")
    expect(due).to_have_value("05/03/2022")
    date.fill("15/03/2024")
    date.press("Tab")
    ed.wait_saved()
    doc = ed.document()
    assert (doc["date"], doc["actions"][0]["due_date"]) == ("2024-03-15", "2022-03-05")

    # An ISO date pasted is understood and shown the French way.
    date.fill("2024-03-16")
    date.press("Tab")
    expect(date).to_have_value("16/03/2024")

    # An invalid date: a clear message, nothing saved (a later edit goes through alone).
    due.fill("31/02/2022")
    due.press("Tab")
    message = page.locator("#" + due.get_attribute("id") + "-invalid")
    expect(message).to_have_text(MESSAGE)
    expect(due).to_have_attribute("aria-invalid", "true")
    assert due.evaluate("(el) => el.validationMessage") == MESSAGE
    page.get_by_label("Titre", exact=True).fill("E2E dates en anglais, suite")
    ed.wait_saved()
    doc = ed.document()
    assert doc["title"] == "E2E dates en anglais, suite"
    assert (doc["date"], doc["actions"][0]["due_date"]) == ("2024-03-16", "2022-03-05")
    due.fill("06/03/2022")
    expect(message).to_be_hidden()
    due.press("Tab")
    ed.wait_saved()
    assert ed.document()["actions"][0]["due_date"] == "2022-03-06"

    page.reload()
    expect(date).to_have_value("16/03/2024")
    expect(due).to_have_value("06/03/2022")


def test_filter_dates_are_jj_mm_aaaa_in_an_english_browser(en_page: Page, live_server: Any) -> None:
    page = en_page
    page.goto(f"{live_server.url}/actions")
    start = page.get_by_label("Échéance à partir du (JJ/MM/AAAA)")
    expect(start).to_have_attribute("type", "text")
    start.fill("1/1/2022")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"due_from=0?1%2F0?1%2F2022"))
    expect(start).to_have_value("01/01/2022")
    expect(page.locator(".flash-error, .errors")).to_have_count(0)

    # Refused in the browser with the message, the page stays.
    start.fill("32/01/2022")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("#f-due-from-invalid")).to_have_text(MESSAGE)
    assert "due_from=32" not in page.url
