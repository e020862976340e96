"""Requests over RIDA_MAX_REQUEST_BYTES (5 MB) get a 413 that says the limit, in HTML or
JSON, and nothing is written: form posts, JSON API calls, file uploads."""

from __future__ import annotations

import html
import io
import json

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from rida.views.web import size_words
from tests.conftest import counts, draft_document

LIMIT = 5_000_000
MESSAGE = "Requête trop volumineuse : 5 Mo au plus."


def test_size_words():
    assert size_words(5_000_000) == "5 Mo"
    assert size_words(1_500_000) == "1,5 Mo"
    assert size_words(800_000) == "800 Ko"
    assert size_words(512) == "512 octets"


def test_json_body_over_the_limit_is_a_json_413(app, browser):
    before = counts(app)
    doc = draft_document()
    doc["summary"] = "x" * LIMIT
    response = browser.json("POST", "/api/meetings", doc)
    assert response.status_code == 413
    assert response.get_json() == {"error": "413", "message": MESSAGE}
    assert counts(app) == before


def test_form_post_over_the_limit_is_an_html_413(app, browser, demo_meeting):
    before = counts(app)
    response = browser.form(f"/reunions/{demo_meeting}/relecture", {"deadline": "x" * (LIMIT + 1)})
    assert response.status_code == 413
    assert response.content_type.startswith("text/html")
    assert MESSAGE in html.unescape(response.get_data(as_text=True))
    assert counts(app) == before


def test_a_big_form_field_under_the_limit_is_not_refused(browser):
    """Flask's own 500 kB limit on form fields is raised to the request limit."""
    response = browser.form("/connexion", {"login": "x" * 1_000_000, "password": "y"})
    assert response.status_code != 413


def test_upload_over_the_limit_is_an_html_413(app, browser):
    before = counts(app)
    data = json.dumps({**draft_document(), "summary": "x" * LIMIT}).encode()
    # Encoded here, in memory: the test client would spool it to a file left unclosed.
    boundary, body = encode_multipart(
        {"csrf_token": browser.token, "file": FileStorage(io.BytesIO(data), "cr.json")}
    )
    response = browser.client.post(
        "/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    assert MESSAGE in html.unescape(response.get_data(as_text=True))
    assert counts(app) == before


def test_anonymous_login_post_over_the_limit(client):
    response = client.post("/connexion", data={"login": "x" * (LIMIT + 1)})
    assert response.status_code == 413
    assert MESSAGE in html.unescape(response.get_data(as_text=True))
