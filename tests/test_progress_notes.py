"""Progress notes on actions: with or without a status change, by API and CLI, never
dropped nor doubled, in the history and in the compte-rendu's follow-up (only the notes its
readers may read, written in or before its meeting), escaped in every format."""

from __future__ import annotations

import io
import zipfile

from click.testing import CliRunner, Result
from sqlmodel import select

from rida import db
from rida.cli import main
from rida.models import ActionEvent
from tests.conftest import Browser, import_doc
from tests.test_follow_up import meeting_doc
from tests.test_follow_up_pages import ids, page, section


def series(app) -> tuple[int, int]:
    m1 = import_doc(app, meeting_doc("2022-01-07", "M1", ("open", "in_progress")))
    return m1, import_doc(app, meeting_doc("2022-02-07", "M2"))


def post(browser, action_id: int, payload: dict):  # type: ignore[no-untyped-def]
    return browser.json("POST", f"/api/actions/{action_id}/status", payload)


def history(browser, action_id: int) -> list[tuple]:
    found = browser.json("GET", f"/api/actions/{action_id}/history").get_json()["history"]
    return [(e["kind"], e["old_status"], e["status"], e["comment"], e["meeting"]) for e in found]


def test_a_note_without_a_status_change_is_kept_once(app, browser):
    m1, m2 = series(app)
    action = ids(app)["M1 / action 0"]
    r = post(browser, action, {"comment": "Relancé par courriel", "meeting": m2})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["event"]["kind"] == "note"
    assert r.get_json()["action"]["status"] == "open"
    again = post(browser, action, {"comment": "Relancé par courriel", "meeting": m2})
    assert again.get_json()["event"] is None  # a replayed request adds nothing
    # The status it has already, with a comment: a note too (the comment is not dropped).
    same = post(browser, action, {"status": "open", "comment": "Réponse attendue", "meeting": m2})
    assert same.get_json()["event"]["kind"] == "note"
    assert history(browser, action) == [
        ("note", "open", "open", "Relancé par courriel", m2),
        ("note", "open", "open", "Réponse attendue", m2),
    ]
    empty = post(browser, action, {"comment": "  "})
    assert empty.status_code == 400 and empty.get_json()["errors"][0]["path"] == "comment"


def test_a_comment_sent_after_its_status_change_joins_it(app, browser):
    """Status chosen first (sent at once), comment typed after: it becomes the comment of
    that change, not a lost text nor a second entry."""
    m1, m2 = series(app)
    action = ids(app)["M1 / action 0"]
    assert post(browser, action, {"status": "done", "meeting": m2}).status_code == 200
    late = post(browser, action, {"status": "done", "comment": "Livré le 03/02", "meeting": m2})
    assert late.get_json()["event"]["comment"] == "Livré le 03/02"
    assert history(browser, action) == [("status", "open", "done", "Livré le 03/02", m2)]
    # A further note of the same session is a note of its own.
    post(browser, action, {"comment": "Diffusé aux membres", "meeting": m2})
    assert [h[0] for h in history(browser, action)] == ["status", "note"]


def test_note_from_the_command_line(app, tmp_path):
    m1, _ = series(app)
    action = ids(app)["M1 / action 1"]
    env = {
        "RIDA_DATA_DIR": str(tmp_path / "data"),
        "RIDA_EXPORT_DIR": str(tmp_path / "x"),
        "RIDA_SECRET_KEY": "test",
        "RIDA_DATABASE_URL": None,
    }

    def run(*args: str) -> Result:
        return CliRunner().invoke(main, ["action", "note", *args], env=env, prog_name="rida")

    out = run(str(action), "Point fait en comité")
    assert out.exit_code == 0, out.output
    assert "note ajoutée" in out.output
    assert "y figure déjà" in run(str(action), "Point fait en comité").output
    assert run("999999", "x").exit_code != 0
    with app.app_context(), db.write_session(db.engine()) as s:
        events = s.exec(select(ActionEvent).where(ActionEvent.action_id == action)).all()
        assert [(e.old_status, e.new_status, e.comment, e.user_name) for e in events] == [
            ("in_progress", "in_progress", "Point fait en comité", "cli")
        ]


def test_notes_show_in_histories_escaped(app, browser):
    m1, m2 = series(app)
    action = ids(app)["M1 / action 0"]
    post(browser, action, {"comment": "<b>gras</b> & *pas d'italique*", "meeting": m2})
    raw = browser.client.get(f"/reunions/{m2}").get_data(as_text=True)
    assert "&lt;b&gt;gras&lt;/b&gt; &amp; *pas d&#39;italique*" in raw
    assert "<b>gras</b>" not in raw
    assert "note de suivi (statut À faire)" in section(
        page(browser, m1), f'id="action-{action}"', "</tr>"
    )


def exports(browser, meeting_id: int) -> dict[str, str]:
    out = {}
    for fmt in ("md", "html"):
        r = browser.client.get(f"/reunions/{meeting_id}/compte-rendu.{fmt}")
        assert r.status_code == 200
        out[fmt] = r.get_data(as_text=True)
    docx = browser.client.get(f"/reunions/{meeting_id}/compte-rendu.docx").get_data()
    out["docx"] = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    return out


def test_exports_carry_the_notes_written_until_their_meeting(app, browser):
    m1, m2 = series(app)
    m3 = import_doc(app, meeting_doc("2022-03-07", "M3"))
    action = ids(app)["M1 / action 0"]
    post(browser, action, {"status": "in_progress", "comment": "Lancé <vite>", "meeting": m2})
    post(browser, action, {"comment": "Troisième relance", "meeting": m3})
    two, three = exports(browser, m2), exports(browser, m3)
    for fmt in ("md", "html", "docx"):  # escaped in each
        assert ", À faire → En cours : Lancé &lt;vite&gt;" in two[fmt], fmt
    for fmt in ("md", "html", "docx"):
        assert "Troisième relance" not in two[fmt], fmt  # written in a later meeting
        assert "Troisième relance" in three[fmt], fmt
        assert "Lancé" in three[fmt], fmt


def test_a_note_from_a_restricted_meeting_stays_out_of_a_public_document(app, browser):
    import_doc(app, meeting_doc("2022-01-07", "M1", ("open",)))
    restricted = import_doc(app, meeting_doc("2022-02-07", "R2") | {"classification": "restricted"})
    public = import_doc(app, meeting_doc("2022-03-07", "P3"))
    action = ids(app)["M1 / action 0"]
    post(browser, action, {"comment": "CANARIPLUME confidentiel", "meeting": restricted})
    assert "CANARIPLUME" in exports(browser, restricted)["md"]
    for fmt, text in exports(browser, public).items():
        assert "CANARIPLUME" not in text, fmt
    # The page re-checks for its viewer: one who may not read the restricted meeting.
    reader = Browser(app.test_client()).login("reader")
    shown = reader.client.get(f"/reunions/{public}").get_data(as_text=True)
    assert "P3" in shown and "M1 / action 0" in shown and "CANARIPLUME" not in shown


def test_a_note_from_the_board_row(app, browser):
    series(app)
    action = ids(app)["M1 / action 0"]
    board = browser.client.get("/actions").get_data(as_text=True)
    assert f'action="/actions/{action}/note"' in board
    answer = browser.form(
        f"/actions/{action}/note", {"note": "Relance <urgente>", "next": "/actions?q=x"}
    )
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/actions?q=x")
    assert history(browser, action) == [("note", "open", "open", "Relance <urgente>", None)]
    away = browser.form(f"/actions/{action}/note", {"note": "x", "next": "//evil.example/"})
    assert "evil" not in away.headers["Location"]
    empty = browser.form(f"/actions/{action}/note", {"note": " "})
    assert empty.status_code == 302 and len(history(browser, action)) == 2
    reader = Browser(app.test_client()).login("reader")
    assert reader.form(f"/actions/{action}/note", {"note": "y"}).status_code == 403
