"""POST /api/actions/<id>/status and GET …/history: the one way to change a status."""

from __future__ import annotations

from sqlmodel import select

from rida import db
from rida.models import Action, ActionEvent


def first_action(app, meeting_id: int) -> Action:
    with app.app_context():
        return (
            db.session()
            .exec(select(Action).where(Action.meeting_id == meeting_id).order_by(Action.position))
            .first()
        )


def test_status_change_is_recorded_once_with_comment(app, browser, demo_meeting):
    action = first_action(app, demo_meeting)
    browser.login()
    url = f"/api/actions/{action.id}/status"
    r = browser.json(
        "POST", url, {"status": "done", "comment": "Envoyé le 10/01", "revision": action.revision}
    )
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["action"]["status"] == "done"
    assert r.get_json()["event"]["comment"] == "Envoyé le 10/01"
    again = browser.json("POST", url, {"status": "done", "revision": action.revision})
    assert again.status_code == 200 and again.get_json()["event"] is None
    history = browser.json("GET", f"/api/actions/{action.id}/history").get_json()["history"]
    assert [(e["old_status"], e["status"], e["user"]) for e in history] == [
        ("open", "done", "admin")
    ]
    with app.app_context():
        assert len(db.session().exec(select(ActionEvent)).all()) == 1


def test_stale_revision_is_a_conflict_and_bad_status_names_the_field(app, browser, demo_meeting):
    action = first_action(app, demo_meeting)
    browser.login()
    url = f"/api/actions/{action.id}/status"
    assert browser.json("POST", url, {"status": "in_progress"}).status_code == 200
    stale = browser.json("POST", url, {"status": "done", "revision": action.revision})
    assert stale.status_code == 409
    assert stale.get_json()["current"]["status"] == "in_progress"
    bad = browser.json("POST", url, {"status": "fini"})
    assert bad.status_code == 400
    assert bad.get_json()["errors"][0]["path"] == "status"


def test_unknown_or_unreadable_action_is_404(app, browser):
    browser.login()
    assert browser.json("POST", "/api/actions/999999/status", {"status": "done"}).status_code == 404
    assert browser.json("GET", "/api/actions/999999/history").status_code == 404
