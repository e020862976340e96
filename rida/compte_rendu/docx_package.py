"""The package-level parts of the DOCX that python-docx leaves as the template had them:
the extended properties (``docProps/app.xml``: the producing application, rida and its
version, instead of the template's Word and ``Normal.dotm``), the custom properties
(``docProps/custom.xml``: classification, version, status, readable by Word's *Propriétés
avancées* and by document-management tools) and no thumbnail (the template's would show a
blank page for every compte-rendu)."""

from __future__ import annotations

from importlib import metadata
from xml.sax.saxutils import escape

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part

APP_PART = "/docProps/app.xml"
APP_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
CUSTOM_PART = "/docProps/custom.xml"
CUSTOM_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
# The format id Office gives every user-defined property (ECMA-376 part 1, 22.3.2.2).
CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_XML = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"


def rida_version() -> str:
    try:
        return metadata.version("rida")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a bare checkout
        return "0"


def app_xml(company: str = "") -> bytes:
    """No ``AppVersion``: Office wants Word's own ``NN.NNNN`` there; rida's version is in
    ``Application``."""
    version = rida_version()
    return (
        _XML + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
        '2006/docPropsVTypes">'
        f"<Application>rida {escape(version)}</Application>"
        "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
        f"<Company>{escape(company)}</Company>"
        "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged>"
        "</Properties>"
    ).encode()


def custom_xml(properties: list[tuple[str, str]]) -> bytes:
    items = "".join(
        f'<property fmtid="{CUSTOM_FMTID}" pid="{pid}" name="{escape(name, {chr(34): "&quot;"})}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(properties, start=2)  # pid 0 and 1 are reserved
    )
    return (
        _XML + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
        f'2006/docPropsVTypes">{items}</Properties>'
    ).encode()


def set_package_properties(document: Document, custom: list[tuple[str, str]]) -> None:
    """``app.xml`` naming rida, ``custom.xml`` holding ``custom``, no thumbnail."""
    package = document.part.package
    for r_id, rel in list(package.rels.items()):
        if rel.reltype in (RT.EXTENDED_PROPERTIES, RT.CUSTOM_PROPERTIES, RT.THUMBNAIL):
            package.rels.pop(r_id)
    package.relate_to(
        Part(PackURI(APP_PART), APP_CONTENT_TYPE, app_xml(), package), RT.EXTENDED_PROPERTIES
    )
    package.relate_to(
        Part(PackURI(CUSTOM_PART), CUSTOM_CONTENT_TYPE, custom_xml(custom), package),
        RT.CUSTOM_PROPERTIES,
    )
