"""People in the editor: every person picker finds a person by any word of the name, case and
accents ignored; Enter in the name suggestions picks the highlighted person (never the typed
text); a participant added during the session is a speaker prefix at once."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.test_editor_live import LIVE

MORE_PEOPLE = [
    {"last_name": "MARTIN", "first_name": "Jeanne", "entity": "DGOS", "function": ""},
    {"last_name": "DUPONT", "first_name": "Hélène", "entity": "DNS", "function": ""},
]


def with_more_people(doc: dict) -> None:
    doc["participants"] = doc["participants"] + [dict(p) for p in MORE_PEOPLE]


def test_owner_organiser_and_rapporteur_found_by_first_name(
    page, live_server, make_meeting, open_editor
):
    meeting = make_meeting(page, "E2E porteur par prénom", with_more_people)
    ed = open_editor(page, meeting)
    owner = page.get_by_label("Porteur de l'action 1", exact=True)
    owner.focus()
    page.keyboard.type("Mathieu")  # the browser alone would choose MARTIN
    expect(owner.locator("option:checked")).to_have_text("Mathieu SLOSAR (ANS)")
    page.get_by_label("Intitulé de l'action 1").focus()
    owner.focus()
    page.keyboard.type("helene")  # accents and case ignored
    expect(owner.locator("option:checked")).to_have_text("Hélène DUPONT (DNS)")
    organiser = page.locator("#f-organiser_id")
    organiser.focus()
    page.keyboard.type("JEANNE")
    expect(organiser.locator("option:checked")).to_have_text("Jeanne MARTIN (DGOS)")
    expect(page.get_by_label("Organisateur : Jeanne MARTIN")).to_be_checked()
    ed.wait_saved()
    doc = ed.document()
    assert doc["actions"][0]["owner"]["last_name"] == "DUPONT"
    assert doc["organiser"]["last_name"] == "MARTIN"


def test_enter_on_a_suggestion_picks_it_not_the_typed_text(editor):
    ed, page = editor, editor.page
    items = page.locator("#participants tbody.participant-item")
    count = items.count()
    page.get_by_role("button", name="Retirer Mathieu SLOSAR").click()
    page.get_by_role("button", name="Retirer", exact=True).click()
    expect(items).to_have_count(count - 1)

    name = page.get_by_role("combobox", name="Nom", exact=True)
    name.fill("mat")
    suggestions = page.get_by_role("listbox", name="Suggestions")
    expect(suggestions.get_by_role("option").first).to_have_text("Mathieu SLOSAR (ANS)")
    expect(suggestions.get_by_role("option").last).to_have_text("Nouvelle personne : mat")
    name.press("ArrowDown")
    expect(name).to_have_attribute("aria-activedescendant", "np-last_name-options-0")
    name.press("Enter")  # picks SLOSAR, submits nothing
    expect(suggestions).to_be_hidden()
    expect(name).to_have_value("SLOSAR")
    expect(page.get_by_label("Prénom", exact=True)).to_have_value("Mathieu")
    expect(items).to_have_count(count - 1)
    page.get_by_label("Fonction", exact=True).press("Enter")
    expect(items).to_have_count(count)
    ed.wait_saved()
    names = [(p["last_name"], p["first_name"]) for p in ed.document()["participants"]]
    assert ("SLOSAR", "Mathieu") in names and not any(n == "mat" for n, _ in names)


def test_a_participant_added_in_a_new_series_is_a_speaker_at_once(
    page, live_server, make_meeting, open_editor
):
    def new_series(doc: dict) -> None:
        doc["series"] = "E2E série neuve intervenants"
        for row in doc["rida"]:
            row["question"] = row["answer"] = ""

    meeting = make_meeting(page, "E2E intervenant neuf", new_series)
    ed = open_editor(page, meeting)
    page.get_by_role("combobox", name="Nom", exact=True).fill("Neuve")
    page.get_by_label("Prénom", exact=True).fill("Ana")
    page.get_by_label("Entité", exact=True).fill("ENOVACOM")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.get_by_label("Entité : Ana NEUVE")).to_have_value("ENOVACOM")

    question = ed.cell(1, "question")
    question.fill("")
    question.press_sequentially("ENO")
    speakers = page.locator("#speaker-list")
    expect(speakers.get_by_role("option")).to_have_text(["ENOVACOM :"])
    question.press("Tab")
    expect(question).to_have_value("ENOVACOM : ")


def test_participant_names_edited_in_place_saved_and_seen_live(
    page, make_meeting, open_editor, log_in, new_context
):
    alice = open_editor(page, make_meeting(page, "E2E intervenant corrigé"))
    bob = open_editor(log_in(new_context(), "rapporteur"), alice.meeting_id)
    for ed in (alice, bob):
        expect(ed.page.locator("#live-status")).to_contain_text(LIVE)
    last_id = alice.page.get_by_label("Nom : Mike GUEYE", exact=True).get_attribute("id")
    field = lambda name: alice.page.locator(f"#{last_id.removesuffix('last_name')}{name}")  # noqa: E731
    field("last_name").fill("GUÈYE-NDIAYE")
    alice.page.keyboard.press("Tab")  # to the first name: nothing saved yet
    expect(field("first_name")).to_be_focused()
    alice.page.keyboard.type("Michel")
    alice.page.keyboard.press("Shift+Tab")
    expect(field("last_name")).to_be_focused()
    assert alice.queued() == []
    alice.page.keyboard.press("Enter")  # the three names saved as one change
    expect(alice.page.get_by_label("Fonction : Michel GUÈYE-NDIAYE")).to_have_count(1)
    alice.wait_saved()
    field("function").focus()  # left: nothing more to save

    # Bob sees it without reloading, in the participant's own fields
    expect(bob.page.get_by_label("Nom : Michel GUÈYE-NDIAYE", exact=True)).to_have_value(
        "GUÈYE-NDIAYE"
    )
    expect(bob.page.get_by_label("Prénom : Michel GUÈYE-NDIAYE", exact=True)).to_have_value(
        "Michel"
    )

    # an empty name is refused at once, nothing is sent
    last = alice.page.get_by_label("Nom : Michel GUÈYE-NDIAYE", exact=True)
    last.fill("")
    last.press("Enter")
    expect(alice.page.locator(".field-error")).to_contain_text("Le nom est obligatoire")
    alice.wait_saved()

    # the person so named is offered at once as organiser and in the name suggestions
    expect(
        alice.page.locator("#f-organiser_id option", has_text="Michel GUÈYE-NDIAYE")
    ).to_have_count(1)
    name = alice.page.get_by_role("combobox", name="Nom", exact=True)
    name.fill("ndiaye")
    expect(
        alice.page.get_by_role("listbox", name="Suggestions").get_by_role("option").first
    ).to_have_text("Michel GUÈYE-NDIAYE (ANS)")
    name.press("Escape")
    name.fill("")

    people = {p["first_name"]: p for p in alice.document()["participants"]}
    # no person was made of the half-corrected names (« Mike GUÈYE-NDIAYE »)
    directory = alice.page.request.get(f"{alice.server.url}/personnes").text()
    assert "Michel GUÈYE-NDIAYE" in directory and "Mike GUÈYE-NDIAYE" not in directory
    assert (people["Michel"]["last_name"], people["Michel"]["entity"]) == ("GUÈYE-NDIAYE", "ANS")
    assert "Mike" not in people
    alice.page.reload()
    expect(alice.page.get_by_label("Nom : Michel GUÈYE-NDIAYE", exact=True)).to_have_value(
        re.compile("GUÈYE-NDIAYE", re.I)
    )
