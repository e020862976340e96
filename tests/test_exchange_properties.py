"""Property tests of rida/1: generated valid documents survive import and export; any one
mutation that breaks the contract is refused with its field path and writes nothing."""

from __future__ import annotations

import copy
import json
import string
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from rida import db, exchange
from rida.fields import ValidationError
from rida.meetings.people import person_key
from rida.models import ACTION_KINDS, ACTION_STATUSES, ATTENDANCES, CLASSIFICATIONS, STATUSES
from tests.conftest import Browser, app_on_copy, counts, demo_document, export_doc, import_doc

SETTINGS = settings(
    deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@pytest.fixture(scope="module")
def prop_app(tmp_path_factory, template_db):
    """One real app and SQLite file for all examples (hypothesis runs many per test)."""
    yield from app_on_copy(tmp_path_factory.mktemp("properties") / "data", template_db)


@pytest.fixture(scope="module")
def admin(prop_app) -> Browser:
    return Browser(prop_app.test_client()).login("admin")


def wipe(app) -> None:
    """Forget every meeting and person, so that each example starts from a new project."""
    with app.app_context(), db.write_session(db.engine()) as s:
        for table in (
            "action",
            "rida_row",
            "participation",
            "meeting",
            "series_member",
            "series",
            "person",
        ):
            s.execute(text(f"DELETE FROM {table}"))


# --- Valid documents ---------------------------------------------------------------

ABSENT = object()
SPACE = st.text(" \t\n\r\u00a0\u2003\u3000", max_size=2)
CHARS = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")) | st.sampled_from(
    "éèêÉàçœŒæ’«»😀🇫🇷\t\n -"
)
MARKUP = st.sampled_from(
    ["\n\n", "- ", "1. ", "**", "*", "<script>alert(1)</script>", "&amp;", "LIFEN : ", "Vu"]
)


def words(min_size: int = 0, max_size: int = 20) -> st.SearchStrategy[str]:
    return st.text(CHARS, min_size=min_size, max_size=max_size)


def padded(core: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(SPACE, core, SPACE).map("".join)


SHORT = padded(words())
NONEMPTY = padded(words(min_size=1)).filter(str.strip)
RICH = padded(st.lists(words(max_size=12) | MARKUP, max_size=6).map("".join))
# Extension text: anything UTF-8 and storage keep (no lone surrogate, no control character
# but tab and line breaks; those are refused: see test_trust_findings.py).
JSON_TEXT = st.characters(
    codec="utf-8",
    exclude_categories=("Cs",),
    exclude_characters="".join(map(chr, [*range(9), 11, 12, *range(14, 32), 127])),
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(JSON_TEXT, max_size=10)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(JSON_TEXT, max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
EXTENSIONS = st.dictionaries(
    st.text(string.ascii_letters + string.digits + "-_.", max_size=8).map("x-".__add__),
    JSON_VALUES,
    max_size=2,
)
ISO_DATES = st.dates().map(lambda d: d.isoformat())
TIMES = st.times().map(lambda t: t.strftime("%H:%M"))


def opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """An optional value: the key absent, null, or a value."""
    return st.just(ABSENT) | st.none() | strategy


def build(draw: Callable, **parts: st.SearchStrategy[Any]) -> dict[str, Any]:
    values = {key: draw(strategy) for key, strategy in parts.items()}
    return {key: value for key, value in values.items() if value is not ABSENT}


def key_of(person: dict) -> str:
    return person_key(
        *((person.get(k) or "").strip() for k in ("last_name", "first_name", "entity"))
    )


PERSONS = st.fixed_dictionaries(
    {"last_name": NONEMPTY}, optional={"first_name": st.none() | SHORT, "entity": st.none() | SHORT}
)


@st.composite
def documents(draw: Callable, rich: bool = False) -> dict[str, Any]:
    """A valid rida/1 document; ``rich`` ones have something at every level to break."""
    pool = draw(st.lists(PERSONS, min_size=1, max_size=5, unique_by=key_of))

    def mention(base: dict) -> dict:
        """A person of the pool, maybe spelt otherwise (same key), with its own function."""
        respell = draw(st.sampled_from([str, str.upper, str.lower, str.title]))
        person = {k: respell(v) if isinstance(v, str) else v for k, v in base.items()}
        if key_of(person) != key_of(base):
            person = dict(base)
        return person | build(draw, function=opt(SHORT))

    def anyone() -> Any:
        return mention(draw(st.sampled_from(pool)))

    def maybe(make: Callable[[], Any]) -> Any:
        """Absent, null, or made by ``make``."""
        return make() if draw(st.booleans()) else draw(st.sampled_from([ABSENT, None]))

    def organisation() -> dict:
        return {"entity": draw(NONEMPTY)} | build(
            draw,
            last_name=st.sampled_from([ABSENT, None, "", " "]),
            first_name=st.sampled_from([ABSENT, None]),
            function=opt(SHORT),
        )

    chosen = draw(
        st.lists(st.sampled_from(range(len(pool))), unique=True, min_size=1 if rich else 0)
    )
    participants = [
        mention(pool[i])
        | build(draw, attendance=opt(st.sampled_from(ATTENDANCES)))
        | draw(EXTENSIONS)
        for i in chosen
    ]
    numbers = draw(
        st.lists(
            st.integers(1, 12) | st.integers(1, 2**31 - 1),
            unique=True,
            min_size=2 if rich else 0,
            max_size=6,
        )
    )
    rows = [
        {
            "number": n,
            "nature": draw(st.sampled_from(["I", "D", "A", None])),
            "subject": draw(SHORT),
        }
        | build(draw, question=opt(RICH), answer=opt(RICH))
        | draw(EXTENSIONS)
        for n in numbers
    ]
    actions = [
        {"title": draw(NONEMPTY)}
        | build(
            draw,
            kind=opt(st.sampled_from(ACTION_KINDS)),
            due_date=opt(ISO_DATES),
            status=opt(st.sampled_from(ACTION_STATUSES)),
            notes=opt(RICH),
            rida=opt(st.sampled_from(numbers)) if numbers else opt(st.nothing()),
        )
        | {"owner": maybe(lambda: anyone() if draw(st.booleans()) else organisation())}
        | draw(EXTENSIONS)
        for _ in range(draw(st.integers(1 if rich else 0, 3)))
    ]
    for action in actions:
        if action["owner"] is ABSENT:
            del action["owner"]
    doc = {
        "format": "rida/1",
        "series": draw(NONEMPTY),
        "title": draw(NONEMPTY),
        "date": draw(ISO_DATES),
    }
    doc |= build(
        draw,
        id=opt(st.integers(-(2**40), 2**40) | words()),
        subject=opt(SHORT),
        meeting_type=opt(SHORT | st.sampled_from(["Atelier", "Comité"])),
        start_time=opt(TIMES | st.just("")),
        end_time=opt(TIMES),
        location=opt(SHORT),
        status=opt(st.sampled_from(STATUSES)),
        classification=opt(st.sampled_from(CLASSIFICATIONS)),
        version=opt(st.builds("{}.{}".format, st.integers(0, 9999), st.integers(0, 9999))),
        reference_documents=opt(st.lists(SHORT, max_size=3)),
        objectives=opt(st.lists(SHORT, max_size=4)),
        summary=opt(RICH),
        comments=opt(st.lists(RICH, max_size=3)),
        results=opt(RICH),
    )
    doc["organiser"] = anyone() if rich else maybe(anyone)
    doc["rapporteur"] = maybe(anyone)
    for key, value in (("participants", participants), ("rida", rows), ("actions", actions)):
        if value or draw(st.booleans()):
            doc[key] = value
    for role in ("organiser", "rapporteur"):
        if doc[role] is ABSENT:
            del doc[role]
    return doc | draw(EXTENSIONS)


@pytest.mark.slow
@settings(SETTINGS, max_examples=80)
@given(doc=documents())
def test_valid_documents_survive_import_and_export(prop_app, doc):
    expected = exchange.validate(copy.deepcopy(doc))
    assert exchange.validate(expected) == expected  # normalising twice changes nothing
    wipe(prop_app)
    meeting_id = import_doc(prop_app, doc)
    assert export_doc(prop_app, meeting_id) == {**expected, "id": meeting_id}


@settings(SETTINGS, max_examples=25)
@given(doc=documents())
def test_valid_documents_survive_the_api(prop_app, admin, doc):
    wipe(prop_app)
    created = admin.json("POST", "/api/meetings", doc)
    assert created.status_code == 201, created.get_json()
    meeting_id = created.get_json()["id"]
    got = admin.client.get(f"/api/meetings/{meeting_id}")
    assert got.status_code == 200
    assert got.get_json() == {**exchange.validate(doc), "id": meeting_id}


# --- Mutations ---------------------------------------------------------------------

CONTROL = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)]
KNOWN = {
    "": exchange.TOP_KEYS,
    "rida": exchange.ROW_KEYS,
    "actions": exchange.ACTION_KEYS,
    "participants": (*exchange.PERSON_KEYS, "attendance"),
    "person": exchange.PERSON_KEYS,
}


def objects(doc: dict) -> list[tuple[str, dict, str]]:
    """(kind, object, path) for every object of the document."""
    found = [("", doc, "")]
    for kind in ("rida", "participants", "actions"):
        found += [(kind, item, f"{kind}[{i}]") for i, item in enumerate(doc.get(kind) or [])]
    for role in ("organiser", "rapporteur"):
        if doc.get(role):
            found.append(("person", doc[role], role))
    for i, action in enumerate(doc.get("actions") or []):
        if action.get("owner"):
            found.append(("person", action["owner"], f"actions[{i}].owner"))
    return found


def at(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


TEXT_LIMITS = {
    "title": 1000,
    "series": 200,
    "subject": 1000,
    "location": 1000,
    "summary": 100_000,
    "results": 100_000,
    "question": 100_000,
    "answer": 100_000,
    "notes": 100_000,
    "last_name": 200,
    "first_name": 200,
    "entity": 200,
    "function": 300,
}
ENUMS = {
    ("", "status"): STATUSES,
    ("", "classification"): CLASSIFICATIONS,
    ("rida", "nature"): ("I", "D", "A", None),
    ("participants", "attendance"): ATTENDANCES,
    ("actions", "kind"): ACTION_KINDS,
    ("actions", "status"): ACTION_STATUSES,
}
REQUIRED = {
    "": ("format", "series", "title", "date"),
    "rida": ("number", "nature", "subject"),
    "participants": ("last_name",),
    "actions": ("title",),
}


def text_slots(doc: dict) -> list[tuple[Any, str | int, str]]:
    """(container, key, path) of every free-text value, lists' items included."""
    slots = []
    for kind, obj, path in objects(doc):
        slots += [(obj, key, at(path, key)) for key in TEXT_LIMITS if key in KNOWN[kind]]
    for key in ("reference_documents", "objectives", "comments"):
        slots += [(doc[key], i, f"{key}[{i}]") for i in range(len(doc.get(key) or []))]
    return slots


@st.composite
def mutated(draw: Callable) -> tuple[dict, str, str]:
    """A valid document broken once: (document, path the error must name, mutation)."""
    doc = draw(st.builds(demo_document) | documents(rich=True))
    objs = objects(doc)
    kind = draw(
        st.sampled_from(
            [
                "drop",
                "type",
                "unknown",
                "enum",
                "date",
                "time",
                "duplicate",
                "dangling",
                "control",
                "long",
                "bool",
                "format",
                "version",
                "nan",
            ]
        )
    )

    def pick(choices: list) -> Any:
        return draw(st.sampled_from(choices))

    if kind == "drop":
        obj_kind, obj, path = pick(
            [o for o in objs if o[0] in REQUIRED]
            + [o for o in objs if o[0] == "person" and not o[2].endswith("owner")]
        )
        key = pick(REQUIRED.get(obj_kind, ("last_name",)))
        obj.pop(key, None)
        return doc, at(path, key), kind
    if kind == "type":
        obj_kind, obj, path = pick(objs)
        key = pick([k for k in KNOWN[obj_kind] if k != "id"] + (["id"] if obj_kind == "" else []))
        if obj_kind == "" and key in (
            "rida",
            "participants",
            "actions",
            "reference_documents",
            "objectives",
            "comments",
        ):
            bad = pick(["x", 3, {}, True])
        elif key in ("number",):
            bad = pick(["1", 1.5, None, -1, 0, 2**31])
        elif key == "id":
            bad = pick([1.5, True, [], {}])
        elif (obj_kind, key) == ("actions", "rida"):
            bad = pick(["1", 1.5, 0, []])
        elif key in ("organiser", "rapporteur", "owner"):
            bad = pick(["x", 3, [], True])
        else:
            bad = pick([12, 1.5, True, [], {}])
        obj[key] = bad
        return doc, at(path, key), kind
    if kind == "unknown":
        obj_kind, obj, path = pick(objs)
        key = draw(
            st.text(min_size=1, max_size=10).filter(
                lambda k: k not in KNOWN[obj_kind] and not k.startswith("x-")
            )
        )
        if obj_kind == "person":
            key = pick([key, "x-" + key])
        obj[key] = draw(JSON_VALUES)
        return doc, at(path, key), kind
    if kind == "enum":
        (obj_kind, key), options = pick(sorted(ENUMS.items(), key=str))
        obj_kind, obj, path = pick([o for o in objs if o[0] == obj_kind])
        obj[key] = draw(
            st.text(max_size=12).filter(lambda v: v.strip() not in options)
            | st.integers()
            | st.booleans()
            | st.sampled_from(["Information", "brouillon", "PUBLIC", "i"])
        )
        return doc, at(path, key), kind
    if kind == "date":
        slots = [(doc, "date", "date")] + [
            (a, "due_date", f"actions[{i}].due_date")
            for i, a in enumerate(doc.get("actions") or [])
        ]
        obj, key, path = pick(slots)
        obj[key] = pick(
            [
                "2022-02-30",
                "07/01/2022",
                "2022-1-7",
                "2022-01-07T10:00",
                "",
                "2022-13-01",
                "0000-01-01",
                "２０２２-01-07",
                20220107,
                "2021-02-29",
            ]
        )
        return doc, path, kind
    if kind == "time":
        key = pick(["start_time", "end_time"])
        doc[key] = pick(["24:00", "9:00", "09:60", "0900", "09:00:00", "1٣:00", 900, True])
        return doc, key, kind
    if kind == "duplicate":
        i, j = sorted(
            draw(
                st.lists(
                    st.sampled_from(range(len(doc["rida"]))), min_size=2, max_size=2, unique=True
                )
            )
        )
        doc["rida"][j]["number"] = doc["rida"][i]["number"]
        return doc, f"rida[{j}].number", kind
    if kind == "dangling":
        i = pick(range(len(doc["actions"])))
        doc["actions"][i]["rida"] = max(r["number"] for r in doc["rida"]) + 1
        return doc, f"actions[{i}].rida", kind
    if kind == "control":
        obj, key, path = pick(text_slots(doc))
        old = obj[key] if isinstance(key, int) else (obj.get(key) or "")
        cut = draw(st.integers(0, len(old)))
        obj[key] = old[:cut] + pick(CONTROL) + old[cut:]
        return doc, path, kind
    if kind == "long":
        obj, key, path = pick([s for s in text_slots(doc) if isinstance(s[1], str)])
        limit = TEXT_LIMITS[key]
        obj[key] = "é" * (limit + 1)
        return doc, path, kind
    if kind == "bool":
        slots = [(r, "number", f"rida[{i}].number") for i, r in enumerate(doc["rida"])]
        slots += [(a, "rida", f"actions[{i}].rida") for i, a in enumerate(doc["actions"])]
        obj, key, path = pick(slots)
        obj[key] = draw(st.booleans())
        return doc, path, kind
    if kind == "format":
        doc["format"] = pick(["rida/2", "RIDA/1", "rida/1.0", "rida/1 ", None, 1, ""])
        return doc, "format", kind
    if kind == "version":
        doc["version"] = pick(["1", "1.0.0", "v1.0", "01.0", 1.0, "1.1٣", ""])
        return doc, "version", kind
    obj_kind, obj, path = pick([o for o in objs if o[0] != "person"])
    obj["x-n"] = pick([float("nan"), float("inf"), float("-inf")])
    return doc, at(path, "x-n"), kind


@pytest.mark.slow
@settings(SETTINGS, max_examples=250)
@given(case=mutated())
def test_one_mutation_is_refused_with_its_path(prop_app, case):
    doc, path, kind = case
    before = counts(prop_app)
    with pytest.raises(ValidationError) as e:
        import_doc(prop_app, doc)
    assert path in {x.path for x in e.value.errors}, (kind, e.value.errors)
    assert all(x.message for x in e.value.errors)
    assert counts(prop_app) == before


@settings(SETTINGS, max_examples=30)
@given(case=mutated())
def test_one_mutation_is_refused_by_the_api(prop_app, admin, case):
    doc, path, kind = case
    before = counts(prop_app)
    response = admin.json("POST", "/api/meetings", json.dumps(doc))
    assert response.status_code == 400, kind
    payload = response.get_json()
    assert payload["error"] == "invalid"
    assert path in {x["path"] for x in payload["errors"]}, (kind, payload)
    assert counts(prop_app) == before
