"""The page of a validated compte-rendu shows what was validated: the statuses and progress
notes of its follow-up as frozen in its version; the situation now is apart, labelled."""

from __future__ import annotations

import datetime as dt

from rida.render import date_short
from tests.conftest import import_doc
from tests.test_follow_up import meeting_doc
from tests.test_follow_up_pages import ids, page, section


def ready(date: str, title: str) -> dict:
    doc = meeting_doc(date, title)
    doc["rida"] = [r | {"nature": "I"} for r in doc["rida"]]
    return doc


def test_validated_page_shows_the_frozen_follow_up_and_the_current_situation_apart(app, browser):
    import_doc(app, meeting_doc("2022-01-07", "M1", ("open", "in_progress")))
    m2 = import_doc(app, ready("2022-02-07", "M2"))
    action = ids(app)["M1 / action 0"]
    url = f"/api/actions/{action}/status"
    browser.json("POST", url, {"status": "in_progress", "comment": "Lancé", "meeting": m2})
    done = browser.json("POST", f"/api/meetings/{m2}/validate")
    assert done.status_code == 200, done.get_json()
    # After validation: the action is done, with a note, from the dashboard.
    assert browser.json("POST", url, {"status": "done", "comment": "Clos après"}).status_code == 200

    text = page(browser, m2)
    record = section(text, '<h3 id="suivi">', "</table>")
    row = section(record, f'id="suivi-{action}"', "</tr>")
    assert "En cours" in row and "Fait" not in row
    assert "À faire → En cours : Lancé" in row and "Clos après" not in record
    current = section(text, 'id="situation-actuelle"', "</section>")
    assert f"Situation actuelle au {date_short(dt.date.today())}" in current
    now = section(current, f'id="actuel-{action}"', "</tr>")
    assert "Fait" in now and "Clos après" in now and "Lancé" in now
    # The frozen export says the same as the record.
    md = browser.client.get(f"/reunions/{m2}/compte-rendu.md").get_data(as_text=True)
    # (due 04/02, before the meeting of 07/02: late, as the document says)
    assert "| En cours (en retard) |" in md and "Clos après" not in md


def test_a_draft_page_has_no_current_situation_block(app, browser):
    import_doc(app, meeting_doc("2022-01-07", "M1", ("open",)))
    m2 = import_doc(app, meeting_doc("2022-02-07", "M2"))
    text = page(browser, m2)
    assert 'id="suivi"' in text and "situation-actuelle" not in text
