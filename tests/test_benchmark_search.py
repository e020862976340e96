"""The search benchmark keeps working: its corpus, and a --quick run of the whole script
(both rida engines when a PostgreSQL server is given, as in CI)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rida.exchange import validate

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from search_corpus import workshops  # noqa: E402

pytestmark = pytest.mark.slow  # a benchmark run of four engines


def test_corpus_is_deterministic_valid_and_exactly_sized():
    docs = list(workshops(1000, seed=7))
    assert sum(len(d["rida"]) for d in docs) == 1000
    assert docs == list(workshops(1000, seed=7))
    assert docs != list(workshops(1000, seed=8))
    for d in docs:
        validate(d)
    text = " ".join(r["question"] + r["answer"] for d in docs for r in d["rida"])
    assert "ANS" in text and "\u00a0:" in text and "’" in text


@pytest.mark.timeout(600)
def test_quick_run_compares_the_engines():
    name = "search-smoke"
    done = subprocess.run(
        [sys.executable, "benchmarks/search.py", "--quick", "--results-name", name],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=540,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "query p95 ms" in done.stdout and "cpu p95 ms" in done.stdout
    result = json.loads((ROOT / "benchmarks" / "results" / f"{name}.json").read_text())
    (size,) = result["sizes"]
    assert size["rows"] == 1000
    engines = size["engines"]
    rida = {"whoosh"} | ({"postgresql"} if os.environ.get("RIDA_TEST_POSTGRES_URL") else set())
    expected = rida | {f"{e} (reader)" for e in rida} | {"FTS5"}
    try:
        import tantivy  # noqa: F401

        expected.add("tantivy")
    except ImportError:
        pass
    assert expected <= set(engines)
    for name in expected - {f"{e} (reader)" for e in rida}:
        assert engines[name]["rows_per_s"] > 0
        assert len(engines[name]["update"]) == 2
        assert max(engines[name]["update"]) < 10
    for name in rida:
        assert engines[name]["cpu"]["p50_ms"] > 0
    # FTS5 and tantivy see the same analysed terms: their totals agree.
    if "tantivy" in engines:
        assert size["totals"]["FTS5"] == size["totals"]["tantivy"]
    # Both rida engines share one analysis: they find the same documents.
    if "postgresql" in rida:
        assert size["totals"]["whoosh"] == size["totals"]["postgresql"]
        assert "PostgreSQL / Whoosh" in done.stdout
    assert size["totals"]["whoosh"]["ANS"] > 0
