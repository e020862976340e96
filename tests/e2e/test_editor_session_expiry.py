"""Session expiry in the editor: the warning banner, « Rester connecté », and no edit lost
across the expiry and a new login (same tab, through the banner's link)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import DEMO, STEP_TIMEOUT_MS, Editor, Server

IDLE_MINUTES = "0.4"  # 24 s without a request ends the session
# The banner shows 18 s before: after 6 s of idleness, leaving 18 s to click « Rester
# connecté » before the end, even on a loaded machine.
WARNING_MINUTES = "0.3"


@pytest.fixture
def short_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("rida-e2e-idle"))
    srv.env |= {
        "RIDA_SESSION_IDLE_MINUTES": IDLE_MINUTES,
        "RIDA_SESSION_WARNING_MINUTES": WARNING_MINUTES,
    }
    srv.cli("init")
    srv.cli("demo")
    srv.start()
    yield srv
    srv.stop()


def test_expired_session_warns_then_keeps_every_edit(short_server: Server, chromium: Browser):
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1400, "height": 900})
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = context.new_page()
    password = (short_server.data_dir / "demo-password").read_text().strip()

    def log_in() -> None:
        page.get_by_label("Identifiant").fill("demo")
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()

    page.goto(f"{short_server.url}/connexion")
    log_in()
    doc = json.loads(DEMO.read_text(encoding="utf-8")) | {
        "status": "draft",
        "version": "0.1",
        "title": "E2E expiration",
    }
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    made = page.request.post(
        f"{short_server.url}/api/meetings",
        data=json.dumps(doc),
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    assert made.status == 201, made.text()
    ed = Editor(page, short_server, made.json()["id"]).open()
    banner = page.locator("#session-warning")

    ed.cell(1, "subject").fill("Avant l'avertissement")
    ed.wait_saved()
    # No activity: the warning comes, « Rester connecté » extends the session.
    expect(banner.get_by_role("alert")).to_contain_text("Votre session va expirer", timeout=60_000)
    page.get_by_role("button", name="Rester connecté").click()
    expect(banner).to_be_hidden()

    # No activity again, until the end: the banner says so.
    expect(banner.get_by_role("alert")).to_contain_text("Votre session a expiré", timeout=60_000)
    ed.cell(1, "subject").fill("Après l'expiration")
    ed.cell(2, "subject").fill("Deuxième modification")
    expect(ed.status).to_have_text(
        "Session expirée : reconnectez-vous (vos modifications sont conservées)"
    )
    assert len(ed.queued()) == 2

    # Log in again in the same tab, through the banner: back to the editor, edits sent.
    banner.get_by_role("link", name="Se reconnecter").click()
    page.wait_for_url(re.compile(r"/connexion"))
    log_in()
    page.wait_for_url(ed.url)
    ed.wait_saved(timeout=60_000)
    stored = ed.document()["rida"]
    assert stored[0]["subject"] == "Après l'expiration"
    assert stored[1]["subject"] == "Deuxième modification"
    assert ed.queued() == []
    context.close()
