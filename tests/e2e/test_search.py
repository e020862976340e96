"""Search with the keyboard only: "/" to the box, a query, a facet, a hit; the meeting opens
on the row, which is the :target, visible and highlighted."""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import Page, expect


@pytest.fixture(scope="module", autouse=True)
def indexed(server):  # type: ignore[no-untyped-def]
    """The search index rebuilt from the database: removed, then the server restarted (a
    missing index is rebuilt at start), so that the demo loaded by `rida demo` is found
    whether or not something indexed it since."""
    if server.running:
        server.stop()
    shutil.rmtree(server.data_dir / "search", ignore_errors=True)
    server.start()
    return server


def tab_to(page: Page, selector: str, limit: int = 60) -> str:
    """Press Tab until the focused element matches ``selector``; its text."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return page.evaluate("document.activeElement.textContent")
    raise AssertionError(f"{selector} never focused after {limit} Tab presses")


def test_search_facet_and_hit_with_the_keyboard(page, live_server):
    page.goto(f"{live_server.url}/")
    page.keyboard.press("/")
    box = page.get_by_role("searchbox", name="Rechercher dans les comptes-rendus")
    expect(box).to_be_focused()
    page.keyboard.type("inducteur")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/recherche\?q=inducteur$"))
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"\d+ résultats?"))
    expect(page.get_by_role("heading", name="Affiner")).to_be_visible()

    text = tab_to(page, ".facets section[aria-labelledby='facet-nature'] a")
    assert re.search(r"\(\d+\)", text)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"nature="))
    expect(page.get_by_role("region", name="Filtres actifs")).to_contain_text("Nature :")

    tab_to(page, ".hit-list a[href*='#ligne-']")
    href = page.evaluate("document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    target = page.locator(":target")
    expect(target).to_have_id(href.split("#")[1])
    expect(target).to_be_in_viewport()
    background = target.evaluate("(e) => getComputedStyle(e).backgroundColor")
    assert background == "rgb(255, 246, 199)"


def test_slash_typed_in_a_field_stays_in_the_field(page, live_server):
    page.goto(f"{live_server.url}/recherche?q=inducteur")
    field = page.get_by_label("Type de réunion")
    page.get_by_text("Autres filtres").click()
    field.focus()
    page.keyboard.type("a/b")
    expect(field).to_have_value("a/b")
    expect(page.get_by_label("Mots recherchés")).to_have_value("inducteur")
