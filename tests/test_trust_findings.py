"""Findings of the outside attack (issue « Trust »), each replayed as a user would."""

from __future__ import annotations

import copy
import io
import json
import re

import pytest
from sqlmodel import select

from rida import db
from rida.models import Action
from tests.conftest import PASSWORD, Browser, demo_document, import_doc


def _meeting(date: str, status: str) -> dict:
    doc = copy.deepcopy(demo_document())
    doc.update(date=date, status="draft", version="0.1", title=f"Atelier du {date}")
    doc["actions"] = [
        {
            "title": f"Action du {date}",
            "kind": "other",
            "owner": None,
            "due_date": None,
            "status": status,
            "rida": None,
            "notes": None,
        }
    ]
    return doc


def test_an_action_closed_by_the_follow_up_then_one_imported_done_keep_pages_up(app, browser):
    """Finding 2: closing an action through the follow-up, then an action already done in
    a later meeting of the series, made /actions (and the later meeting) answer 500."""
    first = import_doc(app, _meeting("2022-02-01", "open"))
    with app.app_context():
        action = db.session().exec(select(Action).where(Action.meeting_id == first)).one()
    closed = browser.json(
        "POST",
        f"/api/actions/{action.id}/status",
        {"status": "done", "revision": action.revision},
    )
    assert closed.status_code == 200, closed.get_json()
    later = import_doc(app, _meeting("2022-03-01", "done"))
    for url in ("/actions", f"/reunions/{later}", f"/reunions/{first}", "/actions.csv"):
        assert browser.client.get(url).status_code == 200, url
    for fmt in ("docx", "md", "html", "json"):
        assert browser.client.get(f"/reunions/{later}/compte-rendu.{fmt}").status_code == 200, fmt


def test_a_title_too_long_for_a_docx_property_still_exports_and_validates(app, browser):
    """Finding 7: a title over 255 characters broke DOCX/PDF export and validation (the
    DOCX core property); the document shows the title whole, the property is cut."""
    doc = _meeting("2022-02-01", "open")
    doc["title"] = "Atelier " + "très long " * 40
    meeting_id = import_doc(app, doc)
    docx = browser.client.get(f"/reunions/{meeting_id}/compte-rendu.docx")
    assert docx.status_code == 200
    from io import BytesIO

    from docx import Document

    document = Document(BytesIO(docx.data))
    assert len(document.core_properties.title) == 255
    assert document.core_properties.title.endswith("…")
    assert doc["title"].strip() in "\n".join(p.text for p in document.paragraphs)
    doc["status"] = "validated"
    doc["version"] = "1.0"
    assert import_doc(app, doc) > 0


@pytest.mark.parametrize(
    "extension",
    [
        {"x-\ud800": 1},
        {"x-ok": {"\udfff": 1}},
        {"x-ok": "nul\x00"},
        {"x-ok": ["esc\x1b[31m"]},
        {"x-\x1b": "clé"},
    ],
)
def test_x_keys_and_values_that_storage_cannot_keep_are_refused_by_name(app, browser, extension):
    """Findings 7 and 8: a lone surrogate in an x- key gave a 500 (the error could not be
    encoded); NUL and ESC were accepted in x- values."""
    doc = _meeting("2022-02-01", "open")
    doc.update(extension)
    body = json.dumps(doc, ensure_ascii=True)  # \\ud800 travels as an escape
    r = browser.json("POST", "/api/meetings", body)
    assert r.status_code == 400, r.get_data(as_text=True)
    error = r.get_json()
    assert error["errors"][0]["path"].startswith("x-")
    r.get_data(as_text=True).encode("utf-8")  # the answer itself is valid UTF-8


def test_ids_beyond_what_the_database_holds_are_unknown_pages(browser):
    """Finding 7: /meetings/99999999999999999999 answered 500."""
    for url in (
        "/reunions/99999999999999999999",
        "/reunions/2147483648",
        "/reunions/9223372036854775808/compte-rendu.docx",
        "/api/meetings/99999999999999999999",
    ):
        assert browser.client.get(url).status_code == 404, url


def test_after_must_name_a_row(app, browser, demo_meeting):
    """Finding 8: ``"after": 123`` was accepted."""
    r = browser.json(
        "POST", f"/api/meetings/{demo_meeting}/rows", {"fields": {"subject": "x"}, "after": 123}
    )
    assert r.status_code == 400
    assert r.get_json()["errors"][0]["path"].endswith("after")


def test_downloads_are_never_stored_by_caches(browser, demo_meeting):
    """Finding 8: /actions.csv and .xlsx had no Cache-Control."""
    for url in ("/actions.csv", "/actions.xlsx", f"/reunions/{demo_meeting}/compte-rendu.md"):
        response = browser.client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.headers["Cache-Control"], url
    with browser.client.get("/static/style.css") as static:
        assert "no-store" not in static.headers.get("Cache-Control", "")


def test_markdown_export_keeps_only_web_and_mail_links():
    """Finding 8: the Markdown export kept ``[x](javascript:…)``."""
    from rida.compte_rendu.markdown import block

    assert block("[x](javascript:alert(1))") == "[x](#))"
    assert block("[x]( JaVa\tScript:alert(1))").startswith("[x]( JaVa")  # not a link target
    assert block("![i](data:text/html;base64,AAAA)") == "![i](#)"
    assert block("[r]: vbscript:msgbox") == "[r]: #"
    assert block("[ok](https://esante.gouv.fr) [m](mailto:a@b.fr) [rel](#ligne-3)") == (
        "[ok](https://esante.gouv.fr) [m](mailto:a@b.fr) [rel](#ligne-3)"
    )


def test_the_html_export_carries_its_policy_when_opened_from_disk(browser, demo_meeting):
    """Finding 8: the HTML export's CSP was only a header."""
    page = browser.client.get(f"/reunions/{demo_meeting}/compte-rendu.html").get_data(as_text=True)
    assert re.search(r'<meta http-equiv="Content-Security-Policy" content="default-src', page)


def test_a_lone_surrogate_in_an_x_key_is_refused_by_rida_import_and_the_upload_page(
    app, browser, tmp_path, monkeypatch
):
    """Finding 7: ``rida import`` printed a traceback, the upload page could not answer."""
    from tests.test_cli import Cli

    doc = _meeting("2022-02-01", "open")
    doc["x-\ud800"] = 1
    raw = json.dumps(doc, ensure_ascii=True)
    monkeypatch.chdir(tmp_path)
    cli = Cli(tmp_path)
    cli("init", real=True)
    done = cli("import", cli.write("cr.json", raw), ok=False, real=True)
    assert "x-\\ud800" in cli.error(done)["errors"][0]["path"]
    response = browser.client.post(
        "/import",
        data={"file": (io.BytesIO(raw.encode()), "cr.json"), "csrf_token": browser.token},
    )
    assert response.status_code == 302
    page = browser.client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "refusé" in page.get_data(as_text=True)


CANARY = "Zorglubicanari"


def _reader(app, login: str = "lectrice") -> Browser:  # type: ignore[no-untyped-def]
    from rida import accounts

    with app.app_context(), db.transaction() as s:
        accounts.create_user(s, login, PASSWORD, "reader")
    return Browser(app.test_client()).login(login)


def _action_of(app, meeting_id: int) -> Action:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session().exec(select(Action).where(Action.meeting_id == meeting_id)).one()


def test_a_status_comment_stays_in_the_meeting_where_it_was_written(app, browser):
    """Finding 4: a comment typed while reviewing an action during a confidential meeting
    was shown on the action's (public) origin meeting and in its history API."""
    origin = import_doc(app, _meeting("2022-02-01", "open"))
    secret = _meeting("2022-03-01", "open")
    secret.update(classification="confidential", actions=[])
    confidential = import_doc(app, secret)
    action = _action_of(app, origin)
    changed = browser.json(
        "POST",
        f"/api/actions/{action.id}/status",
        {
            "status": "in_progress",
            "comment": f"Dit en séance : {CANARY}",
            "meeting": confidential,
            "revision": action.revision,
        },
    )
    assert changed.status_code == 200, changed.get_json()
    reader = _reader(app)
    for url in (f"/reunions/{origin}", f"/api/actions/{action.id}/history"):
        answer = reader.client.get(url)
        assert answer.status_code == 200, url
        assert CANARY not in answer.get_data(as_text=True), url
    history = reader.client.get(f"/api/actions/{action.id}/history").get_json()["history"]
    assert [(e["status"], e["comment"], e["meeting"]) for e in history][-1] == (
        "in_progress",
        None,
        None,
    )
    # Its readers still see it, where it was written and on the origin.
    assert CANARY in browser.client.get(f"/reunions/{origin}").get_data(as_text=True)


def test_a_validated_public_page_does_not_change_after_validation(app, browser):
    """Finding 4: with RIDA_PUBLIC_READ=1, the validated page kept changing."""
    doc = _meeting("2022-02-01", "open")
    doc.update(status="validated", version="1.0")
    meeting_id = import_doc(app, doc)
    app.config["PUBLIC_READ"] = True
    anonymous = app.test_client()
    before = anonymous.get(f"/reunions/{meeting_id}")
    assert before.status_code == 200
    action = _action_of(app, meeting_id)
    changed = browser.json(
        "POST",
        f"/api/actions/{action.id}/status",
        {"status": "done", "comment": f"Clos après coup {CANARY}", "revision": action.revision},
    )
    assert changed.status_code == 200, changed.get_json()
    after = anonymous.get(f"/reunions/{meeting_id}")

    def page(response) -> str:  # type: ignore[no-untyped-def]
        return re.sub(r'name="csrf-token" content="[^"]*"', "", response.get_data(as_text=True))

    assert page(after) == page(before)
    assert CANARY not in page(after)


def _link(app, login: str, last_name: str, role: str = "reader") -> None:  # type: ignore[no-untyped-def]
    """An account for ``login``, linked to the person named ``last_name``."""
    from rida import accounts
    from rida.models import Person, User

    with app.app_context(), db.transaction() as s:
        accounts.create_user(s, login, PASSWORD, role)
        user = s.exec(select(User).where(User.login == login)).one()
        user.person_id = s.exec(select(Person).where(Person.last_name == last_name)).one().id
        s.add(user)


def _restricted(date: str, title: str) -> dict:
    doc = _meeting(date, "open")
    doc.update(title=title, classification="restricted")
    doc["actions"][0]["title"] = f"{title} {CANARY}"
    return doc


@pytest.mark.parametrize("fmt", ["page", "docx", "md", "html", "json"])
def test_the_follow_up_shows_only_what_every_reader_may_read(app, fmt):
    """Finding 3: a participant of a restricted meeting who is not a member of its series
    saw, in its page and exports, actions of restricted meetings they cannot open."""
    from tests.conftest import join_series

    earlier_doc = _restricted("2022-02-01", "Atelier restreint")
    earlier_doc["participants"] = [
        p for p in earlier_doc["participants"] if p.get("last_name") != "BRIS"
    ]
    earlier = import_doc(app, earlier_doc)
    later_doc = _restricted("2022-03-01", "Atelier suivant")
    later_doc["actions"] = []
    later = import_doc(app, later_doc)
    join_series(app, "member", earlier)  # a member reads both
    _link(app, "invitee", "BRIS")  # a participant of the later one only, not a member
    with app.app_context():
        from rida.models import Participation

        s = db.session()
        assert s.exec(select(Participation).where(Participation.meeting_id == later)).first()
    invitee = Browser(app.test_client()).login("invitee")
    member = Browser(app.test_client()).login("member")
    url = f"/reunions/{later}" + ("" if fmt == "page" else f"/compte-rendu.{fmt}")
    for who in (invitee, member):
        answer = who.client.get(url)
        assert answer.status_code == 200, url
        body = answer.get_data(as_text=True) if fmt != "docx" else _docx_text(answer.data)
        assert CANARY not in body, (url, who)
    assert invitee.client.get(f"/reunions/{earlier}").status_code == 404
    assert member.client.get(f"/reunions/{earlier}").status_code == 200


def _docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_a_member_removed_after_creating_a_meeting_no_longer_sees_the_series_follow_up(app):
    """Finding 3, second case: the creator keeps reading their meeting, not the others."""
    from rida.models import Meeting, SeriesMember, User
    from tests.conftest import join_series

    earlier = import_doc(app, _restricted("2022-02-01", "Atelier restreint"))
    later_doc = _restricted("2022-03-01", "Atelier suivant")
    later_doc.update(actions=[], participants=[])
    later = import_doc(app, later_doc)
    join_series(app, "rapporteur", earlier)
    with app.app_context(), db.transaction() as s:
        user = s.exec(select(User).where(User.login == "rapporteur")).one()
        meeting = s.get(Meeting, later)
        meeting.created_by = user.id
        s.add(meeting)
    rapporteur = Browser(app.test_client()).login("rapporteur")
    assert CANARY in rapporteur.client.get(f"/reunions/{later}").get_data(as_text=True)
    with app.app_context(), db.transaction() as s:
        user = s.exec(select(User).where(User.login == "rapporteur")).one()
        for membership in s.exec(select(SeriesMember).where(SeriesMember.user_id == user.id)):
            s.delete(membership)
    page = rapporteur.client.get(f"/reunions/{later}")
    assert page.status_code == 200
    assert CANARY not in page.get_data(as_text=True)
    for fmt in ("md", "html"):
        export = rapporteur.client.get(f"/reunions/{later}/compte-rendu.{fmt}")
        assert CANARY not in export.get_data(as_text=True), fmt
