"""The status report of the dashboard: grouped by owner (or series), overdue first, with
each action's latest comment; the printable page, its PDF and the XLSX with links. A
comment written during a meeting the reader may not read never shows (canary)."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook
from sqlmodel import select

from rida import db
from rida.actions import action_status
from rida.actions.action_board import parse, report
from rida.actions.action_board.tables import XLSX_HEADERS
from rida.cli import main
from rida.meetings.people import person_key
from rida.models import Action, Meeting, Person, Series, SeriesMember, User
from tests.action_board_support import SECRET, TODAY, load, user
from tests.conftest import Browser
from tests.test_remind import BASE, smtp, url  # noqa: F401  (smtp: the SMTP sink fixture)

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


# --- rida actions report ------------------------------------------------------------------


def cli(app, *args: str, smtp_url: str = "") -> Result:
    data = Path(app.config["DATA_DIR"])
    env = {
        "RIDA_DATA_DIR": str(data),
        "RIDA_EXPORT_DIR": str(data.parent / "exports"),
        "RIDA_SECRET_KEY": "test",
        "RIDA_DATABASE_URL": None,
        "RIDA_BASE_URL": BASE,
        "RIDA_SMTP_URL": smtp_url,
        "RIDA_MAIL_FROM": "rida@esante.gouv.fr",
    }
    result = CliRunner().invoke(main, ["actions", "report", *args], env=env, prog_name="rida")
    if not isinstance(result.exception, (SystemExit, type(None))):
        raise result.exception
    assert "Traceback" not in result.stderr
    return result


def test_cli_report_files(app, data, tmp_path):
    pdf = tmp_path / "etat.pdf"
    result = cli(app, "--series", "GT Annuaire", "-o", str(pdf))
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF") and "3 actions" in result.stderr
    page = tmp_path / "etat.html"
    cli(app, "--user", "reader", "--format", "html", "--group", "series", "-o", str(page))
    text = page.read_text(encoding="utf-8")
    assert f"{BASE}/reunions/" in text and SECRET not in text and VISIBLE in text
    book = tmp_path / "etat.xlsx"
    cli(app, "--format", "xlsx", "--status", "open", "--status", "in_progress", "-o", str(book))
    sheet = load_workbook(book)["Actions"]
    assert sheet.auto_filter.ref and sheet["M2"].hyperlink.target.startswith(BASE)
    missing = cli(app, "--format", "html")
    assert missing.exit_code == 1 and "-o" in missing.output
    bad = cli(app, "--due-from", "hier", "-o", str(page))
    assert bad.exit_code == 1 and "--due-from" in bad.output


def members(app) -> None:
    """admin (reads everything) and reader (who attended none: the public meetings only)
    are members of both series, linked to people with an address; member is one too,
    without a person."""
    with app.app_context(), db.transaction() as s:
        key = person_key("LECTEUR", "Paul", "ARS")
        s.add(Person(key=key, last_name="LECTEUR", first_name="Paul", entity="ARS"))
        for login, last_name, address in (
            ("admin", "DUPONT", "claire.dupont@lifen.fr"),
            ("reader", "LECTEUR", "paul.lecteur@ars.sante.fr"),
        ):
            person = s.exec(select(Person).where(Person.last_name == last_name)).one()
            person.email = address
            account = s.exec(select(User).where(User.login == login)).one()
            account.person_id = person.id
        for login in ("admin", "reader", "member"):
            account = s.exec(select(User).where(User.login == login)).one()
            for series in s.exec(select(Series)).all():
                s.add(SeriesMember(series_id=series.id, user_id=account.id))


def test_cli_report_emailed_to_members_each_with_his_rights(app, data, smtp):  # noqa: F811
    box, port = smtp
    members(app)
    series = ("--series", "Task Force MSSanté", "--series", "GT Annuaire")
    dry = cli(app, *series, "--email", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Ignoré : member (compte relié à aucune personne)" in dry.output
    assert box.messages == []
    result = cli(app, *series, "--email", smtp_url=url(port))
    assert result.exit_code == 0, result.output
    assert sorted(r for rcpt, _ in box.messages for r in rcpt) == [
        "claire.dupont@lifen.fr",
        "paul.lecteur@ars.sante.fr",
    ]

    def body(address: str) -> str:
        msg = box.to(address)
        return "".join(part.get_content() for part in msg.iter_parts()) + msg["Subject"]

    everything, restricted = body("claire.dupont@lifen.fr"), body("paul.lecteur@ars.sante.fr")
    assert SECRET in everything and CANARY in everything
    assert SECRET not in restricted and CANARY.split()[0] not in restricted
    assert VISIBLE in restricted and f"{BASE}/reunions/" in restricted
    assert "7 actions" in box.to("claire.dupont@lifen.fr")["Subject"]
    assert "6 actions" in box.to("paul.lecteur@ars.sante.fr")["Subject"]
    no_series = cli(app, "--email", "--dry-run")
    assert no_series.exit_code == 1 and "--series" in no_series.output
