"""A keyboard-only session in the editor, counting every key press.

Types the seed workshop of the demo (rida/fixtures/demo_tf_mssante_2022-01-07.json) into a
new, empty meeting of a new series, in headless Chromium (Playwright), by keyboard only:
header fields (objet, type, document de référence), 3 participants, the 8 RIDA rows with
their speaker prefixes (« ANS : »…, typed in full) and one action with its owner (a new
person) and due date. Every key press is counted: a typed character is one key, a chord
(Ctrl+Entrée, Alt+G…) is one key. Navigation keys are counted apart: Tab, Maj+Tab, arrows
and the chords that move the focus (Alt+G, Alt+L and the row number typed after it,
Alt+J, Alt+N, Ctrl+↑/↓, Ctrl+Entrée, Entrée on « Ajouter une ligne »). Then the saved
meeting is read back through the API and compared with what was typed, and each row is
reached from the action with Alt+L and its number.

    .venv/bin/python benchmarks/keystrokes.py

Prints a table and writes ``benchmarks/results/keystrokes.json``; exit status 1 if the
saved content differs or a bound is missed (a new row ≤ 5 navigation keys, any row ≤ 3).
tests/e2e/test_keystrokes.py runs the same session (:func:`run_session`).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEMO = Path(__file__).resolve().parents[1] / "rida" / "fixtures" / "demo_tf_mssante_2022-01-07.json"
NEW_ROW_MAX_NAV = 5
ANY_ROW_MAX_KEYS = 3
BEFORE = {"total": 1745, "navigation": 164}  # the outside review, before these shortcuts


@dataclass
class Keys:
    """The page's keyboard, counting: every press, and the navigation ones apart."""

    page: Any
    total: int = 0
    navigation: int = 0
    log: list[tuple[str, str]] = field(default_factory=list)

    def nav(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.total += 1
        self.navigation += 1
        self.log.append(("nav", key))

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.total += 1
        self.log.append(("key", key))

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.total += len(text)
        self.log.append(("text", text))

    @contextmanager
    def counting(self) -> Iterator[dict[str, int]]:
        out: dict[str, int] = {}
        total, nav = self.total, self.navigation
        yield out
        out.update(total=self.total - total, navigation=self.navigation - nav)


def workshop() -> dict[str, Any]:
    """What is typed: the demo's header, first 3 participants, 8 rows, first action."""
    demo = json.loads(DEMO.read_text(encoding="utf-8"))
    return {
        "subject": demo["subject"],
        "meeting_type": demo["meeting_type"],
        "reference_documents": demo["reference_documents"][:1],
        "participants": demo["participants"][:3],
        "rida": demo["rida"][:8],
        "action": demo["actions"][0],
    }


def create_meeting(page: Any, base_url: str, title: str) -> int:
    """An empty draft meeting in a series of its own (set-up, not counted)."""
    page.goto(f"{base_url}/")
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    doc = {
        "format": "rida/1",
        "series": f"Série {title}",
        "title": title,
        "date": "2022-01-07",
        "status": "draft",
        "version": "0.1",
        "classification": "public",
    }
    response = page.request.post(
        f"{base_url}/api/meetings",
        data=json.dumps(doc),
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    assert response.status == 201, response.text()
    return int(response.json()["id"])


def focused_id(page: Any) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def wait_saved(page: Any) -> None:
    page.locator("#save-status").filter(has_text=re.compile("^Enregistré$")).wait_for(
        timeout=60_000
    )


def run_session(page: Any, base_url: str, title: str = "Atelier au clavier") -> dict[str, Any]:
    """Type the workshop; returns the counts, the per-row figures and the saved document."""
    w = workshop()
    meeting_id = create_meeting(page, base_url, title)
    page.goto(f"{base_url}/reunions/{meeting_id}/modifier")
    page.locator("#save-status[data-state='saved']").wait_for()
    keys = Keys(page)
    phases: dict[str, dict[str, int]] = {}
    start = focused_id(page)  # no click: the editor puts the focus in the first empty field

    with keys.counting() as phases["header"]:
        assert start == "f-subject", start
        keys.type(w["subject"])
        keys.nav("Tab")
        keys.type(w["meeting_type"])
        keys.press("Escape")  # closes the type suggestions
        # Date (JJ/MM/AAAA), début and fin (2 parts each), lieu, classification, organisateur,
        # rédacteur.
        for _ in range(20):
            keys.nav("Tab")
            if focused_id(page) == "f-reference_documents":
                break
        assert focused_id(page) == "f-reference_documents", focused_id(page)
        keys.type(w["reference_documents"][0])

    with keys.counting() as phases["participants"]:
        keys.nav("Tab")
        assert focused_id(page) == "np-last_name", focused_id(page)
        for p in w["participants"]:
            for i, f in enumerate(("last_name", "first_name", "entity", "function")):
                if i:
                    keys.nav("Tab")
                keys.type(p[f] or "")
            keys.press("Enter")  # « Ajouter »; the focus goes back to Nom

    rows: list[dict[str, int]] = []
    for i, row in enumerate(w["rida"]):
        with keys.counting() as figures:
            if i == 0:
                keys.nav("Alt+g")  # no row yet: « Ajouter une ligne »
                keys.nav("Enter")
            else:
                keys.nav("Control+Enter")
            assert focused_id(page).endswith("-nature"), focused_id(page)
            if row["nature"]:
                keys.press(row["nature"].lower())
            for f in ("subject", "question", "answer"):
                keys.nav("Tab")
                assert focused_id(page).endswith(f"-{f}"), focused_id(page)
                keys.type(row[f] or "")
        rows.append(figures)

    with keys.counting() as phases["action"]:
        a = w["action"]
        keys.nav("Alt+n")  # from row 8: an action linked to it, its title selected
        keys.type(a["title"])
        keys.nav("Tab")
        keys.type(a["notes"])
        keys.nav("Tab")
        keys.press("e")  # Entretien bilatéral
        keys.nav("Tab")
        keys.type("Nouvelle")  # « Nouvelle personne… »: the small form opens after the list
        owner = a["owner"]
        for f in ("last_name", "first_name", "entity"):
            keys.nav("Tab")
            keys.type(owner[f])
        keys.press("Enter")  # « Choisir ce porteur »; back on the owner list
        keys.nav("Tab")
        year, month, day = a["due_date"].split("-")
        keys.type(f"{day}/{month}/{year}")  # JJ/MM/AAAA, whatever the browser's language
    wait_saved(page)
    session = {"total": keys.total, "navigation": keys.navigation}

    # Any row from the action: Alt+L and its number (Enter alone: the last one).
    reach: list[int] = []
    for n in range(1, len(w["rida"]) + 1):
        page.locator("#actions-grid [data-field='title']").first.focus()  # from the action
        with keys.counting() as figures:
            keys.nav("Alt+l")
            keys.nav(str(n))
            assert re.fullmatch(r"row-.+-(nature|subject|question|answer)", focused_id(page))
            number = page.evaluate(
                "window.Rida.Dom.rowNumber(document.activeElement.closest('tbody'))"
            )
            assert number == n, (number, n)
        reach.append(figures["total"])

    response = page.request.get(f"{base_url}/api/meetings/{meeting_id}")
    document = response.json()
    return {
        "meeting_id": meeting_id,
        **session,
        "phases": phases,
        "rows": rows,
        "reach_row_keys": reach,
        "document": document,
        "typed": w,
    }


def differences(result: dict[str, Any]) -> list[str]:
    """What the saved meeting lacks of what was typed (empty: all there)."""
    doc, w, out = result["document"], result["typed"], []
    for f in ("subject", "meeting_type", "reference_documents"):
        if doc.get(f) != w[f]:
            out.append(f"{f}: {doc.get(f)!r}")
    names = [
        (p["last_name"], p["first_name"], p["entity"], p.get("function"))
        for p in doc.get("participants", [])
    ]
    wanted = [
        (p["last_name"], p["first_name"], p["entity"], p["function"]) for p in w["participants"]
    ]
    if names != wanted:
        out.append(f"participants: {names!r}")
    for got, row in zip(doc.get("rida", []), w["rida"], strict=False):
        for f in ("number", "nature", "subject", "question", "answer"):
            if got.get(f) != row[f]:
                out.append(f"rida[{row['number']}].{f}: {got.get(f)!r}")
    if len(doc.get("rida", [])) != len(w["rida"]):
        out.append(f"rida: {len(doc.get('rida', []))} rows")
    actions, a = doc.get("actions", []), w["action"]
    if len(actions) != 1:
        out.append(f"actions: {len(actions)}")
    else:
        got = actions[0]
        for f in ("title", "kind", "due_date", "notes"):
            if got.get(f) != a[f]:
                out.append(f"action.{f}: {got.get(f)!r}")
        if got.get("rida") != 8:
            out.append(f"action.rida: {got.get('rida')!r}")
        owner = got.get("owner") or {}
        if (owner.get("last_name"), owner.get("first_name"), owner.get("entity")) != (
            a["owner"]["last_name"],
            a["owner"]["first_name"],
            a["owner"]["entity"],
        ):
            out.append(f"action.owner: {owner!r}")
    return out


def bounds(result: dict[str, Any]) -> list[str]:
    """The missed bounds (empty: none)."""
    out = [
        f"row {i + 1}: {r['navigation']} navigation keys"
        for i, r in enumerate(result["rows"])
        if r["navigation"] > NEW_ROW_MAX_NAV
    ]
    out += [
        f"reaching row {i + 1}: {k} keys"
        for i, k in enumerate(result["reach_row_keys"])
        if k > ANY_ROW_MAX_KEYS
    ]
    return out


def main() -> int:
    from _common import HOST, LOGIN, PASSWORD, print_table, running_server, write_results
    from playwright.sync_api import sync_playwright

    chromium = Path("/usr/bin/chromium")
    with running_server() as server, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(chromium) if chromium.exists() else None,
            args=["--no-sandbox", "--disable-gpu"],
        )
        context = browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 900})
        page = context.new_page()
        url = f"http://{HOST}:{server.port}"
        page.goto(f"{url}/connexion")
        page.get_by_label("Identifiant").fill(LOGIN)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(f"{url}/")
        result = run_session(page, url)
        browser.close()
    problems = differences(result) + bounds(result)
    rows = [[name, v["total"], v["navigation"]] for name, v in result["phases"].items()]
    rows += [[f"ligne {i + 1}", r["total"], r["navigation"]] for i, r in enumerate(result["rows"])]
    rows.append(["TOTAL", result["total"], result["navigation"]])
    rows.append(["avant (revue externe)", BEFORE["total"], BEFORE["navigation"]])
    print_table(["étape", "touches", "dont navigation"], rows)
    print(f"atteindre chaque ligne depuis l'action : {result['reach_row_keys']} touches")
    path = write_results(
        "keystrokes",
        {
            "total": result["total"],
            "navigation": result["navigation"],
            "phases": result["phases"],
            "rows": result["rows"],
            "reach_row_keys": result["reach_row_keys"],
            "before": BEFORE,
            "bounds": {
                "new_row_max_navigation": NEW_ROW_MAX_NAV,
                "any_row_max_keys": ANY_ROW_MAX_KEYS,
            },
            "problems": problems,
        },
    )
    print(f"→ {path}")
    for problem in problems:
        print("PROBLÈME :", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
