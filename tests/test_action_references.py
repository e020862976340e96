"""Action references across meetings: the follow-up tables number each action (« Action 2 »,
and on the read page its reference ``12/2``), and the action board's text filter accepts
a reference, for the actions of meetings the user may read only."""

from __future__ import annotations

import io
import json
import re

import pytest
from docx import Document

from rida import compte_rendu
from rida.compte_rendu.source import Source
from rida.compte_rendu.wording import FOLLOW_UP_COLUMNS
from tests.action_board_support import SECRET, load
from tests.conftest import Browser, demo_document, import_doc
from tests.test_action_board_page import page as board_page
from tests.test_action_board_page import rows
from tests.test_cli_actions import rida
from tests.test_follow_up import meeting_doc
from tests.test_follow_up_pages import ids, page, section
from tests.test_validated_page import ready

# --- the follow-up tables ------------------------------------------------------------


def test_read_page_follow_up_shows_number_and_reference(app, browser):
    m1 = import_doc(app, meeting_doc("2022-01-07", "M1", ("open", "in_progress")))
    m2 = import_doc(app, meeting_doc("2022-02-07", "M2"))
    second = ids(app)["M1 / action 1"]
    follow = section(page(browser, m2), '<h3 id="suivi">')
    row = section(follow, f'<tr id="suivi-{second}">', "</tr>")
    assert (
        '<span class="meta action-ref">Action 2 <span class="visually-hidden">de la réunion '
        f"</span>({m1}/2)</span> M1 / action 1" in row
    )


def test_validated_page_and_exports_keep_the_frozen_number(app, browser):
    m1 = import_doc(app, meeting_doc("2022-01-07", "M1", ("open", "in_progress")))
    m2 = import_doc(app, ready("2022-02-07", "M2"))
    second = ids(app)["M1 / action 1"]
    assert browser.json("POST", f"/api/meetings/{m2}/validate").status_code == 200
    row = section(page(browser, m2), f'id="suivi-{second}"', "</tr>")
    assert f'Action 2 <span class="visually-hidden">de la réunion </span>({m1}/2)</span>' in row
    get = browser.client.get
    markdown = get(f"/reunions/{m2}/compte-rendu.md").get_data(as_text=True)
    assert "| M1 (07/01/2022) | Action 2 : M1 / action 1 |" in markdown
    printed = get(f"/reunions/{m2}/compte-rendu.html").get_data(as_text=True)
    table = section(printed, '<table class="follow-up">')
    assert "<td>Action 1 : M1 / action 0</td>" in table
    # The DOCX, read back: the number in the « Action » column, the five columns kept.
    document = Document(io.BytesIO(get(f"/reunions/{m2}/compte-rendu.docx").data))
    follow_up = document.tables[-1]
    assert tuple(c.text for c in follow_up.rows[0].cells) == FOLLOW_UP_COLUMNS
    assert [(r.cells[0].text, r.cells[1].text) for r in follow_up.rows[1:]] == [
        ("M1 (07/01/2022)", "Action 1 : M1 / action 0"),
        ("M1 (07/01/2022)", "Action 2 : M1 / action 1"),
    ]
    # in the table's own cell style, one paragraph, as before
    meeting_cell, action_cell = follow_up.rows[2].cells[:2]
    assert [p.style.name for p in action_cell.paragraphs] == [meeting_cell.paragraphs[0].style.name]


def test_follow_up_frozen_before_numbers_renders_as_it_was():
    """A version frozen before the number was kept has none: its title alone, so its
    document (and its SHA-256) does not change."""
    item = {
        "meeting": {"id": 3, "title": "M1", "date": "2022-01-07"},
        "title": "Relancer",
        "kind": "other",
        "owner": None,
        "due_date": None,
        "status": "open",
        "rida": None,
        "action": 9,
    }
    src = Source(doc=demo_document(), follow_up=[item])
    document = Document(io.BytesIO(compte_rendu.render(src, "docx")))
    assert document.tables[-1].rows[1].cells[1].text == "Relancer"
    numbered = Source(doc=demo_document(), follow_up=[item | {"number": 4}])
    document = Document(io.BytesIO(compte_rendu.render(numbered, "docx")))
    assert document.tables[-1].rows[1].cells[1].text == "Action 4 : Relancer"


# --- the action board's text filter --------------------------------------------------


@pytest.fixture
def data(app) -> dict[str, int]:
    return load(app)


@pytest.mark.parametrize("typed", ["{id}/2", " {id} / 2 ", "{id}/02"])
def test_reference_shows_exactly_that_action(browser, data, typed):
    reference = typed.format(id=data["demo"]).replace(" ", "+").replace("/", "%2F")
    html = board_page(browser, f"/actions?text={reference}")
    found = rows(html)
    assert len(found) == 1 and "1 action." in html
    assert f"({data['demo']}/2)</span>" in found[0]
    # the form keeps what was typed (trimmed), exports and the report carry it
    assert 'id="f-text" name="text" type="search" value="' in html
    assert f'href="/actions.csv?text={data["demo"]}' in html


def test_text_filter_matches_title_words_case_ignored(browser, data):
    html = board_page(browser, "/actions?text=PUBLIER+le")
    assert [re.search(r">([^<]+)</a><br>", r).group(1) for r in rows(html)] == ["Publier le guide"]
    # % and _ are plain characters, not wildcards
    assert "Aucune action ne correspond" in board_page(browser, "/actions?text=%25")
    assert "Aucune action ne correspond" in board_page(browser, "/actions?text=_")


@pytest.mark.parametrize("typed", ["0/0", "{id}/0", "{id}/9", "99999999999999999999/1"])
def test_reference_to_no_action_shows_nothing(browser, data, typed):
    text = typed.format(id=data["demo"]).replace("/", "%2F")
    html = board_page(browser, f"/actions?text={text}")
    assert "Aucune action ne correspond à ces filtres." in html and ">0 actions." in html


def test_too_long_text_is_a_400_naming_the_field(browser, data):
    html = board_page(browser, "/actions?text=" + "a" * 201, status=400)
    assert "Texte ou référence (text) : texte trop long" in html


def counts(html: str) -> list[str]:
    return re.findall(r'<span class="count"[^>]*>(\d+)</span>', html)


def test_canary_reference_to_an_unreadable_meeting_shows_nothing(app, data):
    """The confidential meeting's action, by its reference: the admin sees it; a member
    who may not read that meeting gets an empty board, zero in every count, and no
    trace of it in the page, the exports or the report."""
    reference = f"{data['secret']}/1"
    admin = board_page(Browser(app.test_client()).login("admin"), f"/actions?text={reference}")
    assert SECRET in admin and len(rows(admin)) == 1
    member = Browser(app.test_client()).login("member")
    html = board_page(member, f"/actions?text={reference}")
    assert rows(html) == [] and ">0 actions." in html
    assert "Aucune action ne correspond à ces filtres." in html
    assert set(counts(html)) == {"0"}
    assert "Aucun." in section(html, "<h3>Par porteur</h3>", "</div>")
    for needle in (SECRET, "SECRET", "ORANGE", "Entretien bilatéral ORANGE"):
        assert needle not in html
    for url in ("/actions.csv", "/actions/rapport"):
        response = member.client.get(f"{url}?text={reference}")
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert SECRET not in body and "ORANGE" not in body
    # the same member sees a readable action by its reference
    assert len(rows(board_page(member, f"/actions?text={data['demo']}/1"))) == 1


def test_cli_text_option(app, data):
    out = rida(app, "--text", f"{data['demo']}/3", "--format", "json").stdout
    assert [a["reference"] for a in json.loads(out)] == [f"{data['demo']}/3"]
    hidden = rida(app, "--text", f"{data['secret']}/1", "--user", "member", "--format", "json")
    assert hidden.stdout.strip() == "[]"
