"""A figure end to end: uploaded through the editor, seen on the read page (loaded from the
server under its CSP), in the DOCX, refused to an account outside a confidential
meeting's circle, then deleted from the editor: gone from the page and the DOCX."""

from __future__ import annotations

import io
import re

import docx
from PIL import Image
from playwright.sync_api import expect

ALT = "Résultats du sondage en barres"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 60), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def pictures(page, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The alternative texts of the pictures of the DOCX at ``url`` (python-docx)."""
    response = page.request.get(url)
    assert response.status == 200, response.text()
    document = docx.Document(io.BytesIO(response.body()))
    return [shape._inline.docPr.get("descr") for shape in document.inline_shapes]


def test_upload_see_and_delete_a_figure(
    page, make_meeting, open_editor, new_context, log_in, live_server
):
    meeting = make_meeting(
        page,
        "E2E figure confidentielle",
        lambda doc: doc.update(classification="confidential", results="Sondage :"),
    )
    ed = open_editor(page, meeting)
    page.get_by_label("Image", exact=True).set_input_files(
        files=[{"name": "sondage.png", "mimeType": "image/png", "buffer": png()}]
    )
    page.get_by_label("Texte alternatif").fill(ALT)
    page.get_by_role("button", name="Ajouter la figure").click()
    expect(page.locator("#figure-status")).to_contain_text("Figure 1 ajoutée aux Résultats")
    reference = f"![{ALT}](figure:1)"
    expect(page.locator("#f-results")).to_have_value(re.compile(re.escape(reference)))
    expect(page.get_by_role("img", name=ALT)).to_be_visible()  # listed in the editor
    ed.wait_saved()
    # The editor's preview of the Résultats shows it too.
    page.locator("#f-results").focus()
    page.keyboard.press("Alt+P")
    shown = page.locator("#cell-preview img.figure")
    expect(shown).to_have_attribute("alt", ALT)
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth === 120", arg=shown.element_handle()
    )
    page.keyboard.press("Escape")

    # The read page shows it, loaded from the figure route (its bytes, under the CSP).
    read = f"{live_server.url}/reunions/{meeting}"
    image_url = f"{read}/figures/1"
    page.goto(read)
    figure = page.locator("article.compte-rendu img.figure")
    expect(figure).to_have_attribute("alt", ALT)
    expect(figure).to_have_attribute("src", f"/reunions/{meeting}/figures/1")
    figure.scroll_into_view_if_needed()
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth === 120", arg=figure.element_handle()
    )
    docx_url = f"{read}/compte-rendu.docx"
    assert pictures(page, docx_url) == [ALT]

    # Another account, outside the confidential meeting's circle: nothing.
    other = log_in(new_context(), "rapporteur")
    assert other.request.get(image_url).status == 404
    assert other.request.get(read).status == 404

    # Deleted from the editor, after a confirmation.
    ed.open()
    page.get_by_role("button", name="Supprimer la figure 1").click()
    expect(page.locator("#confirm-dialog")).to_be_visible()
    expect(page.locator("#confirm-title")).to_have_text("Supprimer la figure 1 ?")
    page.locator("#confirm-ok").click()
    expect(page.locator("#figure-status")).to_have_text("Figure 1 supprimée.")
    expect(page.locator("#figure-items li")).to_have_count(0)
    expect(page.locator("#figures-empty")).to_be_visible()
    expect(page.locator("#f-results")).not_to_have_value(re.compile("figure:1"))
    ed.wait_saved()
    assert "figure:1" not in ed.document()["results"]

    page.goto(read)
    expect(page.locator("h1")).to_have_text("E2E figure confidentielle")
    expect(page.locator("img.figure")).to_have_count(0)
    assert page.request.get(image_url).status == 404
    assert pictures(page, docx_url) == []
