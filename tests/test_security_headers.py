"""Security headers on every kind of response, and nothing in the pages that the Content
Security Policy would block (inline scripts, event handler attributes, style attributes)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rida.paths import templates_dir
from rida.views.web import CSP
from tests.conftest import make_app

STATIC = Path(__file__).parents[1] / "rida" / "static"
# An inline script body, an event handler attribute (onclick=…), a style attribute.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTR = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)
BLOCKED = (INLINE_SCRIPT, HANDLER, STYLE_ATTR, STYLE_ELEMENT)
# The printable compte-rendu and the status report are standalone pages with their own CSP
# (their style sheet inline, allowed by its hash: LibreOffice prints the same page to PDF).
OWN_CSP = {"compte_rendu/print.html", "actions/report.html"}
OWN_CSP_PAGES = {"/actions/rapport"}


def assert_secure(response, *, csp: str = CSP) -> None:  # type: ignore[no-untyped-def]
    response.close()  # static files are streamed from an open file
    h = response.headers
    assert h["Content-Security-Policy"] == csp
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert "http" not in csp  # no other origin
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "same-origin"
    assert h["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in h["Permissions-Policy"]
    assert h["X-Frame-Options"] == "DENY"


def test_csp_allows_no_inline_script_and_no_other_origin():
    directives = dict(d.strip().split(" ", 1) for d in CSP.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def test_every_kind_of_response_carries_the_headers(browser, demo_meeting):
    c = browser.client
    for url in (
        "/",
        f"/reunions/{demo_meeting}",
        f"/api/meetings/{demo_meeting}",
        "/static/style.css",
        "/static/editor.js",
        "/nowhere",
        "/api/nowhere",
        f"/reunions/{demo_meeting}/compte-rendu.docx",
        "/actions.csv",
    ):
        response = c.get(url)
        assert_secure(response)
    assert_secure(browser.json("POST", "/api/meetings/999999/rows", {}))  # JSON error
    html = c.get(f"/reunions/{demo_meeting}/compte-rendu.html")
    from rida.compte_rendu import html as printable

    assert_secure(html, csp=printable.CSP)
    assert_secure(c.get("/deconnexion"))


def test_anonymous_pages_carry_the_headers(client):
    for url in ("/connexion", "/", "/static/style.css"):
        assert_secure(client.get(url))
    assert "Strict-Transport-Security" not in client.get("/connexion").headers


def test_hsts_only_behind_https(tmp_path):
    app = make_app(tmp_path / "data", SESSION_COOKIE_SECURE=True)
    response = app.test_client().get("/connexion")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    with app.app_context():
        from rida import db

        db.engine().dispose()


@pytest.mark.parametrize(
    "path",
    sorted(p for p in templates_dir().rglob("*.html")),
    ids=lambda p: str(p.relative_to(templates_dir())),
)
def test_templates_have_nothing_the_csp_would_block(path: Path):
    name = path.relative_to(templates_dir()).as_posix()
    text = path.read_text(encoding="utf-8")
    for pattern in BLOCKED:
        if name in OWN_CSP and pattern is STYLE_ELEMENT:
            continue
        assert not pattern.search(text), (name, pattern.pattern, pattern.search(text))


def test_scripts_never_write_style_attributes_or_handlers():
    for path in STATIC.glob("*.js"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"setAttribute\(\s*['\"](style|on[a-z]+)['\"]", text), path
        assert not re.search(r"\beval\(|new Function\(", text), path


def _get_urls(app, meeting_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    """Every GET page of the app that needs at most a meeting id."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "auth.logout"):
            continue
        args = set(rule.arguments)
        if args <= {"meeting_id"}:
            urls.append(rule.rule.replace("<int:meeting_id>", str(meeting_id)))
    return sorted(urls)


def test_rendered_pages_have_nothing_the_csp_would_block(
    app, browser, demo_meeting, validated_meeting
):
    pages = 0
    for meeting_id in (demo_meeting, validated_meeting):
        for url in _get_urls(app, meeting_id):
            response = browser.client.get(url)
            assert_secure(response, csp=response.headers["Content-Security-Policy"])
            if not response.content_type.startswith("text/html") or url.endswith(".html"):
                continue
            if url in OWN_CSP_PAGES:  # its style by hash, no script, nothing else inline
                csp = response.headers["Content-Security-Policy"]
                assert "'unsafe-inline'" not in csp and "style-src 'sha256-" in csp, csp
                continue
            pages += 1
            text = response.get_data(as_text=True)
            for pattern in BLOCKED:
                assert not pattern.search(text), (url, pattern.pattern, pattern.search(text))
    assert pages >= 12
