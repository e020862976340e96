"""The dashboard benchmark keeps working: a small run of the whole script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a benchmark run

ROOT = Path(__file__).resolve().parents[1]


def test_small_run_writes_its_figures():
    name = "actions-smoke"
    done = subprocess.run(
        [
            sys.executable,
            "benchmarks/actions.py",
            "--meetings",
            "20",
            "--per-meeting",
            "5",
            "--runs",
            "2",
            "--results-name",
            name,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "member / overdue" in done.stdout
    result = json.loads((ROOT / "benchmarks" / "results" / f"{name}.json").read_text())
    assert {r["scenario"] for r in result["results"]} >= {"none", "mine", "owner"}
    assert all(r["page"]["p95_ms"] > 0 for r in result["results"])
