"""The rapporteur's editor in a real browser: typing, keyboard, autosave."""

from __future__ import annotations

from playwright.sync_api import expect


def test_type_a_whole_row_with_the_keyboard(new_context, log_in, make_meeting, open_editor):
    page = log_in(new_context(), "rapporteur")
    ed = open_editor(page, make_meeting(page, "E2E clavier"))
    count = ed.rows.count()
    ed.cell(count, "answer").focus()  # start in the last cell; the keyboard does the rest
    page.keyboard.press("Control+Enter")
    nature = ed.cell(count + 1, "nature")
    expect(nature).to_be_focused()
    expect(ed.row(count + 1).locator("th.num")).to_have_text(str(count + 1))
    page.keyboard.press("d")  # the nature select takes I, D, A or N
    expect(nature).to_have_value("D")
    page.keyboard.press("Tab")
    page.keyboard.type("Gouvernance")
    page.keyboard.press("Tab")
    page.keyboard.type("ANS : qui pilote la suite ?")
    page.keyboard.press("Tab")
    page.keyboard.type("DNS : le comité de pilotage.\nÀ confirmer.")
    ed.wait_saved()
    assert ed.queued() == []

    page.reload()
    expect(ed.cell(count + 1, "nature")).to_have_value("D")
    expect(ed.cell(count + 1, "subject")).to_have_value("Gouvernance")
    expect(ed.cell(count + 1, "question")).to_have_value("ANS : qui pilote la suite ?")
    expect(ed.cell(count + 1, "answer")).to_have_value("DNS : le comité de pilotage.\nÀ confirmer.")
    stored = ed.document()["rida"][-1]
    assert stored == {
        "number": count + 1,
        "nature": "D",
        "subject": "Gouvernance",
        "question": "ANS : qui pilote la suite ?",
        "answer": "DNS : le comité de pilotage.\nÀ confirmer.",
    }


def test_unsent_edit_survives_closing_the_page(editor, context, live_server, open_editor):
    ed = editor
    live_server.stop()
    answer = ed.cell(2, "answer")
    before = answer.input_value()
    answer.focus()
    ed.page.keyboard.press("Control+End")
    ed.page.keyboard.type(" Ajout hors ligne.")
    expect(ed.status).to_contain_text("Hors ligne")
    ed.page.keyboard.press("Control+Enter")
    ed.page.keyboard.press("Tab")
    ed.page.keyboard.type("Ligne restaurée")
    assert {op["kind"] for op in ed.queued()} == {"row", "row-add"}
    ed.page.close()

    live_server.start()
    again = open_editor(context.new_page(), ed.meeting_id)
    expect(again.cell(2, "answer")).to_have_value(before + " Ajout hors ligne.")
    expect(again.cell(3, "subject")).to_have_value("Ligne restaurée")
    expect(again.page.locator("#save-note")).to_contain_text("Modifications restaurées")
    again.wait_saved()
    rida = again.document()["rida"]
    assert rida[1]["answer"] == before + " Ajout hors ligne."
    assert rida[2]["subject"] == "Ligne restaurée"
    assert again.queued() == []


def test_edits_made_while_the_server_is_down_are_all_saved(editor, live_server):
    ed, page = editor, editor.page
    count = ed.rows.count()
    first_subject = ed.cell(1, "subject").input_value()
    page.locator("#f-title").fill("Titre en ligne")
    ed.cell(1, "question").focus()
    page.keyboard.press("Control+End")
    page.keyboard.type(" En ligne.")
    ed.wait_saved()

    page.keyboard.type(" Coupure")  # typing goes on while the server goes down
    live_server.stop()
    page.keyboard.type(" pendant la frappe.")
    expect(ed.status).to_have_text("Hors ligne — modifications conservées dans le navigateur")
    page.locator("#f-summary").fill("Synthèse écrite hors ligne.")
    ed.cell(count, "answer").focus()
    page.keyboard.press("Control+Enter")
    page.keyboard.press("a")
    page.keyboard.press("Tab")
    page.keyboard.type("Nouvelle ligne hors ligne")
    page.keyboard.press("Tab")
    page.keyboard.type("Question hors ligne ?")
    ed.cell(1, "subject").focus()
    page.keyboard.press("Alt+ArrowDown")
    page.get_by_label("Fonction : Edouard BRIS").fill("Fonction changée hors ligne")
    page.get_by_label("Présence : Mike GUEYE").select_option("excused")
    expect(ed.status).to_contain_text("Hors ligne")
    assert len(ed.queued()) >= 7

    live_server.start()
    ed.wait_saved(timeout=60_000)
    doc = ed.document()
    assert doc["title"] == "Titre en ligne"
    assert doc["summary"] == "Synthèse écrite hors ligne."
    rida = doc["rida"]
    assert [r["number"] for r in rida] == list(range(1, count + 2))
    assert rida[1]["subject"] == first_subject  # row 1 moved down
    assert rida[1]["question"].endswith(" En ligne. Coupure pendant la frappe.")
    assert rida[count] == {
        "number": count + 1,
        "nature": "A",
        "subject": "Nouvelle ligne hors ligne",
        "question": "Question hors ligne ?",
        "answer": None,
    }
    people = {p["last_name"]: p for p in doc["participants"]}
    assert people["BRIS"]["function"] == "Fonction changée hors ligne"
    assert people["GUEYE"]["attendance"] == "excused"
    assert ed.queued() == []


def test_expired_session_keeps_edits_until_logged_in_again(editor, context, log_in):
    ed = editor
    context.clear_cookies()  # the session is gone (expired, logged out)
    ed.cell(1, "subject").fill("Après expiration")
    expect(ed.status).to_have_text(
        "Session expirée : reconnectez-vous (vos modifications sont conservées)"
    )
    expect(ed.page.get_by_role("link", name="Se reconnecter (nouvel onglet)")).to_be_visible()
    assert [op["value"] for op in ed.queued()] == ["Après expiration"]

    other = log_in(context, fresh=True)
    ed.wait_saved(timeout=60_000)  # new session: fresh CSRF token, then sent
    assert ed.document()["rida"][0]["subject"] == "Après expiration"
    other.close()


def test_two_tabs_keep_their_own_queues(editor, context, open_editor):
    ed = editor
    ed.page.route("**/api/**", lambda route: route.abort())  # this tab loses the network
    ed.cell(1, "subject").fill("Onglet 1 hors ligne")
    expect(ed.status).to_contain_text("Hors ligne")

    second = open_editor(context.new_page(), ed.meeting_id)  # same browser, other tab
    expect(second.cell(1, "subject")).not_to_have_value("Onglet 1 hors ligne")
    expect(second.page.locator("#save-note")).to_be_empty()  # nothing taken from tab 1
    second.cell(2, "subject").fill("Onglet 2")
    second.wait_saved()
    assert [op["value"] for op in ed.queued()] == ["Onglet 1 hors ligne"]

    ed.page.unroute("**/api/**")
    ed.page.evaluate("window.dispatchEvent(new Event('online'))")
    ed.wait_saved()
    subjects = [r["subject"] for r in ed.document()["rida"][:2]]
    assert subjects == ["Onglet 1 hors ligne", "Onglet 2"]
