"""One speaker-prefix rule (rida.meetings.speakers) for the editor's suggestions, the search
facet of organisations, the DOCX import and the editor's script (rida/static/speakers.js):
the shared fixture run in Python and under Node, and the places that must agree."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document

from rida import db
from rida.compte_rendu.reading.docx_import import read_docx
from rida.meetings import speakers
from rida.meetings.suggestions import suggestions
from rida.models import Meeting
from rida.search import documents
from tests.conftest import demo_document, import_doc

ROOT = Path(__file__).parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "speaker_prefixes.json"
CASES = json.loads(FIXTURE.read_text(encoding="utf-8"))["cases"]
SCRIPT = ROOT / "rida" / "static" / "speakers.js"


def node() -> str:
    found = shutil.which("node")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("Node.js is missing: .ci/run installs it (nodejs)")
        pytest.skip("Node.js is not installed")
    return found


def test_the_fixture_covers_the_messy_cases():
    assert len(CASES) >= 30
    texts = [c["text"] for c in CASES]
    assert any("\u00a0:" in t for t in texts) and any("’" in t for t in texts)
    assert any(not c["speakers"] for c in CASES) and "" in texts


@pytest.mark.parametrize("case", CASES, ids=[str(i) for i in range(len(CASES))])
def test_python_reads_the_fixture(case):
    assert speakers.names(case["text"]) == case["speakers"]


def run_node_test(name: str) -> None:
    """Run ``tests/js/<name>`` with node's test runner; every test must pass."""
    done = subprocess.run(
        [node(), "--test", str(ROOT / "tests" / "js" / name)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout


def test_javascript_reads_the_fixture():
    run_node_test("speakers.test.cjs")


def test_javascript_builds_the_same_expression():
    script = (
        f"const {{ speakerRule: r }} = require({json.dumps(str(SCRIPT))});"
        "console.log(JSON.stringify([r.PATTERN, r.NOTE_PATTERN, r.BETWEEN_PATTERN,"
        " [...r.NOT_SPEAKERS].sort()]));"
    )
    out = subprocess.run(
        [node(), "-e", script], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert json.loads(out) == [
        speakers.PATTERN,
        speakers.NOTE_PATTERN,
        speakers.BETWEEN_PATTERN,
        sorted(speakers.NOT_SPEAKERS),
    ]


def test_the_script_stays_a_plain_browser_script():
    """Loaded by <script src> under the CSP: no module syntax, no network, no eval."""
    text = SCRIPT.read_text(encoding="utf-8")
    for forbidden in ("import ", "export ", "eval(", "new Function", "http://", "https://"):
        assert forbidden not in text, forbidden
    assert "window.Rida" in text or "root.Rida" in text


def test_is_speaker():
    assert speakers.is_speaker("ESEA Nouvelle Aquitaine") and speakers.is_speaker(" GCS  SARA ")
    for name in ("Ville de Paris", "NB", "ENOVACOM (absent)", "LIFEN / ANS", ""):
        assert not speakers.is_speaker(name), name


# --- Editor suggestions, search facet and import agree -----------------------------------

EXTRA_ROWS = [
    "ENOVACOM (absent, représenté par LIFEN) : d'accord sur le principe.",
    "**MIPIH** : en gras.\nNote : à diffuser.\nLIFEN / GRADeS Occitanie : position commune.",
    "NUMSPOT\u00a0: On va parler de cloud.\nhttps://esante.gouv.fr : la page.",
]


@pytest.fixture
def meeting(app) -> int:
    doc = demo_document()
    for i, text in enumerate(EXTRA_ROWS):
        doc["rida"].append(
            {
                "number": len(doc["rida"]) + 1,
                "nature": "I",
                "subject": f"Préfixes {i}",
                "question": text,
                "answer": None,
            }
        )
    doc["participants"].append(
        {"last_name": "MARTIN", "first_name": "Anne", "entity": "Ville de Paris"}
    )
    doc["participants"].append(
        {"last_name": "DURAND", "first_name": "Paul", "entity": "AP-HP", "function": None}
    )
    return import_doc(app, doc)


def test_every_suggested_prefix_is_an_organisation_of_the_search(app, meeting):
    with app.app_context(), db.read_session(db.engine()) as s:
        series_id = s.get(Meeting, meeting).series_id
        offered = suggestions(s, series_id)["speakers"]
        docs = documents.documents(s, [meeting])[meeting]
    facet = {o for d in docs if d.kind == "row" for o in d.organisations}
    names = [p.removesuffix(" : ") for p in offered]
    for prefix, name in zip(offered, names, strict=True):
        # What the editor inserts, followed by what the rapporteur types, is read back.
        assert documents.speakers(f"{prefix}texte tapé") == [name]
        assert documents.speakers(f"- {prefix}texte tapé") == [name]
    assert facet <= set(names)  # every organisation found in rows is also suggested
    for name in ("ENOVACOM", "MIPIH", "LIFEN", "GRADeS Occitanie", "NUMSPOT"):
        assert name in facet and name in names, name
    assert "AP-HP" in names  # an entity that reads as a speaker
    assert not {"Ville de Paris", "Note", "https"} & set(names)
    assert not any("(" in n for n in names)


def test_a_bold_speaker_in_a_docx_cell_reads_as_a_speaker():
    document = Document()
    document.add_paragraph("Série")
    document.add_paragraph("Titre")
    document.add_paragraph("Réunion du 07/01/2022")
    table = document.add_table(rows=2, cols=5)
    for cell, text in zip(
        table.rows[0].cells, ("#", "Nature", "Objet", "Question", "Réponse"), strict=True
    ):
        cell.text = text
    cells = table.rows[1].cells
    cells[0].text, cells[1].text, cells[2].text = "1", "I", "Sujet"
    question = cells[3].paragraphs[0]
    question.add_run("LIFEN").bold = True
    question.add_run("\u00a0: comment faire ?")
    answer = cells[4].paragraphs[0]
    answer.add_run("ENOVACOM (absent, représenté par LIFEN) :").bold = True
    answer.add_run(" plus tard.")
    cells[4].add_paragraph("Note : rien.")
    out = io.BytesIO()
    document.save(out)
    row = read_docx(out.getvalue()).doc["rida"][0]
    assert speakers.names(row["question"]) == ["LIFEN"]
    assert speakers.names(row["answer"]) == ["ENOVACOM"]
    assert documents.speakers(f"{row['question']}\n{row['answer']}") == ["LIFEN", "ENOVACOM"]
