"""`/admin/journal` (admins only, filters in the URL, pages, CSV) and a meeting's
« Historique » (whoever may read the meeting)."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from rida import db
from rida.audit import events
from rida.models import RidaRow, aware
from tests.audit_support import entries, first_row
from tests.conftest import Browser, draft_document, import_doc


def _page(browser: Browser, url: str, status: int = 200) -> str:
    answer = browser.client.get(url)
    assert answer.status_code == status, answer.get_data(as_text=True)[:500]
    return answer.get_data(as_text=True)


def test_only_admins_see_the_journal(app, demo_meeting):
    for login in ("rapporteur", "member", "reader"):
        browser = Browser(app.test_client()).login(login)
        _page(browser, "/admin/journal", 404)
        _page(browser, "/admin/journal.csv", 404)
        assert "/admin/journal" not in _page(browser, "/")
    admin = Browser(app.test_client()).login("admin")
    assert 'href="/admin/journal"' in _page(admin, "/")


def test_journal_filters_pages_and_labels(app, browser, demo_meeting):
    with app.app_context():
        for n in range(60):
            events.emit(events.LOGIN_FAILED, login="intrus", ip=f"10.0.0.{n}")
    page = _page(browser, "/admin/journal?compte=intrus&action=login.failure")
    assert "60 entrées" in page and "Échec de connexion" in page
    assert page.count("<td>intrus</td>") == 50
    assert 'href="/admin/journal?compte=intrus&amp;action=login.failure&amp;page=2"' in page
    assert '<option value="intrus" selected>' in page
    assert 'href="/admin/journal.csv?compte=intrus&amp;action=login.failure"' in page
    second = _page(browser, "/admin/journal?compte=intrus&action=login.failure&page=2")
    assert second.count("<td>intrus</td>") == 10
    by_meeting = _page(browser, f"/admin/journal?reunion={demo_meeting}&objet=rida_row")
    assert "Ligne RIDA" in by_meeting and "<td>intrus</td>" not in by_meeting
    assert "Aucune entrée." in _page(browser, "/admin/journal?du=2000-01-01&au=2000-01-02")
    refused = _page(browser, "/admin/journal?du=hier", 400)
    assert "Filtre ignoré (du)" in refused


def test_journal_csv_keeps_the_filters(app, browser, demo_meeting):
    with app.app_context():
        events.emit(events.LOGIN_FAILED, login="=1+1", ip="10.0.0.1")
    answer = browser.client.get("/admin/journal.csv?action=login.failure")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"].startswith('attachment; filename="journal_')
    lines = answer.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert len(lines) == 2 and ";'=1+1;" in lines[1]


def test_meeting_history_in_french_for_readers(app, browser, demo_meeting):
    row = first_row(app, demo_meeting)
    browser.json(
        "PATCH",
        f"/api/meetings/{demo_meeting}/rows/{row.uid}",
        {"revision": row.revision, "fields": {"answer": "Réponse <b>revue</b>"}},
    )
    browser.client.get(f"/reunions/{demo_meeting}/compte-rendu.md")  # not a change
    reader = Browser(app.test_client()).login("reader")
    assert f'href="/reunions/{demo_meeting}/historique"' in _page(
        reader, f"/reunions/{demo_meeting}"
    )
    page = _page(reader, f"/reunions/{demo_meeting}/historique")
    assert "Réponse &lt;b&gt;revue&lt;/b&gt;" in page  # escaped
    line = re.search(r"<tr id=\"entree-\d+\">.*?</tr>", page, re.S).group(0)
    assert "admin" in line and "Modification" in line and "Ligne RIDA" in line
    assert "réponse</span> :" in line and "→" in line and "revision" not in line
    assert "Export" not in page  # the history shows changes only
    assert "10.0.0" not in page and "127.0.0.1" not in page  # no addresses for readers


def test_history_names_the_people(app, browser, demo_meeting):
    # The demo imports « Envoi de la nouvelle version des exigences », owned by E. BRIS.
    page = _page(browser, f"/reunions/{demo_meeting}/historique")
    line = next(
        m.group(0)
        for m in re.finditer(r"<tr id=\"entree-\d+\">.*?</tr>", page, re.S)
        if "Envoi de la nouvelle version des exigences" in m.group(0)
    )
    assert re.search(r"porteur</span> :\s*« Edouard BRIS \(n° \d+\) »", line), line


def test_history_of_an_unreadable_meeting_is_404(app):
    secret = import_doc(app, {**draft_document(), "classification": "confidential"})
    reader = Browser(app.test_client()).login("reader")
    _page(reader, f"/reunions/{secret}/historique", 404)
    _page(Browser(app.test_client()).login("admin"), f"/reunions/{secret}/historique")


def test_history_names_rows_by_number_and_tells_paris_time(app, browser):
    """Issue 15: « Ligne RIDA 29 » for row 11 (the database id) and UTC times were
    confusing; the history names a row by its number in the meeting, or « ligne
    supprimée », and tells the time in Europe/Paris."""
    import_doc(app, draft_document())  # a meeting before: row ids are not row numbers
    demo_meeting = import_doc(app, draft_document())
    with app.app_context(), db.write_session(db.engine()) as s:
        rows = s.exec(
            select(RidaRow).where(RidaRow.meeting_id == demo_meeting).order_by(col(RidaRow.number))
        ).all()
    edited, gone = rows[-1], rows[0]
    assert edited.id != edited.number
    url = f"/api/meetings/{demo_meeting}/rows"
    answer = browser.json(
        "PATCH",
        f"{url}/{edited.uid}",
        {"revision": edited.revision, "fields": {"answer": "Réponse relue"}},
    )
    assert answer.status_code == 200
    assert browser.json("DELETE", f"{url}/{gone.uid}").status_code == 200
    page = _page(browser, f"/reunions/{demo_meeting}/historique")
    lines = re.findall(r"<tr id=\"entree-(\d+)\">(.*?)</tr>", page, re.S)
    by_id = dict((int(n), line) for n, line in lines)
    update = next(e for e in entries(app, object_type="rida_row", action="update"))
    renumbered = edited.number - 1  # its number once the first row is deleted
    assert f"<td>Ligne RIDA {renumbered}</td>" in by_id[update.id]
    assert f"Ligne RIDA {edited.id}<" not in page
    deletion = next(e for e in entries(app, object_type="rida_row", action="delete"))
    assert "<td>Ligne RIDA (ligne supprimée)</td>" in by_id[deletion.id]
    assert "Date (heure de Paris)" in page and "Date (UTC)" not in page
    paris = aware(update.at).astimezone(ZoneInfo("Europe/Paris"))
    assert f"<td>{paris:%d/%m/%Y %H:%M:%S}</td>" in by_id[update.id]
    # The admin journal keeps database ids and UTC, as its filters and its CSV.
    journal = _page(browser, f"/admin/journal?reunion={demo_meeting}&objet=rida_row")
    assert f"<td>Ligne RIDA {edited.id}</td>" in journal and "Date (UTC)" in journal
