"""Fuzzing the editor's JSON API: the header, the RIDA rows, the participants and the
actions (add, change, delete, move) and an action's status, with generated bodies, uids
and field names (``x-`` keys included).

Whatever comes in: never a server error, always the JSON error shape; a refused change
writes nothing (the meeting's export and every table's count unchanged); the meeting
always exports as a valid ``rida/1`` document. With :mod:`tests.test_import_fuzzing`,
``RIDA_FUZZ_SCALE=10`` sends 10,000 generated inputs (the default run sends 1,000)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from sqlmodel import select

from rida import db, exchange
from rida.actions import ACTION_FIELDS
from rida.meetings.editing import HEADER_FIELDS, ROW_FIELDS
from rida.models import (
    ACTION_KINDS,
    ACTION_STATUSES,
    ATTENDANCES,
    Action,
    Meeting,
    Participation,
    RidaRow,
)
from tests.conftest import Browser, app_on_copy, counts, draft_document, export_doc, import_doc
from tests.test_import_fuzzing import ODD_VALUES, examples

pytestmark = pytest.mark.slow  # fuzzing: hundreds of generated requests


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory, template_db):
    yield from app_on_copy(tmp_path_factory.mktemp("editor-fuzzing") / "data", template_db)


@pytest.fixture(scope="module")
def admin(fuzz_app) -> Browser:
    return Browser(fuzz_app.test_client()).login("admin")


class Target:
    """The draft meeting under fuzzing: a fresh copy of the demo once it is no longer an
    editable draft, or has grown too big to export quickly."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self.meeting_id = 0

    def ready(self) -> int:
        with self.app.app_context():
            s = db.session()
            meeting = s.get(Meeting, self.meeting_id) if self.meeting_id else None
            rows = s.exec(select(RidaRow.id).where(RidaRow.meeting_id == self.meeting_id)).all()
            fresh = meeting is None or meeting.status != "draft" or len(rows) > 40
        if fresh:
            self.meeting_id = import_doc(self.app, draft_document())
        return self.meeting_id

    def uids(self) -> dict[str, list[str]]:
        """The uids of the meeting's rows, participants and actions, and its actions' ids."""
        with self.app.app_context():
            s = db.session()
            of = self.meeting_id
            return {
                "rows": list(s.exec(select(RidaRow.uid).where(RidaRow.meeting_id == of))),
                "participants": list(
                    s.exec(select(Participation.uid).where(Participation.meeting_id == of))
                ),
                "actions": list(s.exec(select(Action.uid).where(Action.meeting_id == of))),
                "action_ids": [str(i) for i in s.exec(select(Action.id))],
            }

    def revisions(self) -> dict[str, int]:
        """The revision of each row, participant and action, by uid."""
        with self.app.app_context():
            s = db.session()
            of = self.meeting_id
            found: dict[str, int] = {}
            for model in (RidaRow, Participation, Action):
                query = select(model.uid, model.revision).where(model.meeting_id == of)
                found.update(dict(s.exec(query).all()))
            return found


@pytest.fixture(scope="module")
def target(fuzz_app) -> Target:
    return Target(fuzz_app)


# --- What is sent ---------------------------------------------------------------------

PERSON_KEYS = ("last_name", "first_name", "entity", "function", "attendance", "person_id")
NAMES = (
    st.sampled_from(
        (*HEADER_FIELDS, *ROW_FIELDS, *ACTION_FIELDS, *PERSON_KEYS, "id", "uid", "revision")
        + ("x-", "x-note", "x-\u00e9", "X-upper", "", "__proto__", "constructor", "a" * 300)
    )
    | st.text(max_size=12)
    | st.text(max_size=10).map("x-".__add__)
)
PLAUSIBLE = st.sampled_from(
    ["I", "D", "A", None, "", "  ", "2022-01-07", "10:00", "25:61", "confidential", "up", "down"]
    + ["present", "excused", "absent", "open", "done", "**gras**", "<script>x</script>"]
    + [0, 1, -1, 2**31, 2**31 - 1, 2**63, True, False, 1.5]
)
WORDS = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=40)
VALID = {  # a valid value of each field that is not free text
    "nature": st.sampled_from(["I", "D", "A", None]),
    "date": st.dates().map(str),
    "due_date": st.dates().map(str) | st.none(),
    "start_time": st.sampled_from(["09:30", "14:00", None]),
    "end_time": st.sampled_from(["12:00", "17:45", None]),
    "classification": st.sampled_from(["public", "restricted"]),
    "attendance": st.sampled_from(ATTENDANCES),
    "status": st.sampled_from(ACTION_STATUSES),
    "kind": st.sampled_from(ACTION_KINDS),
    "objectives": st.lists(WORDS, max_size=3),
    "reference_documents": st.lists(WORDS, max_size=3),
    "comments": st.lists(WORDS, max_size=3),
    "row": st.integers(1, 12) | st.none(),
    "direction": st.sampled_from(["up", "down"]),
}
VALUES = PLAUSIBLE | ODD_VALUES | st.text(max_size=40)
FIELDS = st.dictionaries(NAMES, VALUES, max_size=5) | VALUES
# Path segments: no lone surrogate (not encodable in a URL).
SEGMENT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30) | st.sampled_from(
    ["..", ".", "%00", "a/b", "x" * 500, "0", "-1", "99999999999999999999"]
)

# What each kind of object takes, to build bodies that are often accepted.
FIELDS_OF = {
    "header": HEADER_FIELDS,
    "rows": ROW_FIELDS,
    "new_participant": PERSON_KEYS,
    "participants": ("attendance", "function"),
    "new_action": ACTION_FIELDS,
    "actions": ACTION_FIELDS,
    "action_ids": ("status", "comment"),
    "move": ("direction",),
}
AT_TOP = ("new_participant", "action_ids", "move")  # their fields are the body's own keys
NAME = WORDS.filter(str.strip)
REQUIRED = {"new_participant": {"last_name": NAME}, "new_action": {"title": NAME}}
ENDPOINTS = (  # method, path, whose uid is in the path, whose fields the body holds
    ("PATCH", "/api/meetings/{m}", None, "header"),
    ("POST", "/api/meetings/{m}/rows", None, "rows"),
    ("PATCH", "/api/meetings/{m}/rows/{uid}", "rows", "rows"),
    ("DELETE", "/api/meetings/{m}/rows/{uid}", "rows", None),
    ("POST", "/api/meetings/{m}/rows/{uid}/move", "rows", "move"),
    ("POST", "/api/meetings/{m}/participants", None, "new_participant"),
    ("PATCH", "/api/meetings/{m}/participants/{uid}", "participants", "participants"),
    ("DELETE", "/api/meetings/{m}/participants/{uid}", "participants", None),
    ("POST", "/api/meetings/{m}/participants/{uid}/move", "participants", "move"),
    ("POST", "/api/meetings/{m}/actions", None, "new_action"),
    ("PATCH", "/api/meetings/{m}/actions/{uid}", "actions", "actions"),
    ("DELETE", "/api/meetings/{m}/actions/{uid}", "actions", None),
    ("POST", "/api/meetings/{m}/actions/{uid}/move", "actions", "move"),
    ("POST", "/api/actions/{uid}/status", "action_ids", "action_ids"),
)


def one_of_them(draw: Callable, known: list[Any], other: st.SearchStrategy[Any]) -> Any:
    """One of ``known`` (the meeting's uids, which change as it is edited) or a value of
    ``other``; drawn the same way whatever ``known`` holds (Hypothesis replays draws)."""
    index, use_known, value = draw(st.integers(0, 999)), draw(st.booleans()), draw(other)
    return known[index % len(known)] if use_known and known else value


@st.composite
def bodies(draw: Callable, of: str | None, uids: list[str], revision: Any) -> bytes:
    """A body: an object with the keys the editor sends (the object's own field names
    and plain values, often, else odd ones), another JSON value, or bytes that are not
    JSON."""
    names = FIELDS_OF[of] if of else ()
    kind = draw(st.sampled_from(["valid", "valid", "object", "object", "json", "bytes"]))
    if kind == "valid" and of:  # what the editor itself would send
        name = draw(st.sampled_from(names))
        values = {name: draw(VALID.get(name, WORDS))}
        values.update({k: draw(v) for k, v in REQUIRED.get(of, {}).items()})
        valid = values if of in AT_TOP else {"fields": values}
        return json.dumps({**valid, "revision": revision}).encode()
    if kind == "bytes":
        return draw(st.binary(max_size=40) | st.sampled_from([b"", b"{", b'{"fields": }']))
    if kind == "json":
        return json.dumps(draw(VALUES)).encode()
    own = st.sampled_from(names or ("title",))
    fields = st.dictionaries(own, PLAUSIBLE | st.text(max_size=30), min_size=1, max_size=3)
    keys = st.sampled_from(
        ["fields", "fields", "base", "revision", "revision", "uid", "after", "direction"]
        + ["to", "status", "comment", "meeting", "person_id", "x-client"]
    )
    data: dict[str, Any] = {}
    for key in draw(st.lists(keys, max_size=5, unique=True)):
        if key == "fields":
            data[key] = draw(fields | FIELDS)
        elif key == "base":
            data[key] = draw(FIELDS)
        elif key == "revision":
            data[key] = one_of_them(draw, [revision] if revision is not None else [], VALUES)
        elif key in ("uid", "after"):
            data[key] = one_of_them(draw, uids, VALUES)
        elif key == "direction":
            data[key] = draw(st.sampled_from(["up", "down"]) | VALUES)
        else:
            data[key] = draw(VALUES)
    if of in AT_TOP and draw(st.booleans()):
        data.update(draw(fields))
    return json.dumps(data, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")


@st.composite
def requests(draw: Callable, target: Target) -> tuple[str, str, str, bytes]:
    meeting_id = target.ready()
    uids, revisions = target.uids(), target.revisions()
    method, path, in_path, fields_of = draw(st.sampled_from(ENDPOINTS))
    uid = one_of_them(draw, uids[in_path] if in_path else [], SEGMENT)
    url = path.format(m=meeting_id, uid=quote(uid, safe=""))
    raw = draw(bodies(fields_of, uids[in_path or "rows"], revisions.get(uid)))
    return f"{method} {path}", method, url, raw


# --- The property ---------------------------------------------------------------------


def assert_error_shape(response) -> None:  # type: ignore[no-untyped-def]
    payload = response.get_json(silent=True)
    assert isinstance(payload, dict) and payload.get("error"), response.get_data()
    if response.status_code == 400 and "errors" in payload:
        assert all(isinstance(e["path"], str) and e["message"] for e in payload["errors"])


@examples(600)
@given(data=st.data())
def test_the_editor_api_never_fails_nor_half_writes(fuzz_app, admin, target, data):
    endpoint, method, url, raw = data.draw(requests(target))
    before, before_counts = export_doc(fuzz_app, target.meeting_id), counts(fuzz_app)
    response = admin.json(method, url, raw)
    status = response.status_code
    event(f"{endpoint}: {status}")  # --hypothesis-show-statistics
    assert status < 500, (method, url, raw, status, response.get_data())
    after = export_doc(fuzz_app, target.meeting_id)
    if status >= 400:
        assert_error_shape(response)
        assert after == before, "a refused change wrote something"
        assert counts(fuzz_app) == before_counts, "a refused change wrote something"
    exchange.validate(after)  # whatever was accepted leaves a valid document


def test_the_fuzzer_reaches_every_endpoint_with_accepted_changes(fuzz_app, admin, target):
    """The generated requests are not all refused: each kind of change can succeed."""
    target.meeting_id = 0  # a fresh copy of the demo
    meeting_id = target.ready()
    uids = target.uids()
    row, participant, action = uids["rows"][0], uids["participants"][0], uids["actions"][0]
    accepted = [
        ("PATCH", f"/api/meetings/{meeting_id}", {"fields": {"location": "Salle 2"}}),
        ("POST", f"/api/meetings/{meeting_id}/rows", {"fields": {"nature": "I"}}),
        ("PATCH", f"/api/meetings/{meeting_id}/rows/{row}", {"fields": {"x-note": "a"}}),
        ("POST", f"/api/meetings/{meeting_id}/rows/{row}/move", {"direction": "down"}),
        (
            "POST",
            f"/api/meetings/{meeting_id}/participants/{participant}/move",
            {"direction": "down"},
        ),
        ("POST", f"/api/meetings/{meeting_id}/actions/{action}/move", {"direction": "up"}),
    ]
    statuses = [admin.json(m, u, b).status_code for m, u, b in accepted]
    # A field outside the row's (an x- key included) is refused with its path.
    assert statuses[:2] == [200, 201] and statuses[2] == 400 and statuses[3:] == [200] * 3
