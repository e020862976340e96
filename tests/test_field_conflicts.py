"""Conflicts per field, not per row: a stale save succeeds for the fields nobody changed
since; two edits of one text field merge when they do not overlap, and when they do,
both versions come back (nobody's words are discarded)."""

from __future__ import annotations

from tests.conftest import export_doc


def _row(browser, meeting_id: int, number: int = 1) -> dict:
    return browser.client.get(f"/api/meetings/{meeting_id}").get_json()["rida"][number - 1]


def _uid_and_revision(app, meeting_id: int) -> tuple[str, int]:
    from rida import db
    from rida.meetings.editing import rows_of

    with app.app_context():
        row = rows_of(db.session(), meeting_id)[0]
        return row.uid, row.revision


def patch(browser, meeting_id, uid, revision, fields, base=None):  # type: ignore[no-untyped-def]
    body = {"revision": revision, "fields": fields, **({"base": base} if base else {})}
    return browser.json("PATCH", f"/api/meetings/{meeting_id}/rows/{uid}", body)


def test_two_stale_saves_of_different_fields_both_succeed(app, browser, demo_meeting):
    uid, revision = _uid_and_revision(app, demo_meeting)
    a = patch(browser, demo_meeting, uid, revision, {"question": "Question de A"})
    b = patch(browser, demo_meeting, uid, revision, {"answer": "Réponse de B"})
    assert (a.status_code, b.status_code) == (200, 200), b.get_json()
    row = export_doc(app, demo_meeting)["rida"][0]
    assert (row["question"], row["answer"]) == ("Question de A", "Réponse de B")
    assert b.get_json()["row"]["revision"] == revision + 2


def test_a_field_changed_since_is_still_a_conflict_without_its_base(app, browser, demo_meeting):
    uid, revision = _uid_and_revision(app, demo_meeting)
    assert patch(browser, demo_meeting, uid, revision, {"answer": "A"}).status_code == 200
    stale = patch(browser, demo_meeting, uid, revision, {"answer": "B"})
    assert stale.status_code == 409
    body = stale.get_json()
    assert body["current"]["answer"] == "A"
    assert body["fields"]["answer"]["theirs"] == "A" and body["fields"]["answer"]["mine"] == "B"
    assert export_doc(app, demo_meeting)["rida"][0]["answer"] == "A"


def test_edits_of_one_field_that_do_not_overlap_are_merged(app, browser, demo_meeting):
    uid, revision = _uid_and_revision(app, demo_meeting)
    base = "Le pilote démarre en mars avec deux éditeurs."
    assert patch(browser, demo_meeting, uid, revision, {"answer": base}).status_code == 200
    seen = revision + 1
    a = patch(browser, demo_meeting, uid, seen, {"answer": base.replace("pilote", "pilote ESEA")})
    assert a.status_code == 200
    b = patch(
        browser,
        demo_meeting,
        uid,
        seen,
        {"answer": base.replace("deux", "trois")},
        base={"answer": base},
    )
    assert b.status_code == 200, b.get_json()
    merged = "Le pilote ESEA démarre en mars avec trois éditeurs."
    assert b.get_json()["row"]["answer"] == merged
    assert export_doc(app, demo_meeting)["rida"][0]["answer"] == merged


def test_overlapping_edits_return_both_versions(app, browser, demo_meeting):
    uid, revision = _uid_and_revision(app, demo_meeting)
    base = "Rendez-vous le 4 février."
    assert patch(browser, demo_meeting, uid, revision, {"answer": base}).status_code == 200
    seen = revision + 1
    mine, theirs = "Rendez-vous le 11 février.", "Rendez-vous le 18 février."
    assert patch(browser, demo_meeting, uid, seen, {"answer": theirs}).status_code == 200
    b = patch(browser, demo_meeting, uid, seen, {"answer": mine}, base={"answer": base})
    assert b.status_code == 409
    conflict = b.get_json()["fields"]["answer"]
    assert conflict == {"base": base, "theirs": theirs, "mine": mine}
    assert export_doc(app, demo_meeting)["rida"][0]["answer"] == theirs  # nothing written


def test_a_replayed_save_is_not_a_conflict(app, browser, demo_meeting):
    uid, revision = _uid_and_revision(app, demo_meeting)
    assert patch(browser, demo_meeting, uid, revision, {"answer": "Une fois"}).status_code == 200
    assert patch(browser, demo_meeting, uid, revision, {"subject": "Autre"}).status_code == 200
    replay = patch(browser, demo_meeting, uid, revision, {"answer": "Une fois"})
    assert replay.status_code == 200


def test_a_merge_too_long_for_the_field_is_refused_with_its_path(app, browser, demo_meeting):
    from rida import fields

    uid, revision = _uid_and_revision(app, demo_meeting)
    base = " ".join(f"mot{i}" for i in range(fields.LONG_TEXT // 20))  # about half the limit
    assert patch(browser, demo_meeting, uid, revision, {"answer": base}).status_code == 200
    seen = revision + 1
    grow = " ".join(f"ajout{i}" for i in range(fields.LONG_TEXT // 20)) + " "
    assert patch(browser, demo_meeting, uid, seen, {"answer": grow + base}).status_code == 200
    b = patch(browser, demo_meeting, uid, seen, {"answer": base + grow}, base={"answer": base})
    assert b.status_code == 400, b.get_json()
    assert b.get_json()["errors"][0]["path"].endswith("answer")


def test_the_header_merges_text_fields_edited_from_the_same_base(app, browser, demo_meeting):
    url = f"/api/meetings/{demo_meeting}"
    base = "Salle Ségur, 2e étage"
    assert browser.json("PATCH", url, {"fields": {"location": base}}).status_code == 200

    def edit(text: str):  # type: ignore[no-untyped-def]
        return browser.json(
            "PATCH", url, {"fields": {"location": text}, "base": {"location": base}}
        )

    a, b = edit("Salle Ségur B, 2e étage"), edit("Salle Ségur, 3e étage")
    assert (a.status_code, b.status_code) == (200, 200), b.get_json()
    assert b.get_json()["meeting"]["location"] == "Salle Ségur B, 3e étage"
    c = edit("Visioconférence")
    assert c.status_code == 409
    assert c.get_json()["fields"]["location"]["theirs"] == "Salle Ségur B, 3e étage"


def _notices(app, meeting_id: int) -> list:  # type: ignore[type-arg]
    from sqlmodel import select

    from rida import db
    from rida.models import Change

    with app.app_context():
        found = select(Change).where(Change.meeting_id == meeting_id, Change.kind == "notice")
        return list(db.session().exec(found))


def test_overlapping_edits_tell_who_wrote_the_other_version_and_notify_them(
    app, browser, demo_meeting
):
    uid, revision = _uid_and_revision(app, demo_meeting)
    assert patch(browser, demo_meeting, uid, revision, {"answer": "A"}).status_code == 200
    merged = patch(browser, demo_meeting, uid, revision, {"question": "Q"})
    assert merged.status_code == 200 and _notices(app, demo_meeting) == []
    stale = patch(browser, demo_meeting, uid, revision, {"answer": "B"}, base={"answer": "Z"})
    assert stale.status_code == 409
    assert stale.get_json()["by"]["login"] == "admin"  # who wrote the server's version
    [notice] = _notices(app, demo_meeting)  # the live stream tells its author
    assert (notice.op, notice.uid, notice.fields) == ("conflict", uid, ["answer"])
    assert notice.payload == {"kind": "row", "uid": uid, "fields": ["answer"]}
    assert notice.actor is not None and notice.actor["login"] == "admin"
    assert export_doc(app, demo_meeting)["rida"][0]["answer"] == "A"  # nothing else written


def test_a_header_conflict_is_noticed_too(app, browser, demo_meeting):
    url = f"/api/meetings/{demo_meeting}"
    first = browser.json(
        "PATCH", url, {"fields": {"location": "Salle A"}, "base": {"location": ""}}
    )
    assert first.status_code == 200
    stale = browser.json(
        "PATCH", url, {"fields": {"location": "Salle B"}, "base": {"location": ""}}
    )
    assert stale.status_code == 409
    [notice] = _notices(app, demo_meeting)
    assert (notice.uid, notice.fields, notice.payload["kind"]) == (None, ["location"], "meeting")
