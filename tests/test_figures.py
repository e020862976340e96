"""Figures: uploaded in the editor (checked with Pillow), kept with the meeting, shown in
every format, frozen with a version, exported in rida/1 and imported back; served only to
those who may read the meeting."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import struct
import zipfile
import zlib

import pytest
from flask import Flask
from PIL import Image

from rida import compte_rendu, db, exchange
from rida.circuit import files, versions
from rida.meetings import figures
from rida.meetings.figures import FigureError
from rida.models import Meeting
from tests.audit_support import entries
from tests.conftest import Browser, demo_document, draft_document, export_doc, import_doc


def png(width: int = 60, height: int = 30, color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), (0, 90, 200)).save(out, "JPEG")
    return out.getvalue()


def bomb_png(side: int = 30_000) -> bytes:
    """A small PNG whose header announces side × side pixels (all zero, well compressed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    rows = zlib.compress(b"\x00" * (side // 8 + 1) * 100)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def upload(browser: Browser, meeting_id: int, data: bytes, alt: str = "Résultats du sondage"):  # type: ignore[no-untyped-def]
    return browser.client.post(
        f"/reunions/{meeting_id}/figures",
        data={"image": (io.BytesIO(data), "sondage.png"), "alt": alt},
        headers={"X-CSRFToken": browser.token},
        content_type="multipart/form-data",
    )


def test_check_accepts_png_and_jpeg_and_refuses_the_rest():
    assert figures.check(png()).media_type == "image/png"
    assert figures.check(jpeg()) == figures.Checked("image/jpeg", 40, 40)
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, "GIF")
    for data, words in (
        (b"", "vide"),
        (gif.getvalue(), "PNG et JPEG"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "PNG et JPEG"),
        (png()[:60], "illisible"),
        (bomb_png(), "pixels"),
        (png(5000, 4000), "pixels"),
        (b"\x89PNG" + b"0" * (figures.MAX_BYTES + 1), "trop lourde"),
    ):
        with pytest.raises(FigureError) as e:
            figures.check(data)
        assert words in e.value.message


def test_upload_then_every_format_shows_the_figure(app: Flask, demo_meeting: int, browser):
    answer = upload(browser, demo_meeting, png())
    assert answer.status_code == 201, answer.get_data(as_text=True)
    found = answer.get_json()
    assert found["number"] == 1
    assert found["markdown"] == "![Résultats du sondage](figure:1)"
    image = browser.client.get(found["url"])
    assert image.status_code == 200 and image.data == png()
    assert image.content_type == "image/png"
    patched = browser.json(
        "PATCH",
        f"/api/meetings/{demo_meeting}",
        {"fields": {"results": f"Sondage :\n\n{found['markdown']}"}},
    )
    assert patched.status_code == 200, patched.get_data(as_text=True)
    with app.app_context():
        src = compte_rendu.source(db.session(), db.session().get(Meeting, demo_meeting))
    item = src.doc["x-rida-figures"][0]
    assert item["number"] == 1 and base64.b64decode(item["data"]) == png()
    assert item["sha256"] == hashlib.sha256(png()).hexdigest()
    # DOCX: an inline picture at text width with its alternative text.
    docx = compte_rendu.render(src, "docx")
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        assert package.read("word/media/image1.png") == png()
        body = package.read("word/document.xml").decode()
    assert 'descr="Résultats du sondage"' in body and "<wp:extent cx=" in body
    assert compte_rendu.render(src, "docx") == docx  # same bytes again
    # HTML: embedded as a data: URI (the file stays self-contained).
    page = compte_rendu.render(src, "html").decode()
    assert '<img class="figure" src="data:image/png;base64,' in page
    assert 'alt="Résultats du sondage"' in page
    # Markdown: a relative path, the file written beside it.
    with app.app_context():
        made = files.export(db.session(), db.session().get(Meeting, demo_meeting), "md")
    folder = files.figure_dir(made.doc)
    assert f"![Résultats du sondage]({folder}/figure-1.png)" in made.data.decode()
    out = app.config["EXPORT_DIR"]
    made.save(out)
    assert (out / folder / "figure-1.png").read_bytes() == png()


def test_upload_errors_are_clear_french(demo_meeting: int, browser):
    answer = upload(browser, demo_meeting, png(), alt="  ")
    assert answer.status_code == 400 and answer.get_json()["path"] == "alt"
    assert "texte alternatif est obligatoire" in answer.get_json()["message"]
    answer = upload(browser, demo_meeting, bomb_png())
    assert answer.status_code == 400 and answer.get_json()["path"] == "image"
    assert "pixels" in answer.get_json()["message"]
    answer = upload(browser, demo_meeting, b"GIF89a not really")
    assert "PNG et JPEG" in answer.get_json()["message"]


def test_figures_are_served_only_to_readers_of_their_meeting(app: Flask, client):
    """A second account (a reader) may not see the figure of a confidential meeting: 404,
    as for a meeting that does not exist; the public one is served."""
    doc = draft_document()
    doc["x-rida-figures"] = [{"number": 1, "data": base64.b64encode(png()).decode()}]
    secret = import_doc(app, doc | {"classification": "confidential"})
    public = import_doc(app, doc)
    admin = Browser(app.test_client()).login("admin")
    assert admin.client.get(f"/reunions/{secret}/figures/1").data == png()
    reader = Browser(app.test_client()).login("reader")
    assert reader.client.get(f"/reunions/{secret}/figures/1").status_code == 404
    assert reader.client.get(f"/reunions/{public}/figures/1").status_code == 200
    assert reader.client.get(f"/reunions/{public}/figures/2").status_code == 404
    assert upload(reader, public, png()).status_code == 403
    assert client.get(f"/reunions/{public}/figures/1").status_code in (302, 401)


def test_rida1_round_trip_and_bad_figures(app: Flask):
    doc = draft_document()
    doc["results"] = "![Sondage](figure:7)"
    doc["x-rida-figures"] = [{"number": 7, "data": base64.b64encode(jpeg()).decode()}]
    first = import_doc(app, doc)
    exported = export_doc(app, first)
    assert exported["x-rida-figures"][0]["number"] == 7
    assert exported["x-rida-figures"][0]["media_type"] == "image/jpeg"
    again = export_doc(app, import_doc(app, json.loads(json.dumps(exported))))
    assert again["x-rida-figures"] == exported["x-rida-figures"]
    assert "x-rida-figures" not in (export_doc(app, import_doc(app, draft_document())))
    bad = draft_document()
    bad["x-rida-figures"] = [
        {"number": 1, "data": "pas du base64 !"},
        {"number": 2, "data": base64.b64encode(bomb_png()).decode()},
    ]
    with app.app_context(), db.transaction() as s, pytest.raises(exchange.ValidationError) as e:
        exchange.import_document(s, bad)
    paths = {err.path for err in e.value.errors}
    assert paths == {"x-rida-figures[0].data", "x-rida-figures[1].data"}


def test_frozen_version_keeps_the_figure_and_its_hash(app: Flask, ready_meeting: int):
    with app.app_context(), db.transaction() as s:
        meeting = s.get(Meeting, ready_meeting)
        figures.add(s, meeting, png(), None)
        meeting.results = "![Sondage](figure:1)"
        frozen = versions.validate(s, meeting, None)
        docx, sha = frozen.docx, frozen.sha256
        source = compte_rendu.Source.from_json(frozen.source)
    assert hashlib.sha256(docx).hexdigest() == sha
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        assert package.read("word/media/image1.png") == png()
    assert base64.b64decode(source.doc["x-rida-figures"][0]["data"]) == png()


def test_read_page_and_editor_preview_show_the_figure(demo_meeting: int, browser):
    found = upload(browser, demo_meeting, png()).get_json()
    text = f"Sondage :\n\n{found['markdown']}"
    browser.json("PATCH", f"/api/meetings/{demo_meeting}", {"fields": {"results": text}})
    shown = (
        f'<img class="figure" src="/reunions/{demo_meeting}/figures/1"'
        ' alt="Résultats du sondage" width="60" height="30">'
    )
    page = browser.client.get(f"/reunions/{demo_meeting}").get_data(as_text=True)
    assert shown in page
    preview = browser.json("POST", f"/api/meetings/{demo_meeting}/preview", {"text": text})
    assert preview.status_code == 200 and shown in preview.get_json()["html"]
    # A reference to a figure the meeting does not have shows nothing (as before).
    preview = browser.json(
        "POST", f"/api/meetings/{demo_meeting}/preview", {"text": "![x](figure:9)"}
    )
    assert "<img" not in preview.get_json()["html"]
    # The editor lists it, with the alternative text its Markdown gives it.
    editor = browser.client.get(f"/reunions/{demo_meeting}/modifier").get_data(as_text=True)
    assert f'src="/reunions/{demo_meeting}/figures/1" alt="Résultats du sondage"' in editor
    assert f'action="/reunions/{demo_meeting}/figures/1/suppression"' in editor


def test_a_page_shows_only_the_figures_of_its_own_meeting(app: Flask):
    """A public meeting whose text points at `figure:1` does not show figure 1 of a
    confidential meeting (canary: its alternative text and its URL)."""
    doc = draft_document()
    secret = import_doc(
        app,
        doc
        | {
            "classification": "confidential",
            "results": "![CANARI-FIGURE](figure:1)",
            "x-rida-figures": [{"number": 1, "data": base64.b64encode(png()).decode()}],
        },
    )
    public = import_doc(app, doc | {"results": "Voir ![autre](figure:1)"})
    reader = Browser(app.test_client()).login("reader")
    page = reader.client.get(f"/reunions/{public}").get_data(as_text=True)
    assert "CANARI-FIGURE" not in page and f"/reunions/{secret}/figures" not in page
    assert '<img class="figure"' not in page
    assert reader.client.get(f"/reunions/{secret}/figures/1").status_code == 404
    assert reader.client.get(f"/reunions/{secret}").status_code == 404
    delete = reader.client.post(
        f"/reunions/{secret}/figures/1/suppression", headers={"X-CSRFToken": reader.token}
    )
    assert delete.status_code == 404
    admin = Browser(app.test_client()).login("admin")
    assert "CANARI-FIGURE" in admin.client.get(f"/reunions/{secret}").get_data(as_text=True)


def test_delete_a_figure(app: Flask, demo_meeting: int, browser):
    upload(browser, demo_meeting, png())
    upload(browser, demo_meeting, jpeg(), alt="Deuxième")
    url = f"/reunions/{demo_meeting}/figures"
    reader = Browser(app.test_client()).login("reader")
    refused = reader.client.post(f"{url}/1/suppression", headers={"X-CSRFToken": reader.token})
    assert refused.status_code == 403
    no_token = browser.client.post(f"{url}/1/suppression")
    assert no_token.status_code == 400 and browser.client.get(f"{url}/1").status_code == 200
    # The editor's script: JSON.
    answer = browser.client.post(
        f"{url}/1/suppression",
        headers={"X-CSRFToken": browser.token, "Accept": "application/json"},
    )
    assert answer.status_code == 200 and answer.get_json() == {"number": 1, "deleted": True}
    assert browser.client.get(f"{url}/1").status_code == 404
    assert browser.client.get(f"{url}/2").status_code == 200
    again = browser.client.post(
        f"{url}/1/suppression",
        headers={"X-CSRFToken": browser.token, "Accept": "application/json"},
    )
    assert again.status_code == 404
    # A form: back to the editor, with a message.
    form = browser.form(f"{url}/2/suppression", {})
    assert form.status_code == 302
    assert form.headers["Location"].endswith(f"/reunions/{demo_meeting}/modifier#figures")
    assert "Figure 2 supprimée." in browser.client.get(form.headers["Location"]).get_data(
        as_text=True
    )
    # Audited as any deletion, by whom; the bytes are recorded as their size only.
    deleted = entries(app, action="delete", object_type="figure", meeting_id=demo_meeting)
    assert [e.before["number"] for e in deleted] == [1, 2]
    assert deleted[0].login == "admin" and deleted[0].before["data"] == f"({len(png())} octets)"
    with app.app_context():
        src = compte_rendu.source(db.session(), db.session().get(Meeting, demo_meeting))
    assert "x-rida-figures" not in src.doc


def test_a_validated_meeting_keeps_its_figures(app: Flask, browser):
    doc = demo_document() | {
        "x-rida-figures": [{"number": 1, "data": base64.b64encode(png()).decode()}]
    }
    validated = import_doc(app, doc)
    url = f"/reunions/{validated}/figures/1/suppression"
    answer = browser.client.post(
        url, headers={"X-CSRFToken": browser.token, "Accept": "application/json"}
    )
    assert answer.status_code == 409 and answer.get_json()["error"] == "validated"
    form = browser.form(url, {})
    assert form.status_code == 302 and form.headers["Location"].endswith("#validation")
    assert browser.client.get(f"/reunions/{validated}/figures/1").status_code == 200
