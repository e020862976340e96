"""Hostile DOCX files are refused before parsing, with a French message, and nothing is
written: zip bombs, nested archives, DTDs and entities (billion laughs, external
entities), wrong content types, wrong extensions. Every file is built here."""

from __future__ import annotations

import html
import io
import json
import re
import zipfile

import pytest

from rida.compte_rendu.reading import incoming, upload_check
from rida.compte_rendu.reading.docx_import import DocxError, read_docx
from rida.compte_rendu.reading.upload_check import UploadRefused, check_docx, check_name
from rida.fields import FieldError
from tests.conftest import counts
from tests.fixtures.make_legacy_docx import build
from tests.test_cli import Cli

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/word/document.xml" ContentType="{upload_check.WORD_MAIN}"/>'
    "</Types>"
).encode()
DOCUMENT = (
    b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
    b'wordprocessingml/2006/main"><w:body/></w:document>'
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']><w:document xmlns:w="x"><w:body>&lol9;</w:body></w:document>'
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">&x;</Types>'
)
NETWORK = (
    b'<?xml version="1.0"?><!DOCTYPE w:document SYSTEM "http://127.0.0.1:9/x.dtd">'
    + DOCUMENT.split(b"?>", 1)[1]
)


def _zip(parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def _docx(extra: dict[str, bytes] | None = None) -> bytes:
    return _zip(
        {"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": DOCUMENT, **(extra or {})}
    )


HOSTILE = {
    "zip bomb (ratio)": (
        _docx({"word/media/bomb.bin": b"\0" * 30_000_000}),
        "anormalement compressée",
    ),
    "zip bomb (total)": (
        _zip(
            {
                "[Content_Types].xml": CONTENT_TYPES,
                "word/document.xml": DOCUMENT,
                **{f"p{i}.bin": b"\0" * 900_000 for i in range(112)},
            }
        ),
        "trop volumineuse une fois décompressée",
    ),
    "too many parts": (_zip({f"p{i}.xml": b"<a/>" for i in range(2_001)}), "2001 parties"),
    "nested zip by name": (_docx({"word/media/x.zip": b"hello"}), "archive imbriquée"),
    "nested zip by content": (
        _docx({"word/media/image1.png": _zip({"a": b"b"})}),
        "archive imbriquée",
    ),
    "billion laughs": (
        _zip({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": LAUGHS}),
        "DTD",
    ),
    "external entity": (_zip({"[Content_Types].xml": XXE, "word/document.xml": DOCUMENT}), "DTD"),
    "external DTD": (
        _zip({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": NETWORK}),
        "DTD",
    ),
    "UTF-16 DTD": (_docx({"word/styles.xml": LAUGHS.decode().encode("utf-16")}), "DTD"),
    "no content types": (_zip({"word/document.xml": DOCUMENT}), "[Content_Types].xml"),
    "not a Word main part": (
        _zip(
            {
                "[Content_Types].xml": CONTENT_TYPES.replace(
                    upload_check.WORD_MAIN.encode(), b"application/vnd.ms-excel.sheet.main+xml"
                ),
                "word/document.xml": DOCUMENT,
            }
        ),
        "pas un document Word",
    ),
    "path traversal": (_docx({"../evil.xml": b"<a/>"}), "nom interdit"),
    "not a zip": (b"%PDF-1.7", "pas une archive ZIP"),
    "too big": (b"PK\x03\x04" + b"\0" * upload_check.MAX_FILE_BYTES, "trop volumineux"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_docx_is_refused_before_parsing(name):
    data, message = HOSTILE[name]
    with pytest.raises(UploadRefused, match=re.escape(message)):
        check_docx(data)
    with pytest.raises(DocxError):
        read_docx(data)


def test_a_real_docx_passes(tmp_path):
    check_docx(build(tmp_path / "x.docx").read_bytes())
    check_docx(_docx())


def test_a_chart_s_embedded_workbook_is_accepted_and_never_opened():
    # Word keeps a chart's data as a whole .xlsx in word/embeddings/: real minutes have them.
    check_docx(_docx({"word/embeddings/Microsoft_Excel_Worksheet.xlsx": _zip({"a": b"b"})}))
    bomb = _docx({"word/embeddings/bomb.bin": b"\0" * 30_000_000})
    with pytest.raises(UploadRefused, match="anormalement compressée"):
        check_docx(bomb)  # the size limits still hold there


def test_the_archive_bomb_is_cheap_to_refuse():
    """The bomb is small on the wire: refused from the headers, never inflated."""
    data, _ = HOSTILE["zip bomb (ratio)"]
    assert len(data) < 100_000


def test_extensions():
    for ok in ("cr.docx", "CR.DOCX", "-", "sans-extension"):
        check_name(ok)
    for bad in ("cr.zip", "cr.docm", "cr.json", "cr.docx.exe"):
        with pytest.raises(UploadRefused, match="seuls les documents Word"):
            check_name(bad)
    with pytest.raises(FieldError, match="seuls les documents Word"):
        incoming.read("cr.zip", _docx())


def test_lxml_never_expands_entities_even_if_asked_to_parse():
    """Belt and braces: the parser rida uses for the content types does not expand."""
    from lxml import etree

    try:  # libxml2 refuses the amplification, or leaves the entities unexpanded
        root = etree.fromstring(LAUGHS, upload_check._PARSER)
    except etree.XMLSyntaxError as e:
        assert "amplification" in str(e)
    else:
        assert len(etree.tostring(root)) < 1_000


def _upload(browser, name: str, data: bytes):  # type: ignore[no-untyped-def]
    response = browser.form("/import", {"file": (io.BytesIO(data), name)})
    assert response.status_code == 302 and response.headers["Location"].endswith("#import-title")
    return html.unescape(browser.client.get(response.headers["Location"]).get_data(as_text=True))


def test_web_upload_refuses_hostile_files_and_writes_nothing(app, browser):
    before = counts(app)
    for name in ("zip bomb (ratio)", "billion laughs", "external entity", "nested zip by name"):
        data, message = HOSTILE[name]
        page = _upload(browser, "cr.docx", data)
        assert "Import de « cr.docx » refusé, rien n'a été enregistré" in page
        assert message in page, (name, page)
    page = _upload(browser, "cr.zip", _docx())
    assert "seuls les documents Word .docx" in page
    assert counts(app) == before


def test_cli_import_refuses_hostile_files_with_the_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cli = Cli(tmp_path)
    cli("init")
    (tmp_path / "bomb.docx").write_bytes(HOSTILE["billion laughs"][0])
    done = cli("import", "bomb.docx", ok=False)
    error = json.loads(done.stderr)
    assert error["errors"][0]["path"] == "bomb.docx"
    assert "DTD" in error["errors"][0]["message"]
    assert cli.meetings() == []
