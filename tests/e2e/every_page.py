"""Every page of rida, for the browser checks that go through them all (reflow at each
width: test_reflow.py; axe: test_axe.py).

The pages are those of the demo loaded by `rida demo` (tests/e2e/conftest.py): the
validated meeting (rows, participants, three actions) and its draft follow-up (one action
of its own and the open actions of the first in « Suivi des actions »), seen by the demo
administrator. Nothing here changes the demo: the pages are only looked at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Page, expect

VALIDATED = "Atelier modèle économique #1"  # the demo meeting (rida/fixtures/demo_*.json)
DRAFT = "Atelier modèle économique #2"  # its draft follow-up
SEARCH = "financement"  # a word of the demo's rows: the results page has hits


@dataclass(frozen=True)
class PageToCheck:
    name: str  # also the screenshot's file name
    path: str
    ready: str | None = None  # a selector that is there once the page is ready


def demo_meetings(page: Page, base: str) -> dict[str, int]:
    """The demo meetings' ids by title, read through the API with the page's session."""
    response = page.request.get(f"{base}/api/meetings")
    assert response.status == 200, response.text()
    return {m["title"]: m["id"] for m in response.json()["meetings"]}


def organisation_id(page: Page, base: str, name: str = "ANS") -> int:
    """The id of the demo's organisation ``name`` (owner of an action), from the people page."""
    html = page.request.get(f"{base}/personnes").text()
    found = re.search(rf'<tr id="personne-(\d+)">\s*<th scope="row">{name}</th>', html)
    assert found, html
    return int(found.group(1))


def logged_in_pages(page: Page, base: str) -> list[PageToCheck]:
    ids = demo_meetings(page, base)
    done, draft = ids[VALIDATED], ids[DRAFT]
    return [
        PageToCheck("accueil", "/"),
        PageToCheck("compte-rendu", f"/reunions/{done}"),
        PageToCheck("editeur", f"/reunions/{draft}/modifier", '#save-status[data-state="saved"]'),
        PageToCheck("direct", f"/reunions/{draft}/direct"),
        PageToCheck("historique", f"/reunions/{done}/historique"),
        PageToCheck("versions", f"/reunions/{done}/versions"),
        PageToCheck("comparaison", f"/reunions/{done}/comparaison"),
        PageToCheck("recherche", f"/recherche?q={SEARCH}", ".hit"),
        PageToCheck("actions", "/actions"),
        PageToCheck("personnes", "/personnes"),
        # an organisation's page: its members, for the admin
        PageToCheck("organisation", f"/personnes/{organisation_id(page, base)}"),
        PageToCheck("agenda", "/agenda"),
        PageToCheck("glossaire", "/glossaire"),
        PageToCheck("jetons", "/compte/jetons"),
        PageToCheck("admin-comptes", "/admin/comptes"),
        PageToCheck("admin-journal", "/admin/journal"),
        PageToCheck("erreur-404", "/reunions/999999"),
    ]


LOGIN_PAGE = PageToCheck("connexion", "/connexion")


def visit(page: Page, base: str, target: PageToCheck) -> None:
    """Open the page and wait until it is ready. The search index may still be built by
    the server's indexer when the first test asks: the results page is then reloaded
    until its hits are there (a bounded number of times, no timing assertion)."""
    page.goto(base + target.path)
    if target.ready is None:
        return
    if target.ready == ".hit":
        for _ in range(30):
            if page.locator(".hit").count():
                return
            page.wait_for_timeout(1000)
            page.reload()
    expect(page.locator(target.ready).first).to_be_attached()
