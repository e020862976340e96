"""Fuzzing the import paths with generated input: ``rida/1`` JSON through the API, the
import page and ``rida import``; DOCX files (exported by rida, or built with python-docx
like a legacy compte-rendu) truncated, corrupted, stripped of parts, through the page.

Whatever comes in: never a server error (nor a traceback), never a partial write (table
counts unchanged after a refusal), and an accepted document is there whole (its export
equals the validated document). ``RIDA_FUZZ_SCALE=10`` runs ten times more examples
(with :mod:`tests.test_editor_fuzzing`: 10,000 generated inputs)."""

from __future__ import annotations

import copy
import io
import json
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from rida import db, exchange
from rida.circuit import validation
from rida.cli import main
from rida.compte_rendu import render, source
from rida.compte_rendu.reading import incoming
from rida.fields import FieldError, ValidationError
from tests.conftest import (
    Browser,
    app_on_copy,
    counts,
    demo_document,
    draft_document,
    export_doc,
    multipart,
)
from tests.fixtures.make_legacy_docx import build as build_legacy_docx
from tests.test_exchange_properties import JSON_VALUES, documents, mutated, wipe

pytestmark = pytest.mark.slow  # fuzzing: thousands of generated imports

settings.register_profile(
    "import-fuzzing",
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
PROFILE = settings.get_profile("import-fuzzing")
SCALE = int(os.environ.get("RIDA_FUZZ_SCALE", "1"))


def examples(n: int) -> settings:
    return settings(PROFILE, max_examples=n * SCALE)


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory, template_db):
    yield from app_on_copy(tmp_path_factory.mktemp("fuzzing") / "data", template_db)


@pytest.fixture(scope="module")
def admin(fuzz_app) -> Browser:
    return Browser(fuzz_app.test_client()).login("admin")


# --- Generated rida/1 input ---------------------------------------------------------

CONTROL = "".join(chr(c) for c in (*range(0x00, 0x20), 0x7F, 0x85, 0x2028, 0xFFFE))
ODD_VALUES = st.one_of(
    JSON_VALUES,
    st.text(alphabet=st.sampled_from(CONTROL + "aé "), max_size=30),
    st.just("x" * 150_000),
    st.just("é" * 60_000),
    st.integers(-(2**80), 2**80),
    st.just(10**400),
    st.sampled_from([float("nan"), float("inf"), -0.0, 1e308]),
    st.just(json.loads("[" * 30 + "1" + "]" * 30)),
    st.just({"": {"": {"": None}}}),
    st.sampled_from(
        [
            "2022-02-30",
            "9999-12-31",
            "0001-01-01",
            "rida/1",
            "validated",
            "confidential",
            "I",
            "A",
            "\ufffd",
            "\u202e",
        ]
    ),
).map(copy.deepcopy)  # st.just shares its value: a later change must not alter it


def _paths(value: Any, path: tuple = ()) -> list[tuple]:
    """Every path of a JSON value (to a dict key or a list index)."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


def _parent(doc: Any, path: tuple) -> Any:
    for step in path[:-1]:
        doc = doc[step]
    return doc


@st.composite
def fuzzed_documents(draw: Callable) -> Any:
    """A valid-ish document with up to four random changes: a value replaced by an odd
    one, a key removed, an unknown key or an ``x-`` extension added, a container swapped
    for another type."""
    doc = draw(st.builds(draft_document) | documents() | mutated().map(lambda c: c[0]))
    for _ in range(draw(st.integers(0, 4))):  # none: a valid document, accepted
        paths = [p for p in _paths(doc) if p]
        if not paths or not isinstance(doc, dict):
            break
        path = draw(st.sampled_from(paths))
        parent, last = _parent(doc, path), path[-1]
        change = draw(st.sampled_from(["replace", "drop", "add", "extend", "swap"]))
        if change == "replace":
            parent[last] = draw(ODD_VALUES)
        elif change == "drop":
            del parent[last]
        elif change == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=12))] = draw(ODD_VALUES)
        elif change == "extend" and isinstance(parent, dict):  # kept verbatim, if JSON
            parent["x-" + draw(st.text(max_size=12))] = draw(ODD_VALUES | JSON_VALUES)
        elif change == "swap":
            value = parent[last]
            parent[last] = (
                list(value.values())
                if isinstance(value, dict)
                else (
                    {str(i): v for i, v in enumerate(value)} if isinstance(value, list) else [value]
                )
            )
    return doc


@st.composite
def json_bytes(draw: Callable) -> bytes:
    """Bytes of a fuzzed document, sometimes cut or with random bytes spliced in."""
    text = json.dumps(draw(fuzzed_documents()), ensure_ascii=draw(st.booleans()))
    raw = text.encode("utf-8", "surrogatepass")
    how = draw(st.sampled_from(["whole", "whole", "cut", "splice", "bom", "utf16"]))
    if how == "cut":
        raw = raw[: draw(st.integers(0, len(raw)))]
    elif how == "splice":
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at:]
    elif how == "bom":
        raw = b"\xef\xbb\xbf" + raw
    elif how == "utf16":
        raw = text.encode("utf-16", "surrogatepass")
    return raw


def expected_document(raw: bytes, name: str = "doc.json") -> dict | None:
    """What an import of ``raw`` must create (validated), or None when it must refuse: a
    document marked validated whose blocking checks fail comes in as a draft."""
    try:
        doc = exchange.validate(incoming.read(name, raw).doc)
    except (ValidationError, FieldError):
        return None
    if doc["status"] == "validated" and validation.blocking(validation.checklist(doc)):
        doc["status"] = "draft"
    return doc


def assert_whole(app, meeting_id: int, expected: dict) -> None:  # type: ignore[no-untyped-def]
    exported = export_doc(app, meeting_id)
    assert exported == {**expected, "id": meeting_id}


def assert_import(
    app,
    raw: bytes,
    before: dict,  # type: ignore[no-untyped-def]
    meeting_id: int | None,
    name: str = "doc.json",
) -> None:
    """Accepted exactly when the document is valid; then whole, else nothing written."""
    expected = expected_document(raw, name)
    event("accepted" if meeting_id is not None else "refused")  # --hypothesis-show-statistics
    if meeting_id is None:
        assert expected is None, "a valid document was refused"
        assert counts(app) == before, "a refused import wrote something"
    else:
        assert expected is not None, "an invalid document was accepted"
        assert counts(app)["Meeting"] == before["Meeting"] + 1
        assert_whole(app, meeting_id, expected)


@examples(150)
@given(raw=json_bytes())
def test_api_import_never_fails_nor_half_writes(fuzz_app, admin, raw):
    wipe(fuzz_app)  # people are shared by name: each example starts afresh
    before = counts(fuzz_app)
    response = admin.json("POST", "/api/meetings", raw)
    assert response.status_code in (201, 400), (response.status_code, response.get_data())
    payload = response.get_json()
    if response.status_code == 400:
        # (a path may be empty: that of an unknown key named "")
        assert payload["error"] == "invalid" and all(
            isinstance(e["path"], str) and e["message"] for e in payload["errors"]
        )
    assert_import(fuzz_app, raw, before, payload["id"] if response.status_code == 201 else None)


def page_import(admin: Browser, name: str, raw: bytes) -> int | None:
    """Upload through the home page's form; the new meeting's id, None when refused."""
    body, content_type = multipart({"file": (name, raw)}, {"csrf_token": admin.token})
    response = admin.client.post("/import", data=body, content_type=content_type)
    assert response.status_code == 302, (response.status_code, response.get_data())
    location = response.headers["Location"]
    page = admin.client.get(location).get_data(as_text=True)
    found = re.fullmatch(r"/reunions/(\d+)", location)
    if found is None:
        assert "refusé, rien n&#39;a été enregistré" in page, page
        return None
    return int(found.group(1))


@examples(80)
@given(raw=json_bytes())
def test_page_import_of_json_never_fails_nor_half_writes(fuzz_app, admin, raw):
    wipe(fuzz_app)  # people are shared by name: each example starts afresh
    before = counts(fuzz_app)
    assert_import(fuzz_app, raw, before, page_import(admin, "document.json", raw))


@examples(50)
@given(raw=json_bytes())
def test_cli_import_never_fails_nor_half_writes(fuzz_app, tmp_path_factory, raw):
    folder = tmp_path_factory.mktemp("cli")
    (folder / "doc.json").write_bytes(raw)
    data_dir = Path(fuzz_app.config["DATA_DIR"])
    # its own search index: the command's indexing is not under test here
    env = {
        "RIDA_DATA_DIR": str(data_dir),
        "RIDA_EXPORT_DIR": str(folder / "exports"),
        "RIDA_SECRET_KEY": "test",
        "RIDA_DATABASE_URL": None,
        "RIDA_SEARCH_DIR": str(folder / "search"),
    }
    wipe(fuzz_app)  # people are shared by name: each example starts afresh
    before = counts(fuzz_app)
    result = CliRunner().invoke(
        main, ["import", str(folder / "doc.json")], env=env, prog_name="rida"
    )
    assert isinstance(result.exception, (SystemExit, type(None))), result.exception
    assert "Traceback" not in result.stderr
    if result.exit_code == 0:
        meeting_id = int(result.stdout.split()[0])
    else:
        assert result.exit_code == 1
        assert json.loads(result.stderr)["errors"], result.stderr
        meeting_id = None
    assert_import(fuzz_app, raw, before, meeting_id, str(folder / "doc.json"))


# --- Generated DOCX input ------------------------------------------------------------


@pytest.fixture(scope="module")
def docx_bases(fuzz_app, tmp_path_factory) -> list[bytes]:
    """A compte-rendu exported by rida (with its embedded rida/1 part) and a legacy one
    built with python-docx (read from its visible content)."""
    with fuzz_app.app_context(), db.transaction() as s:
        meeting = exchange.import_document(s, draft_document())
        exported = render(source(s, meeting), "docx")
    legacy = build_legacy_docx(tmp_path_factory.mktemp("legacy") / "legacy.docx").read_bytes()
    return [exported, legacy]


BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
    b'main"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'
)


def _rezip(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """The archive with each part passed through ``change`` (None drops the part)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source_zip,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source_zip.infolist():
            content = change(info.filename, source_zip.read(info))
            if content is not None:
                target.writestr(info.filename, content)
    return out.getvalue()


@st.composite
def docx_files(draw: Callable, bases: list[bytes]) -> bytes:
    data = draw(st.sampled_from(bases))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(archive.namelist())
    how = draw(
        st.sampled_from(
            ["truncate", "bytes", "drop", "part bytes", "part cut", "embedded", "bomb", "whole"]
        )
    )
    if how == "truncate":
        return data[: draw(st.integers(0, len(data) - 1))]
    if how == "bytes":
        out = bytearray(data)
        for _ in range(draw(st.integers(1, 20))):
            out[draw(st.integers(0, len(out) - 1))] = draw(st.integers(0, 255))
        return bytes(out)
    part = draw(st.sampled_from(names))
    if how == "drop":
        return _rezip(data, lambda name, content: None if name == part else content)
    if how in ("part bytes", "part cut"):
        junk = draw(st.binary(min_size=1, max_size=30))
        cut = draw(st.floats(0, 1))

        def damage(name: str, content: bytes) -> bytes:
            if name != part:
                return content
            at = int(len(content) * cut)
            return content[:at] + (junk + content[at:] if how == "part bytes" else b"")

        return _rezip(data, damage)
    if how == "embedded":
        embedded = json.dumps(draw(fuzzed_documents())).encode()
        return _rezip(
            data, lambda name, content: embedded if name == "customXml/rida-1.json" else content
        )
    if how == "bomb":
        return _rezip(data, lambda name, content: BOMB if name == "word/document.xml" else content)
    return data


@examples(120)
@given(data=st.data())
def test_docx_upload_never_fails_nor_half_writes(fuzz_app, admin, docx_bases, data):
    raw = data.draw(docx_files(docx_bases))
    wipe(fuzz_app)  # people are shared by name: each example starts afresh
    before = counts(fuzz_app)
    assert_import(
        fuzz_app, raw, before, page_import(admin, "compte-rendu.docx", raw), "compte-rendu.docx"
    )


def test_the_fuzzers_start_from_accepted_documents(fuzz_app, admin, docx_bases):
    """The bases are valid: what the fuzzers refuse is refused for their changes."""
    for name, raw in (
        ("base.docx", docx_bases[0]),
        ("legacy.docx", docx_bases[1]),
        ("demo.json", json.dumps(copy.deepcopy(demo_document())).encode()),
    ):
        wipe(fuzz_app)
        before = counts(fuzz_app)
        meeting_id = page_import(admin, name, raw)
        assert meeting_id is not None, name
        assert counts(fuzz_app)["Meeting"] == before["Meeting"] + 1
        assert_whole(fuzz_app, meeting_id, expected_document(raw, name))
