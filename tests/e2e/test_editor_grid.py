"""The RIDA grid from the keyboard: moves, deletion with confirmation, speaker prefixes."""

from __future__ import annotations

from playwright.sync_api import expect


def _questions(ed) -> list[str]:
    return [ed.cell(i + 1, "question").input_value() for i in range(ed.rows.count())]


def test_move_and_delete_keep_numbers_consecutive(editor):
    ed, page = editor, editor.page
    count = ed.rows.count()
    questions = _questions(ed)
    ed.cell(3, "question").focus()
    page.keyboard.press("Alt+ArrowUp")
    expect(ed.cell(2, "question")).to_be_focused()  # the focus follows the row
    expect(ed.cell(2, "question")).to_have_value(questions[2])
    page.keyboard.press("Alt+ArrowDown")
    page.keyboard.press("Alt+ArrowDown")
    expect(ed.cell(4, "question")).to_be_focused()
    expect(page.get_by_label("Question ou remarque de la ligne 4")).to_have_value(questions[2])
    assert ed.numbers() == [str(n) for n in range(1, count + 1)]

    dialog = page.locator("#confirm-dialog")
    page.keyboard.press("Alt+Delete")  # Escape cancels
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Supprimer la ligne 4 ?")
    expect(page.locator("#confirm-cancel")).to_be_focused()  # the safe choice
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(ed.cell(4, "question")).to_be_focused()
    assert ed.rows.count() == count

    page.keyboard.press("Alt+Delete")  # Enter cancels: the focus is on « Annuler »
    expect(dialog).to_be_visible()
    expect(page.locator("#confirm-cancel")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(ed.cell(4, "question")).to_be_focused()
    assert ed.rows.count() == count

    page.keyboard.press("Alt+Delete")  # Tab reaches « Supprimer », Enter confirms
    expect(dialog).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.locator("#confirm-ok")).to_be_focused()
    page.keyboard.press("Enter")
    expect(ed.rows).to_have_count(count - 1)
    expect(ed.cell(4, "question")).to_be_focused()  # same cell of the next row
    assert ed.numbers() == [str(n) for n in range(1, count)]

    page.get_by_role("button", name="Supprimer la ligne 1").click()
    page.get_by_role("button", name="Annuler").click()
    expect(page.get_by_role("button", name="Supprimer la ligne 1")).to_be_focused()
    page.get_by_role("button", name="Monter la ligne 2").click()
    ed.wait_saved()

    expected = _questions(ed)
    rida = ed.document()["rida"]
    assert [r["number"] for r in rida] == list(range(1, count))
    assert [r["question"] or "" for r in rida] == expected
    assert set(questions) - set(expected) == {questions[2]}  # the moved row was deleted


def test_speaker_prefix_chosen_with_the_keyboard(editor):
    ed, page = editor, editor.page
    answer = ed.cell(1, "answer")
    before = answer.input_value()
    listbox = page.get_by_role("listbox", name="Intervenants suggérés")
    answer.focus()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("LI")
    expect(listbox).to_be_visible()
    expect(listbox.get_by_role("option")).to_have_text(["LIFEN :"])
    expect(answer).to_have_attribute("aria-controls", "speaker-list")
    page.keyboard.press("ArrowDown")
    option = listbox.get_by_role("option", name="LIFEN :")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(answer).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    page.keyboard.press("Enter")
    expect(listbox).to_be_hidden()
    page.keyboard.type("d'accord.")
    expect(answer).to_have_value(f"{before}\nLIFEN : d'accord.")

    page.keyboard.press("Enter")  # Tab takes the first suggestion
    page.keyboard.type("- GCS")
    expect(listbox.get_by_role("option")).to_have_text(["GCS SARA :", "GCS CVL :"])
    page.keyboard.press("Tab")
    expect(answer).to_be_focused()
    page.keyboard.press("Enter")  # Escape closes without inserting
    page.keyboard.type("DN")
    expect(listbox).to_be_visible()
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    page.keyboard.press("Tab")  # list closed: Tab leaves the cell (↑, ↓, Supprimer: not on Tab)
    expect(ed.cell(2, "nature")).to_be_focused()
    expected = f"{before}\nLIFEN : d'accord.\n- GCS SARA : \nDN"
    expect(answer).to_have_value(expected)
    ed.wait_saved()
    assert ed.document()["rida"][0]["answer"] == expected


def test_first_row_of_a_new_meeting(page, live_server):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Titre").fill("Réunion vide")
    page.get_by_label("Date").fill("2024-06-03")
    page.get_by_role("button", name="Créer la réunion").click()
    page.wait_for_url("**/modifier")
    rows = page.locator("#rida-grid tbody.rida-item")
    expect(rows).to_have_count(0)
    page.get_by_role("button", name="Ajouter une ligne").click()
    expect(page.get_by_label("Nature de la ligne 1")).to_be_focused()
    page.keyboard.press("i")  # the nature select takes I, D, A or N (none)
    expect(page.get_by_label("Nature de la ligne 1")).to_have_value("I")
    page.keyboard.press("Tab")
    page.keyboard.type("Premier sujet")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("n")
    expect(page.get_by_label("Nature de la ligne 1")).to_have_value("")
    page.keyboard.press("a")
    expect(page.locator("#save-status")).to_have_text("Enregistré")
    meeting_id = page.url.removesuffix("/modifier").rsplit("/", 1)[1]  # /reunions/<id>/modifier
    doc = page.request.get(f"{live_server.url}/api/meetings/{meeting_id}").json()
    assert doc["rida"] == [
        {"number": 1, "nature": "A", "subject": "Premier sujet", "question": None, "answer": None}
    ]
