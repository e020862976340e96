"""Header fields, participants and comments; typed HTML stays text."""

from __future__ import annotations

from playwright.sync_api import expect

PAYLOAD = '<script>alert("rida")</script><img src=x onerror="alert(1)"> **gras**'


def test_typed_html_is_shown_as_text(editor):
    ed, page = editor, editor.page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.locator("#f-title").fill(f"Titre {PAYLOAD}")
    ed.cell(1, "question").fill(PAYLOAD)
    ed.cell(1, "subject").fill("<b>Objet</b>")
    page.locator("#comment-1").fill(PAYLOAD)
    ed.wait_saved()

    page.goto(f"{ed.server.url}/reunions/{ed.meeting_id}")
    expect(page.locator("h1")).to_have_text(f"Titre {PAYLOAD}")
    first = page.locator("table.rida tbody tr").first
    expect(first).to_contain_text('<script>alert("rida")</script><img src=x onerror="alert(1)">')
    expect(first.locator("strong")).to_have_text("gras")  # Markdown still works
    expect(first).to_contain_text("<b>Objet</b>")
    assert page.locator("main script, main img, main b").count() == 0
    page.reload()
    ed.open()
    expect(ed.cell(1, "question")).to_have_value(PAYLOAD)
    assert dialogs == []


def test_participants(editor):
    ed, page = editor, editor.page
    items = page.locator("#participants tbody.participant-item")
    count = items.count()
    last_name = page.get_by_label("Nom", exact=True)
    last_name.fill("Samy ABDICHE (Capgemini Invent)")  # picked from the datalist
    expect(page.get_by_label("Prénom", exact=True)).to_have_value("Samy")
    expect(page.get_by_label("Entité", exact=True)).to_have_value("Capgemini Invent")
    expect(last_name).to_have_value("ABDICHE")
    page.get_by_label("Fonction", exact=True).fill("Consultant")
    last_name.press("Enter")
    expect(items).to_have_count(count + 1)
    expect(last_name).to_be_focused()

    last_name.fill("Neuf")  # a new person
    page.get_by_label("Prénom", exact=True).fill("Léa")
    page.get_by_label("Entité", exact=True).fill("DGOS")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    expect(items).to_have_count(count + 2)
    organiser = page.get_by_label("Organisateur : Léa NEUF")
    expect(organiser).to_be_enabled()  # once the server knows her
    organiser.check()
    expect(page.locator("#f-organiser_id")).to_have_value(organiser.get_attribute("value"))
    page.get_by_label("Rédacteur", exact=True).select_option(label="Edouard BRIS (ANS)")
    expect(page.get_by_label("Rédacteur : Edouard BRIS")).to_be_checked()
    page.get_by_label("Présence : Mike GUEYE").select_option("absent")
    page.get_by_role("button", name="Monter Léa NEUF").click()
    page.get_by_role("button", name="Retirer Jean-Baptiste LAPEYRIE").click()
    page.get_by_role("button", name="Retirer", exact=True).click()
    expect(items).to_have_count(count + 1)

    last_name.fill("Samy ABDICHE (Capgemini Invent)")  # already there
    last_name.press("Enter")
    expect(page.locator("#np-message")).to_contain_text("participe déjà")
    page.get_by_label("Prénom", exact=True).fill("edouard")  # the server finds BRIS again
    last_name.fill("bris")  # BRIS is suggested: Enter alone does not submit
    last_name.press("Enter")
    expect(items).to_have_count(count + 1)
    last_name.press("ArrowUp")  # the last option: a new person, as typed
    last_name.press("Enter")
    expect(page.get_by_label("Prénom", exact=True)).to_be_focused()
    page.get_by_label("Entité", exact=True).fill("ANS")
    page.get_by_label("Entité", exact=True).press("Enter")
    expect(page.locator("#np-message")).to_contain_text(
        "Participant non ajouté : cette personne participe déjà à la réunion"
    )
    expect(items).to_have_count(count + 1)
    expect(last_name).to_have_value("bris")  # typed values given back
    ed.wait_saved()

    doc = ed.document()
    names = [p["last_name"] for p in doc["participants"]]
    assert names == ["BRIS", "GUEYE", "SLOSAR", "Neuf", "ABDICHE"]
    people = {p["last_name"]: p for p in doc["participants"]}
    assert people["ABDICHE"]["function"] == "Consultant"
    assert people["GUEYE"]["attendance"] == "absent"
    assert (doc["organiser"]["last_name"], doc["organiser"]["entity"]) == ("Neuf", "DGOS")
    assert doc["rapporteur"]["last_name"] == "BRIS"
    page.reload()
    expect(page.get_by_label("Organisateur : Léa NEUF")).to_be_checked()


def test_header_lists_and_comments(editor):
    ed, page = editor, editor.page
    page.get_by_label("Documents de référence").fill("Support A\n\n  Compte-rendu précédent \n")
    page.get_by_label("Objectifs de la réunion").fill("Objectif 1\nObjectif 2")
    page.get_by_label("Date").fill("2024-03-05")
    page.get_by_label("Heure de début").fill("09:30")
    page.get_by_label("Classification").select_option(label="Diffusion restreinte")
    page.get_by_role("button", name="Supprimer le commentaire 1").click()
    page.get_by_role("button", name="Supprimer", exact=True).click()
    expect(page.get_by_label("Commentaire 2")).to_have_count(0)
    page.get_by_role("button", name="Ajouter un commentaire").click()
    expect(page.get_by_label("Commentaire 2")).to_be_focused()
    page.keyboard.type("Nouveau *commentaire*")
    page.locator("#f-results").fill("Résultats **nets**")
    ed.wait_saved()

    doc = ed.document()
    assert doc["reference_documents"] == ["Support A", "Compte-rendu précédent"]
    assert doc["objectives"] == ["Objectif 1", "Objectif 2"]
    assert (doc["date"], doc["start_time"], doc["classification"]) == (
        "2024-03-05",
        "09:30",
        "restricted",
    )
    assert len(doc["comments"]) == 2 and doc["comments"][1] == "Nouveau *commentaire*"
    assert doc["results"] == "Résultats **nets**"

    page.get_by_label("Titre").fill("")  # refused: shown, not saved
    expect(page.locator("#f-title-error")).to_contain_text("ne peut pas être vide")
    expect(page.get_by_label("Titre")).to_have_attribute("aria-invalid", "true")
    assert ed.document()["title"] != ""
    page.get_by_label("Titre").fill("Titre corrigé")
    ed.wait_saved()
    expect(page.locator("#f-title-error")).to_have_count(0)
    assert ed.document()["title"] == "Titre corrigé"
