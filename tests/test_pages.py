"""HTML pages: home, creating series and meetings, the compte-rendu read view."""

import re

from rida import db, exchange
from tests.conftest import demo_document


def test_home_lists_series_and_meetings_newest_first(app, browser):
    with app.app_context(), db.transaction() as s:
        for date, title in (("2022-01-07", "Atelier #1"), ("2022-03-04", "Atelier #2")):
            exchange.import_document(s, demo_document() | {"date": date, "title": title})
    html = browser.client.get("/").get_data(as_text=True)
    assert "Task Force MSSanté" in html
    assert html.index("Atelier #2") < html.index("Atelier #1")


def test_create_series_then_meeting_opens_the_editor(browser):
    response = browser.form("/series", {"name": "TF Hébergement"})
    assert response.status_code == 302
    html = browser.client.get("/").get_data(as_text=True)
    series_id = re.search(r'<option value="(\d+)">TF Hébergement</option>', html).group(1)
    response = browser.form(
        "/reunions",
        {
            "series_id": series_id,
            "title": "Atelier #1",
            "date": "2024-05-02",
            "meeting_type": "Atelier",
            "classification": "restricted",
        },
    )
    assert response.status_code == 302
    assert re.fullmatch(r"/reunions/\d+/modifier", response.headers["Location"])
    meetings = browser.json("GET", "/api/meetings").get_json()["meetings"]
    assert meetings[0]["title"] == "Atelier #1"
    assert meetings[0]["classification"] == "restricted"


def test_bad_form_input_gets_a_french_message(browser):
    browser.form("/series", {"name": "TF"})
    response = browser.form("/series", {"name": "TF"})
    assert "Série non créée : la série « TF » existe déjà." in browser.client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    response = browser.form("/reunions", {"series_id": "1", "title": "x", "date": "2024-02-30"})
    html = browser.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Réunion non créée (date) : Date invalide : attendu JJ/MM/AAAA." in html
    response = browser.form("/reunions", {"series_id": "1", "title": "y", "date": "5/3/2024"})
    assert (
        browser.json(
            "GET",
            response.headers["Location"]
            .replace("/modifier", "")
            .replace("/reunions/", "/api/meetings/"),
        ).get_json()["date"]
        == "2024-03-05"
    )
    response = browser.form("/reunions", {"series_id": "nope", "title": "x", "date": "2024-02-01"})
    html = browser.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Réunion non créée (série) : série inconnue." in html


def test_forms_need_csrf_and_an_editor_role(client, browser):
    assert browser.client.post("/series", data={"name": "x"}).status_code == 400
    from tests.conftest import Browser

    reader = Browser(client.application.test_client()).login("reader")
    assert reader.form("/series", {"name": "x"}).status_code == 403


def test_read_view_follows_the_template_order(browser, validated_meeting):
    html = browser.client.get(f"/reunions/{validated_meeting}").get_data(as_text=True)
    html = html[html.index("<article") :]
    order = [
        "COMPTE-RENDU",
        "Task Force MSSanté",
        "Atelier modèle économique #1",
        "Réunion du 07/01/2022",
        "Statut : Validé | Classification : Publique | Version : v1.0",
        "1. OBJET DU COMPTE-RENDU",
        "TF MSSanté – Atelier technique #1",
        "7 janvier 2022",
        "Mathieu SLOSAR",
        "Atelier",
        "Samy ABDICHE",
        "Documents de référence",
        "2. INTERVENANTS",
        "BRIS",
        "GUEYE",
        "LAPEYRIE",
        "SLOSAR",
        "Personne à l'origine de la réunion",
        "3. COMPTE-RENDU SYNTHÉTIQUE",
        "Présenter le contexte",
        "Restitution",
        "Samy ABDICHE / Capgemini Invent",
        "07/01/22",
        "Relevé d'Informations, de Décisions et d'Actions (RIDA)",
        "Financement Ségur",
        "TF MSS",
        "Commentaire(s)",
        "Résultats de l'atelier",
        "Prochaines actions",
        "Entretiens bilatéraux",
        "Atelier industriel",
        "Envoi de la nouvelle version des exigences",
    ]
    position = 0
    for text in order:  # each piece comes after the previous one
        found = html.find(text, position)
        assert found >= 0, f"{text!r} missing or out of order"
        position = found + len(text)
    assert "A + B × X" in html
    assert html.count('<tr id="ligne-') == 9


def test_unknown_meeting_is_404(browser):
    assert browser.client.get("/reunions/999").status_code == 404
    assert "Page introuvable" in browser.client.get("/reunions/999").get_data(as_text=True)
