"""axe-core on every page (axe-playwright-python, which bundles axe-core): no violation of
the rules axe runs by default (WCAG 2.0, 2.1 and 2.2 A and AA, and axe's best practices).
No rule is disabled. Pages as in every_page.py: logged in as the demo administrator, the
editor on the demo's draft (rows, participants, an action, the follow-up of the first
meeting's actions); the editor again at 320 px, where its grids are cards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import STEP_TIMEOUT_MS, Server
from tests.e2e.every_page import LOGIN_PAGE, PageToCheck, logged_in_pages, visit

AXE = Axe()
# Every WCAG 2.x A/AA rule and best practice, including the rules axe still calls
# experimental (label-content-name-mismatch, WCAG 2.5.3, is one: the outside review found it).
OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": [
            "wcag2a",
            "wcag2aa",
            "wcag21a",
            "wcag21aa",
            "wcag22a",
            "wcag22aa",
            "best-practice",
            "experimental",
        ],
    },
    "resultTypes": ["violations"],
}


def violations(page: Page) -> list[str]:
    """Each violation: its rule, its impact and the first nodes it was found on."""
    found: list[dict[str, Any]] = AXE.run(page, options=OPTIONS).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + " | ".join(" ".join(n["target"]) for n in v["nodes"][:3])
        for v in found
    ]


@pytest.mark.parametrize("width", [1400, 320])
def test_no_axe_violation_on_any_page(
    width: int, chromium: Browser, live_server: Server, log_in: Callable[..., Page]
) -> None:
    context = chromium.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    context.set_default_timeout(STEP_TIMEOUT_MS)
    report: dict[str, list[str]] = {}
    try:
        anonymous = context.new_page()
        visit(anonymous, live_server.url, LOGIN_PAGE)
        report[LOGIN_PAGE.name] = violations(anonymous)
        page = log_in(context)
        targets: list[PageToCheck] = logged_in_pages(page, live_server.url)
        if width < 1000:  # at 320 px, the pages whose layout changes most
            targets = [t for t in targets if t.name in {"editeur", "accueil", "admin-comptes"}]
        for target in targets:
            visit(page, live_server.url, target)
            report[target.name] = violations(page)
    finally:
        context.close()
    failed = {name: found for name, found in report.items() if found}
    assert not failed, "\n".join(f"{name}: {v}" for name, found in failed.items() for v in found)
