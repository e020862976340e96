"""The search benchmark's printed report: one table per size, the engines side by side
(wall and CPU time per query), ratios to the references, the targets."""

from __future__ import annotations

import math
from typing import Any

from _common import print_table, summarise

TARGET_P95_MS = 100.0
TARGET_UPDATE_S = 2.0
TARGET_ROWS = 100_000
LABELS = {
    "whoosh": "rida, Whoosh",
    "whoosh (reader)": "rida, Whoosh, lecteur",
    "postgresql": "rida, PostgreSQL",
    "postgresql (reader)": "rida, PostgreSQL, lecteur",
}


def ms(samples: list[float], which: str = "p50") -> float:
    return summarise(samples)[f"{which}_ms"] if samples else math.nan


def report(size: dict[str, Any]) -> None:
    c = size["corpus"]
    fills = [f"{c['db_fill_s']:.1f} s (SQLite)"] if "db_fill_s" in c else []
    if "db_fill_postgresql_s" in c:
        fills.append(f"{c['db_fill_postgresql_s']:.1f} s (PostgreSQL, indexed as it goes)")
    filled = "database filled in " + ", ".join(fills)
    print(
        f"\nSearch, {size['rows']} RIDA rows ({c['meetings']} meetings, {c['actions']} "
        f"actions, {c.get('documents', '?')} documents); {filled}"
    )
    table = []
    for name, e in size["engines"].items():
        q, cpu = e["query"], e.get("cpu") or {}
        table.append(
            (
                LABELS.get(name, name),
                "-" if e.get("index_s") is None else e["index_s"],
                e.get("rows_per_s", "-"),
                ms(e["update"], "p50"),
                ms(e["update"], "max"),
                q["p50_ms"],
                q["p95_ms"],
                cpu.get("p50_ms", math.nan),
                cpu.get("p95_ms", math.nan),
            )
        )
    print_table(
        (
            "engine",
            "index s",
            "rows/s",
            "update p50 ms",
            "update max ms",
            "query p50 ms",
            "query p95 ms",
            "cpu p50 ms",
            "cpu p95 ms",
        ),
        table,
    )
    e = size["engines"]
    if "whoosh" in e and "postgresql" in e:
        w, p = e["whoosh"], e["postgresql"]
        print(
            f"  PostgreSQL / Whoosh: query p50 ×{p['query']['p50_ms'] / w['query']['p50_ms']:.2f},"
            f" p95 ×{p['query']['p95_ms'] / w['query']['p95_ms']:.2f}; CPU p50 ×"
            f"{p['cpu']['p50_ms'] / w['cpu']['p50_ms']:.2f}, p95 ×"
            f"{p['cpu']['p95_ms'] / w['cpu']['p95_ms']:.2f}"
            + ("" if p.get("cpu_includes_server") else " (server CPU not readable)")
        )
    for name in ("whoosh", "postgresql"):
        if name in e:
            slow = sorted(e[name]["per_query"], key=lambda x: -x["p50_ms"])[:3]
            print(
                f"  slowest {name} queries: "
                + ", ".join(f"{x['label']} {x['p50_ms']:.0f} ms" for x in slow)
            )
    for d in size["disagreements"]:
        print(
            f"  totals differ for {d['query']}: "
            + ", ".join(f"{k} {v}" for k, v in d["totals"].items())
        )


def summary(sizes: list[dict[str, Any]]) -> str:
    big = [s for s in sizes if s["rows"] >= TARGET_ROWS] or sizes[-1:]
    lines = []
    for name in ("whoosh", "postgresql"):
        engine = big[-1]["engines"].get(name)
        if engine is None:
            continue
        p95 = engine["query"]["p95_ms"]
        update = max(engine["update"], default=math.nan)
        lines.append(
            f"Targets at {big[-1]['rows']} rows, {LABELS[name]}: query p95 < "
            f"{TARGET_P95_MS:.0f} ms: {p95:.0f} ms, {'met' if p95 < TARGET_P95_MS else 'MISSED'};"
            f" update visible < {TARGET_UPDATE_S:.0f} s: {update:.2f} s, "
            f"{'met' if update < TARGET_UPDATE_S else 'MISSED'}"
        )
    return "\n" + "\n".join(lines)
