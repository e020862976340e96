"""Moving around the editor by keyboard: the focus on open and after a reload, the
shortcuts to the grid, a row, an action and back, the « ? » help (one table, also in the
docs) and the preview of the focused cell."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

DOC = Path(__file__).parents[2] / "docs" / "guide" / "rapporteur.md"


def test_focus_on_open_then_back_after_a_reload(editor):
    ed, page = editor, editor.page
    count = ed.rows.count()
    # The demo's last row is full: the focus is at the end of its answer.
    expect(ed.cell(count, "answer")).to_be_focused()
    ed.cell(3, "subject").focus()
    page.keyboard.type(" bis")
    ed.wait_saved()
    page.reload()
    expect(ed.cell(3, "subject")).to_be_focused()
    stored = page.evaluate("(k) => sessionStorage.getItem(k)", f"rida:focus:{ed.meeting_id}")
    assert stored == f"row-{ed.row(3).get_attribute('data-uid')}-subject"  # an id, no text


def test_focus_on_open_of_a_new_meeting(page, live_server):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Titre").fill("Réunion au clavier")
    page.get_by_label("Date").fill("2024-06-03")
    page.get_by_role("button", name="Créer la réunion").click()
    page.wait_for_url("**/modifier")
    expect(page.locator("#f-subject")).to_be_focused()  # the first empty header field


def test_row_controls_leave_the_tab_sequence(editor):
    ed, page = editor, editor.page
    ed.cell(2, "answer").focus()
    page.keyboard.press("Tab")
    expect(ed.cell(3, "nature")).to_be_focused()  # ↑, ↓, Supprimer are skipped
    for b in page.locator("tbody[data-uid] button[data-action]").all():
        if b.get_attribute("data-action") in ("up", "down", "delete"):
            assert b.get_attribute("tabindex") == "-1"


def test_shortcuts_to_the_grid_rows_and_actions(editor):
    ed, page = editor, editor.page
    count = ed.rows.count()
    page.locator("#f-title").focus()
    page.keyboard.press("Alt+g")  # the grid: last row
    expect(ed.cell(count, "answer")).to_be_focused()
    page.keyboard.press("Control+ArrowUp")  # row above, same column
    expect(ed.cell(count - 1, "answer")).to_be_focused()
    page.keyboard.press("Control+ArrowDown")
    expect(ed.cell(count, "answer")).to_be_focused()
    page.keyboard.press("Alt+l")  # go to row n°
    expect(page.get_by_label("Aller à la ligne n°")).to_be_focused()
    page.keyboard.type("2")  # a single digit is enough with fewer than 20 rows
    expect(ed.cell(2, "answer")).to_be_focused()
    page.keyboard.press("Alt+l")
    page.keyboard.press("Enter")  # Enter alone: the last row
    expect(ed.cell(count, "answer")).to_be_focused()
    page.keyboard.press("Alt+l")
    page.keyboard.press("Escape")  # back where it was
    expect(ed.cell(count, "answer")).to_be_focused()

    # Row 8 of the demo has the first action: there and back.
    ed.cell(8, "question").focus()
    page.keyboard.press("Alt+j")
    expect(page.get_by_label("Intitulé de l'action 1")).to_be_focused()
    page.keyboard.press("Alt+j")
    expect(ed.cell(8, "question")).to_be_focused()
    ed.cell(1, "question").focus()
    page.keyboard.press("Alt+j")  # no action: said, the focus stays
    expect(page.locator("#announce")).to_contain_text("Aucune action reliée à la ligne 1")
    expect(ed.cell(1, "question")).to_be_focused()


def test_help_dialog_lists_the_shortcuts(editor):
    ed, page = editor, editor.page
    button = page.get_by_role("button", name="Raccourcis clavier (?)")
    button.focus()
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Raccourcis clavier")
    expect(dialog).to_be_visible()
    close = page.get_by_role("button", name="Fermer (Échap)")
    expect(close).to_be_focused()
    page.keyboard.press("Tab")  # trapped: the only control keeps the focus
    expect(close).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(button).to_be_focused()

    ed.cell(1, "question").focus()
    page.keyboard.type("?")  # in a text field, « ? » is a character
    expect(dialog).to_be_hidden()
    page.keyboard.press("Alt+k")  # the chord works from inside a field
    expect(dialog).to_be_visible()
    shortcuts = page.evaluate("window.Rida.keys.SHORTCUTS")
    expect(dialog.locator("tbody tr")).to_have_count(len(shortcuts))
    page.keyboard.press("Escape")
    expect(ed.cell(1, "question")).to_be_focused()

    # The manual lists every shortcut of that table, as typed there.
    doc = DOC.read_text(encoding="utf-8")
    section = doc.split("## Raccourcis clavier", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| ([^|]+?) \|", section, re.M)
    assert [s["keys"] for s in shortcuts] == [k for k in listed if k not in ("touches", "---")]


def test_preview_of_the_focused_cell(editor):
    ed, page = editor, editor.page
    question = ed.cell(2, "question")
    question.fill("Remarques :\n- **LIFEN** : propose un guide\n- <script>x</script>ESEA")
    question.focus()
    page.keyboard.press("Alt+p")
    preview = page.get_by_role("region", name=re.compile("Aperçu"))
    expect(preview).to_be_visible()
    expect(preview).to_contain_text("Question ou remarque de la ligne 2")
    expect(preview.locator("li")).to_have_count(2)  # a list under a line of text
    expect(preview.locator("li strong")).to_have_text("LIFEN")
    expect(preview.locator("script")).to_have_count(0)  # sanitised
    near = "(q) => q.parentElement.contains(document.getElementById('cell-preview'))"
    assert question.evaluate(near)  # shown right under the field
    expect(question).to_be_focused()
    page.keyboard.press("Escape")
    expect(preview).to_be_hidden()
    expect(question).to_be_focused()

    # The button previews the cell last focused.
    page.get_by_role("button", name="Aperçu de la cellule (Alt+P)").click()
    expect(preview).to_be_visible()
    expect(preview.locator("li")).to_have_count(2)


def test_preview_endpoint_is_for_the_meetings_editors(editor, new_context, log_in, live_server):
    page = log_in(new_context(), "demo")
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    url = f"{live_server.url}/api/meetings/{editor.meeting_id}/preview"
    headers = {"Content-Type": "application/json", "X-CSRFToken": token}
    ok = page.request.post(url, data='{"text": "- a\\n- b"}', headers=headers)
    assert ok.status == 200
    assert "<li>a</li>" in ok.json()["html"]
    bad = page.request.post(url, data='{"text": 3}', headers=headers)
    assert bad.status == 400
    assert "text" in bad.text()
    assert page.request.post(url, data='{"text": "x"}').status == 400  # no CSRF token
