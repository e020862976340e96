"""Search quality: a French query set with judged rows, against rida's two engines.

The corpus (``data/search_quality_corpus.json``): the two demo meetings
(``rida/fixtures/demo_tf_mssante_*.json``), the search audit's two workshops, a committee
written in the same style (DMP, INS, HDS), and four meetings whose rows are sentences cut
from the seed texts (health-data sovereignty and hosting, the Health Data Hub debate, the
Big Data roadmap with its « opérations de séquençage », an OCR'd interview) — 68 RIDA rows
in all. The queries (``data/search_quality.json``): each with its kind (single word,
inflection, acronym, name, multi-word topic, date, misspelling, phrase, OR, seed topic) and
every row of the corpus relevant to it, judged by reading the corpus.

For each engine (``--backends``): a fresh app (Whoosh: SQLite in a temporary directory;
postgresql: a schema of its own on the server, dropped after), the corpus imported
(``rida.exchange.import_document``), the demo's glossary as the instance's (``MSS =
MSSanté``…, as ``rida demo`` sets it), the index rebuilt, then every query through
``rida.search.search`` as an admin (top 20, relevance order). Only the row hits are
ranked (an action or a meeting header among them is set aside: the judgements are about
rows). Per query and engine:

- top-3 hit: a relevant row among the first 3 rows returned;
- P@5 = relevant rows among the first 5 / 5 (standard; at most R/5 when a query has R < 5
  relevant rows);
- R-capped P@5 = relevant among the first 5 / min(5, R): 1.0 is reachable by every query,
  the **headline** figure, since most queries here have fewer than 5 relevant rows;
- reciprocal rank of the first relevant row (0 if none in the 20), averaged: MRR;
- recall@20: relevant rows found among the 20 (a miss by matching, not by ranking).

Prints the figures per engine, per kind and per source (answers in the demo-like meetings
or in the seeds' meetings), then the queries each engine misses in its top 3, with what it
returned instead. Writes ``benchmarks/results/search_quality.json`` (every query's first 5
rows per engine). Exit status 1 if an engine failed.

    .venv/bin/python benchmarks/search_quality.py [--backends whoosh postgresql]
        [--postgres URL] [--queries q01 q02 …] [--results-name search_quality]

PostgreSQL: ``--postgres``, else RIDA_TEST_POSTGRES_URL, else
``postgresql+psycopg://rida:rida@127.0.0.1/rida_test``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _common import print_table, write_results

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
CORPUS = DATA / "search_quality_corpus.json"
QUERIES = DATA / "search_quality.json"
DEFAULT_POSTGRES = "postgresql+psycopg://rida:rida@127.0.0.1/rida_test"
BACKENDS = ("whoosh", "postgresql")
DEPTH = 20  # results read per query
# The meetings written like the demo (MSSanté task force); the others are cut from seeds.
DEMO_LIKE = frozenset({"demo1", "demo2", "eco3", "ops4", "ops5"})


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def corpus() -> list[tuple[str, dict[str, Any]]]:
    """(meeting key, rida/1 document), the demo's first."""
    data = json.loads(CORPUS.read_text(encoding="utf-8"))
    found = [
        (key, json.loads((ROOT / path).read_text(encoding="utf-8")))
        for key, path in data["demo"].items()
    ]
    return found + [(m["key"], m["document"]) for m in data["meetings"]]


def queries(wanted: list[str] | None = None) -> list[dict[str, Any]]:
    found = json.loads(QUERIES.read_text(encoding="utf-8"))["queries"]
    if wanted:
        unknown = set(wanted) - {q["id"] for q in found}
        if unknown:
            raise SystemExit(f"unknown query ids: {', '.join(sorted(unknown))}")
        found = [q for q in found if q["id"] in wanted]
    return found


def check_judgements(docs: list[tuple[str, dict[str, Any]]], qs: list[dict[str, Any]]) -> None:
    """Every judged row exists in the corpus, and meeting keys and titles are unique."""
    rows = {f"{key}:{r['number']}" for key, doc in docs for r in doc["rida"]}
    titles = [doc["title"] for _, doc in docs]
    assert len(set(titles)) == len(titles), "meeting titles must be unique"
    assert len({k for k, _ in docs}) == len(docs), "meeting keys must be unique"
    for q in qs:
        missing = set(q["relevant"]) - rows
        assert q["relevant"] and not missing, f"{q['id']}: unknown rows {sorted(missing)}"


def source(q: dict[str, Any]) -> str:
    keys = {r.split(":")[0] for r in q["relevant"]}
    if keys <= DEMO_LIKE:
        return "demo"
    return "seeds" if not keys & DEMO_LIKE else "both"


@contextmanager
def engine_app(backend: str, tmp: Path, server: str) -> Iterator[Any]:
    from search_apps import postgresql_app, sqlite_app

    if backend == "whoosh":
        with sqlite_app(tmp / "whoosh") as app:
            app.config["SEARCH_BACKEND"] = "whoosh"
            yield app
    else:
        with postgresql_app(tmp / "postgresql", server) as (app, _application):
            app.config["SEARCH_BACKEND"] = "postgresql"
            yield app


def load(app: Any, docs: list[tuple[str, dict[str, Any]]]) -> tuple[Any, dict[int, str]]:
    """Import the corpus, set the demo's glossary, rebuild the index: (the admin, meeting
    id -> key)."""
    from sqlmodel import Session

    from rida import db, search
    from rida.cli.meetings import DEMO_GLOSSARY
    from rida.exchange import import_document
    from rida.models import User
    from rida.search import glossary

    engine = app.extensions["rida.engine"]
    keys = {}
    with app.app_context():
        with db.write_session(engine) as s:
            for key, doc in docs:
                keys[import_document(s, doc).id] = key
            glossary.set_groups(s, None, DEMO_GLOSSARY)
            admin = User(login="bench-admin", password_hash="-", role="admin")
            s.add(admin)
        with Session(engine) as s:
            search.rebuild(s)
    return admin, keys


def run_queries(
    app: Any, admin: Any, keys: dict[int, str], qs: list[dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Query id -> the row keys returned (in order), the other hits, the message."""
    from sqlmodel import Session

    from rida import search

    engine = app.extensions["rida.engine"]
    found = {}
    with app.app_context(), Session(engine) as s:
        for q in qs:
            results = search.search(s, admin, search.Query(q["text"], per_page=DEPTH))
            rows = [f"{keys[h.meeting]}:{h.row}" for h in results.hits if h.kind == "row"]
            found[q["id"]] = {
                "rows": rows,
                "other_hits": sum(1 for h in results.hits if h.kind != "row"),
                "total": results.total,
                "message": results.message,
                "suggestion": results.suggestion,
            }
    return found


def score(q: dict[str, Any], rows: list[str]) -> dict[str, Any]:
    relevant = set(q["relevant"])
    in5 = sum(1 for r in rows[:5] if r in relevant)
    first = next((i for i, r in enumerate(rows, 1) if r in relevant), None)
    return {
        "top3": any(r in relevant for r in rows[:3]),
        "p5": in5 / 5,
        "p5_capped": in5 / min(5, len(relevant)),
        "rr": 1 / first if first else 0.0,
        "recall20": len(relevant & set(rows)) / len(relevant),
    }


MEASURES = ("top3", "p5_capped", "p5", "rr", "recall20")
LABELS = {
    "top3": "top-3 hit",
    "p5_capped": "P@5 R-capped",
    "p5": "P@5",
    "rr": "MRR",
    "recall20": "recall@20",
}


def mean(scores: list[dict[str, Any]]) -> dict[str, float]:
    return {m: round(sum(float(s[m]) for s in scores) / len(scores), 3) for m in MEASURES}


def summarise(qs: list[dict[str, Any]], per_query: dict[str, dict[str, Any]]) -> dict[str, Any]:
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for q in qs:
        by_kind[q["kind"]].append(per_query[q["id"]]["score"])
        by_source[source(q)].append(per_query[q["id"]]["score"])
    return {
        "queries": len(qs),
        "overall": mean([per_query[q["id"]]["score"] for q in qs]),
        "by_kind": {k: {"queries": len(v), **mean(v)} for k, v in by_kind.items()},
        "by_source": {k: {"queries": len(v), **mean(v)} for k, v in sorted(by_source.items())},
        "top3_misses": [q["id"] for q in qs if not per_query[q["id"]]["score"]["top3"]],
    }


def run_backend(
    backend: str, docs: list[tuple[str, dict[str, Any]]], qs: list[dict[str, Any]], server: str
) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix=f"rida-bench-quality-{backend}-"))
    try:
        with engine_app(backend, tmp, server) as app:
            start = time.perf_counter()
            admin, keys = load(app, docs)
            loaded = time.perf_counter() - start
            start = time.perf_counter()
            found = run_queries(app, admin, keys, qs)
            ran = time.perf_counter() - start
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    per_query = {}
    for q in qs:
        f = found[q["id"]]
        per_query[q["id"]] = {
            "score": score(q, f["rows"]),
            "top5": f["rows"][:5],
            "rows_returned": len(f["rows"]),
            "other_hits": f["other_hits"],
            "total": f["total"],
            **({"message": f["message"]} if f["message"] else {}),
            **({"suggestion": f["suggestion"]} if f["suggestion"] else {}),
        }
    return {
        "load_s": round(loaded, 2),
        "queries_s": round(ran, 2),
        "summary": summarise(qs, per_query),
        "per_query": per_query,
    }


def fmt(value: float) -> str:
    return f"{value:.2f}"


def report(qs: list[dict[str, Any]], results: dict[str, dict[str, Any]]) -> None:
    names = list(results)
    print(f"\nSearch quality: {len(qs)} queries, rows ranked in each engine's top {DEPTH}\n")
    print_table(
        ["measure", *names],
        [[LABELS[m], *(fmt(results[n]["summary"]["overall"][m]) for n in names)] for m in MEASURES],
    )
    for group in ("by_kind", "by_source"):
        print(f"\nTop-3 hit rate / R-capped P@5 / MRR, {group.replace('_', ' ')}\n")
        first = results[names[0]]["summary"][group]
        table = []
        for key, values in first.items():
            cells = []
            for n in names:
                v = results[n]["summary"][group][key]
                cells.append(f"{fmt(v['top3'])} / {fmt(v['p5_capped'])} / {fmt(v['rr'])}")
            table.append([key, values["queries"], *cells])
        print_table([group.split("_")[1], "queries", *names], table)
    by_id = {q["id"]: q for q in qs}
    for n in names:
        misses = results[n]["summary"]["top3_misses"]
        print(f"\n{n}: {len(misses)} queries without a relevant row in the top 3")
        for qid in misses:
            q, r = by_id[qid], results[n]["per_query"][qid]
            returned = ", ".join(r["top5"][:3]) or "nothing"
            extra = f" — suggestion « {r['suggestion']} »" if r.get("suggestion") else ""
            print(
                f"  {qid} [{q['kind']}] {q['text']!r}: got {returned}; "
                f"expected {', '.join(q['relevant'][:4])}{'…' if len(q['relevant']) > 4 else ''}"
                f"{extra}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS), help="engines to run"
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("RIDA_TEST_POSTGRES_URL") or DEFAULT_POSTGRES,
        help="PostgreSQL server (a schema is created and dropped); default "
        "RIDA_TEST_POSTGRES_URL, else " + DEFAULT_POSTGRES,
    )
    parser.add_argument("--queries", nargs="+", metavar="ID", help="only these queries")
    parser.add_argument(
        "--results-name",
        default="search_quality",
        help="benchmarks/results/<name>.json (default: search_quality)",
    )
    args = parser.parse_args()
    docs = corpus()
    qs = queries(args.queries)
    check_judgements(docs, qs)
    started = time.perf_counter()
    results: dict[str, dict[str, Any]] = {}
    failed = []
    for backend in args.backends:
        log(f"{backend}: loading {len(docs)} meetings, then {len(qs)} queries…")
        try:
            results[backend] = run_backend(backend, docs, qs, args.postgres)
        except Exception as e:  # reported, and the exit status says so
            log(f"{backend}: FAILED: {type(e).__name__}: {e}")
            failed.append(backend)
    if results:
        report(qs, results)
    path = write_results(
        args.results_name,
        {
            "description": "rida search quality: French queries with judged relevant rows, "
            "on the demo meetings and meetings cut from the seed texts; row hits of the top "
            f"{DEPTH} as an admin. Headline: top-3 hit rate and R-capped P@5 "
            "(relevant in top 5 / min(5, relevant rows))",
            "config": {
                "backends": args.backends,
                "queries": len(qs),
                **({"subset": args.queries} if args.queries else {}),
                "corpus": {
                    "meetings": len(docs),
                    "rows": sum(len(d["rida"]) for _, d in docs),
                },
            },
            "measures": {
                "top3": "share of queries with a relevant row among the first 3 rows",
                "p5": "relevant among the first 5 rows / 5",
                "p5_capped": "relevant among the first 5 rows / min(5, relevant rows)",
                "rr": "mean reciprocal rank of the first relevant row (0 if none in 20)",
                "recall20": "relevant rows among the first 20 / relevant rows",
            },
            "engines": results,
            "failed": failed,
            "queries": [q | {"source": source(q)} for q in qs],
            "duration_s": round(time.perf_counter() - started, 1),
        },
    )
    print(f"\nResults: {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
