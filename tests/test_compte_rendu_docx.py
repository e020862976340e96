"""The compte-rendu DOCX (docs/compte-rendu-layout.md), read back with python-docx."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import RGBColor
from flask import Flask

from rida import compte_rendu, db, settings
from rida.compte_rendu import Source
from rida.compte_rendu.docx import TemplateError, default_template
from rida.models import Meeting
from tests.conftest import demo_document, import_doc
from tests.docx_reading import (
    body_texts,
    cell_texts,
    column,
    field_codes,
    num_id,
    read,
    row_flags,
    runs,
    start_override,
)

FOOTNOTES = [
    "¹ Personne à l'origine de la réunion (qui en assure l'animation).",
    "² Personne en charge de la rédaction du compte-rendu de la réunion.",
]


def earlier_meeting() -> dict:
    doc = demo_document()
    doc.update(
        title="Atelier de lancement",
        date="2021-12-10",
        rida=doc["rida"][:3],
        comments=[],
        actions=[
            {
                "title": "Relancer les opérateurs sur le sondage",
                "kind": "other",
                "owner": {"last_name": "BRIS", "first_name": "Edouard", "entity": "ANS"},
                "due_date": "2022-01-05",
                "status": "in_progress",
                "rida": 3,
            }
        ],
    )
    return doc


def source_of(app: Flask, meeting_id: int) -> Source:
    with app.app_context(), db.write_session(db.engine()) as s:
        return compte_rendu.source(s, s.get(Meeting, meeting_id))


def docx_of(doc: dict, follow_up: list | None = None, **kwargs: object) -> bytes:
    return compte_rendu.render(Source(doc=doc, follow_up=follow_up or []), "docx", **kwargs)


@pytest.fixture
def demo_src(app: Flask) -> Source:
    import_doc(app, earlier_meeting())
    return source_of(app, import_doc(app, demo_document()))


@pytest.fixture
def demo(demo_src: Source):  # type: ignore[no-untyped-def]
    return read(compte_rendu.render(demo_src, "docx"))


def test_paragraphs_in_the_order_of_the_layout(demo_src, demo):
    doc = demo_src.doc
    assert body_texts(demo) == [
        "COMPTE-RENDU",
        "Task Force MSSanté",
        "Atelier modèle économique #1",
        "Réunion du 07/01/2022",
        "Statut : Validé | Classification : Publique | Version : v1.0",
        "1. OBJET DU COMPTE-RENDU",
        "Documents de référence",
        "Support de présentation « Atelier modèle économique_07-01-22 »",
        "2. INTERVENANTS",
        *FOOTNOTES,
        "3. COMPTE-RENDU SYNTHÉTIQUE",
        "Les objectifs de la réunion étaient les suivants :",
        *doc["objectives"],
        doc["summary"],
        "3.1 Commentaire(s)",
        *[c.replace("*", "") for c in doc["comments"]],
        "3.2 Résultats de l'atelier",
        doc["results"],
        "3.3 Prochaines actions",
        "3.4 Suivi des actions",
    ]
    styles = {p.text: p.style.name for p in demo.paragraphs if p.text}
    assert [
        styles[t]
        for t in (
            "COMPTE-RENDU",
            "Task Force MSSanté",
            "Atelier modèle économique #1",
            "Réunion du 07/01/2022",
            "1. OBJET DU COMPTE-RENDU",
            "Documents de référence",
            "3.1 Commentaire(s)",
            FOOTNOTES[0],
        )
    ] == [
        "CR Document",
        "CR Série",
        "Title",
        "CR Date",
        "Heading 1",
        "Heading 3",
        "Heading 2",
        "CR Note",
    ]
    objectives = [p for p in demo.paragraphs if p.text in doc["objectives"]]
    assert {p.style.name for p in objectives} == {"List Number"}
    assert len({num_id(p) for p in objectives}) == 1
    assert start_override(demo, num_id(objectives[0])) == "1"
    comments = [p for p in demo.paragraphs if p.text.startswith(("Pour décrire", "L'ANS"))]
    assert [p.style.name for p in comments] == ["List Bullet", "List Bullet"]
    assert ("mise en œuvre des exigences du référentiel", False, True) in runs(comments[0])


def test_tables_shapes_and_texts(demo):
    header, participants, restitution, rida, actions, follow_up = demo.tables
    assert cell_texts(header) == [
        ["Objet", "TF MSSanté – Atelier technique #1"],
        ["Date", "7 janvier 2022"],
        ["Organisateur ¹", "Mathieu SLOSAR"],
        ["Type de réunion", "Atelier"],
        ["Rédacteur ²", "Samy ABDICHE"],
    ]
    assert cell_texts(participants)[0] == ["Nom", "Prénom", "Entité", "Fonction"]
    assert column(participants, 0, 1) == ["BRIS", "GUEYE", "LAPEYRIE", "SLOSAR ¹"]
    assert cell_texts(participants)[3] == [
        "LAPEYRIE",
        "Jean-Baptiste",
        "DNS",
        "Directeur de projets DNS",
    ]
    assert cell_texts(restitution) == [
        ["Restitution", "Auteur/Emetteur :", "Date de la réunion :"],
        ["Restitution", "Samy ABDICHE / Capgemini Invent", "07/01/2022"],
    ]
    assert restitution.rows[1]._tr.tc_lst[0].vMerge == "continue"
    assert (len(rida.rows), len(rida.columns)) == (11, 5)
    assert len(actions.rows) == 4 and len(actions.columns) == 7
    assert cell_texts(actions)[0] == [
        "N°",  # the action's number, as everywhere (issue 18)
        "Action",
        "Type",
        "Porteur",
        "Échéance",
        "Statut",
        "Ligne RIDA",
    ]
    assert [row[0] for row in cell_texts(actions)[1:]] == ["1", "2", "3"]
    assert cell_texts(actions)[1][2:] == [
        "Entretien bilatéral",
        "Mathieu SLOSAR (ANS)",
        "04/02/2022",
        "À faire",
        "8",
    ]
    assert cell_texts(actions)[2][2:] == ["Atelier", "ANS", "21/01/2022", "À faire", ""]
    assert actions.rows[1].cells[1].paragraphs[1].text.startswith("Éléments de coûts")
    assert cell_texts(follow_up) == [
        ["Réunion", "Action", "Porteur", "Échéance", "Statut"],
        [
            "Atelier de lancement (10/12/2021)",
            "Action 1 : Relancer les opérateurs sur le sondage",  # as its compte-rendu numbers it
            "Edouard BRIS (ANS)",
            "05/01/2022",
            "En cours (en retard)",  # due before the meeting
        ],
    ]
    for table in (participants, actions, follow_up):
        assert row_flags(table, "tblHeader") == [True] + [False] * (len(table.rows) - 1)
    for table in demo.tables:
        assert all(row_flags(table, "cantSplit"))
        grid = table._tbl.tblGrid.findall(qn("w:gridCol"))
        assert sum(int(g.get(qn("w:w"))) for g in grid) == 9639  # 17 cm


def test_rida_table(demo_src, demo):
    rida = demo.tables[3]
    title = rida.rows[0]._tr.tc_lst
    assert len(title) == 1 and title[0].grid_span == 5
    assert rida.rows[0].cells[0].text == "Relevé d'Informations, de Décisions et d'Actions (RIDA)"
    assert cell_texts(rida)[1] == ["#", "Nature", "Objet", "Question / Remarque", "Réponse"]
    assert row_flags(rida, "tblHeader") == [True, True] + [False] * 9
    assert column(rida, 0, 2) == [str(n) for n in range(1, 10)]
    assert ",".join(column(rida, 1, 2)) == "I,I,I,I,,I,A,A,I"
    assert column(rida, 2, 2) == [r["subject"] for r in demo_src.doc["rida"]]
    question = rida.rows[5].cells[3].paragraphs  # row 4: a Markdown list
    assert [p.style.name for p in question] == ["List Bullet", "List Bullet"]
    assert all(num_id(p) is not None for p in question)
    assert question[0].text.startswith("LIFEN : il est préférable")
    answer = rida.rows[8].cells[4].paragraphs  # row 7: formula, list, paragraph
    assert answer[0].text.endswith("pour la répartition du financement : A + B × X")
    assert [p.style.name for p in answer] == [
        "CR Cellule",
        "List Bullet",
        "List Bullet",
        "List Bullet",
        "CR Cellule",
    ]
    assert "$" not in "".join(c.text for row in rida.rows for c in row.cells)


def test_header_footer_fields_and_package(demo_src):
    data = compte_rendu.render(demo_src, "docx")
    document = read(data)
    section = document.sections[0]
    assert (section.page_width.cm, section.page_height.cm) == pytest.approx((21, 29.7), abs=0.01)
    header = section.header.paragraphs[0]
    assert header.text == "Task Force MSSanté – Atelier modèle économique #1\tPublique – v1.0"
    footer = section.footer.paragraphs[0]
    assert footer.text == "Page 1 / 1"
    assert field_codes(footer) == ["PAGE", "NUMPAGES"]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert json.loads(package.read("customXml/rida-1.json")) == demo_src.doc
        types = package.read("[Content_Types].xml").decode()
        assert 'PartName="/customXml/rida-1.json" ContentType="application/json"' in types
        rels = package.read("_rels/.rels").decode()
        assert 'Type="https://rida.ans.local/relationships/rida-1"' in rels
        assert {i.date_time for i in package.infolist()} == {(2022, 1, 7, 0, 0, 0)}
    assert compte_rendu.render(demo_src, "docx") == data  # deterministic
    assert document.core_properties.created == dt.datetime(2022, 1, 7, tzinfo=dt.UTC)
    assert document.core_properties.title == "Atelier modèle économique #1"


@pytest.mark.parametrize(
    ("date", "stamp"),
    [("1979-03-01", (1980, 3, 1, 0, 0, 0)), ("2108-01-01", (2107, 1, 1, 0, 0, 0))],
)
def test_package_dates_stay_in_the_zip_range(date, stamp):
    data = docx_of(demo_document() | {"date": date})
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert {i.date_time for i in package.infolist()} == {stamp}


def test_markdown_in_cells_runs_numbering_and_raw_html():
    doc = demo_document()
    doc["rida"] = [
        {
            "number": 1,
            "nature": "D",
            "subject": "Listes",
            "question": "1. un\n2. deux\n\nEntre les deux.\n\n1. trois\n2. quatre",
            "answer": "**gras** et *italique*, `code` et [lien](https://esante.gouv.fr)\n\n"
            "- a\n    - a.1\n- b",
        },
        {
            "number": 2,
            "nature": "I",
            "subject": "HTML",
            "question": "<b>pas gras</b> <script>alert(1)</script>",
            "answer": "&amp; AT&T",
        },
    ]
    document = read(docx_of(doc))
    rida = document.tables[3]
    question = rida.rows[2].cells[3].paragraphs
    assert [p.text for p in question] == ["un", "deux", "Entre les deux.", "trois", "quatre"]
    assert [p.style.name for p in question] == ["List Number"] * 2 + ["CR Cellule"] + [
        "List Number"
    ] * 2
    first, second = num_id(question[0]), num_id(question[3])
    assert first == num_id(question[1]) and second == num_id(question[4]) and first != second
    assert start_override(document, first) == start_override(document, second) == "1"
    answer = rida.rows[2].cells[4].paragraphs
    assert runs(answer[0])[:3] == [
        ("gras", True, False),
        (" et ", False, False),
        ("italique", False, True),
    ]
    assert answer[0].text == "gras et italique, code et lien (https://esante.gouv.fr)"
    assert [(p.text, p.style.name) for p in answer[1:]] == [
        ("a", "List Bullet"),
        ("a.1", "List Bullet 2"),
        ("b", "List Bullet"),
    ]
    assert rida.rows[3].cells[3].text == "<b>pas gras</b> <script>alert(1)</script>"
    assert rida.rows[3].cells[4].text == "& AT&T"


def test_empty_sections_attendance_and_markers():
    doc = demo_document()
    doc.update(
        reference_documents=[],
        objectives=[],
        summary=None,
        comments=[],
        results=None,
        actions=[],
        start_time="14:00",
        end_time="16:00",
        location="Visioconférence",
        rida=[],
    )
    doc["participants"][0]["attendance"] = "excused"
    doc["participants"][1]["attendance"] = "absent"
    doc["rapporteur"] = dict(doc["organiser"])
    document = read(docx_of(doc))
    texts = body_texts(document)
    assert "Documents de référence" not in texts
    assert "Les objectifs de la réunion étaient les suivants :" not in texts
    assert texts[
        texts.index("2. INTERVENANTS") + 1 : texts.index("3. COMPTE-RENDU SYNTHÉTIQUE")
    ] == ["Excusé(s) : Edouard BRIS", "Absent(s) : Mike GUEYE", *FOOTNOTES]
    assert texts[texts.index("3.1 Commentaire(s)") :] == [
        "3.1 Commentaire(s)",
        "Aucun commentaire.",
        "3.2 Résultats de l'atelier",
        "Aucun résultat consigné.",
        "3.3 Prochaines actions",
        "Aucune action.",
    ]
    header, participants, _restitution, rida = document.tables
    assert cell_texts(header)[1:3] == [
        ["Date", "7 janvier 2022, de 14:00 à 16:00"],
        ["Lieu", "Visioconférence"],
    ]
    assert column(participants, 0, 1)[-1] == "SLOSAR ¹ ²"
    assert len(rida.rows) == 2


def test_organiser_who_is_not_a_participant_shows_the_entity():
    doc = demo_document()
    doc["organiser"] = {"last_name": "Martin", "first_name": "Claire", "entity": "DNS"}
    doc["start_time"] = "09:30"
    header = cell_texts(read(docx_of(doc)).tables[0])
    assert header[1] == ["Date", "7 janvier 2022, à 09:30"]
    assert header[2] == ["Organisateur ¹", "Claire MARTIN (DNS)"]


def test_template_setting(tmp_path: Path):
    custom = Document(str(default_template()))
    custom.styles["Heading 1"].font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    path = tmp_path / "ars.docx"
    custom.save(str(path))
    config = settings.load({"RIDA_DOCX_TEMPLATE": str(path)})
    assert config["DOCX_TEMPLATE"] == path
    assert settings.load({})["DOCX_TEMPLATE"] is None
    document = read(docx_of(demo_document(), template=config["DOCX_TEMPLATE"]))
    assert document.styles["Heading 1"].font.color.rgb == RGBColor(0xC0, 0x00, 0x00)
    assert body_texts(document)[0] == "COMPTE-RENDU"
    shipped = read(docx_of(demo_document(), template=None))
    assert shipped.styles["Heading 1"].font.color.rgb == RGBColor(0x1F, 0x38, 0x64)
    with pytest.raises(TemplateError, match="Modèle DOCX introuvable"):
        docx_of(demo_document(), template=tmp_path / "absent.docx")
    (tmp_path / "bad.docx").write_text("pas un docx")
    with pytest.raises(TemplateError, match="Modèle DOCX illisible"):
        docx_of(demo_document(), template=tmp_path / "bad.docx")


def test_foreign_template_without_list_numbering_still_renders(tmp_path: Path):
    path = tmp_path / "plain.docx"
    Document().save(str(path))  # python-docx's own default: no CR styles at all
    doc = copy.deepcopy(demo_document())
    document = read(docx_of(doc, template=path))
    assert body_texts(document)[:3] == [
        "COMPTE-RENDU",
        "Task Force MSSanté",
        "Atelier modèle économique #1",
    ]
    assert len(document.tables[3].rows) == 11
