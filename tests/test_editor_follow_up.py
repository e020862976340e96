"""The editor page: the "Suivi des actions" section (labelled controls, French statuses,
history) and the bilateral-interview button of the actions list."""

from __future__ import annotations

import datetime as dt
import html
import re

from sqlmodel import select

from rida import db
from rida.accounts import create_user
from rida.models import Action, Meeting
from tests.conftest import PASSWORD, Browser, import_doc, join_series
from tests.test_follow_up import meeting_doc


def editor(browser, meeting_id: int) -> str:
    response = browser.client.get(f"/reunions/{meeting_id}/modifier")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_follow_up_section_in_the_editor(app, browser):
    import_doc(app, meeting_doc("2022-01-07", "M1", ("open", "done")))
    m2 = import_doc(app, meeting_doc("2022-02-07", "M2"))
    page = editor(browser, m2)
    section = page[page.index('id="follow-up"') : page.index('id="h-comments"')]
    assert 'data-meeting-label="M2 (07/02/2022)"' in section
    items = re.findall(
        r'<tbody class="follow-up-item" data-action-id="(\d+)" '
        r'data-revision="1" data-status="open" data-past-due="\d">',
        section,
    )
    assert len(items) == 1  # the done one is not followed up
    n = items[0]
    assert (
        f'<label class="visually-hidden" for="fu-{n}-status">Statut : M1 / action 0</label>'
    ) in section
    assert f'for="fu-{n}-comment">Note de suivi : M1 / action 0' in section
    options = re.findall(r'<option value="(\w+)"( selected)?>([^<]+)</option>', section)
    assert [(v, label) for v, _, label in options] == [
        ("open", "À faire"),
        ("in_progress", "En cours"),
        ("done", "Fait"),
        ("cancelled", "Annulé"),
    ]
    assert 'aria-live="polite"' in section and '<details class="history">' in section
    assert "follow-up.js" in page and page.index("follow-up.js") < page.index("/editor.js")


def test_empty_follow_up_says_so(app, browser, demo_meeting):
    assert "Aucune action ouverte dans les réunions précédentes de la série." in editor(
        browser, demo_meeting
    )


def test_interview_button_only_on_bilateral_interviews(app, browser, demo_meeting):
    page = editor(browser, demo_meeting)
    forms = re.findall(
        r'<form method="post" class="interview-form" action="/reunions/\d+/'
        r'actions/(\w+)/entretien"( hidden)?>',
        page,
    )
    # Three actions (one bilateral interview) and the template of a new one (hidden).
    assert [hidden for _, hidden in forms] == ["", " hidden", " hidden", " hidden"]
    assert forms[-1][0] == "__uid__"


CANARY = "Pangolin7319"  # in the restricted meeting's action and its notes only


def restricted_before_public(app) -> int:
    """A public meeting (the later one) after a restricted one with an open action (the
    canary), a confidential one and a public one; returns the later meeting's id."""
    restricted = meeting_doc("2022-01-03", "Comité restreint", ("open",))
    restricted["actions"][0].update(title=f"Action {CANARY}", notes=f"Notes {CANARY}")
    import_doc(app, restricted | {"classification": "restricted"})
    confidential = meeting_doc("2022-01-04", "Entretien confidentiel", ("in_progress",))
    import_doc(app, confidential | {"classification": "confidential"})
    import_doc(app, meeting_doc("2022-01-05", "Atelier public", ("open",)))
    return import_doc(app, meeting_doc("2022-02-07", "M2"))


def outsider(app, meeting_id: int) -> Browser:
    """A rapporteur who created the later meeting (so edits it) but is no member of the
    series: they may read neither the restricted nor the confidential meeting."""
    with app.app_context(), db.write_session(db.engine()) as s:
        user = create_user(s, "outsider", PASSWORD, "rapporteur")
        s.get(Meeting, meeting_id).created_by = user.id
    return Browser(app.test_client()).login("outsider")


def withheld_section(page: str) -> str:
    return page[page.index('id="follow-up"') : page.index('id="h-comments"')]


def test_withheld_follow_up_shown_only_to_who_may_read_its_meeting(app, browser):
    later = restricted_before_public(app)
    join_series(app, "rapporteur", later)
    member = Browser(app.test_client()).login("rapporteur")
    section = withheld_section(editor(member, later))
    assert "Atelier public / action 0" in section.split("Actions non publiées")[0]
    withheld = section.split('<h3 id="h-follow-up-withheld">')[1]
    assert withheld.startswith("Actions non publiées dans ce compte-rendu</h3>")
    rows = re.findall(r'<tbody class="follow-up-withheld-item" data-action-id="\d+">', withheld)
    assert len(rows) == 1  # the member does not read the confidential meeting
    assert f"Action {CANARY}" in withheld and "Comité restreint (03/01/2022)" in withheld
    assert (
        '<span class="badge badge-withheld">Non publiée dans ce compte-rendu</span> : '
        "réunion d'origine en diffusion restreinte"
    ) in withheld
    assert "Entretien confidentiel" not in section
    # Read only here: no status control for it.
    assert 'data-fu="status"' not in withheld
    # The admin reads both, each with its reason.
    admin = withheld_section(editor(browser, later))
    assert "réunion d'origine confidentielle" in admin and "Entretien confidentiel" in admin
    # Neither is in the document.
    markdown = member.client.get(f"/reunions/{later}/compte-rendu.md").get_data(as_text=True)
    assert CANARY not in markdown and "Entretien confidentiel" not in markdown


def test_withheld_follow_up_leaks_nothing_to_who_may_not_read_its_meeting(app):
    later = restricted_before_public(app)
    other = outsider(app, later)
    page = editor(other, later)
    for secret in (CANARY, "Comité restreint", "Entretien confidentiel", "non publiée"):
        assert secret not in page and secret.lower() not in page.lower()
    assert "Actions non publiées" not in page and "badge-withheld" not in page
    assert "Atelier public / action 0" in withheld_section(page)  # the published one


def checklist_of(client: Browser, meeting_id: int) -> dict:
    answer = client.client.get(f"/api/meetings/{meeting_id}/checks").get_json()
    return next(c for c in answer["checks"] if c["code"] == "follow_up")


def test_checklist_warns_of_withheld_follow_up_without_leaking(app, browser):
    later = restricted_before_public(app)
    join_series(app, "rapporteur", later)
    member = Browser(app.test_client()).login("rapporteur")
    message = "ne figurera pas dans ce compte-rendu (classification plus restreinte)"
    check = checklist_of(member, later)
    assert (check["level"], check["passed"]) == ("warning", False)
    assert check["details"] == [
        {
            "path": "follow_up",
            "place": "Suivi des actions",
            "message": f"1 action de suivi {message}",
        }
    ]
    view = html.unescape(member.client.get(f"/reunions/{later}").get_data(as_text=True))
    assert f"1 action de suivi {message}" in view
    assert checklist_of(browser, later)["details"][0]["message"].startswith("2 actions de suivi")
    other = outsider(app, later)
    assert checklist_of(other, later)["passed"] is True
    view = other.client.get(f"/reunions/{later}").get_data(as_text=True)
    assert "ne figurer" not in view and CANARY not in view
    # A warning only: the refusal (the demo's own blocking checks) names other checks,
    # and tells the member what they may read.
    answer = member.json("POST", f"/api/meetings/{later}/validate")
    assert answer.status_code == 409
    checks = {c["code"]: c for c in answer.get_json()["checks"]}
    assert checks["follow_up"]["level"] == "warning"
    assert checks["follow_up"]["details"][0]["message"] == f"1 action de suivi {message}"


def test_overdue_follow_up_actions_are_marked_in_the_editor(app, browser):
    import_doc(app, meeting_doc("2022-01-07", "M1", ("open", "in_progress", "open")))
    m2 = import_doc(app, meeting_doc("2022-02-07", "M2"))
    with app.app_context(), db.write_session(db.engine()) as s:
        action = s.exec(select(Action).where(Action.title == "M1 / action 2")).one()
        action.due_date = dt.date.today() + dt.timedelta(days=30)  # not late, even today
    section = withheld_section(editor(browser, m2))
    found = []
    for item in section.split('<tbody class="follow-up-item"')[1:]:
        title = re.search(r"<td>(M1 / action \d)", item).group(1)
        past = re.search(r'data-past-due="(\d)"', item).group(1)
        badge = re.search(r'<span class="badge badge-overdue"( hidden)?>En retard</span>', item)
        found.append((title, past, badge.group(1) or ""))
    assert found == [
        ("M1 / action 0", "1", ""),
        ("M1 / action 1", "1", ""),
        ("M1 / action 2", "0", " hidden"),
    ]
