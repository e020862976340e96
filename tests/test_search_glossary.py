"""The search glossaries, the whole instance's and each series', edited on their pages and
with ``rida glossary``."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from rida import db
from rida.cli import main
from rida.models import Meeting
from rida.search import glossary


def series_of(app, meeting_id: int) -> int:
    with app.app_context():
        return db.session().get(Meeting, meeting_id).series_id


def groups(app, series_id: int | None) -> list[list[str]]:
    with app.app_context():
        return glossary.groups_of(db.session(), series_id)


def test_page_shows_and_replaces_the_glossary(app, browser, demo_meeting):
    series_id = series_of(app, demo_meeting)
    browser.login()
    url = f"/series/{series_id}/glossaire"
    page = browser.client.get(url).get_data(as_text=True)
    assert "Aucun terme équivalent" in page and 'for="glossary-groups"' in page
    saved = browser.form(url, {"groups": "MSS = MSSanté\n# commentaire\n\nCR=compte-rendu"})
    assert saved.status_code == 302
    assert groups(app, series_id) == [["MSS", "MSSanté"], ["CR", "compte-rendu"]]
    assert "MSS = MSSanté" in browser.client.get(url).get_data(as_text=True)


def test_bad_line_is_refused_with_its_number_and_nothing_changes(app, browser, demo_meeting):
    series_id = series_of(app, demo_meeting)
    browser.login()
    url = f"/series/{series_id}/glossaire"
    browser.form(url, {"groups": "MSS = MSSanté"})
    bad = browser.form(url, {"groups": "CR = compte-rendu\nESEA NA"})
    assert bad.status_code == 400
    assert "Ligne 2" in bad.get_data(as_text=True)
    assert groups(app, series_id) == [["MSS", "MSSanté"]]


def test_readers_see_but_cannot_change(app, browser, demo_meeting):
    series_id = series_of(app, demo_meeting)
    browser.login("reader")
    url = f"/series/{series_id}/glossaire"
    assert browser.client.get(url).status_code == 200
    assert "Modifier le glossaire" not in browser.client.get(url).get_data(as_text=True)
    assert browser.form(url, {"groups": "A = B"}).status_code == 403
    assert browser.client.get("/series/9999/glossaire").status_code == 404


def run(app, *args: str):  # type: ignore[no-untyped-def]
    data = Path(app.config["DATA_DIR"])
    env = {
        "RIDA_DATA_DIR": str(data),
        "RIDA_EXPORT_DIR": str(data.parent / "exports"),
        "RIDA_SECRET_KEY": "test",
        "RIDA_DATABASE_URL": None,
    }
    return CliRunner().invoke(main, ["glossary", *args], env=env, prog_name="rida")


def test_cli_sets_lists_and_clears(app, demo_meeting):
    series_id = series_of(app, demo_meeting)
    set_ = run(app, "Task Force MSSanté", "--set", "MSS = MSSanté", "--set", "CR = compte-rendu")
    assert set_.exit_code == 0, set_.output
    listed = run(app, str(series_id), "--json")
    assert json.loads(listed.stdout) == [["MSS", "MSSanté"], ["CR", "compte-rendu"]]
    assert run(app, "Task Force MSSanté", "--clear").exit_code == 0
    assert groups(app, series_id) == []


def test_cli_errors_name_the_option_and_exit_1(app, demo_meeting):
    unknown = run(app, "Nulle part")
    assert unknown.exit_code == 1
    assert json.loads(unknown.stderr)["errors"][0]["path"] == "series"
    bad = run(app, "Task Force MSSanté", "--set", "MSS")
    assert bad.exit_code == 1 and json.loads(bad.stderr)["errors"][0]["path"] == "--set"


def test_the_instance_glossary_page_is_read_by_all_and_changed_by_admins(app, browser, client):
    browser.login()
    page = browser.client.get("/glossaire").get_data(as_text=True)
    assert "Glossaire de recherche commun" in page and 'for="glossary-groups"' in page
    saved = browser.form(
        "/glossaire", {"groups": "MSS = MSSanté\nESEA NA = ESEA Nouvelle Aquitaine"}
    )
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/glossaire")
    assert groups(app, None) == [["MSS", "MSSanté"], ["ESEA NA", "ESEA Nouvelle Aquitaine"]]
    bad = browser.form("/glossaire", {"groups": "MSS"})
    assert bad.status_code == 400 and "Ligne 1" in bad.get_data(as_text=True)
    from tests.conftest import Browser

    reader = Browser(app.test_client()).login("reader")
    shown = reader.client.get("/glossaire").get_data(as_text=True)
    assert "MSS = MSSanté" in shown and "Modifier le glossaire" not in shown
    assert reader.form("/glossaire", {"groups": "A = B"}).status_code == 404
    assert groups(app, None) == [["MSS", "MSSanté"], ["ESEA NA", "ESEA Nouvelle Aquitaine"]]


def test_a_series_page_shows_the_instance_terms(app, browser, demo_meeting):
    series_id = series_of(app, demo_meeting)
    with app.app_context(), db.transaction() as s:
        glossary.set_groups(s, None, [["MSS", "MSSanté"]])
    browser.login()
    page = browser.client.get(f"/series/{series_id}/glossaire").get_data(as_text=True)
    assert "Termes communs à toutes les séries" in page and "MSS = MSSanté" in page


def test_cli_without_a_series_is_the_instance_glossary(app, demo_meeting):
    done = run(app, "--set", "MSS = MSSanté")
    assert done.exit_code == 0, done.output
    assert groups(app, None) == [["MSS", "MSSanté"]]
    assert groups(app, series_of(app, demo_meeting)) == []
    assert json.loads(run(app, "--json").stdout) == [["MSS", "MSSanté"]]
    assert "tous les comptes-rendus" in run(app, "--clear").stdout
