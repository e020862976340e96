"""Dates typed in forms as JJ/MM/AAAA (J/M/AAAA, or ISO pasted), whatever the browser's
language: read by the server from every form, shown back as JJ/MM/AAAA; the API and
rida/1 keep ISO dates only."""

from __future__ import annotations

import datetime as dt

import pytest

from rida import fields
from rida.views.web import date_input

MESSAGE = "Date invalide : attendu JJ/MM/AAAA"


@pytest.mark.parametrize(
    ("typed", "date"),
    [
        ("05/03/2024", dt.date(2024, 3, 5)),
        ("5/3/2024", dt.date(2024, 3, 5)),
        (" 29/02/2024 ", dt.date(2024, 2, 29)),
        ("2024-03-05", dt.date(2024, 3, 5)),
        ("", None),
        (None, None),
    ],
)
def test_typed_dates_are_read(typed, date):
    assert fields.typed_date(typed, "d") == date


@pytest.mark.parametrize(
    "typed",
    ["31/02/2024", "29/02/2023", "05/13/2024", "5/3/24", "2024-3-5", "05-03-2024", "hier", 7],
)
def test_anything_else_is_refused_in_french(typed):
    with pytest.raises(fields.FieldError) as e:
        fields.typed_date(typed, "d")
    assert e.value.message == MESSAGE


def test_the_api_keeps_iso_dates_only():
    with pytest.raises(fields.FieldError):
        fields.date("05/03/2024", "date")


def test_fields_show_jj_mm_aaaa():
    assert date_input(dt.date(2024, 3, 5)) == "05/03/2024"
    assert date_input("2024-03-05") == "05/03/2024"
    assert date_input(None) == "" and date_input("") == ""
    assert date_input("31/02/2024") == "31/02/2024"  # a refused text, shown as typed


def test_review_deadline_typed_as_jj_mm_aaaa(browser, ready_meeting):
    bad = browser.form(f"/reunions/{ready_meeting}/relecture", {"deadline": "31/02/2099"})
    page = browser.client.get(bad.headers["Location"]).get_data(as_text=True)
    assert f"Envoi en relecture refusé : {MESSAGE}." in page
    browser.form(f"/reunions/{ready_meeting}/relecture", {"deadline": "1/12/2099"})
    data = browser.json("GET", f"/api/meetings/{ready_meeting}/checks").get_json()
    assert data["review_deadline"] == "2099-12-01"


def test_journal_filters_typed_as_jj_mm_aaaa(browser):
    page = browser.client.get("/admin/journal?du=1/1/2020&au=31/12/2099").get_data(as_text=True)
    assert 'value="01/01/2020"' in page and 'value="31/12/2099"' in page
    refused = browser.client.get("/admin/journal?du=32/01/2020")
    assert refused.status_code == 400
    assert MESSAGE in refused.get_data(as_text=True)
