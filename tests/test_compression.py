"""The editor page's weight on the wire, and compressed responses under ``rida serve``.

The real server (waitress, ``rida serve`` in a subprocess) and plain HTTP: the sizes are
those of the bodies as sent. A live stream and a DOCX download are never compressed; a
compressed static file still answers ``If-None-Match`` with 304.
"""

from __future__ import annotations

import gzip
import importlib.util
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest

from tests.conftest import make_app
from tests.live_support import Server, Session, Stream

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 250 * 1024
ROWS = 200


def _benchmark_document(rows: int) -> dict:
    """The benchmarks' realistic meeting (rows of ~80 words), from benchmarks/_common.py."""
    spec = importlib.util.spec_from_file_location("bench_common", ROOT / "benchmarks/_common.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_common", module)
    spec.loader.exec_module(module)
    return module.meeting_document(rows)


@pytest.fixture(scope="module", params=[1, 2], ids=["waitress", "gunicorn"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, template_db: Path
) -> Iterator[Server]:
    """``rida serve``: one process (waitress), or two (``--workers 2``: gunicorn)."""
    found = Server(tmp_path_factory.mktemp("weight") / "data", template_db, workers=request.param)
    yield found
    found.stop()


@pytest.fixture(scope="module")
def admin(server: Server) -> Session:
    return Session(server.port).login("admin")


@pytest.fixture(scope="module")
def big_meeting(admin: Session) -> int:
    answer = admin.send("POST", "/api/meetings", _benchmark_document(ROWS))
    assert answer.status == 201, answer.body
    return int(answer.json()["id"])


def test_the_editor_of_200_rows_weighs_under_250_kb_compressed(
    admin: Session, big_meeting: int, record_property: pytest.RecordProperty
) -> None:
    path = f"/reunions/{big_meeting}/modifier"
    plain = admin.request("GET", path)
    assert plain.status == 200 and "content-encoding" not in plain.headers
    sizes = {"identity": len(plain.body)}
    for encoding, decompress in (("gzip", gzip.decompress), ("br", brotli.decompress)):
        sent = admin.request("GET", path, **{"Accept-Encoding": encoding})
        assert sent.status == 200
        assert sent.headers["content-encoding"] == encoding
        assert "accept-encoding" in sent.headers["vary"].lower()
        assert int(sent.headers["content-length"]) == len(sent.body)
        page = decompress(sent.body).decode()
        assert 'id="editor-data"' in page and page.count('class="rida-item"') == ROWS + 1
        sizes[encoding] = len(sent.body)
    for name, size in sizes.items():
        record_property(f"editor_{name}_kb", round(size / 1024, 1))
    print(
        f"\neditor page, {ROWS} rows: "
        + ", ".join(f"{k} {v / 1024:.1f} KB" for k, v in sizes.items())
    )
    assert sizes["gzip"] < LIMIT and sizes["br"] < LIMIT, sizes


def test_each_row_text_is_sent_once(admin: Session, big_meeting: int) -> None:
    page = admin.request("GET", f"/reunions/{big_meeting}/modifier").body.decode()
    state = re.search(r'id="editor-data">(.*?)</script>', page, re.S)
    assert state
    answer = re.search(r'data-field="answer"[^>]*>([^<&]{40,})</textarea>', page)
    assert answer, "the fields carry the texts"
    assert answer.group(1) not in state.group(1)
    assert '"question"' not in state.group(1) and '"answer"' not in state.group(1)


def test_a_live_stream_is_never_compressed_nor_held(admin: Session, big_meeting: int) -> None:
    headers = admin.headers({"Accept": "text/event-stream", "Accept-Encoding": "gzip, br"})
    stream = Stream(admin.port, f"/api/meetings/{big_meeting}/events", headers)
    try:
        assert stream.status == 200
        assert "content-encoding" not in stream.headers
        event = stream.next()  # sent at once, readable as is
        assert event is not None and event["event"] == "hello"
    finally:
        stream.close()


def test_a_docx_download_is_not_compressed_again(admin: Session, big_meeting: int) -> None:
    sent = admin.request(
        "GET", f"/reunions/{big_meeting}/compte-rendu.docx", **{"Accept-Encoding": "gzip, br"}
    )
    assert sent.status == 200, sent.body[:200]
    assert "content-encoding" not in sent.headers
    assert sent.body.startswith(b"PK")


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_a_compressed_static_file_still_answers_304(admin: Session, encoding: str) -> None:
    first = admin.request("GET", "/static/editor.js", **{"Accept-Encoding": encoding})
    assert first.status == 200 and first.headers["content-encoding"] == encoding
    etag = first.headers["etag"]
    assert etag.endswith(f':{encoding}"'), etag
    again = admin.request(
        "GET", "/static/editor.js", **{"Accept-Encoding": encoding, "If-None-Match": etag}
    )
    assert again.status == 304 and again.body == b""
    plain = admin.request("GET", "/static/editor.js")
    assert "content-encoding" not in plain.headers
    assert plain.body == (gzip.decompress if encoding == "gzip" else brotli.decompress)(first.body)
    same = admin.request("GET", "/static/editor.js", **{"If-None-Match": plain.headers["etag"]})
    assert same.status == 304


def test_the_api_json_is_compressed(admin: Session, big_meeting: int) -> None:
    sent = admin.request("GET", f"/api/meetings/{big_meeting}", **{"Accept-Encoding": "gzip"})
    assert sent.status == 200 and sent.headers["content-encoding"] == "gzip"
    assert gzip.decompress(sent.body).startswith(b"{")


def test_compression_can_be_turned_off(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", COMPRESSION=False)
    with app.test_client() as client:
        sent = client.get("/connexion", headers={"Accept-Encoding": "gzip, br"})
        assert sent.status_code == 200 and "Content-Encoding" not in sent.headers
    on = make_app(tmp_path / "data")
    with on.test_client() as client:
        sent = client.get("/connexion", headers={"Accept-Encoding": "gzip"})
        assert sent.headers["Content-Encoding"] == "gzip"
