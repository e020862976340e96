"""Full-text search: rida's search beside SQLite FTS5 and tantivy, on the same archive.

For each size (``--rows``, default 10,000 and 100,000 RIDA rows), in process and on a
throw-away data directory: generates a synthetic archive of workshops
(``search_corpus.py``), imports it into a real rida database (``import_document``, timed
apart), then for rida (``rida.search``: ``rebuild``, ``index_meetings``, ``search``), SQLite
FTS5 and tantivy (``search_engines.py``, fed the same documents and rida's French analysis):

- indexing throughput (rows/s; the references' time includes reading the database and
  the analysis in Python, as rida's ``rebuild`` does);
- incremental update latency: one row's answer gets a new word, then the time until a
  query for it finds it (rida: ``index_meetings`` of its meeting, then ``search``);
- query latency p50/p95 over a mix of realistic queries (organisations, topics, phrases,
  operators, filters by series/nature/date, date sort), top 20 with the total; rida also
  as a reader (access filter) for information;
- the totals of each query, engine against engine (differences are reported, not fatal).

    .venv/bin/python benchmarks/search.py [--rows 10000 100000] [--quick] [--repeat 5]

Prints a table per size with the ratios rida/FTS5 and rida/tantivy and writes
``benchmarks/results/search.json``. Exit status 1 only if an engine failed.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import check_machine_idle, print_table, write_results
from search_corpus import workshops
from search_engines import Fts5, Tantivy
from search_rida import QUERIES, Rida, documents, row_document, timed_queries, update_word

TARGET_P95_MS = 100.0
TARGET_UPDATE_S = 2.0
TARGET_ROWS = 100_000


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def fill(app: Any, rows: int, seed: int) -> dict[str, Any]:
    from rida.db import write_session
    from rida.exchange import import_document

    start = time.perf_counter()
    docs = list(workshops(rows, seed))
    generated = time.perf_counter() - start
    engine = app.extensions["rida.engine"]
    start = time.perf_counter()
    for i in range(0, len(docs), 100):
        with write_session(engine) as s:
            for d in docs[i : i + 100]:
                import_document(s, d)
    return {
        "meetings": len(docs),
        "rows": rows,
        "actions": sum(len(d["actions"]) for d in docs),
        "generate_s": round(generated, 2),
        "db_fill_s": round(time.perf_counter() - start, 2),
    }


def measure_updates(rida: Rida, refs: list[Any], count: int) -> dict[str, list[float]]:
    """Seconds from a change to a query that finds the new word. For rida, the real path:
    the change is committed as the app commits (queued in the outbox in the same
    transaction) and the app's indexer thread makes it searchable; the clock starts
    before the commit. The references are given the new document directly."""
    times: dict[str, list[float]] = {e.name: [] for e in [rida, *refs]}
    for i in range(count):
        start = time.perf_counter()
        meeting_id, word = rida.change_row(i)
        wait_visible(rida, word, start)
        times[rida.name].append(time.perf_counter() - start)
        doc = row_document(rida.app, meeting_id, 1)
        for engine in refs:
            start = time.perf_counter()
            engine.replace(doc)
            wait_visible(engine, word, start)
            times[engine.name].append(time.perf_counter() - start)
    return times


def wait_visible(engine: Any, word: str, start: float, limit: float = 30.0) -> None:
    while engine.search(update_word(word))[0] < 1:
        if time.perf_counter() - start > limit:
            log(f"{engine.name}: update {word!r} not visible after {limit:.0f} s")
            return
        time.sleep(0.01)


def run_size(rows: int, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    from rida import create_app
    from rida.search import indexer

    data = tmp / f"rows{rows}"
    app = create_app(
        {
            "DATA_DIR": data,
            "EXPORT_DIR": data / "exports",
            "DATABASE_URL": f"sqlite:///{data / 'rida.sqlite3'}",
            "SECRET_KEY": secrets.token_hex(16),
            "SEARCH_INDEXER": False,
        }
    )
    log(f"[{rows} rows] filling the database…")
    corpus = fill(app, rows, args.seed)
    rida = Rida(app)
    log(f"[{rows} rows] rida: rebuild…")
    engines: dict[str, dict[str, Any]] = {"rida": {"index_s": rida.build()}}
    app.config["SEARCH_INDEXER"] = True  # from now on, as in a server: the indexer thread
    indexer.init_app(app)
    start = time.perf_counter()
    docs = documents(app)
    extract_s = time.perf_counter() - start
    corpus["documents"] = len(docs)
    refs: list[Any] = [Fts5(data / "fts5.sqlite3")]
    if not args.no_tantivy:
        try:
            refs.append(Tantivy(data / "tantivy"))
        except ImportError:
            log("tantivy is not installed (pip install -e '.[bench]'): column skipped")
    for engine in refs:
        log(f"[{rows} rows] {engine.name}: indexing…")
        start = time.perf_counter()
        engine.build(docs)
        engines[engine.name] = {
            "index_s": round(extract_s + time.perf_counter() - start, 2),
            "engine_only_index_s": round(time.perf_counter() - start, 2),
        }
    del docs
    log(f"[{rows} rows] incremental updates…")
    updates = measure_updates(rida, refs, args.updates)
    log(f"[{rows} rows] queries ({len(QUERIES)} × {args.repeat})…")
    totals: dict[str, dict[str, int]] = {}
    for engine in [rida, *refs]:
        result = engines[engine.name]
        result["rows_per_s"] = round(rows / result["index_s"], 1)
        result["update"] = updates[engine.name]
        result["query"], result["per_query"], totals[engine.name] = timed_queries(
            engine.search, args.repeat
        )
    reader = rida.as_reader()
    engines["rida (reader)"] = {"index_s": None, "update": []}
    engines["rida (reader)"]["query"], engines["rida (reader)"]["per_query"], _ = timed_queries(
        reader, args.repeat
    )
    return {
        "rows": rows,
        "corpus": corpus,
        "engines": engines,
        "disagreements": disagreements(totals),
        "totals": totals,
    }


def disagreements(totals: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    found = []
    for q in QUERIES:
        counts = {name: t[q.label] for name, t in totals.items()}
        if len(set(counts.values())) > 1:
            found.append({"query": q.label, "totals": counts})
    return found


def _ms(samples: list[float], which: str = "p50") -> float:
    from _common import summarise

    return summarise(samples)[f"{which}_ms"] if samples else float("nan")


def report(size: dict[str, Any]) -> None:
    c = size["corpus"]
    print(
        f"\nSearch, {size['rows']} RIDA rows ({c['meetings']} meetings, {c['actions']} "
        f"actions, {c['documents']} documents); database filled in {c['db_fill_s']:.1f} s"
    )
    table = []
    for name, e in size["engines"].items():
        q = e["query"]
        table.append(
            (
                name,
                "-" if e["index_s"] is None else e["index_s"],
                e.get("rows_per_s", "-"),
                _ms(e["update"], "p50"),
                _ms(e["update"], "max"),
                q["p50_ms"],
                q["p95_ms"],
                q["max_ms"],
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
            "query max ms",
        ),
        table,
    )
    for ratio in ratios(size):
        print(
            f"  rida/{ratio['engine']}: index ×{ratio['index']:.1f}, update ×"
            f"{ratio['update_p50']:.1f}, query p50 ×{ratio['query_p50']:.1f}, p95 ×"
            f"{ratio['query_p95']:.1f}"
        )
    slow = sorted(size["engines"]["rida"]["per_query"], key=lambda p: -p["p50_ms"])[:3]
    print(
        "  slowest rida queries: " + ", ".join(f"{p['label']} {p['p50_ms']:.0f} ms" for p in slow)
    )
    for d in size["disagreements"]:
        print(
            f"  totals differ for {d['query']}: "
            + ", ".join(f"{k} {v}" for k, v in d["totals"].items())
        )


def ratios(size: dict[str, Any]) -> list[dict[str, Any]]:
    e = size["engines"]
    rida = e["rida"]
    found = []
    for name in ("FTS5", "tantivy"):
        if name in e:
            ref = e[name]
            found.append(
                {
                    "engine": name,
                    "index": rida["index_s"] / ref["index_s"],
                    "update_p50": _ms(rida["update"]) / _ms(ref["update"]),
                    "query_p50": rida["query"]["p50_ms"] / ref["query"]["p50_ms"],
                    "query_p95": rida["query"]["p95_ms"] / ref["query"]["p95_ms"],
                }
            )
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows",
        type=int,
        nargs="+",
        default=[10_000, 100_000],
        help="archive sizes in RIDA rows (default: 10000 100000)",
    )
    parser.add_argument("--quick", action="store_true", help="one small archive of 1000 rows")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of the query mix")
    parser.add_argument("--updates", type=int, default=5, help="incremental updates timed")
    parser.add_argument("--seed", type=int, default=4, help="seed of the synthetic archive")
    parser.add_argument("--no-tantivy", action="store_true", help="skip the tantivy column")
    parser.add_argument(
        "--results-name", default="search", help="benchmarks/results/<name>.json (default: search)"
    )
    args = parser.parse_args()
    if args.quick:
        args.rows, args.repeat, args.updates = [1000], 2, 2
    if not all(100 <= r <= 1_000_000 for r in args.rows) or not 1 <= args.repeat <= 100:
        parser.error("sizes out of range")
    load = check_machine_idle()
    tmp = Path(tempfile.mkdtemp(prefix="rida-bench-search-"))
    started = time.perf_counter()
    try:
        sizes = [run_size(rows, args, tmp) for rows in args.rows]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for size in sizes:
        report(size)
        size["ratios"] = ratios(size)
    big = [s for s in sizes if s["rows"] >= TARGET_ROWS] or sizes[-1:]
    p95 = big[-1]["engines"]["rida"]["query"]["p95_ms"]
    update = max(big[-1]["engines"]["rida"]["update"], default=float("nan"))
    print(
        f"\nTargets at {big[-1]['rows']} rows: rida query p95 < {TARGET_P95_MS:.0f} ms: "
        f"{p95:.0f} ms, {'met' if p95 < TARGET_P95_MS else 'MISSED'}; update visible < "
        f"{TARGET_UPDATE_S:.0f} s: {update:.2f} s, "
        f"{'met' if update < TARGET_UPDATE_S else 'MISSED'}"
    )
    path = write_results(
        args.results_name,
        {
            "description": "rida search (whoosh) vs SQLite FTS5 vs tantivy on the same synthetic "
            "archive, in process; query = top 20 + total",
            "config": {
                "rows": args.rows,
                "repeat": args.repeat,
                "updates": args.updates,
                "seed": args.seed,
                "queries": [
                    q.__dict__ | {"date_from": str(q.date_from), "date_to": str(q.date_to)}
                    for q in QUERIES
                ],
            },
            "target": {"p95_ms": TARGET_P95_MS, "update_s": TARGET_UPDATE_S, "rows": TARGET_ROWS},
            "sizes": sizes,
            "load_average_at_start": load,
            "duration_s": round(time.perf_counter() - started, 1),
        },
    )
    print(f"Results: {path} ({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
