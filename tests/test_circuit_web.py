"""The validation circuit through the JSON API and the pages: checks, transitions,
history, frozen downloads, comparison, and who may do what."""

from __future__ import annotations

import hashlib
import io
import re

import docx

from tests.audit_support import first_row
from tests.conftest import Browser


def api(meeting_id: int, path: str = "") -> str:
    return f"/api/meetings/{meeting_id}{path}"


def test_checks_endpoint(browser, demo_meeting):
    data = browser.client.get(api(demo_meeting, "/checks")).get_json()
    assert (data["status"], data["version"], data["review_deadline"]) == ("draft", "0.1", None)
    rows = next(c for c in data["checks"] if c["code"] == "rows")
    assert rows == {
        "code": "rows",
        "label": "Chaque ligne du RIDA a une nature et un objet",
        "level": "blocking",
        "passed": False,
        "details": [
            {
                "path": "rida[4].nature",
                "place": "Ligne 5, Nature",
                "message": "Ligne 5 : nature manquante",
            }
        ],
    }


def test_validate_blocked_is_409_with_the_checklist(browser, demo_meeting):
    response = browser.json("POST", api(demo_meeting, "/validate"))
    assert response.status_code == 409
    data = response.get_json()
    assert data["error"] == "blocked"
    assert data["message"] == "Validation impossible : 2 contrôles bloquants en échec."
    assert {c["code"] for c in data["checks"] if not c["passed"]} == {"rows", "action_rows"}


def test_the_circuit_through_the_api(browser, ready_meeting):
    bad = browser.json("POST", api(ready_meeting, "/review"), {"deadline": "demain"})
    assert bad.status_code == 400 and bad.get_json()["errors"][0]["path"] == "deadline"
    sent = browser.json("POST", api(ready_meeting, "/review"), {"deadline": "2099-12-31"})
    assert sent.status_code == 200, sent.get_data(as_text=True)
    assert (sent.get_json()["status"], sent.get_json()["review_deadline"]) == (
        "review",
        "2099-12-31",
    )
    back = browser.json("POST", api(ready_meeting, "/draft")).get_json()
    assert (back["status"], back["version"]) == ("draft", "0.2")
    again = browser.json("POST", api(ready_meeting, "/draft"))
    assert again.status_code == 409 and again.get_json()["error"] == "status"
    done = browser.json("POST", api(ready_meeting, "/validate")).get_json()
    assert (done["status"], done["version"], done["frozen"]["version"]) == (
        "validated",
        "1.0",
        "1.0",
    )
    listed = browser.client.get(api(ready_meeting, "/versions")).get_json()
    assert [v["version"] for v in listed["versions"]] == ["1.0"]
    assert [r["version"] for r in listed["reviews"]] == ["0.1"]
    assert listed["versions"][0]["validated_by"] == "admin"
    assert listed["versions"][0]["validated_at"].endswith("+00:00")


def test_frozen_downloads_are_the_frozen_bytes(browser, ready_meeting):
    sha = browser.json("POST", api(ready_meeting, "/validate")).get_json()["frozen"]["sha256"]
    first = browser.client.get(api(ready_meeting, "/versions/1.0.docx"))
    assert first.status_code == 200
    assert first.mimetype.endswith("wordprocessingml.document")
    assert hashlib.sha256(first.data).hexdigest() == sha == first.headers["X-Content-SHA256"]
    assert "Atelier modèle économique #1" in [
        p.text for p in docx.Document(io.BytesIO(first.data)).paragraphs
    ]
    doc = browser.client.get(api(ready_meeting, "/versions/1.0"))
    assert doc.get_json()["status"] == "validated" and doc.get_json()["version"] == "1.0"
    browser.json("POST", api(ready_meeting, "/amend"))
    browser.json("PATCH", api(ready_meeting), {"fields": {"title": "Titre amendé"}})
    assert browser.client.get(api(ready_meeting, "/versions/1.0.docx")).data == first.data
    assert browser.client.get(api(ready_meeting, "/versions/1.0.json")).data == doc.data
    assert browser.client.get(api(ready_meeting, "/versions/1.1.docx")).status_code == 404


def test_pages_validate_history_compare(browser, ready_meeting):
    view = browser.client.get(f"/reunions/{ready_meeting}").get_data(as_text=True)
    assert 'id="validation"' in view and "Prêt à valider" in view
    assert "Envoyer en relecture" in view and "Valider le compte-rendu" in view
    sent = browser.form(f"/reunions/{ready_meeting}/relecture", {"deadline": "2099-12-31"})
    page = browser.client.get(sent.location).get_data(as_text=True)
    assert "Compte-rendu envoyé en relecture (v0.1)." in page
    assert "Remarques attendues avant le" in page and "Revenir en brouillon" in page
    done = browser.form(f"/reunions/{ready_meeting}/validation", {})
    assert "Compte-rendu validé : version v1.0 figée." in browser.client.get(
        done.location
    ).get_data(as_text=True)
    amended = browser.form(f"/reunions/{ready_meeting}/amendement", {})
    assert amended.location.endswith(f"/reunions/{ready_meeting}/modifier")
    browser.json("PATCH", api(ready_meeting), {"fields": {"title": "Atelier <b>amendé</b>"}})
    history = browser.client.get(f"/reunions/{ready_meeting}/versions").get_data(as_text=True)
    assert "v1.0" in history and "admin" in history and "v1.1" in history
    assert f"/api/meetings/{ready_meeting}/versions/1.0.docx" in history
    compare = browser.client.get(f"/reunions/{ready_meeting}/comparaison?from=1.0&to=current")
    html = compare.get_data(as_text=True)
    assert compare.status_code == 200
    assert '<ins><span class="visually-hidden">[ajouté : </span>' in html
    assert "<del>" in html and "&lt;b&gt;" in html
    assert "<b>amendé</b>" not in html
    assert (
        browser.client.get(f"/reunions/{ready_meeting}/comparaison?from=9.9&to=current").status_code
        == 404
    )


def test_blocked_validation_form_says_why(browser, demo_meeting):
    response = browser.form(f"/reunions/{demo_meeting}/validation", {})
    page = browser.client.get(response.location).get_data(as_text=True)
    assert "Validation refusée. Validation impossible : 2 contrôles bloquants en échec." in page
    assert "Ligne 5 : nature manquante" in page and "✗" in page


def test_readers_see_the_history_but_change_nothing(client, browser, validated_meeting):
    reader = Browser(client.application.test_client()).login("reader")
    assert reader.client.get(f"/reunions/{validated_meeting}/versions").status_code == 200
    assert reader.client.get(api(validated_meeting, "/versions/1.0.docx")).status_code == 200
    assert reader.json("POST", api(validated_meeting, "/amend")).status_code == 403
    assert reader.form(f"/reunions/{validated_meeting}/amendement", {}).status_code == 403
    view = reader.client.get(f"/reunions/{validated_meeting}").get_data(as_text=True)
    assert "Créer une nouvelle version" not in view
    assert (
        browser.client.post(f"/reunions/{validated_meeting}/amendement").status_code == 400
    )  # CSRF


def test_the_checklist_page_names_places_in_french(browser, demo_meeting):
    """Issue 15: the page showed `rida[8].answer`; it says « Ligne 9, Réponse »."""
    row = first_row(browser.client.application, demo_meeting, number=9)
    answer = browser.json(
        "PATCH",
        api(demo_meeting, f"/rows/{row.uid}"),
        {"revision": row.revision, "fields": {"answer": ""}},
    )
    assert answer.status_code == 200, answer.get_json()
    page = browser.client.get(f"/reunions/{demo_meeting}").get_data(as_text=True)
    checklist = page[page.index('<ul class="checklist">') :]
    checklist = checklist[: checklist.index("</section>")]
    assert "(Ligne 5, Nature)" in checklist and "(Ligne 9, Réponse)" in checklist
    assert not re.search(r"rida\[\d+\]|actions\[\d+\]|<code>", checklist), checklist
    details = browser.client.get(api(demo_meeting, "/checks")).get_json()["checks"]
    answers = next(c for c in details if c["code"] == "answers")["details"]
    assert {"path": "rida[8].answer", "place": "Ligne 9, Réponse"}.items() <= answers[0].items()
