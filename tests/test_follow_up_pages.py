"""The "Suivi des actions" and the status history in the read view, the linked actions
beside their RIDA rows, and the follow-up (with statuses) in the compte-rendu exports."""

from __future__ import annotations

import datetime as dt
import html
import io
import re

from docx import Document
from sqlmodel import select

from rida import db
from rida.models import Action
from tests.conftest import Browser, import_doc
from tests.test_follow_up import meeting_doc


def ids(app) -> dict[str, int]:
    with app.app_context(), db.write_session(db.engine()) as s:
        return {a.title: a.id for a in s.exec(select(Action))}


def two_meetings(app) -> tuple[int, int]:
    m1 = import_doc(app, meeting_doc("2022-01-07", "M1", ("open", "in_progress", "cancelled")))
    return m1, import_doc(app, meeting_doc("2022-02-07", "M2"))


def page(browser, meeting_id: int) -> str:
    response = browser.client.get(f"/reunions/{meeting_id}")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def section(text: str, start: str, end: str = "</table>") -> str:
    return text[text.index(start) :].split(end, 1)[0]


def test_follow_up_in_the_read_view_with_history(app, browser):
    m1, m2 = two_meetings(app)
    action = ids(app)["M1 / action 0"]
    assert "Suivi des actions" not in page(browser, m1)
    response = browser.json(
        "POST",
        f"/api/actions/{action}/status",
        {"status": "done", "comment": "Entretiens menés", "meeting": m2},
    )
    assert response.status_code == 200
    follow = section(page(browser, m2), "Suivi des actions")
    # The open and in-progress actions of M1, never the cancelled one; origin linked.
    assert follow.count('<tr id="suivi-') == 2 and "action 2" not in follow
    assert f'<a href="/reunions/{m1}#action-{action}">M1 (07/01/2022)</a>' in follow
    assert "M1 / action 0" in follow and "Fait" in follow and "En cours" in follow
    history = section(follow, '<details class="history">', "</details>")
    assert (
        'Historique<span class="visually-hidden"> de l\'action « M1 / action 0 »'
        '</span> (<span class="history-count">1</span>)' in history
    )
    assert re.search(
        r"\d\d/\d\d/\d{4} \d\d:\d\d</time>, admin :\s*À faire → "
        r"<strong>Fait</strong>, pendant <a href=\"/reunions/\d+\">M2 "
        r"\(07/02/2022\)</a> — « Entretiens menés »",
        history,
    )
    # The same history in the action's own meeting.
    own = section(page(browser, m1), f'<tr id="action-{action}">', "</tr>")
    assert 'pendant <a href="/reunions/' in own and "Entretiens menés" in own


def test_history_hides_meetings_the_reader_may_not_read(app, browser):
    m1, m2 = two_meetings(app)
    action = ids(app)["M1 / action 0"]
    browser.json("POST", f"/api/actions/{action}/status", {"status": "in_progress", "meeting": m2})
    browser.json(
        "PATCH",
        f"/api/meetings/{m2}",
        {"fields": {"classification": "confidential"}, "base": {"classification": "public"}},
    )
    reader = Browser(app.test_client()).login("reader")
    text = page(reader, m1)
    own = section(text, f'<tr id="action-{action}">', "</tr>")
    assert "À faire → <strong>En cours</strong>" in own and "M2" not in own
    # The API's history says neither the meeting's title nor its id.
    history = reader.json("GET", f"/api/actions/{action}/history").get_json()["history"]
    assert [(e["status"], e["meeting"], e["meeting_title"]) for e in history] == [
        ("in_progress", None, None)
    ]
    mine = browser.json("GET", f"/api/actions/{action}/history").get_json()["history"]
    assert [(e["meeting"], e["meeting_title"]) for e in mine] == [(m2, "M2")]


def test_rows_show_their_actions(app, browser):
    m1, _ = two_meetings(app)
    text = page(browser, m1)
    action = ids(app)["M1 / action 0"]
    row = section(text, '<tr id="ligne-8">', '<tr id="ligne-9">')
    assert '<ul class="linked-actions" aria-label="Actions de la ligne 8">' in row
    assert f'<a href="#action-{action}">Action 1 : M1 / action 0</a> — À faire' in row
    assert 'class="row-actions"' not in section(text, '<tr id="ligne-1">', '<tr id="ligne-2">')


def test_exports_carry_the_follow_up_with_statuses(app, browser):
    m1, m2 = two_meetings(app)
    browser.json(
        "POST",
        f"/api/actions/{ids(app)['M1 / action 0']}/status",
        {"status": "done", "meeting": m2},
    )
    markdown = browser.client.get(f"/reunions/{m2}/compte-rendu.md").get_data(as_text=True)
    follow = markdown[markdown.index("### 3.4 Suivi des actions") :]
    # the action as its compte-rendu numbers it, its meeting in the first column
    assert "| M1 (07/01/2022) | Action 1 : M1 / action 0 |" in follow and "| Fait |" in follow
    # Due on 04/02/2022, still open on 07/02/2022: late (a closed one is not).
    assert "| En cours (en retard) |" in follow and "| Fait (en retard) |" not in follow


def set_due(app, title: str, due: str) -> None:
    with app.app_context(), db.write_session(db.engine()) as s:
        action = s.exec(select(Action).where(Action.title == title)).one()
        action.due_date = dt.date.fromisoformat(due)
        s.add(action)


def test_exports_mark_overdue_follow_up_actions(app, browser):
    """Open and due before the meeting's date: « en retard » in every format (the PDF is
    the DOCX converted); due later, or closed, it is not."""
    import_doc(app, meeting_doc("2022-01-07", "M1", ("open", "in_progress", "open", "done")))
    m2 = import_doc(app, meeting_doc("2022-02-07", "M2"))
    set_due(app, "M1 / action 2", "2022-03-01")  # the others are due on 04/02/2022
    set_due(app, "M1 / action 3", "2022-01-10")
    browser.json("POST", f"/api/actions/{ids(app)['M1 / action 3']}/status", {"status": "open"})
    browser.json("POST", f"/api/actions/{ids(app)['M1 / action 3']}/status", {"status": "done"})
    expected = {
        "Action 1 : M1 / action 0": "À faire (en retard)",
        "Action 2 : M1 / action 1": "En cours (en retard)",
        "Action 3 : M1 / action 2": "À faire",
        "Action 4 : M1 / action 3": "Fait",  # closed after the meeting: still reviewed in it
    }
    get = browser.client.get
    markdown = get(f"/reunions/{m2}/compte-rendu.md").get_data(as_text=True)
    for title, status in expected.items():
        assert re.search(rf"\| {re.escape(title)} \|[^\n]*\| {re.escape(status)} \|", markdown)
    printed = html.unescape(get(f"/reunions/{m2}/compte-rendu.html").get_data(as_text=True))
    rows = re.findall(r"<tr>(.*?)</tr>", section(printed, '<table class="follow-up">'))
    cells = [re.findall(r"<td>([^<]*)</td>", row) for row in rows]
    assert {c[1]: c[4] for c in cells if c} == expected
    document = Document(io.BytesIO(get(f"/reunions/{m2}/compte-rendu.docx").data))
    table = document.tables[-1]
    assert [c.text for c in table.rows[0].cells] == [
        "Réunion",
        "Action",
        "Porteur",
        "Échéance",
        "Statut",
    ]
    assert {r.cells[1].text: r.cells[4].text for r in table.rows[1:]} == expected
