"""Actions through the real HTTP API: create, edit, move, delete, owners, row links."""

from __future__ import annotations

from sqlmodel import select

from rida import actions, db
from rida.models import Action, Person
from tests.conftest import export_doc
from tests.test_api import refused, rows

UID = "action-uid-0001"


def url(meeting_id: int, *parts: str) -> str:
    return "/".join([f"/api/meetings/{meeting_id}/actions", *parts])


def add(browser, meeting_id: int, fields: dict, uid: str = UID):  # type: ignore[no-untyped-def]
    return browser.json("POST", url(meeting_id), {"uid": uid, "fields": fields})


def patch(browser, meeting_id: int, uid: str, revision: int, fields: dict):  # type: ignore[no-untyped-def]
    return browser.json("PATCH", url(meeting_id, uid), {"revision": revision, "fields": fields})


def stored(app, meeting_id: int) -> list[dict]:
    with app.app_context(), db.write_session(db.engine()) as s:
        return [actions.action_dict(s, a) for a in actions.actions_of(s, meeting_id)]


def row_uid(app, meeting_id: int, number: int) -> str:
    return rows(app, meeting_id)[number - 1]["uid"]


def test_add_an_action_linked_to_a_row_and_find_it_in_the_rida_1_export(app, browser, demo_meeting):
    row = row_uid(app, demo_meeting, 7)
    response = add(
        browser,
        demo_meeting,
        {
            "title": " Chiffrer les inducteurs ",
            "kind": "document",
            "row": row,
            "due_date": "2022-02-01",
            "owner": {"last_name": "Martin", "first_name": "Anne", "entity": "LIFEN"},
            "notes": "**vite**",
        },
    )
    assert response.status_code == 201, response.get_json()
    action = response.get_json()["action"]
    assert action["uid"] == UID and action["position"] == 3 and action["revision"] == 1
    assert (action["title"], action["row"], action["row_number"]) == (
        "Chiffrer les inducteurs",
        row,
        7,
    )
    assert action["owner"]["label"] == "Anne MARTIN (LIFEN)"
    assert [a["uid"] for a in response.get_json()["actions"]][-1] == UID
    exported = export_doc(app, demo_meeting)["actions"][-1]
    assert exported == {
        "title": "Chiffrer les inducteurs",
        "kind": "document",
        "owner": {"last_name": "Martin", "first_name": "Anne", "entity": "LIFEN", "function": None},
        "due_date": "2022-02-01",
        "status": "open",
        "rida": 7,
        "notes": "**vite**",
    }


def test_adding_twice_with_one_uid_creates_one_action(app, browser, demo_meeting):
    first = add(browser, demo_meeting, {"title": "Relancer"})
    again = add(browser, demo_meeting, {"title": "Relancer"})
    assert again.status_code == 201
    assert again.get_json()["action"] == first.get_json()["action"]
    assert [a["title"] for a in stored(app, demo_meeting)].count("Relancer") == 1


def test_bad_input_is_refused_with_paths_and_writes_nothing(app, browser, demo_meeting):
    before = stored(app, demo_meeting)
    errors = refused(add(browser, demo_meeting, {"title": "  "}), "actions[new].title")
    assert errors["actions[new].title"] == "ne peut pas être vide"
    refused(add(browser, demo_meeting, {"kind": "other"}), "actions[new].title")
    refused(
        add(browser, demo_meeting, {"title": "x", "due_date": "2022-02-30"}),
        "actions[new].due_date",
    )
    refused(add(browser, demo_meeting, {"title": "x", "status": "late"}), "actions[new].status")
    refused(add(browser, demo_meeting, {"title": "x", "row": "nope-nope"}), "actions[new].row")
    refused(add(browser, demo_meeting, {"title": "x", "owner_id": 999999}), "actions[new].owner_id")
    refused(
        add(browser, demo_meeting, {"title": "x", "owner": {"first_name": "Anne"}}),
        "actions[new].owner.last_name",
    )
    refused(add(browser, demo_meeting, {"title": "x", "color": "red"}), "actions[new].color")
    refused(add(browser, demo_meeting, {"title": "x"}, uid="bad uid!"), "actions[new].uid")
    assert stored(app, demo_meeting) == before
    uid = before[2]["uid"]
    refused(patch(browser, demo_meeting, uid, 1, {"due_date": "demain"}), "actions[2].due_date")
    refused(patch(browser, demo_meeting, uid, 1, {"title": None}), "actions[2].title")
    refused(patch(browser, demo_meeting, uid, 1, {}), "actions[2].fields")
    refused(
        browser.json("PATCH", url(demo_meeting, uid), {"fields": {"title": "y"}}),
        "actions[2].revision",
    )
    assert stored(app, demo_meeting) == before


def test_unknown_actions_and_meetings_are_404(browser, demo_meeting):
    assert patch(browser, demo_meeting, "unknown-uid", 1, {"title": "x"}).status_code == 404
    assert browser.json("DELETE", url(demo_meeting, "unknown-uid")).status_code == 404
    assert (
        browser.json(
            "POST", url(demo_meeting, "unknown-uid", "move"), {"direction": "up"}
        ).status_code
        == 404
    )
    assert add(browser, 999999, {"title": "x"}).status_code == 404


def test_stale_revision_is_a_conflict_with_the_current_action_but_a_replay_is_accepted(
    app, browser, demo_meeting
):
    uid = stored(app, demo_meeting)[0]["uid"]
    saved = patch(browser, demo_meeting, uid, 1, {"status": "in_progress"})
    assert saved.get_json()["action"]["revision"] == 2
    replay = patch(browser, demo_meeting, uid, 1, {"status": "in_progress"})
    assert replay.status_code == 200 and replay.get_json()["action"]["revision"] == 2
    conflict = patch(browser, demo_meeting, uid, 1, {"status": "done"})
    assert conflict.status_code == 409
    payload = conflict.get_json()
    assert payload["error"] == "conflict" and "modifiée par quelqu'un d'autre" in payload["message"]
    assert payload["current"]["status"] == "in_progress" and payload["current"]["revision"] == 2
    assert stored(app, demo_meeting)[0]["status"] == "in_progress"


def test_owner_by_id_by_fields_and_organisation(app, browser, demo_meeting):
    uid = stored(app, demo_meeting)[0]["uid"]
    with app.app_context(), db.write_session(db.engine()) as s:
        ans = s.exec(select(Person).where(Person.last_name == "", Person.entity == "ANS")).one()
        ans_id = ans.id
    by_id = patch(browser, demo_meeting, uid, 1, {"owner_id": ans_id}).get_json()["action"]
    assert by_id["owner"] == {
        "id": ans_id,
        "label": "ANS",
        "last_name": "",
        "first_name": "",
        "entity": "ANS",
    }
    org = patch(browser, demo_meeting, uid, 2, {"owner": {"entity": "CNOM"}}).get_json()
    assert org["action"]["owner"]["label"] == "CNOM"
    person = patch(
        browser,
        demo_meeting,
        uid,
        3,
        {"owner": {"last_name": "bris", "first_name": "édouard", "entity": "ans"}},
    ).get_json()["action"]
    assert person["owner"]["label"] == "Edouard BRIS (ANS)"  # the known person, reused
    none = patch(browser, demo_meeting, uid, 4, {"owner_id": None}).get_json()["action"]
    assert none["owner"] is None
    refused(
        patch(browser, demo_meeting, uid, 5, {"owner_id": ans_id, "owner": None}),
        "actions[0].owner",
    )
    assert export_doc(app, demo_meeting)["actions"][0]["owner"] is None


def test_row_link_follows_moves_and_is_cleared_when_the_row_is_deleted(app, browser, demo_meeting):
    row = row_uid(app, demo_meeting, 8)
    assert stored(app, demo_meeting)[0]["row"] == row
    assert (
        browser.json(
            "POST", f"/api/meetings/{demo_meeting}/rows/{row}/move", {"direction": "up"}
        ).status_code
        == 200
    )
    assert stored(app, demo_meeting)[0]["row_number"] == 7
    assert export_doc(app, demo_meeting)["actions"][0]["rida"] == 7
    first = row_uid(app, demo_meeting, 1)
    browser.json("DELETE", f"/api/meetings/{demo_meeting}/rows/{first}")
    assert stored(app, demo_meeting)[0]["row_number"] == 6
    assert browser.json("DELETE", f"/api/meetings/{demo_meeting}/rows/{row}").status_code == 200
    after = stored(app, demo_meeting)
    assert (after[0]["row"], after[0]["row_number"]) == (None, None)
    assert export_doc(app, demo_meeting)["actions"][0]["rida"] is None
    uid = after[0]["uid"]
    other = row_uid(app, demo_meeting, 2)
    linked = patch(browser, demo_meeting, uid, 1, {"row": other}).get_json()["action"]
    assert linked["row_number"] == 2
    unlinked = patch(browser, demo_meeting, uid, 2, {"row": None}).get_json()["action"]
    assert unlinked["row"] is None


def test_move_and_delete_keep_positions_consecutive(app, browser, demo_meeting):
    uids = [a["uid"] for a in stored(app, demo_meeting)]
    moved = browser.json("POST", url(demo_meeting, uids[2], "move"), {"direction": "up", "to": 1})
    assert [a["uid"] for a in moved.get_json()["actions"]] == [uids[0], uids[2], uids[1]]
    replay = browser.json("POST", url(demo_meeting, uids[2], "move"), {"direction": "up", "to": 1})
    assert [a["uid"] for a in replay.get_json()["actions"]] == [uids[0], uids[2], uids[1]]
    refused(
        browser.json("POST", url(demo_meeting, uids[2], "move"), {"direction": "left"}), "direction"
    )
    deleted = browser.json("DELETE", url(demo_meeting, uids[0]))
    assert deleted.get_json()["actions"] == [
        {"uid": uids[2], "position": 0},
        {"uid": uids[1], "position": 1},
    ]
    titles = [a["title"] for a in export_doc(app, demo_meeting)["actions"]]
    assert titles == [
        "Envoi de la nouvelle version des exigences",
        "Atelier industriel avec les éditeurs",
    ]


def test_a_validated_meeting_refuses_every_action_change(app, browser, validated_meeting):
    uid = stored(app, validated_meeting)[0]["uid"]
    for response in (
        add(browser, validated_meeting, {"title": "x"}),
        patch(browser, validated_meeting, uid, 1, {"title": "x"}),
        browser.json("POST", url(validated_meeting, uid, "move"), {"direction": "down"}),
        browser.json("DELETE", url(validated_meeting, uid)),
    ):
        assert response.status_code == 409
        assert response.get_json()["error"] == "validated"
    assert len(stored(app, validated_meeting)) == 3


def test_readers_may_not_change_actions_and_csrf_is_required(app, browser, demo_meeting):
    from tests.test_api import as_user

    reader = as_user(app, "reader")
    assert add(reader, demo_meeting, {"title": "x"}).status_code == 403
    no_token = browser.client.post(url(demo_meeting), json={"uid": UID, "fields": {"title": "x"}})
    assert no_token.status_code == 400
    with app.app_context(), db.write_session(db.engine()) as s:
        assert len(s.exec(select(Action)).all()) == 3


def test_an_a_row_linked_from_the_editor_passes_the_check(app, browser, demo_meeting):
    def failing() -> set[str]:
        checks = browser.client.get(f"/api/meetings/{demo_meeting}/checks").get_json()["checks"]
        return {d["path"] for c in checks if c["code"] == "action_rows" for d in c["details"]}

    assert failing() == {"rida[6]"}
    add(
        browser,
        demo_meeting,
        {
            "title": "Chiffrer",
            "row": row_uid(app, demo_meeting, 7),
            "owner": {"entity": "ANS"},
            "due_date": "2022-02-01",
        },
    )
    assert failing() == set()


def test_due_date_before_the_meeting_is_accepted_with_a_warning(browser, demo_meeting):
    browser.login()
    r = add(browser, demo_meeting, {"title": "Rattrapage", "due_date": "2022-01-03"})
    assert r.status_code == 201
    assert r.get_json()["warnings"][0]["path"] == "due_date"
    assert r.get_json()["action"]["due_date"] == "2022-01-03"
    later = patch(
        browser, demo_meeting, UID, r.get_json()["action"]["revision"], {"due_date": "2022-02-01"}
    )
    assert later.get_json()["warnings"] == []
