"""The status report of the dashboard: grouped by owner (or series), overdue first, with
each action's latest comment; the printable page, its PDF and the XLSX with links. A
comment written during a meeting the reader may not read never shows (canary)."""

from __future__ import annotations

import io
import subprocess

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from rida import db
from rida.actions import action_status
from rida.actions.action_board import parse, report
from rida.actions.action_board.tables import XLSX_HEADERS
from rida.models import Action, Meeting
from tests.action_board_support import SECRET, TODAY, load, user
from tests.conftest import Browser

CANARY = "CANARI-7f3e confidentiel"
VISIBLE = "Relance faite par courriel"


@pytest.fixture
def data(app) -> dict[str, int]:
    ids = load(app)
    with app.app_context(), db.transaction() as s:
        guide = s.exec(select(Action).where(Action.title == "Relancer les éditeurs")).one()
        # a comment from the dashboard (no meeting), then one during the confidential
        # meeting's session: the latter is the latest, but only for who reads that meeting
        action_status.set_status(s, guide, "open", comment=VISIBLE)
        action_status.set_status(
            s, guide, "in_progress", comment=CANARY, meeting=s.get(Meeting, ids["secret"])
        )
    return ids


def build(app, login: str, group_by: str = "owner", **args: list[str]) -> report.Report:
    with app.app_context():
        return report.build(
            db.session(), user(app, login), parse(args), group_by=group_by, today=TODAY
        )


def test_grouped_by_owner_overdue_first_with_latest_comment(app, data):
    found = build(app, "admin")
    titles = [g.title for g in found.groups]
    assert titles[-1] == "Sans porteur" and titles[:-1] == sorted(titles[:-1], key=str.casefold)
    for group in found.groups:  # overdue first, then by due date
        flags = [line.item.overdue for line in group.lines]
        assert flags == sorted(flags, reverse=True)
    [no_owner] = [g for g in found.groups if g.title == "Sans porteur"]
    [line] = [x for x in no_owner.lines if x.item.action.title == "Relancer les éditeurs"]
    assert line.note is not None and line.note.text == CANARY  # admin reads the meeting
    assert found.total == 7 and found.overdue == sum(g.overdue for g in found.groups)
    by_series = build(app, "admin", group_by="series")
    assert [g.title for g in by_series.groups] == ["GT Annuaire", "Task Force MSSanté"]


def test_a_reader_never_sees_a_restricted_meeting_s_action_or_comment(app, data):
    found = build(app, "reader")
    page = report.to_html(found, base_url="https://rida.example.org")
    assert CANARY.split()[0] not in page and SECRET not in page
    assert VISIBLE in page  # his latest readable comment instead
    assert "https://rida.example.org/reunions/" in page


def test_printable_page_and_pdf(app, data):
    reader = Browser(app.test_client()).login("reader")
    response = reader.client.get("/actions/rapport?status=open&status=in_progress")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<form" not in page and "<svg" not in page  # no filter form, no chart
    assert "Statut : À faire ou En cours" in page and VISIBLE in page
    assert CANARY.split()[0] not in page and SECRET not in page
    assert "style-src 'sha256-" in response.headers["Content-Security-Policy"]
    assert "http://localhost/reunions/" in page  # no RIDA_BASE_URL: the request's address
    with_chart = reader.client.get("/actions/rapport?chart=month&group=series")
    assert "<svg" in with_chart.get_data(as_text=True)
    bad = reader.client.get("/actions/rapport?group=nimporte&due_from=hier")
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "group" in text and "due_from" in text
    pdf = reader.client.get("/actions/rapport.pdf?series=GT+Annuaire")
    assert pdf.status_code == 200, pdf.get_data(as_text=True)
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    words = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.data, capture_output=True, check=True
    ).stdout.decode()
    assert "État des actions" in words and "Publier le guide" in words
    assert "Sans porteur" in words and VISIBLE in words and CANARY.split()[0] not in words


def test_xlsx_links_widths_filter_and_comments(app, data):
    app.config["BASE_URL"] = "https://rida.example.org"
    admin = Browser(app.test_client()).login("admin")
    response = admin.client.get("/actions.xlsx?series=GT+Annuaire")
    sheet = load_workbook(io.BytesIO(response.data))["Actions"]
    rows = list(sheet.iter_rows())
    assert tuple(c.value for c in rows[0]) == XLSX_HEADERS
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:N4"
    assert sheet.column_dimensions["B"].width == 60
    address = XLSX_HEADERS.index("Adresse")
    for row in rows[1:]:
        link = row[address].hyperlink
        assert link is not None and link.target == row[address].value
        assert row[address].value.startswith(
            f"https://rida.example.org/reunions/{data['annuaire']}#"
        )
    comments = {r[1].value: r[-1].value for r in rows[1:]}
    assert comments["Relancer les éditeurs"] == CANARY
    reader = Browser(app.test_client()).login("reader")
    sheet = load_workbook(io.BytesIO(reader.client.get("/actions.xlsx").data))["Actions"]
    values = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert VISIBLE in values and not any(CANARY.split()[0] in v for v in values)
