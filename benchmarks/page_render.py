"""Page render time of a 200-row meeting through the real server.

Starts ``rida serve`` (waitress) on a temp data dir, imports a 200-row meeting, then times
``GET /reunions/<id>`` (the compte-rendu, read view) and ``GET /reunions/<id>/modifier`` (the
rapporteur's editor), plus ``GET /api/meetings/<id>`` (rida/1 JSON) for comparison, from
send to last byte, over one keep-alive connection. Reports the first (cold) request
separately from the timed ones.

    .venv/bin/python benchmarks/page_render.py [--requests 50]

Prints a table and writes ``benchmarks/results/page_render.json``. When the editor
template does not exist yet, the editor page is reported as ``pending``.
"""

from __future__ import annotations

import argparse
import re
import sys
import threading
import time
from typing import Any

from _common import (
    ROOT,
    Client,
    Server,
    check_machine_idle,
    create_meeting,
    print_table,
    running_server,
    summarise,
    write_results,
)

ROWS = 200
TARGET_P95_MS = 100.0
WARMUP_REQUESTS = 3
EDITOR_TEMPLATE = ROOT / "templates" / "meetings" / "edit.html"
CONCURRENT_READERS = 4
RIDA_TABLE = re.compile(r'<table class="rida">.*?</table>', re.S)


def measure(
    client: Client, name: str, path: str, requests: int, target: float | None
) -> dict[str, Any]:
    start = time.perf_counter()
    first = client.get(path)
    cold = time.perf_counter() - start
    result: dict[str, Any] = {
        "name": name,
        "path": path,
        "status": first.status,
        "size_kb": round(len(first.body) / 1024, 1),
        "cold_ms": round(cold * 1000, 1),
    }
    if first.status != 200:
        pending = name.startswith("editor") and not EDITOR_TEMPLATE.exists()
        result.update(
            state="pending" if pending else "error",
            detail=first.text[:300]
            if not pending
            else "templates/meetings/edit.html does not exist yet",
        )
        return result
    for _ in range(WARMUP_REQUESTS - 1):
        client.get(path)
    samples, errors = [], 0
    for _ in range(requests):
        start = time.perf_counter()
        answer = client.get(path)
        elapsed = time.perf_counter() - start
        if answer.status != 200:
            errors += 1
            continue
        samples.append(elapsed)
    result.update(state="ok" if not errors else "error", errors=errors, **summarise(samples))
    if target is not None:
        result["target_p95_ms"] = target
        result["target_met"] = result["p95_ms"] < target
    return result


def concurrent_reads(server: Server, path: str, readers: int, requests: int) -> dict[str, Any]:
    """``readers`` sessions reading the same page at once; every copy of its RIDA table
    must be identical to the one a lone reader gets (rendering must be thread-safe)."""
    clients = [server.client().login() for _ in range(readers)]
    reference = RIDA_TABLE.search(clients[0].get(path).text)
    expected = reference.group() if reference else None
    samples: list[float] = []
    problems: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(readers)

    def read(client: Client) -> None:
        barrier.wait(timeout=30)
        for _ in range(requests):
            start = time.perf_counter()
            try:
                answer = client.get(path)
            except OSError as e:
                with lock:
                    problems.append(repr(e))
                continue
            elapsed = time.perf_counter() - start
            found = RIDA_TABLE.search(answer.text)
            with lock:
                if answer.status != 200:
                    problems.append(f"HTTP {answer.status}")
                elif found is None or found.group() != expected:
                    problems.append("RIDA table differs from a lone reader's copy")
                else:
                    samples.append(elapsed)

    threads = [threading.Thread(target=read, args=(c,), daemon=True) for c in clients]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    wall = time.perf_counter() - started
    for c in clients:
        c.close()
    return {
        "name": f"read view, {readers} concurrent readers",
        "path": path,
        "state": "ok" if not problems and expected else "error",
        "errors": len(problems),
        "error_samples": sorted(set(problems))[:5],
        "pages_per_s": round(len(samples) / wall, 1) if wall else 0.0,
        **summarise(samples),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument(
        "--history",
        type=int,
        default=20,
        help="earlier 200-row meetings added to the series before timing the "
        "editor again (its suggestions read the series' history; 0: skip)",
    )
    args = parser.parse_args()
    if not (1 <= args.requests <= 1000 and 0 <= args.history <= 50):
        parser.error("--requests out of range")

    load_at_start = check_machine_idle()
    started = time.perf_counter()
    with running_server() as server:
        client = server.client().login()
        meeting_id = create_meeting(client, ROWS)
        pages = [
            measure(client, "read view", f"/reunions/{meeting_id}", args.requests, TARGET_P95_MS),
            measure(
                client, "editor", f"/reunions/{meeting_id}/modifier", args.requests, TARGET_P95_MS
            ),
            measure(
                client, "rida/1 JSON (API)", f"/api/meetings/{meeting_id}", args.requests, None
            ),
        ]
        history = []
        if args.history:
            for i in range(args.history):
                create_meeting(
                    client, ROWS, seed=i, date=f"2023-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}"
                )
            history.append(
                measure(
                    client,
                    f"editor, +{args.history} earlier meetings in the series",
                    f"/reunions/{meeting_id}/modifier",
                    max(5, args.requests // 2),
                    TARGET_P95_MS,
                )
            )
        crowd = concurrent_reads(
            server, f"/reunions/{meeting_id}", CONCURRENT_READERS, max(5, args.requests // 5)
        )
        threads = server.threads
    total = time.perf_counter() - started

    print(
        f"\nPage render, {ROWS}-row meeting, rida serve (waitress, {threads} threads), "
        "loopback, 1 client"
    )
    pages += history
    rows = []
    for p in pages:
        if p["state"] == "ok":
            rows.append(
                (
                    p["name"],
                    p["count"],
                    p["cold_ms"],
                    p["p50_ms"],
                    p["p95_ms"],
                    p["p99_ms"],
                    p["max_ms"],
                    p["size_kb"],
                )
            )
        else:
            rows.append(
                (
                    f"{p['name']} ({p['state']}, HTTP {p['status']})",
                    "-",
                    "-",
                    "-",
                    "-",
                    "-",
                    "-",
                    "-",
                )
            )
    print_table(
        ("page", "requests", "cold ms", "p50 ms", "p95 ms", "p99 ms", "max ms", "size KB"), rows
    )
    print(
        f"\nRead view, {CONCURRENT_READERS} concurrent readers: {crowd['count']} pages ok, "
        f"{crowd['errors']} wrong or failed, p50 {crowd['p50_ms']:.1f} ms, "
        f"p95 {crowd['p95_ms']:.1f} ms, {crowd['pages_per_s']} pages/s"
    )
    for e in crowd["error_samples"]:
        print(f"  ! {e}")
    for p in pages:
        if "target_met" in p:
            print(
                f"Target p95 < {TARGET_P95_MS:.0f} ms, {p['name']}: "
                f"{'met' if p['target_met'] else 'MISSED'}"
            )
        elif p["state"] != "ok":
            print(f"{p['name']}: {p['state']}: {p['detail']}")

    path = write_results(
        "page_render",
        {
            "description": "GET of a meeting page, client wall time from send to last byte, "
            "keep-alive HTTP/1.1 over loopback, one client",
            "config": {
                "rows": ROWS,
                "server": f"rida serve (waitress, {threads} threads)",
                "warmup_requests": WARMUP_REQUESTS,
                "requests_per_page": args.requests,
                "history_meetings": args.history,
                "concurrent_readers": CONCURRENT_READERS,
            },
            "pages": pages,
            "concurrent_read_view": crowd,
            "load_average_at_start": load_at_start,
            "duration_s": round(total, 1),
        },
    )
    print(f"Results: {path} ({total:.1f} s)")
    return 1 if any(p["state"] == "error" for p in [*pages, crowd]) else 0


if __name__ == "__main__":
    sys.exit(main())
