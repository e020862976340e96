"""Full-text search: rida's two engines side by side, Whoosh (on SQLite) and PostgreSQL
(inside the database), beside SQLite FTS5 and tantivy, on the same archive.

For each size (``--rows``, default 10,000 and 100,000 RIDA rows), in process and on
throw-away databases: generates a synthetic archive of workshops (``search_corpus.py``),
imports it into a real rida database (``import_document``, timed apart; on PostgreSQL the
import writes the index in the same transactions), then for each rida engine
(``rida.search``: ``rebuild``, the change path, ``search``), SQLite FTS5 and tantivy
(``search_engines.py``, fed the same documents and rida's French analysis):

- indexing throughput (rows/s; the references' time includes reading the database and
  the analysis in Python, as rida's ``rebuild`` does);
- incremental update latency: one row's answer gets a new word, committed as the app
  commits, then the time until a query finds it (Whoosh: the outbox and the indexer
  thread; PostgreSQL: the commit itself);
- query latency p50/p95 (PostgreSQL: after ``VACUUM ANALYZE`` of the rebuilt index, as
  autovacuum leaves it), wall and CPU time (this process, plus the PostgreSQL server
  processes of the benchmark's connections), over a mix of realistic queries
  (organisations, topics, phrases, operators, filters by series/nature/date, date sort),
  top 20 with the total, facets and snippets; as an admin and as a reader (the access
  rule at work);
- the totals of each query, engine against engine (differences are reported, not fatal).

    .venv/bin/python benchmarks/search.py [--rows 10000 100000] [--quick] [--repeat 5]
        [--postgres-url URL] [--engines whoosh fts5 tantivy postgresql]

``--engines`` measures some columns only (``--engines postgresql``: no SQLite archive, no
Whoosh index, which takes half an hour at 100,000 rows); FTS5 and tantivy are measured
beside Whoosh (their update goes through its change path), so they need it.

PostgreSQL runs when a server is given (``--postgres-url``, else RIDA_BENCH_POSTGRES_URL
or RIDA_TEST_POSTGRES_URL), in a schema of its own dropped after. Prints a table per size
and writes ``benchmarks/results/search.json``. Exit status 1 only if an engine failed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import check_machine_idle, write_results
from search_corpus import workshops
from search_engines import Fts5, Tantivy
from search_report import TARGET_P95_MS, TARGET_ROWS, TARGET_UPDATE_S, report, summary
from search_rida import QUERIES, Rida, documents, row_document, timed_queries, update_word

ENGINES = ("whoosh", "fts5", "tantivy", "postgresql")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def fill_with(app: Any, docs: list[dict[str, Any]]) -> dict[str, Any]:
    """Import ``docs`` (100 per transaction); the time it took."""
    from rida.db import write_session
    from rida.exchange import import_document

    engine = app.extensions["rida.engine"]
    start = time.perf_counter()
    for i in range(0, len(docs), 100):
        with write_session(engine) as s:
            for d in docs[i : i + 100]:
                import_document(s, d)
    return {"db_fill_s": round(time.perf_counter() - start, 2)}


def fill(app: Any, rows: int, seed: int) -> dict[str, Any]:
    """A synthetic archive of ``rows`` RIDA rows imported into ``app`` (benchmarks/load.py
    uses it too)."""
    start = time.perf_counter()
    docs = list(workshops(rows, seed))
    generated = time.perf_counter() - start
    return {
        "meetings": len(docs),
        "rows": rows,
        "actions": sum(len(d["actions"]) for d in docs),
        "generate_s": round(generated, 2),
        **fill_with(app, docs),
    }


def measure_updates(rida: Rida, refs: list[Any], count: int) -> dict[str, list[float]]:
    """Seconds from a change to a query that finds the new word. For rida, the real path:
    the clock starts before the commit of the change. The references are given the new
    document directly."""
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


def measured(rida: Rida, refs: list[Any], args: argparse.Namespace, index_s: float) -> dict:
    """Everything but the indexing of one rida engine (and the references given)."""
    from rida.search import indexer

    found: dict[str, dict[str, Any]] = {rida.name: {"index_s": index_s}}
    if rida.engine.dialect.name == "sqlite":
        rida.app.config["SEARCH_INDEXER"] = True  # from now on, as in a server
        indexer.init_app(rida.app)
    updates = measure_updates(rida, refs, args.updates)
    for engine in [rida, *refs]:
        result = found.setdefault(engine.name, {})
        result["update"] = updates[engine.name]
        result |= timed_queries(engine.search, args.repeat, getattr(engine, "clock", None))
    reader = timed_queries(rida.as_reader(), args.repeat, rida.clock)
    found[f"{rida.name} (reader)"] = {"index_s": None, "update": []} | reader
    worker = indexer.of(rida.app)
    if worker is not None:
        worker.stop()
    return found


def run_size(rows: int, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    from search_apps import postgresql_app

    start = time.perf_counter()
    docs = list(workshops(rows, args.seed))
    corpus: dict[str, Any] = {
        "meetings": len(docs),
        "rows": rows,
        "actions": sum(len(d["actions"]) for d in docs),
        "generate_s": round(time.perf_counter() - start, 2),
    }
    engines: dict[str, dict[str, Any]] = {}
    if "whoosh" in args.engines:
        engines |= run_sqlite(rows, args, tmp, docs, corpus)
    if args.postgres_url and "postgresql" in args.engines:
        with postgresql_app(tmp / f"rows{rows}-pg", args.postgres_url) as (app, application):
            log(f"[{rows} rows] postgresql: filling the database (indexed as it goes)…")
            corpus["db_fill_postgresql_s"] = fill_with(app, docs)["db_fill_s"]
            rida = Rida(app, "postgresql", application)
            log(f"[{rows} rows] postgresql: rebuild…")
            index_s = rida.build()
            corpus.setdefault("documents", rida.doc_count())
            corpus["vacuum_postgresql_s"] = vacuum(app)
            log(f"[{rows} rows] postgresql: updates and queries…")
            engines |= measured(rida, [], args, index_s)
    for result in engines.values():
        if result.get("index_s"):
            result["rows_per_s"] = round(rows / result["index_s"], 1)
    totals = {name: e.pop("totals") for name, e in engines.items() if "totals" in e}
    totals = {name: t for name, t in totals.items() if "(reader)" not in name}
    return {
        "rows": rows,
        "corpus": corpus,
        "engines": engines,
        "disagreements": disagreements(totals),
        "totals": totals,
    }


def vacuum(app: Any) -> float:
    """``VACUUM ANALYZE`` of the index tables after the rebuild (its DELETE leaves as many
    dead rows as live ones), as autovacuum does within a minute or so: the queries are
    measured on the index as it stays, not in the minute after a rebuild."""
    from sqlalchemy import text

    start = time.perf_counter()
    engine = app.extensions["rida.engine"]
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("search_document", "search_word"):
            conn.execute(text(f"VACUUM ANALYZE {table}"))
    return round(time.perf_counter() - start, 2)


def run_sqlite(
    rows: int, args: argparse.Namespace, tmp: Path, docs: list[Any], corpus: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Whoosh on SQLite, and the references (FTS5, tantivy) fed the same documents."""
    from search_apps import sqlite_app

    engines: dict[str, dict[str, Any]] = {}
    with sqlite_app(tmp / f"rows{rows}") as app:
        log(f"[{rows} rows] whoosh: filling the database…")
        corpus |= fill_with(app, docs)
        rida = Rida(app, "whoosh")
        log(f"[{rows} rows] whoosh: rebuild…")
        index_s = rida.build()
        start = time.perf_counter()
        docs_for_refs = documents(app)
        extract_s = time.perf_counter() - start
        corpus["documents"] = len(docs_for_refs)
        refs = references(tmp / f"rows{rows}", args, docs_for_refs, extract_s, engines)
        del docs_for_refs
        log(f"[{rows} rows] whoosh and references: updates and queries…")
        engines |= merge(engines, measured(rida, refs, args, index_s))
    return engines


def references(
    data: Path, args: argparse.Namespace, docs: list[Any], extract_s: float, engines: dict
) -> list[Any]:
    refs: list[Any] = [Fts5(data / "fts5.sqlite3")] if "fts5" in args.engines else []
    if not args.no_tantivy and "tantivy" in args.engines:
        try:
            refs.append(Tantivy(data / "tantivy"))
        except ImportError:
            log("tantivy is not installed (pip install -e '.[bench]'): column skipped")
    for engine in refs:
        log(f"{engine.name}: indexing…")
        start = time.perf_counter()
        engine.build(docs)
        engines[engine.name] = {
            "index_s": round(extract_s + time.perf_counter() - start, 2),
            "engine_only_index_s": round(time.perf_counter() - start, 2),
        }
    return refs


def merge(a: dict[str, dict], b: dict[str, dict]) -> dict[str, dict]:
    return {name: a.get(name, {}) | b.get(name, {}) for name in [*a, *b]}


def disagreements(totals: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    found = []
    for q in QUERIES:
        counts = {name: t[q.label] for name, t in totals.items()}
        if len(set(counts.values())) > 1:
            found.append({"query": q.label, "totals": counts})
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
        "--engines",
        nargs="+",
        choices=ENGINES,
        default=list(ENGINES),
        help="columns measured (default: all; fts5 and tantivy need whoosh)",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("RIDA_BENCH_POSTGRES_URL")
        or os.environ.get("RIDA_TEST_POSTGRES_URL"),
        help="PostgreSQL server for the postgresql engine (a schema is created and dropped)",
    )
    parser.add_argument(
        "--results-name", default="search", help="benchmarks/results/<name>.json (default: search)"
    )
    args = parser.parse_args()
    if args.quick:
        args.rows, args.repeat, args.updates = [1000], 2, 2
    if not all(100 <= r <= 1_000_000 for r in args.rows) or not 1 <= args.repeat <= 100:
        parser.error("sizes out of range")
    if {"fts5", "tantivy"} & set(args.engines) and "whoosh" not in args.engines:
        parser.error("fts5 and tantivy are measured beside whoosh: add it to --engines")
    if not args.postgres_url:
        log("no PostgreSQL server (--postgres-url): the postgresql engine is skipped")
    load = check_machine_idle()
    tmp = Path(tempfile.mkdtemp(prefix="rida-bench-search-"))
    started = time.perf_counter()
    try:
        sizes = [run_size(rows, args, tmp) for rows in args.rows]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for size in sizes:
        report(size)
    print(summary(sizes))
    config = {k: v for k, v in vars(args).items() if k != "postgres_url"}
    path = write_results(
        args.results_name,
        {
            "description": "rida search, Whoosh and PostgreSQL engines, vs SQLite FTS5 and "
            "tantivy on the same synthetic archive, in process; query = top 20 + total, "
            "facets and snippets; CPU = this process + the PostgreSQL server's",
            "config": config
            | {
                "postgresql": bool(args.postgres_url) and "postgresql" in args.engines,
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
