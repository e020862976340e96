"""Next actions typed as text in a legacy compte-rendu (Word): due dates, owners, kinds
and RIDA rows read from the words; what stays unsure is a warning naming the action.
The DOCX is built here with python-docx, as a person types it in Word."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from docx import Document

from rida import exchange
from rida.compte_rendu.reading.docx_import import read_docx
from rida.compte_rendu.reading.legacy_actions import Names, kind_of, read_actions
from tests.conftest import export_doc, import_doc
from tests.test_cli import cli  # noqa: F401  (a fixture)

PARTICIPANTS = (
    ("SLOSAR ¹", "Mathieu", "ANS", "Responsable de produit MSSanté"),
    ("LAPEYRIE", "Jean-Baptiste", "DNS", "Directeur de projets"),
    ("MARTIN", "Claire", "ENOVACOM", "Cheffe de projet"),
)
ROWS = (
    ("6", "I", "Financement Ségur", "LIFEN : question ?", "ANS : réponse."),
    (
        "7",
        "A",
        "Entretiens bilatéraux",
        "ENOVACOM : souhaite présenter ses coûts de déploiement en entretien bilatéral.",
        "ANS : un entretien sera organisé avec chaque opérateur qui le demande.",
    ),
    (
        "8",
        "A",
        "Document de cadrage",
        "GCS SARA : le cadrage du financement doit être partagé par écrit.",
        "DNS : le document de cadrage sera envoyé aux opérateurs.",
    ),
)
ACTIONS = (
    "Entretien bilatéral avec ENOVACOM la semaine du 10/01 (l'ANS)",
    "DNS : envoyer le document de cadrage le 21/01.",
    "Transmettre le support de présentation aux opérateurs avant le 05/01 (GCS SARA)",
    "Atelier de restitution d'ici le 3 mars (Mathieu SLOSAR)",
    "Relancer les opérateurs sur le sondage",
)


def legacy_docx(
    actions: tuple[str, ...] = ACTIONS, rows: tuple[tuple[str, ...], ...] = ROWS
) -> bytes:
    document = Document()
    document.add_paragraph("COMPTE-RENDU")
    document.add_paragraph("Task Force MSSanté")
    document.add_paragraph("Atelier financement #2", style="Title")
    document.add_paragraph("Réunion du 07/01/2022")
    document.add_heading("2. INTERVENANTS", level=1)
    table = document.add_table(rows=1, cols=4)
    for cell, text in zip(
        table.rows[0].cells, ("Nom", "Prénom", "Entité", "Fonction"), strict=True
    ):
        cell.text = text
    for person in PARTICIPANTS:
        for cell, text in zip(table.add_row().cells, person, strict=True):
            cell.text = text
    document.add_heading("3. COMPTE-RENDU SYNTHETIQUE", level=1)
    rida = document.add_table(rows=1, cols=5)
    for cell, text in zip(
        rida.rows[0].cells, ("#", "Nature", "Objet", "Question / Remarque", "Réponse"), strict=True
    ):
        cell.text = text
    for row in rows:
        for cell, text in zip(rida.add_row().cells, row, strict=True):
            cell.text = text
    document.add_paragraph("3) Prochaines actions :")
    for action in actions:
        document.add_paragraph(f"- {action}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def read():  # type: ignore[no-untyped-def]
    return read_docx(legacy_docx())


def test_due_dates_leave_the_title_and_take_the_meetings_year(read):
    actions = read.doc["actions"]
    assert [a["due_date"] for a in actions] == [
        "2022-01-10",
        "2022-01-21",
        "2023-01-05",  # 05/01 falls before the meeting (07/01/2022): the next year
        "2022-03-03",
        None,
    ]
    assert [a["title"] for a in actions] == [
        "Entretien bilatéral avec ENOVACOM",
        "Envoyer le document de cadrage",
        "Transmettre le support de présentation aux opérateurs",
        "Atelier de restitution",
        "Relancer les opérateurs sur le sondage",
    ]
    assert actions[0]["notes"] == "Échéance écrite : « la semaine du 10/01 »."


def test_owners_are_the_known_people_and_organisations(read):
    owners = [a["owner"] for a in read.doc["actions"]]
    assert owners[0] == {"last_name": None, "first_name": None, "entity": "ANS", "function": None}
    assert owners[1]["entity"] == "DNS" and owners[1]["last_name"] is None
    assert owners[2]["entity"] == "GCS SARA"  # a speaker of the RIDA rows
    assert (owners[3]["last_name"], owners[3]["first_name"], owners[3]["entity"]) == (
        "SLOSAR",
        "Mathieu",
        "ANS",
    )
    assert owners[4] is None


def test_kinds_and_rows_come_from_the_words(read):
    actions = read.doc["actions"]
    assert [a["kind"] for a in actions] == [
        "bilateral_interview",
        "document",
        "document",
        "workshop",
        "other",
    ]
    assert [a["rida"] for a in actions] == [7, 8, None, None, None]


def test_what_stays_unsure_is_a_warning_naming_the_action(read):
    mine = [w for w in read.warnings if w.startswith("Prochaines actions")]
    assert mine == [
        "Prochaines actions, action 5 « Relancer les opérateurs sur le sondage » : porteur "
        "et échéance introuvables dans le texte, à compléter"
    ]


def test_the_read_document_is_valid_and_imports(app, read):
    doc = exchange.validate(read.doc)
    meeting_id = import_doc(app, doc)
    again = export_doc(app, meeting_id)
    assert [a["rida"] for a in again["actions"]] == [7, 8, None, None, None]
    assert again["actions"][3]["owner"]["last_name"] == "SLOSAR"


def test_two_rows_with_the_same_subject_are_a_warning():
    rows = (
        *ROWS,
        ("9", "A", "Document de cadrage", "DNS : le document de cadrage sera relu.", "Oui."),
    )
    found = read_docx(legacy_docx(("Envoyer le document de cadrage (DNS)",), rows))
    assert found.doc["actions"][0]["rida"] == 8
    assert (
        "Prochaines actions, action 1 « Envoyer le document de cadrage » : lignes RIDA "
        "8, 9 possibles, rattachée à la ligne 8, à vérifier"
    ) in found.warnings


def test_a_person_of_the_instance_is_found_and_an_unknown_one_is_said():
    known = [{"last_name": "DURAND", "first_name": "Paul", "entity": "CNAM", "function": None}]
    found = read_docx(
        legacy_docx(("Rédiger la note (Paul DURAND)", "Rédiger la synthèse (XYZ)")), known
    )
    first, second = found.doc["actions"]
    assert first["owner"]["entity"] == "CNAM" and first["title"] == "Rédiger la note"
    assert second["owner"]["entity"] == "XYZ"
    assert any("porteur « XYZ » inconnu, ajouté comme organisation" in w for w in found.warnings)


@pytest.mark.parametrize(
    "line, due, title",
    [
        ("Envoyer la note au plus tard le 15 février 2022", "2022-02-15", "Envoyer la note"),
        ("Envoyer la note avant le 1er mars", "2022-03-01", "Envoyer la note"),
        ("Envoyer la note le 14/02/22", "2022-02-14", "Envoyer la note"),
        ("Envoyer la note d'ici le 20 décembre", "2022-12-20", "Envoyer la note"),
        ("Atelier #3 le 31/02", None, "Atelier #3 le 31/02"),
    ],
)
def test_due_date_forms(line, due, title):
    notes: list[tuple[str, str]] = []
    (action,) = read_actions(
        [line],
        meeting=dt.date(2022, 1, 7),
        rows=[],
        names=Names.of([]),
        note=lambda p, m: notes.append((p, m)),
    )
    assert (action["due_date"], action["title"]) == (due, title)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Organiser les entretiens bilatéraux", "bilateral_interview"),
        ("Transmettre le document aux opérateurs", "document"),
        ("Envoyer le support de l'atelier", "document"),
        ("Atelier industriel avec les éditeurs", "workshop"),
        ("Relancer les opérateurs", "other"),
    ],
)
def test_kinds(text, kind):
    assert kind_of(text) == kind


def test_the_cli_json_output_lists_the_warnings(cli):  # noqa: F811
    (cli.root / "cr.docx").write_bytes(legacy_docx())
    cli("init")
    (item,) = json.loads(cli("import", "--json", "cr.docx").stdout)["imported"]
    assert item["file"] == "cr.docx" and isinstance(item["id"], int)
    assert any(w.startswith("Prochaines actions, action 5") for w in item["warnings"])
    exported = json.loads(cli("export", str(item["id"])).stdout)
    assert [a["rida"] for a in exported["actions"]] == [7, 8, None, None, None]


def test_an_owner_is_found_only_among_the_people_the_importer_may_see(app):
    """Canary: a person named only in a meeting the importer may not read is not matched
    (nor shown): the name stays in the title, the owner is to be completed."""
    from tests.conftest import Browser, demo_document

    hidden = demo_document() | {"series": "Série cachée", "classification": "confidential"}
    hidden["participants"].append(
        {"last_name": "CANARI", "first_name": "Zoé", "entity": "CanaryOrg", "attendance": "present"}
    )
    import_doc(app, hidden)
    data = legacy_docx(("Rédiger la note (Zoé CANARI)",))
    for login, entity in (("rapporteur", None), ("admin", "CanaryOrg")):
        browser = Browser(app.test_client()).login(login)
        response = browser.form("/import", {"file": (io.BytesIO(data), "cr.docx")})
        assert response.status_code == 302
        page = browser.client.get(response.headers["Location"]).get_data(as_text=True)
        meeting_id = int(response.headers["Location"].rsplit("/", 1)[1])
        owner = export_doc(app, meeting_id)["actions"][0]["owner"]
        assert (owner or {}).get("entity") == entity, login
        assert ("CanaryOrg" in page) == (entity is not None), login
