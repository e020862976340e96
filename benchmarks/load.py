"""Load test on loopback: rapporteurs autosaving and readers searching, against ``rida serve``.

Prepares a fresh data dir (``load_data.py``: the demo compte-rendu, a synthetic archive of
``--rows`` RIDA rows, draft meetings shared by two rapporteurs, the accounts, the search
index), starts ``rida serve`` (waitress, ``--threads``) on a free loopback port, logs every
simulated person in through the login form, then for ``--seconds``:

- ``--rapporteurs`` rapporteurs each send one autosave a second, as the editor does
  (``PATCH /api/meetings/<id>/rows/<uid>`` with the row's revision and the CSRF header;
  on 409 they take the server's current version and send again); each edit appends a
  unique token to a row's answer;
- ``--readers`` readers search the archive (the ``/recherche`` page or ``GET /api/search``,
  half and half, with the search benchmark's query mix), with a think time of ``--think``
  seconds on average between two searches.

Then it stops the server, opens its database and checks that every acknowledged token is
in its row, once, and that ``PRAGMA integrity_check`` is ``ok``.

    .venv/bin/python benchmarks/load.py [--seconds 60] [--rapporteurs 20] [--readers 50]
        [--workers 1 2] [--database sqlite postgresql] [--postgres-url URL]

One run per database and number of server processes (``rida serve --workers``), one
after the other, each on fresh data: SQLite searches with Whoosh, PostgreSQL (a schema of
its own, dropped after) searches inside the database. With several runs, a table puts
them side by side.

Prints a table per kind of request and writes ``benchmarks/results/load.json``. Exit
status 1 if any request failed (a 409 the retry resolved is not a failure) or any
acknowledged edit is missing.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from typing import Any

from _common import (
    Server,
    check_machine_idle,
    print_table,
    running_server,
    summarise,
    write_results,
)
from load_clients import Person, Rapporteur, Reader
from load_data import Plan, prepare
from search_apps import postgresql_schema
from search_cpu import server_seconds
from sqlalchemy import create_engine, text

KINDS = ("autosave", "search page", "search API", "login", "editor page")
TIMED_KINDS = KINDS[:3]
TOKEN = re.compile(r"\[redacteur\d+-\d{4}\]")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def people(server: Server, plan: Plan, seed: int) -> tuple[list[Rapporteur], list[Reader]]:
    rapporteurs = []
    for i, login in enumerate(plan.rapporteurs):
        meeting, slot = plan.meeting_of(login)
        rapporteurs.append(
            Rapporteur(
                server.client(),
                login,
                random.Random(seed * 1000 + i),
                meeting_id=meeting.id,
                slot=slot,
                writers=len(meeting.rapporteurs),
            )
        )
    readers = [
        Reader(server.client(), login, random.Random(seed * 1000 + 500 + i))
        for i, login in enumerate(plan.readers)
    ]
    return rapporteurs, readers


def run_load(
    server: Server, plan: Plan, args: argparse.Namespace, database_cpu: PostgresCpu | None
) -> dict[str, Any]:
    rapporteurs, readers = people(server, plan, args.seed)
    log(f"logging in {len(rapporteurs)} rapporteurs and {len(readers)} readers…")
    for p in [*rapporteurs, *readers]:
        p.log_in(plan.password)
    for r in rapporteurs:
        r.open_editor()
    log(f"load for {args.seconds:g} s…")
    start = threading.Barrier(len(rapporteurs) + len(readers) + 1)
    threads = [
        threading.Thread(target=r.guarded, args=(r.run, start, args.seconds, 1.0), daemon=True)
        for r in rapporteurs
    ]
    threads += [
        threading.Thread(
            target=r.guarded, args=(r.run, start, args.seconds, args.think), daemon=True
        )
        for r in readers
    ]
    marks = {id(p): len(p.samples) for p in [*rapporteurs, *readers]}
    for t in threads:
        t.start()
    cpu_before, client_cpu_before = server.cpu_seconds(), time.process_time()
    database_before = database_cpu.sample() if database_cpu else None
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join(timeout=args.seconds + 120)
    wall = time.perf_counter() - began
    cpu_after = server.cpu_seconds()
    database_after = database_cpu.sample() if database_cpu else None
    stuck = sum(t.is_alive() for t in threads)
    everyone: list[Person] = [*rapporteurs, *readers]
    kinds = kinds_summary(everyone, marks, wall)
    requests = sum(kinds[k]["requests"] for k in TIMED_KINDS if k in kinds)
    return {
        "wall_s": round(wall, 2),
        "stuck_clients": stuck,
        "server_cpu_utilisation": round((cpu_after - cpu_before) / wall, 2)
        if cpu_after is not None and cpu_before is not None
        else None,
        "server_cpu_ms_per_request": round((cpu_after - cpu_before) * 1000 / requests, 1)
        if cpu_after is not None and cpu_before is not None and requests
        else None,
        "client_cpu_utilisation": round((time.process_time() - client_cpu_before) / wall, 2),
        "database_cpu_utilisation": round((database_after - (database_before or 0)) / wall, 2)
        if database_after is not None
        else None,
        "kinds": kinds,
        "errors": [e for p in everyone for e in p.errors],
        "edits_sent": sum(len(r.tokens_tried) for r in rapporteurs),
        "edits_acknowledged": sum(len(r.acknowledged) for r in rapporteurs),
        "conflicts": sum(r.conflicts for r in rapporteurs),
        "conflicts_resolved": sum(r.conflicts_resolved for r in rapporteurs),
        "searches": sum(r.searches for r in readers),
        "_rapporteurs": rapporteurs,
    }


def kinds_summary(
    everyone: list[Person], marks: dict[int, int], wall: float
) -> dict[str, dict[str, Any]]:
    """Latency and status counts per kind; the timed kinds over the load window only."""
    found: dict[str, dict[str, Any]] = {}
    for kind in KINDS:
        timed = kind in TIMED_KINDS
        samples = [
            (s, status)
            for p in everyone
            for k, s, status in (p.samples[marks[id(p)] :] if timed else p.samples)
            if k == kind
        ]
        if not samples:
            continue
        statuses: dict[str, int] = {}
        for _, status in samples:
            statuses[str(status)] = statuses.get(str(status), 0) + 1
        found[kind] = {
            "requests": len(samples),
            "statuses": statuses,
            "per_s": round(len(samples) / wall, 1) if timed else None,
            **summarise([s for s, _ in samples]),
        }
    return found


def verify(
    server: Server, plan: Plan, rapporteurs: list[Rapporteur], database_url: str | None
) -> dict[str, Any]:
    """With the server stopped: every acknowledged token is in its row's answer, once; no
    token that was never sent; the rows nobody touched are unchanged; SQLite's integrity
    ``ok`` (PostgreSQL: not asked)."""
    problems: list[str] = []
    ids = [m.id for m in plan.meetings]
    if database_url:
        engine = create_engine(database_url)
        try:
            with engine.connect() as conn:
                found = conn.execute(
                    text("SELECT uid, answer, revision FROM rida_row WHERE meeting_id = ANY(:ids)"),
                    {"ids": ids},
                )
                final = {uid: (answer, revision) for uid, answer, revision in found}
        finally:
            engine.dispose()
        integrity = "n/a"
    else:
        with closing(sqlite3.connect(server.database, timeout=30)) as db:
            integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
            marks = ",".join("?" * len(ids))
            final = {
                uid: (answer, revision)
                for uid, answer, revision in db.execute(
                    f"SELECT uid, answer, revision FROM rida_row WHERE meeting_id IN ({marks})",
                    ids,
                )
            }
    if integrity not in ("ok", "n/a"):
        problems.append(f"PRAGMA integrity_check: {integrity}")
    sent = {e.token for r in rapporteurs for e in r.tokens_tried}
    acked: dict[str, list[str]] = {}
    for r in rapporteurs:
        for e in r.acknowledged:
            acked.setdefault(e.uid, []).append(e.token)
    lost = 0
    for m in plan.meetings:
        for row in m.rows:
            answer, revision = final.get(row.uid, ("", -1))
            mine = acked.get(row.uid, [])
            missing = [t for t in mine if t not in answer]
            lost += len(missing)
            if missing:
                problems.append(
                    f"row {row.uid}: {len(missing)} acknowledged edit(s) lost, e.g. {missing[0]}"
                )
            twice = [t for t in mine if answer.count(t) > 1]
            if twice:
                problems.append(f"row {row.uid}: {twice[0]} written twice")
            unknown = set(TOKEN.findall(answer)) - sent
            if unknown:
                problems.append(f"row {row.uid}: tokens never sent {sorted(unknown)[:3]}")
            if not answer.startswith(row.answer):
                problems.append(f"row {row.uid}: the original text was lost")
            if revision < row.revision + len(mine):
                problems.append(
                    f"row {row.uid}: revision {revision} < {row.revision} + "
                    f"{len(mine)} acknowledged edits"
                )
    return {
        "ok": not problems,
        "integrity_check": integrity,
        "lost_edits": lost,
        "acknowledged_checked": sum(len(v) for v in acked.values()),
        "rows_checked": sum(len(m.rows) for m in plan.meetings),
        "problems": problems[:20],
    }


def report(
    result: dict[str, Any], check: dict[str, Any], args: argparse.Namespace, label: str
) -> None:
    kinds = result["kinds"]
    print(
        f"\nLoad test ({label}): {args.rapporteurs} rapporteurs (1 autosave/s each) and "
        f"{args.readers} readers (think time {args.think:g} s) for {result['wall_s']:.1f} s, "
        f"rida serve with {args.threads or 8} threads per process"
    )
    print_table(
        ("kind", "requests", "non-2xx", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms"),
        [
            (
                k,
                v["requests"],
                sum(n for s, n in v["statuses"].items() if not s.startswith("2")),
                "-" if v["per_s"] is None else v["per_s"],
                v["p50_ms"],
                v["p95_ms"],
                v["p99_ms"],
                v["max_ms"],
            )
            for k, v in kinds.items()
        ],
    )
    timed = sum(kinds[k]["requests"] for k in TIMED_KINDS if k in kinds)
    print(
        f"\nRequests in the load window: {timed} ({timed / result['wall_s']:.1f}/s); "
        f"errors: {len(result['errors'])}; lost edits: {check['lost_edits']}"
    )
    print(
        f"Edits: {result['edits_sent']} sent, {result['edits_acknowledged']} acknowledged; "
        f"conflicts (409): {result['conflicts']}, resolved by the retry: "
        f"{result['conflicts_resolved']}; searches: {result['searches']}"
    )
    database = result.get("database_cpu_utilisation")
    print(
        f"CPU: server {_pct(result['server_cpu_utilisation'])} of one core "
        f"({result['server_cpu_ms_per_request']} ms per request), "
        + (f"PostgreSQL {_pct(database)}, " if database is not None else "")
        + f"load client {_pct(result['client_cpu_utilisation'])}"
    )
    print(
        f"Durability check: {'ok' if check['ok'] else 'FAILED'} "
        f"({check['acknowledged_checked']} acknowledged edits in {check['rows_checked']} "
        f"rows, integrity_check {check['integrity_check']})"
    )
    for line in [*check["problems"], *result["errors"][:10]]:
        print(f"  ! {line}")


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.0f} %"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--seconds",
        type=float,
        default=60,
        help="duration of the load, after the logins (default: 60)",
    )
    parser.add_argument(
        "--rapporteurs",
        type=int,
        default=20,
        help="rapporteurs autosaving one edit a second each (default: 20)",
    )
    parser.add_argument(
        "--readers", type=int, default=50, help="readers searching the archive (default: 50)"
    )
    parser.add_argument(
        "--rows",
        type=int,
        default=5000,
        help="RIDA rows of the synthetic archive searched (default: 5000)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="request threads of rida serve (default: its own, 8)",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="readers' mean pause between two searches, s (0: back to back; default: 1)",
    )
    parser.add_argument(
        "--per-meeting",
        type=int,
        default=2,
        help="rapporteurs sharing one draft meeting (default: 2)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=[1],
        help="rida serve --workers, one run per value, side by side (default: 1)",
    )
    parser.add_argument(
        "--database",
        nargs="+",
        choices=("sqlite", "postgresql"),
        default=["sqlite"],
        help="one run per database (sqlite: with Whoosh; postgresql: searching inside it)",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("RIDA_BENCH_POSTGRES_URL")
        or os.environ.get("RIDA_TEST_POSTGRES_URL")
        or "postgresql+psycopg://rida:rida@127.0.0.1/rida_test",
        help="PostgreSQL server for --database postgresql (a schema is made and dropped)",
    )
    parser.add_argument("--seed", type=int, default=6, help="seed of the data and the clients")
    parser.add_argument(
        "--results-name", default="load", help="benchmarks/results/<name>.json (default: load)"
    )
    args = parser.parse_args()
    if not (
        0 < args.seconds <= 3600
        and 1 <= args.rapporteurs <= 200
        and 0 <= args.readers <= 500
        and 0 <= args.rows <= 200_000
        and 1 <= args.per_meeting <= args.rapporteurs
        and args.think >= 0
        and all(1 <= w <= 16 for w in args.workers)
    ):
        parser.error("values out of range")
    load = check_machine_idle()
    started = time.perf_counter()
    runs = []
    for database in args.database:
        for workers in args.workers:
            runs.append(run_one(args, database, workers))
    if len(runs) > 1:
        summary(runs)
    first = runs[0]
    path = write_results(
        args.results_name,
        {
            "description": "rapporteurs autosaving and readers searching at the same time against "
            "rida serve over loopback; latency from send to whole response; one run per "
            "database and number of server processes, one after the other",
            "config": {
                "seconds": args.seconds,
                "rapporteurs": args.rapporteurs,
                "readers": args.readers,
                "rows": args.rows,
                "think_s": args.think,
                "rapporteurs_per_meeting": args.per_meeting,
                "seed": args.seed,
                "threads_per_process": args.threads or 8,
                "workers": args.workers,
                "databases": args.database,
                "archive": first["archive"],
            },
            # The first run's figures at the top (what one run used to write), then all.
            **{k: v for k, v in first.items() if k not in ("archive",)},
            "runs": runs,
            "load_average_at_start": load,
            "duration_s": round(time.perf_counter() - started, 1),
        },
    )
    print(f"Results: {path} ({time.perf_counter() - started:.0f} s)")
    failed = [r for r in runs if r["errors"] or not r["durability"]["ok"] or r["stuck_clients"]]
    return 1 if failed else 0


def run_one(args: argparse.Namespace, database: str, workers: int) -> dict[str, Any]:
    """One load run: a fresh data dir (and schema), the server, the clients, the check."""
    label = f"{database}, {workers} process{'es' if workers > 1 else ''}"
    log(f"--- {label}")
    started = time.perf_counter()
    plan = Plan()

    def fill(env: dict[str, str]) -> None:
        log(f"preparing the data dir ({args.rows} archive rows)…")
        prepare(
            env,
            plan,
            rapporteurs=args.rapporteurs,
            readers=args.readers,
            rows=args.rows,
            per_meeting=args.per_meeting,
            seed=args.seed,
        )

    with (
        fresh_database(database, args.postgres_url) as (url, application),
        running_server(args.threads, prepare=fill, workers=workers, database_url=url) as server,
    ):
        prepared_s = time.perf_counter() - started
        database_cpu = PostgresCpu(url, application) if url else None
        result = run_load(server, plan, args, database_cpu)
        server.stop()
        log_tail = server.log_tail() if result["errors"] else ""
        check = verify(server, plan, result.pop("_rapporteurs"), url)
    report(result, check, args, label)
    if log_tail:
        print(f"\nServer log tail:\n{log_tail}")
    errors = result.pop("errors")
    return {
        "database": database,
        "workers": workers,
        "search_backend": "whoosh" if database == "sqlite" else "postgresql",
        "archive": plan.archive,
        "requests": sum(
            result["kinds"][k]["requests"] for k in TIMED_KINDS if k in result["kinds"]
        ),
        "errors": len(errors),
        "error_samples": errors[:20],
        "lost_edits": check["lost_edits"],
        **result,
        "durability": check,
        "prepare_s": round(prepared_s, 1),
    }


def summary(runs: list[dict[str, Any]]) -> None:
    print("\nSide by side (one run after the other, same clients and data):")
    rows = []
    for r in runs:
        k = r["kinds"]
        rows.append(
            (
                r["database"],
                r["workers"],
                k.get("autosave", {}).get("p50_ms", "-"),
                k.get("autosave", {}).get("p95_ms", "-"),
                k.get("search API", {}).get("p95_ms", "-"),
                k.get("search page", {}).get("p95_ms", "-"),
                r["requests"],
                r["errors"],
                r["lost_edits"],
                _pct(r["server_cpu_utilisation"]),
                r["server_cpu_ms_per_request"],
                _pct(r.get("database_cpu_utilisation")),
            )
        )
    print_table(
        (
            "database",
            "processes",
            "autosave p50 ms",
            "autosave p95 ms",
            "search API p95 ms",
            "search page p95 ms",
            "requests",
            "errors",
            "lost",
            "rida CPU",
            "rida CPU ms/req",
            "PostgreSQL CPU",
        ),
        rows,
    )


@contextmanager
def fresh_database(database: str, server: str) -> Iterator[tuple[str | None, str | None]]:
    """(the database URL, the application_name of its connections): None for SQLite (the
    data dir's file); a schema of its own on ``server`` for PostgreSQL, dropped after."""
    if database == "sqlite":
        yield None, None
        return
    with postgresql_schema(server, "load") as found:
        yield found


class PostgresCpu:
    """CPU time of the PostgreSQL processes serving this run's connections (found by
    their application_name, read from /proc: same machine only)."""

    def __init__(self, url: str, application: str | None) -> None:
        self.url, self.application = url, application
        self.seen: dict[int, float] = {}

    def sample(self) -> float | None:
        """CPU seconds of every backend seen so far (a backend that ended keeps its last
        reading)."""
        engine = create_engine(self.url)
        try:
            with engine.connect() as conn:
                pids = conn.execute(
                    text("SELECT pid FROM pg_stat_activity WHERE application_name = :a"),
                    {"a": self.application},
                ).scalars()
                for pid in pids:
                    seconds = server_seconds([pid])
                    if seconds is not None:
                        self.seen[pid] = seconds
        finally:
            engine.dispose()
        return sum(self.seen.values()) if self.seen else None


if __name__ == "__main__":
    sys.exit(main())
