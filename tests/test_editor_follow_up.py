"""The editor page: the "Suivi des actions" section (labelled controls, French statuses,
history) and the bilateral-interview button of the actions list."""

from __future__ import annotations

import html
import re

from tests.conftest import import_doc
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
        r'data-revision="1" data-status="open">',
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
