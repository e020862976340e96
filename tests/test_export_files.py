"""Standard file names of the generated documents, and their atomic writing."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from rida.circuit import files
from tests.conftest import demo_document

SAFE = re.compile(r"[A-Za-z0-9._-]+")


def name(fmt: str = "docx", **fields: str) -> str:
    return files.file_name(demo_document() | fields, fmt)


def test_demo_name():
    assert name() == "2022-01-07_TF-MSSante_Atelier-modele-economique-1_v1.0.docx"
    assert (
        name("pdf", version="0.3") == "2022-01-07_TF-MSSante_Atelier-modele-economique-1_v0.3.pdf"
    )


def test_accents_punctuation_and_abbreviations():
    assert (
        name(series="Groupe de travail Hébergement", title="Réunion d'œuvre « été » #12 !")
        == "2022-01-07_GT-Hebergement_Reunion-d-oeuvre-ete-12_v1.0.docx"
    )
    assert (
        name(series="task   forces ÉTÉ", title="../../etc/passwd")
        == "2022-01-07_TF-ETE_etc-passwd_v1.0.docx"
    )
    assert name(series="", title="« … »") == "2022-01-07_serie_sans-titre_v1.0.docx"
    assert name(title="日本語") == "2022-01-07_TF-MSSante_sans-titre_v1.0.docx"


def test_long_titles_are_cut_between_words():
    long = name(series="Task Force " + "Interopérabilité " * 10, title="Atelier " * 40)
    date, series, title, version = long.split("_")
    assert len(series) <= files.SERIES_MAX and series.startswith("TF-Interoperabilite")
    assert len(title) <= files.TITLE_MAX and title.endswith("Atelier")
    assert version == "v1.0.docx" and len(long) < 150
    assert name(title="x" * 500).split("_")[2] == "x" * files.TITLE_MAX


@given(
    series=st.text(max_size=300),
    title=st.text(max_size=300),
    fmt=st.sampled_from(files.EXPORT_FORMATS),
)
def test_any_text_gives_a_safe_name(series, title, fmt):
    result = files.file_name(demo_document() | {"series": series, "title": title}, fmt)
    assert SAFE.fullmatch(result), result
    assert ".." not in result and "/" not in result and not result.startswith((".", "-"))
    assert result.startswith("2022-01-07_") and result.endswith(f"_v1.0.{fmt}")
    assert len(result) <= 150


def test_save_is_atomic_and_replaces(tmp_path):
    doc = demo_document()
    first = files.save(tmp_path / "exports", doc, "md", b"one")
    second = files.save(tmp_path / "exports", doc, "md", b"two")
    assert first == second and second.read_bytes() == b"two"
    assert [p.name for p in (tmp_path / "exports").iterdir()] == [second.name]
