"""Hostile text in every text field, through the real HTTP app: pages and search snippets
escape it, Markdown is sanitised, the DOCX holds it literally, and a spreadsheet never
runs it as a formula."""

from __future__ import annotations

import copy
import csv
import io
import re
from html.parser import HTMLParser
from urllib.parse import quote

import docx
from sqlmodel import select

from rida import db
from rida.models import Series
from tests.conftest import demo_document
from tests.search_support import reindex
from tests.security.attempts import MEDIA_DOCX, Actor, check, docx_text, record, xlsx_cells

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SVG = "'><svg onload=alert(1)>"
LINK = "[clic](javascript:alert(1))"
ANCHOR = '<a href="javascript:alert(1)">lien</a>'
HOSTILE = f"motclef {SCRIPT} {IMG} {SVG} {LINK} {ANCHOR}"
FORMULAS = ('=HYPERLINK("http://x","y")', "+SUM(1;2)", "-1+1", "@SUM(A1)", "=cmd|' /C calc'!A0")
RAW = (SCRIPT, "<img src=x onerror", "<svg onload", '<a href="javascript:')


def hostile_document(text: str) -> dict:
    """The demo with ``text`` in every free-text field (short fields get it too)."""
    doc = copy.deepcopy(demo_document())
    doc |= {
        "title": text,
        "subject": text,
        "meeting_type": text,
        "location": text,
        "summary": text,
        "results": text,
        "reference_documents": [text],
        "objectives": [text, text],
        "comments": [text],
        "series": f"Série {text}"[:200],
        "status": "draft",
        "version": "0.1",
    }
    for row in doc["rida"]:
        row |= {"subject": text, "question": text, "answer": text}
    for action in doc["actions"]:
        action |= {"title": text, "notes": text}
    for person in (doc["organiser"], *doc["participants"]):
        person |= {"function": text}
    doc["participants"].append(
        {"last_name": text[:200], "first_name": text[:200], "entity": text[:200], "function": text}
    )
    doc["actions"][1]["owner"] = {"entity": text[:200]}
    return doc


class Tags(HTMLParser):
    """The real tags of a page (not the escaped text that looks like one)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler")
            if name in URL_ATTRIBUTES and (value or "").strip().lower().startswith(
                ("javascript:", "vbscript:", "data:text/html")
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script" and "src" not in found and found.get("type") != "application/json":
            self.problems.append("inline <script>")
        if tag in ("iframe", "object", "embed", "base"):
            self.problems.append(f"<{tag}> element")


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcdoc"}


def page_is_safe(what: str, response) -> bool:  # type: ignore[no-untyped-def]
    text = response.get_data(as_text=True)
    problems = [f"status {response.status_code}"] if response.status_code >= 500 else []
    problems += [f"raw « {raw} »" for raw in RAW if raw in text]
    tags = Tags()
    tags.feed(text)
    problems += tags.problems
    if response.mimetype == "text/html":
        csp = response.headers.get("Content-Security-Policy", "")
        if "script-src 'self'" not in csp and "default-src 'none'" not in csp:
            problems.append(f"weak CSP « {csp} »")
    return record(f"XSS {what}", problems)


def followed(actor: Actor, response):  # type: ignore[no-untyped-def]
    """The page a form's redirect leads to (where its flashed message shows)."""
    if response.status_code in (302, 303):
        return actor.send("GET", response.headers["Location"])
    return response


def test_hostile_text_is_escaped_everywhere(app):
    admin = Actor.log_in("admin", app.test_client())
    created = admin.send("POST", "/api/meetings", payload=hostile_document(HOSTILE))
    assert created.status_code == 201, created.get_json()
    meeting_id = created.get_json()["id"]
    stored = admin.send("GET", f"/api/meetings/{meeting_id}").get_json()
    check(
        "hostile text stored literally",
        stored["title"] == HOSTILE and stored["rida"][0]["answer"] == HOSTILE,
        stored["title"],
    )
    reindex(app, meeting_id)
    series_id = _series_id(app)
    person = re.search(
        r'id="personne-(\d+)"', admin.send("GET", "/personnes").get_data(as_text=True)
    )
    forms = [
        ("/series", {"name": HOSTILE}),
        (
            "/reunions",
            {
                "title": HOSTILE,
                "series_id": str(series_id),
                "date": "2022-01-07",
                "meeting_type": HOSTILE,
            },
        ),
        (f"/series/{series_id}/glossaire", {"groups": f"{HOSTILE} = motclef"}),
        ("/agenda", {"feed": HOSTILE}),
        (f"/reunions/{meeting_id}/relecture", {"deadline": HOSTILE}),
    ]
    if person:
        forms.append((f"/personnes/{person[1]}/email", {"email": HOSTILE}))
    for url, form in forms:
        page_is_safe(f"POST {url}", followed(admin, admin.send("POST", url, form=form)))
    upload = admin.send(
        "POST",
        "/import",
        form={"file": (io.BytesIO(b"{"), f"{SCRIPT}.json")},
        content_type="multipart/form-data",
    )
    page_is_safe("POST /import (bad file, hostile name)", followed(admin, upload))
    quoted = quote(HOSTILE)
    for url in (
        "/",
        f"/reunions/{meeting_id}",
        f"/reunions/{meeting_id}/modifier",
        f"/reunions/{meeting_id}/versions",
        f"/reunions/{meeting_id}/comparaison",
        "/recherche?q=motclef",
        f"/recherche?q={quoted}",
        f"/recherche?q=motclef&series={quoted}&organisation={quoted}",
        "/actions",
        f"/actions?series={quoted}&owner={quoted}&organisation={quoted}",
        f"/actions?due_from={quoted}",
        "/personnes",
        f"/series/{series_id}/glossaire",
        "/agenda",
        f"/reunions/{meeting_id}/compte-rendu.html",
        f"/reunions/{meeting_id}/comparaison?from={quoted}",
    ):
        page_is_safe(f"GET {url}", admin.send("GET", url))
    found = admin.send("GET", "/api/search?q=motclef").get_json()
    check("search found the hostile rows", found["total"] > 0, str(found["total"]))
    for hit in found["hits"]:
        check(
            f"snippet of {hit['kind']} {hit['row']} escaped",
            not any(raw in hit["snippet"] for raw in RAW),
            hit["snippet"],
        )
    markdown = admin.send("GET", f"/reunions/{meeting_id}/compte-rendu.md")
    check(
        "Markdown export is a download, not a page",
        markdown.mimetype != "text/html"
        and markdown.headers["Content-Disposition"].startswith("attachment"),
        markdown.mimetype,
    )


def _series_id(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session().exec(select(Series.id)).first()


def test_the_docx_holds_hostile_text_literally(app):
    admin = Actor.log_in("admin", app.test_client())
    created = admin.send("POST", "/api/meetings", payload=hostile_document(HOSTILE))
    meeting_id = created.get_json()["id"]
    response = admin.send("GET", f"/reunions/{meeting_id}/compte-rendu.docx")
    check("DOCX export", response.status_code == 200 and response.mimetype == MEDIA_DOCX)
    text = docx_text(response.data)
    for raw in (SCRIPT, IMG, SVG, ANCHOR):
        check(f"DOCX holds « {raw} » literally", raw in text)
    document = docx.Document(io.BytesIO(response.data))
    targets = [rel.target_ref for rel in document.part.rels.values() if rel.is_external]
    check(
        "DOCX has no javascript: link",
        not any(t.strip().lower().startswith("javascript:") for t in targets),
        str(targets),
    )


def formula_document() -> dict:
    doc = copy.deepcopy(demo_document())
    doc |= {"title": FORMULAS[0], "series": FORMULAS[1], "status": "draft", "version": "0.1"}
    for action, formula in zip(doc["actions"], FORMULAS[2:], strict=False):
        action |= {"title": formula, "notes": FORMULAS[0]}
    doc["actions"][1]["owner"] = {"entity": FORMULAS[0]}
    doc["actions"][0]["owner"] = {
        "last_name": FORMULAS[1],
        "first_name": FORMULAS[3],
        "entity": FORMULAS[4],
    }
    doc["rida"][7]["subject"] = FORMULAS[0]
    return doc


def test_spreadsheets_never_run_a_formula(app):
    admin = Actor.log_in("admin", app.test_client())
    created = admin.send("POST", "/api/meetings", payload=formula_document())
    assert created.status_code == 201, created.get_json()
    dangerous = ("=", "+", "-", "@", "\t", "\r")
    response = admin.send("GET", "/actions.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    cells = [cell for row in rows[1:] for cell in row]
    check("CSV holds the formulas as text", any("HYPERLINK" in c for c in cells), str(rows))
    for cell in cells:
        check(f"CSV cell « {cell[:40]} »", not cell.startswith(dangerous))
    book = admin.send("GET", "/actions.xlsx")
    for cell in xlsx_cells(book.data):
        value = cell.value
        check(
            f"XLSX cell {cell.coordinate}",
            cell.data_type != "f" and not (isinstance(value, str) and value.startswith(dangerous)),
            repr(value),
        )
