"""/actions.csv and /actions.xlsx: the filtered dashboard, read back with the csv module
and openpyxl; formulas neutralised; the access rule applies."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from rida.actions.action_board.tables import HEADERS, XLSX_HEADERS, neutralise
from tests.action_board_support import INJECTION, SECRET, load
from tests.conftest import Browser


@pytest.fixture
def data(app) -> dict[str, int]:
    return load(app)


def get(browser: Browser, url: str) -> bytes:
    response = browser.client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return response.data


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_csv_french_excel(browser, data):
    response = browser.client.get("/actions.csv?series=GT+Annuaire&sort=owner")
    assert response.mimetype == "text/csv"
    table = read_csv(response.data)
    assert tuple(table[0]) == HEADERS
    assert [r[1] for r in table[1:]] == [
        "Publier le guide",
        "'" + INJECTION,
        "Relancer les éditeurs",
    ]
    guide = dict(zip(HEADERS, table[1], strict=True))
    assert guide["Porteur"] == "Claire DUPONT (LIFEN)" and guide["Organisation"] == "LIFEN"
    assert guide["Échéance"] == "20/02/2022" and guide["Statut"] == "Fait"
    assert guide["Type"] == "Document" and guide["En retard"] == "non"
    assert guide["Adresse"].startswith(f"/reunions/{data['annuaire']}#action-")
    assert b"\r\n" in response.data


def test_xlsx_read_back(browser, data):
    book = load_workbook(io.BytesIO(get(browser, "/actions.xlsx?series=GT+Annuaire")))
    sheet = book["Actions"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == XLSX_HEADERS and len(values) == 4
    by_title = {row[1]: dict(zip(XLSX_HEADERS, row, strict=True)) for row in values[1:]}
    guide = by_title["Publier le guide"]
    assert guide["Échéance"].date() == dt.date(2022, 2, 20)  # a real date cell
    assert guide["Date de la réunion"].date() == dt.date(2022, 2, 10)
    # the formula is text, not a formula
    assert "'" + INJECTION in by_title
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_exports_follow_filters_and_access(app, data):
    admin = Browser(app.test_client()).login("admin")
    assert any(SECRET in r[1] for r in read_csv(get(admin, "/actions.csv")))
    reader = Browser(app.test_client()).login("reader")
    table = read_csv(get(reader, "/actions.csv"))
    assert len(table) == 7 and not any(SECRET in r[1] for r in table)
    only_done = read_csv(get(reader, "/actions.csv?status=done"))
    assert [r[1] for r in only_done[1:]] == ["Publier le guide"]
    assert len(read_csv(get(reader, "/actions.csv?series=Inconnue"))) == 1  # headers only
    assert reader.client.get("/actions.xlsx?due_from=hier").status_code == 400


@pytest.mark.parametrize("text", ["=1+2", "+33 6", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_neutralised(text):
    assert neutralise(text) == "'" + text


def test_other_text_is_kept():
    assert neutralise("Envoi = demain") == "Envoi = demain"
    assert neutralise(12) == 12 and neutralise(None) is None
