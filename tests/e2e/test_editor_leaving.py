"""Leaving the editor loses nothing: with edits pending, leaving asks first; a page closed
right after typing sends its edits with keepalive requests, and what did not arrive is
restored by the next page."""

from __future__ import annotations

from playwright.sync_api import expect

# Waits in the page, not in the test: the stored meeting is read again until it matches.
STORED_ANSWER = """async ([url, n, text]) => {
  const response = await fetch(url, { cache: 'no-store' });
  return response.ok && (await response.json()).rida[n].answer === text;
}"""


def test_leaving_with_pending_edits_asks_first(editor, live_server, open_editor, context):
    ed = editor
    live_server.stop()  # the edit stays pending
    ed.cell(1, "answer").fill("Écrit pendant la coupure")
    expect(ed.status).to_contain_text("Hors ligne")

    with ed.page.expect_event("dialog") as shown:
        ed.page.close(run_before_unload=True)
    dialog = shown.value
    assert dialog.type == "beforeunload"
    dialog.dismiss()  # stay
    expect(ed.cell(1, "answer")).to_have_value("Écrit pendant la coupure")
    assert not ed.page.is_closed()

    # F5 during the outage: asked again, accepted; the next page shows and sends the edit.
    ed.page.once("dialog", lambda d: d.accept())
    live_server.start()
    ed.page.reload()
    expect(ed.cell(1, "answer")).to_have_value("Écrit pendant la coupure")
    ed.wait_saved()
    assert ed.document()["rida"][0]["answer"] == "Écrit pendant la coupure"

    # Nothing pending: no question.
    asked: list[str] = []
    ed.page.on("dialog", lambda d: (asked.append(d.type), d.accept()))
    with ed.page.expect_event("close"):
        ed.page.close(run_before_unload=True)
    assert asked == []


def test_page_closed_right_after_typing_sends_the_edit(editor, new_context, log_in, open_editor):
    ed = editor
    text = ed.cell(2, "answer").input_value() + " Tapé juste avant de fermer."
    ed.cell(2, "answer").fill(text)  # still waiting for the pause in typing
    assert [op["value"] for op in ed.queued()] == [text]
    ed.page.on("dialog", lambda d: d.accept())
    with ed.page.expect_event("close"):
        ed.page.close(run_before_unload=True)

    # Another browser (no shared localStorage): the keepalive request saved it.
    other = log_in(new_context())
    other.wait_for_function(
        STORED_ANSWER,
        arg=[f"{ed.server.url}/api/meetings/{ed.meeting_id}", 1, text],
        polling=250,
    )
    again = open_editor(other, ed.meeting_id)
    expect(again.cell(2, "answer")).to_have_value(text)
