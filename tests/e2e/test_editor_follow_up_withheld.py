"""The editor's "Suivi des actions" of a public meeting after a restricted one: the
restricted meeting's open actions are shown to the rapporteur who may read it, read only,
marked as not published in this compte-rendu (and why); late actions carry « En retard »,
which goes when the action is done and comes back when it is reopened. No axe violation."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.test_axe import violations


def in_series(series: str, date: str, classification: str = "public"):  # type: ignore[no-untyped-def]
    def change(doc: dict) -> None:
        doc.update(series=series, date=date, classification=classification)

    return change


def test_withheld_and_late_follow_up_in_the_editor(page, make_meeting, open_editor):
    series = "E2E suivi restreint"
    make_meeting(page, "E2E public 1", in_series(series, "2022-01-07"))
    make_meeting(page, "E2E restreint", in_series(series, "2022-01-10", "restricted"))
    later = make_meeting(page, "E2E public 2", in_series(series, "2022-02-07"))
    ed = open_editor(page, later)

    section = page.locator("#follow-up")
    published = section.locator("tbody.follow-up-item")
    expect(published).to_have_count(3)  # the public meeting's actions only
    expect(published.get_by_role("link")).to_have_text(["E2E public 1 (07/01/2022)"] * 3)

    withheld = section.get_by_role("table", name="Actions des réunions précédentes non publiées")
    expect(
        section.get_by_role("heading", name="Actions non publiées dans ce compte-rendu")
    ).to_be_visible()
    rows = withheld.locator("tbody.follow-up-withheld-item")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text(
        "Non publiée dans ce compte-rendu : réunion d'origine en diffusion restreinte"
    )
    expect(rows.first.get_by_role("link")).to_have_text("E2E restreint (10/01/2022)")
    expect(withheld.get_by_role("combobox")).to_have_count(0)  # read only here

    # Every demo action is due before 07/02/2022: late until done, late again if reopened.
    first = published.first
    late = first.locator(".badge-overdue")
    expect(late).to_be_visible()
    expect(late).to_have_text("En retard")
    status = page.get_by_label(re.compile("^Statut : Entretiens bilatéraux"))
    status.select_option("done")
    expect(first.locator(".fu-message")).to_have_text("Statut enregistré : Fait.")
    expect(late).to_be_hidden()
    status.select_option("open")
    expect(first.locator(".fu-message")).to_have_text("Statut enregistré : À faire.")
    expect(late).to_be_visible()
    ed.wait_saved()
    assert violations(page) == []
