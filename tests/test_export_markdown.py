"""The compte-rendu as Markdown: the layout's content and order, tables that never break,
raw HTML kept as data."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import markdown

from rida.compte_rendu import Source, render
from rida.compte_rendu.markdown import cell, plain
from tests.conftest import demo_document
from tests.exports_support import SCRIPT, hostile_document, in_order, source_of


def md(src: Source) -> str:
    return render(src, "md").decode()


class Tables(HTMLParser):
    """The cells of each table of some HTML: [[row cells…]…] per table."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def tables(text: str) -> list[list[list[str]]]:
    parser = Tables()
    parser.feed(markdown.markdown(text, extensions=["tables"]))
    return parser.tables


def test_demo_in_the_layout_order(app):
    text = md(source_of(app, demo_document()))
    in_order(
        text,
        [
            "**COMPTE-RENDU**",
            "Task Force MSSanté",
            "# Atelier modèle économique #1",
            "Réunion du 07/01/2022",
            "Statut : Validé | Classification : Publique | Version : v1.0",
            "## 1. OBJET DU COMPTE-RENDU",
            "| Objet | TF MSSanté – Atelier technique #1 |",
            "| Date | 7 janvier 2022 |",
            "| Organisateur ¹ | Mathieu SLOSAR |",
            "| Type de réunion | Atelier |",
            "| Rédacteur ² | Samy ABDICHE |",
            "#### Documents de référence",
            "- Support de présentation « Atelier modèle",
            "## 2. INTERVENANTS",
            "| Nom | Prénom | Entité | Fonction |",
            "| BRIS | Edouard | ANS | Régulation espace de confiance |",
            "| SLOSAR ¹ | Mathieu | ANS | Responsable de produit MSSanté |",
            "¹ Personne à l'origine de la réunion (qui en assure l'animation).",
            "² Personne en charge de la rédaction du compte-rendu de la réunion.",
            "## 3. COMPTE-RENDU SYNTHÉTIQUE",
            "Les objectifs de la réunion étaient les suivants :",
            "1. Présenter le contexte",
            "4. Rappeler aux opérateurs",
            "L'objet de ce CR",
            "| Restitution | Auteur/Emetteur : | Date de la réunion : |",
            "| Samy ABDICHE / Capgemini Invent | 07/01/2022 |",
            "**Relevé d'Informations, de Décisions et d'Actions (RIDA)**",
            "| # | Nature | Objet | Question / Remarque | Réponse |",
            "| 1 | I | Financement Ségur | ESEA",
            "| 5 |  | Inducteurs de financement |",
            "| 9 | I | TF MSS |",
            "### 3.1 Commentaire(s)",
            "- Pour décrire",
            "- L'ANS précise",
            "### 3.2 Résultats de l'atelier",
            "Résultats de l'atelier inducteurs",
            "### 3.3 Prochaines actions",
            "| N° | Action | Type | Porteur | Échéance | Statut | Ligne RIDA |",
            "| 1 | Entretiens bilatéraux",
            "| Entretien bilatéral | Mathieu SLOSAR (ANS) | 04/02/2022 | À faire | 8 |",
            "| Atelier industriel avec les éditeurs | Atelier | ANS | 21/01/2022 | À faire |  |",
            "| Document | Edouard BRIS (ANS) | 14/01/2022 | À faire | 2 |",
        ],
    )
    assert "Suivi des actions" not in text and "Excusé" not in text
    # Rich text keeps its Markdown: lists inside a cell are one line each, with their dash.
    assert (
        "| - LIFEN : il est préférable d'avoir un mélange d'inducteurs pour un financement "
        "plus affiné et en meilleure adéquation avec les besoins réels.<br>- MIPIH :"
    ) in text
    assert "$A + B \\times X$<br><br>- A = seuil" in text
    assert "« *mise en œuvre des exigences du référentiel* »" in text


def test_tables_never_break(app):
    text = md(source_of(app, hostile_document()))
    found = tables(text)
    assert [len(t) for t in found] == [6, 5, 2, 10, 4]  # header, people, restitution, RIDA…
    for table in found:
        assert len({len(row) for row in table}) == 1, table
    rida = found[3]
    assert rida[1][2] == f"Objet {SCRIPT} | a|b"
    assert rida[1][3].startswith(SCRIPT) and "- un | deux" in rida[1][3]
    assert rida[1][3].endswith("fin & <b>")
    assert rida[2][4] == "ligne 1ligne 2 |"  # the <br> between the lines is markup


def test_raw_html_is_data(app):
    text = md(source_of(app, hostile_document()))
    assert "<script" not in text and "<b>" not in text
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in text
    assert "fin &amp; &lt;b&gt;" in text
    html = markdown.markdown(text, extensions=["tables"])
    assert "<script" not in html and "&lt;script&gt;" in html
    # A plain-text title never turns into emphasis.
    assert "# Atelier &lt;script&gt;alert('x')&lt;/script&gt; | \\*gras\\* #2" in text


def test_escaping_helpers():
    assert plain("a *b* _c_ [d](e) `f` \\") == "a \\*b\\* \\_c\\_ \\[d\\](e) \\`f\\` \\\\"
    assert cell("a | b") == "a \\| b"
    assert cell("un\r\ndeux\n\n\ntrois |", rich=True) == "un<br>deux<br><br>trois \\|"


def test_empty_meeting_says_so(app):
    doc = demo_document() | {
        "rida": [],
        "comments": [],
        "actions": [],
        "results": None,
        "objectives": [],
        "summary": None,
        "reference_documents": [],
    }
    text = md(source_of(app, doc))
    in_order(
        text,
        [
            "### 3.1 Commentaire(s)",
            "Aucun commentaire.",
            "### 3.2 Résultats de l'atelier",
            "Aucun résultat consigné.",
            "### 3.3 Prochaines actions",
            "Aucune action.",
        ],
    )
    assert "Documents de référence" not in text and "objectifs" not in text
    assert len(tables(text)[3]) == 2  # the RIDA table: its header row only


def test_header_options_markers_and_attendance(app):
    doc = demo_document() | {
        "start_time": "14:00",
        "end_time": "16:00",
        "location": "Visio",
        "organiser": {"last_name": "Durand", "first_name": "Anne", "entity": "DNS"},
    }
    doc["rapporteur"] = {k: v for k, v in doc["participants"][0].items() if k != "attendance"}
    doc["participants"][1]["attendance"] = "excused"
    doc["participants"][2]["attendance"] = "absent"
    text = md(source_of(app, doc))
    in_order(
        text,
        [
            "| Date | 7 janvier 2022, de 14:00 à 16:00 |",
            "| Lieu | Visio |",
            "| Organisateur ¹ | Anne DURAND (DNS) |",
            "| Rédacteur ² | Edouard BRIS |",
            "| BRIS ² | Edouard |",
            "| SLOSAR | Mathieu |",
            "Excusé(s) : Mike GUEYE",
            "Absent(s) : Jean-Baptiste LAPEYRIE",
        ],
    )
    doc = demo_document() | {
        "start_time": "09:30",
        "rapporteur": doc["organiser"]
        | {"last_name": "SLOSAR", "first_name": "Mathieu", "entity": "ANS"},
    }
    text = md(source_of(app, doc))
    assert "| Date | 7 janvier 2022, à 09:30 |" in text
    assert "| SLOSAR ¹ ² | Mathieu |" in text


def test_follow_up_lists_open_actions_of_earlier_meetings(app):
    source_of(app, demo_document())
    later = demo_document() | {
        "date": "2022-02-04",
        "title": "Atelier modèle économique #2",
        "actions": [],
    }
    text = md(source_of(app, later))
    in_order(
        text,
        [
            "### 3.3 Prochaines actions",
            "Aucune action.",
            "### 3.4 Suivi des actions",
            "| Réunion | Action | Porteur | Échéance | Statut |",
            "| Atelier modèle économique #1 (07/01/2022) | Action 1 : Entretiens bilatéraux",
            "| Mathieu SLOSAR (ANS) | 04/02/2022 | À faire |",
        ],
    )
    assert len(re.findall(r"^\| Atelier modèle économique #1 ", text, re.M)) == 3
