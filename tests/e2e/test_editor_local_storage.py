"""Unsent edits kept in the browser belong to their account: encrypted in localStorage,
named with the account's tag; after a logout (asked first), another account on the same
browser neither reads nor replays them; the same account, back, gets them and sends them.

The server is "unreachable" for the editor's saves: the context answers 503 to the API
(the pages themselves, and the login and logout forms, still reach the server)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from tests.e2e.conftest import DEMO, RAPPORTEUR, STEP_TIMEOUT_MS, Editor, Server

pytestmark = pytest.mark.e2e
CANARY = "Zorglubinette"
API = "**/api/meetings/**"
ALL_STORAGE = """() => {
  const out = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    out.push(`${key}=${localStorage.getItem(key)}`);
  }
  return out.join('\\n');
}"""


def _unreachable(route: Route) -> None:
    route.fulfill(status=503, body="")


@pytest.fixture
def shared(chromium: Browser) -> Any:
    """One browser (one localStorage) that two people use in turn."""
    context: BrowserContext = chromium.new_context(
        locale="fr-FR", viewport={"width": 1400, "height": 900}
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    yield context
    context.close()


def _log_in(page: Page, server: Server, who: str) -> None:
    """Through the login form (never a reused session: this one ends by a logout)."""
    if who == "demo":
        login, password = "demo", (server.data_dir / "demo-password").read_text().strip()
    else:
        login, password = RAPPORTEUR
    page.goto(f"{server.url}/connexion")
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{server.url}/")


def _make_meeting(page: Page, server: Server, title: str) -> int:
    doc = json.loads(DEMO.read_text(encoding="utf-8")) | {
        "title": title,
        "status": "draft",
        "version": "0.1",
    }
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    made = page.request.post(
        f"{server.url}/api/meetings",
        data=json.dumps(doc),
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    assert made.status == 201, made.text()
    return int(made.json()["id"])


def _log_out(page: Page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()


def test_unsent_edits_stay_with_their_account(shared: BrowserContext, live_server: Server):
    page = shared.new_page()
    _log_in(page, live_server, "demo")
    meeting = _make_meeting(page, live_server, "E2E modifications d'un compte")
    a = Editor(page, live_server, meeting).open()
    original = a.cell(1, "answer").input_value()

    # A types while the server is unreachable: two edits wait, encrypted.
    shared.route(API, _unreachable)
    a.cell(1, "answer").fill(f"Réponse {CANARY} écrite hors ligne")
    a.cell(2, "subject").fill(f"Objet {CANARY}")
    expect(a.status).to_contain_text("Hors ligne")
    assert [op["value"] for op in a.queued()] == [
        f"Réponse {CANARY} écrite hors ligne",
        f"Objet {CANARY}",
    ]
    stored = page.evaluate(ALL_STORAGE)
    assert "rida:q:" in stored and CANARY not in stored

    # Logging out asks first, and says how many edits wait.
    _log_out(page)
    dialog = page.get_by_role("dialog", name="Modifications en attente d'envoi")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("2 modifications ne sont pas encore enregistrées")
    expect(dialog.get_by_role("button", name="Rester")).to_be_focused()
    dialog.get_by_role("button", name="Rester").click()
    expect(dialog).to_be_hidden()
    assert page.url == a.url
    _log_out(page)
    dialog.get_by_role("button", name="Se déconnecter quand même").click()
    page.wait_for_url(re.compile(r"/connexion"))
    shared.unroute(API, _unreachable)

    # B, on the same browser: nothing of A's is readable, nothing replayed.
    assert CANARY not in page.evaluate(ALL_STORAGE)
    _log_in(page, live_server, "rapporteur")
    b = Editor(page, live_server, meeting).open()
    b.wait_saved()
    expect(b.cell(1, "answer")).to_have_value(original)
    assert b.queued() == []
    assert page.locator("#save-note").inner_text() == ""
    doc = b.document()
    assert CANARY not in json.dumps(doc, ensure_ascii=False)
    assert CANARY not in page.evaluate(ALL_STORAGE)
    # A's entry is still there, for A (and B's logout asks nothing: B has nothing pending).
    assert page.evaluate(ALL_STORAGE).count("rida:q:") == 1
    _log_out(page)
    page.wait_for_url(re.compile(r"/connexion"))

    # A again: the edits come back and are sent.
    _log_in(page, live_server, "demo")
    again = Editor(page, live_server, meeting).open()
    expect(again.cell(1, "answer")).to_have_value(f"Réponse {CANARY} écrite hors ligne")
    expect(again.cell(2, "subject")).to_be_focused()  # the last field edited, restored
    expect(page.locator("#save-note")).to_contain_text("2 modifications non enregistrées")
    again.wait_saved()
    doc = again.document()
    assert doc["rida"][0]["answer"] == f"Réponse {CANARY} écrite hors ligne"
    assert doc["rida"][1]["subject"] == f"Objet {CANARY}"
    assert again.queued() == []
    assert "rida:q:" not in page.evaluate(ALL_STORAGE)


def test_old_unencrypted_entries_are_dropped_unread(shared: BrowserContext, live_server: Server):
    page = shared.new_page()
    _log_in(page, live_server, "demo")
    meeting = _make_meeting(page, live_server, "E2E ancien format")
    old = {
        "ts": 0,
        "closed": True,
        "ops": [{"kind": "meeting", "field": "title", "value": f"Titre {CANARY}", "t": 1}],
    }
    page.evaluate(
        "([key, value]) => localStorage.setItem(key, value)",
        [f"rida:queue:{meeting}:old", json.dumps(old)],
    )
    ed = Editor(page, live_server, meeting).open()
    ed.wait_saved()
    expect(page.get_by_label("Titre", exact=True)).to_have_value("E2E ancien format")
    assert CANARY not in page.evaluate(ALL_STORAGE)
    assert ed.document()["title"] == "E2E ancien format"


def test_without_webcrypto_edits_stay_in_the_page_only(shared: BrowserContext, live_server: Server):
    page = shared.new_page()
    _log_in(page, live_server, "demo")
    meeting = _make_meeting(page, live_server, "E2E sans chiffrement")
    # As on plain http at a LAN address: no secure context, no WebCrypto.
    shared.add_init_script("Object.defineProperty(window, 'isSecureContext', {value: false})")
    ed = Editor(page, live_server, meeting).open()
    expect(page.locator("#local-notice")).to_contain_text("gardées dans cette page seulement")
    shared.route(API, _unreachable)
    ed.cell(1, "answer").fill(f"Réponse {CANARY}")
    expect(ed.status).to_contain_text("gardées dans cette page seulement")
    assert "rida:q:" not in page.evaluate(ALL_STORAGE)
    _log_out(page)
    dialog = page.get_by_role("dialog", name="Modifications en attente d'envoi")
    expect(dialog).to_contain_text("sera perdue")
    dialog.get_by_role("button", name="Rester").click()
    shared.unroute(API, _unreachable)
    ed.wait_saved()
    assert ed.document()["rida"][0]["answer"] == f"Réponse {CANARY}"
