"""Moves the editor resends after a lost answer (`to`) are applied once, not twice."""

from __future__ import annotations


def _rows(browser, meeting_id: int) -> list[dict]:
    return browser.client.get(f"/api/meetings/{meeting_id}").get_json()["rida"]


def test_row_move_with_to_is_idempotent(browser, demo_meeting):
    base = f"/api/meetings/{demo_meeting}/rows"
    added = browser.json("POST", base, {"uid": "a" * 32, "fields": {"subject": "Mobile"}})
    assert added.status_code == 201
    number = added.get_json()["row"]["number"]
    for _ in range(2):  # the second call is the replay of a move already applied
        moved = browser.json(
            "POST", f"{base}/{'a' * 32}/move", {"direction": "up", "to": number - 1}
        )
        assert moved.status_code == 200
    order = moved.get_json()["order"]
    assert next(o["number"] for o in order if o["uid"] == "a" * 32) == number - 1
    assert [o["number"] for o in order] == list(range(1, len(order) + 1))
    assert _rows(browser, demo_meeting)[number - 2]["subject"] == "Mobile"


def test_row_move_without_to_moves_each_time(browser, demo_meeting):
    base = f"/api/meetings/{demo_meeting}/rows"
    number = browser.json("POST", base, {"uid": "b" * 32}).get_json()["row"]["number"]
    for _ in range(2):
        order = browser.json("POST", f"{base}/{'b' * 32}/move", {"direction": "up"}).get_json()[
            "order"
        ]
    assert next(o["number"] for o in order if o["uid"] == "b" * 32) == number - 2


def test_move_checks_direction_and_to(browser, demo_meeting):
    base = f"/api/meetings/{demo_meeting}/rows"
    browser.json("POST", base, {"uid": "c" * 32})
    bad = browser.json("POST", f"{base}/{'c' * 32}/move", {"direction": "left", "to": 1})
    assert bad.status_code == 400
    bad = browser.json("POST", f"{base}/{'c' * 32}/move", {"direction": "up", "to": "1"})
    assert bad.status_code == 400
    assert bad.get_json()["errors"][0]["path"] == "to"


def test_participant_move_with_to_is_idempotent(browser, demo_meeting):
    base = f"/api/meetings/{demo_meeting}/participants"
    added = browser.json(
        "POST", base, {"uid": "d" * 32, "last_name": "Neuf", "first_name": "Léa", "entity": "ANS"}
    )
    assert added.status_code == 201
    listed = added.get_json()["participants"]
    last = len(listed) - 1
    for _ in range(2):
        moved = browser.json("POST", f"{base}/{'d' * 32}/move", {"direction": "up", "to": last - 1})
        assert moved.status_code == 200
    uids = [p["uid"] for p in moved.get_json()["participants"]]
    assert uids.index("d" * 32) == last - 1
