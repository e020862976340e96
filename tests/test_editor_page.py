"""The editor page as served (before any JavaScript runs); the browser tests are in e2e/."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from tests.conftest import Browser

STATIC = Path(__file__).parents[1] / "rida" / "static"


class Controls(HTMLParser):
    """Collect form controls, labels and scripts of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.labels: set[str] = set()
        self.scripts: list[dict[str, str | None]] = []
        self.in_template = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "template":
            self.in_template += 1
        elif tag == "script":
            self.scripts.append(a)
        elif tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        elif (
            tag in ("input", "select", "textarea")
            and a.get("type") != "hidden"
            and not self.in_template
        ):
            self.controls.append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self.in_template -= 1


def test_editor_page_renders_every_field_with_a_label(browser, demo_meeting):
    response = browser.client.get(f"/reunions/{demo_meeting}/modifier")
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    html = response.get_data(as_text=True)
    page = Controls()
    page.feed(html)
    unlabelled = [c for c in page.controls if c.get("id") not in page.labels]
    assert unlabelled == []
    assert len([c for c in page.controls if c.get("data-field") == "nature"]) == 9
    assert "Raccourcis clavier" in html
    assert 'aria-live="polite"' in html


def test_editor_scripts_are_files_not_inline(browser, demo_meeting):
    html = browser.client.get(f"/reunions/{demo_meeting}/modifier").get_data(as_text=True)
    page = Controls()
    page.feed(html)
    sources = [s.get("src") for s in page.scripts if s.get("type") != "application/json"]
    assert sources and all(sources), "no inline script (CSP script-src 'self')"
    for src in sources:
        assert (STATIC / Path(src).name).is_file()
        with browser.client.get(src) as served:  # a file response: close it
            assert served.status_code == 200
    assert not re.search(r"\son[a-z]+=", html), "no inline event handler"


def test_editor_data_is_embedded_as_json(browser, demo_meeting):
    browser.json(
        "PATCH",
        f"/api/meetings/{demo_meeting}",
        {"fields": {"title": "</script><script>alert(1)</script>"}},
    )
    html = browser.client.get(f"/reunions/{demo_meeting}/modifier").get_data(as_text=True)
    found = re.search(
        r'<script type="application/json" id="editor-data">(.*?)</script>', html, re.S
    )
    data = json.loads(found.group(1))
    assert data["meeting"]["title"] == "</script><script>alert(1)</script>"
    assert [r["number"] for r in data["rows"]] == list(range(1, 10))
    assert {"subjects", "speakers"} <= data["suggestions"].keys()


def test_editor_needs_the_right_to_edit(client, demo_meeting):
    reader = Browser(client).login("reader")
    assert reader.client.get(f"/reunions/{demo_meeting}").status_code == 200
    assert reader.client.get(f"/reunions/{demo_meeting}/modifier").status_code == 403


def test_the_state_leaves_the_row_texts_to_the_fields(browser, demo_meeting):
    """Each row's text is sent once (its fields); a text with a carriage return stays in
    the state too, since HTML would turn it into a line feed."""
    page = browser.client.get(f"/reunions/{demo_meeting}/modifier").get_data(as_text=True)
    state = json.loads(re.search(r'id="editor-data">(.*?)</script>', page, re.S).group(1))
    first = state["rows"][0]
    assert {"uid", "number", "nature", "revision"} <= first.keys()
    assert not {"subject", "question", "answer"} & first.keys()
    saved = browser.json(
        "PATCH",
        f"/api/meetings/{demo_meeting}/rows/{first['uid']}",
        {"revision": first["revision"], "fields": {"answer": "un\r\ndeux"}},
    )
    assert saved.status_code == 200, saved.get_data(as_text=True)
    page = browser.client.get(f"/reunions/{demo_meeting}/modifier").get_data(as_text=True)
    state = json.loads(re.search(r'id="editor-data">(.*?)</script>', page, re.S).group(1))
    assert state["rows"][0]["answer"] == "un\r\ndeux"
    assert "question" not in state["rows"][0]
