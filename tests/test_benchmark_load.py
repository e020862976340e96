"""The load test keeps working: 3 s against the real server, 2 rapporteurs and 2 readers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a benchmark run against the real server

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.timeout(300)
def test_short_load_loses_nothing_and_fails_nothing():
    name = "load-smoke"
    done = subprocess.run(
        [
            sys.executable,
            "benchmarks/load.py",
            "--seconds",
            "3",
            "--rapporteurs",
            "2",
            "--readers",
            "2",
            "--rows",
            "300",
            "--results-name",
            name,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Durability check: ok" in done.stdout
    result = json.loads((ROOT / "benchmarks" / "results" / f"{name}.json").read_text())
    assert result["errors"] == 0, result["error_samples"]
    assert result["lost_edits"] == 0
    assert result["durability"]["ok"], result["durability"]["problems"]
    assert result["durability"]["integrity_check"] == "ok"
    # 2 rapporteurs at 1 edit/s for 3 s, sharing one meeting: every edit was acknowledged
    # and checked in the database.
    assert result["edits_acknowledged"] >= 4
    assert result["edits_acknowledged"] == result["edits_sent"]
    assert result["durability"]["acknowledged_checked"] == result["edits_acknowledged"]
    assert {"autosave", "search page", "search API"} <= set(result["kinds"])
    for kind in ("autosave", "search page", "search API"):
        assert result["kinds"][kind]["p95_ms"] > 0
    assert result["requests"] == sum(
        result["kinds"][k]["requests"] for k in ("autosave", "search page", "search API")
    )


@pytest.mark.timeout(300)
@pytest.mark.skipif(
    not os.environ.get("RIDA_TEST_POSTGRES_URL"), reason="RIDA_TEST_POSTGRES_URL is not set"
)
def test_short_load_side_by_side_on_sqlite_and_postgresql_with_two_processes():
    name = "load-smoke-pg"
    done = subprocess.run(
        [
            sys.executable,
            "benchmarks/load.py",
            *("--seconds", "3", "--rapporteurs", "2", "--readers", "2", "--rows", "200"),
            *("--workers", "2", "--database", "sqlite", "postgresql"),
            *("--postgres-url", os.environ["RIDA_TEST_POSTGRES_URL"]),
            *("--results-name", name),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Side by side" in done.stdout
    result = json.loads((ROOT / "benchmarks" / "results" / f"{name}.json").read_text())
    assert [(r["database"], r["workers"]) for r in result["runs"]] == [
        ("sqlite", 2),
        ("postgresql", 2),
    ]
    for run in result["runs"]:
        assert run["errors"] == 0, run["error_samples"]
        assert run["lost_edits"] == 0
        assert run["durability"]["ok"], run["durability"]["problems"]
        assert run["edits_acknowledged"] == run["durability"]["acknowledged_checked"] >= 4
    assert result["runs"][1]["search_backend"] == "postgresql"
