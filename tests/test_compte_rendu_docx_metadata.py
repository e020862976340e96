"""The DOCX package's metadata: app.xml names rida, custom.xml carries the classification,
no template thumbnail, and the *Objet* table's first row is not a header row."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

from docx.oxml.ns import qn

from rida.compte_rendu import Source, render
from rida.compte_rendu.docx_package import rida_version
from tests.conftest import demo_document
from tests.docx_reading import read

CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
VT = "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}"


def docx(**changes: object) -> bytes:
    return render(Source(doc=demo_document() | changes), "docx")


def test_app_properties_name_rida_and_no_word_template_nor_thumbnail():
    with zipfile.ZipFile(io.BytesIO(docx())) as package:
        app = package.read("docProps/app.xml").decode()
        names = package.namelist()
        rels = package.read("_rels/.rels").decode()
        types = package.read("[Content_Types].xml").decode()
    assert f"<Application>rida {rida_version()}</Application>" in app
    assert "Microsoft" not in app and "Normal.dotm" not in app and "<Template>" not in app
    assert not [n for n in names if "thumbnail" in n]
    assert "thumbnail" not in rels
    assert "/docProps/app.xml" in types and "/docProps/custom.xml" in types


def test_custom_properties_carry_classification_version_and_status():
    with zipfile.ZipFile(io.BytesIO(docx(classification="restricted", version="1.2"))) as p:
        root = ET.fromstring(p.read("docProps/custom.xml"))
    found = {
        prop.get("name"): prop.find(f"{VT}lpwstr").text for prop in root.iter(f"{CUSTOM}property")
    }
    assert found == {
        "Classification": "Diffusion restreinte",
        "Version": "1.2",
        "Statut": "Validé",
    }
    pids = [prop.get("pid") for prop in root.iter(f"{CUSTOM}property")]
    assert pids == ["2", "3", "4"]


def test_objet_value_cell_is_not_a_header_row():
    """The header table (Objet, Organisateur…) has labels in its first column and no
    header row: the style's first-row format (bold, shaded) is off, the value cell plain."""
    document = read(docx())
    table = document.tables[0]
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    assert look.get(qn("w:firstRow")) == "0"
    assert table.rows[0].cells[0].text == "Objet"
    value = table.rows[0].cells[1]._tc
    assert value.tcPr.find(qn("w:shd")) is None
    assert not [r for r in value.iter(qn("w:b"))]
    # Tables with a header row keep the first-row format.
    participants = document.tables[1]._tbl.tblPr.find(qn("w:tblLook"))
    assert participants.get(qn("w:firstRow")) == "1"


def test_same_input_same_bytes():
    assert docx() == docx()
