"""Autosave round trip: ``PATCH /api/meetings/<id>/rows/<uid>`` through the real server.

Starts ``rida serve`` (waitress) on a temp data dir, imports a 200-row meeting, then times
one-field saves from send to response, first with one editor, then with 20 editors saving
at the same time (each its own logged-in session, its own row, tracking its revision).
Afterwards it reads the meeting back and checks that every acknowledged save is there.

    .venv/bin/python benchmarks/autosave.py [--saves 300] [--clients 20] [--per-client 50]

Prints a table and writes ``benchmarks/results/autosave.json``. Exit status 1 if any save
failed or was lost (a missed latency target only shows in the report).
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from _common import (
    Client,
    Server,
    check_machine_idle,
    create_meeting,
    meeting_document,
    print_table,
    row_uids,
    running_server,
    summarise,
    write_results,
)

ROWS = 200
TARGET_P95_MS = 30.0
WARMUP_SAVES = 3
PHASE_TIMEOUT_S = 45.0


@dataclass
class Editor:
    """One browser tab editing the answer of one row, like the editor's autosave does."""

    client: Client
    meeting_id: int
    number: int
    uid: str
    revision: int
    base: str
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    acknowledged: int = 0
    last_saved: str | None = None

    def save(self, k: int, *, record: bool) -> None:
        text = f"{self.base} (modification {k})"
        path = f"/api/meetings/{self.meeting_id}/rows/{self.uid}"
        payload = {"revision": self.revision, "fields": {"answer": text}}
        start = time.perf_counter()
        try:
            answer = self.client.send_json("PATCH", path, payload)
        except Exception as e:  # noqa: BLE001 - every failure is a counted error
            self.errors.append(f"row {self.number}: {e!r}")
            self.client.close()
            return
        elapsed = time.perf_counter() - start
        if answer.status != 200:
            self.errors.append(f"row {self.number}: HTTP {answer.status} {answer.text[:200]}")
            if answer.status == 409:
                self.revision = answer.json().get("current", {}).get("revision", self.revision)
            return
        row = answer.json()["row"]
        if row["revision"] != self.revision + 1 or row["answer"] != text:
            self.errors.append(f"row {self.number}: unexpected answer {row!r:.200}")
        self.revision = row["revision"]
        self.last_saved = text
        self.acknowledged += 1
        if record:
            self.latencies.append(elapsed)

    def run(
        self,
        saves: int,
        first: int,
        start: threading.Barrier | None,
        deadline: float,
        interval: float = 0.0,
    ) -> None:
        """``saves`` saves back to back, or one every ``interval`` s on average (±50 %)."""
        rng = random.Random(self.number)
        if start is not None:
            start.wait(timeout=PHASE_TIMEOUT_S)
        due = time.monotonic() + (rng.uniform(0, interval) if interval else 0.0)
        for k in range(first, first + saves):
            if interval:
                time.sleep(max(0.0, due - time.monotonic()))
                due += rng.uniform(0.5 * interval, 1.5 * interval)
            if time.monotonic() > deadline:
                self.errors.append(f"row {self.number}: phase deadline reached at save {k}")
                return
            self.save(k, record=True)


def make_editor(
    server: Server,
    meeting_id: int,
    number: int,
    uids: dict[int, tuple[str, int]],
    doc: dict[str, Any],
) -> Editor:
    uid, revision = uids[number]
    base = doc["rida"][number - 1]["answer"]
    return Editor(server.client().login(), meeting_id, number, uid, revision, base)


def run_phase(
    server: Server, name: str, editors: list[Editor], saves_per_editor: int, interval: float = 0.0
) -> dict[str, Any]:
    """Warm up every editor, then let them all save at once; returns the phase summary."""
    marks = [len(ed.errors) for ed in editors]
    for ed in editors:
        for k in range(WARMUP_SAVES):
            ed.save(-1 - k, record=False)
        ed.latencies.clear()
    deadline = time.monotonic() + PHASE_TIMEOUT_S
    cpu_before, client_cpu_before = server.cpu_seconds(), time.process_time()
    if len(editors) == 1:
        start = time.perf_counter()
        editors[0].run(saves_per_editor, 1, None, deadline)
        wall = time.perf_counter() - start
    else:
        barrier = threading.Barrier(len(editors) + 1)
        threads = [
            threading.Thread(
                target=ed.run, args=(saves_per_editor, 1, barrier, deadline, interval), daemon=True
            )
            for ed in editors
        ]
        for t in threads:
            t.start()
        barrier.wait(timeout=PHASE_TIMEOUT_S)
        start = time.perf_counter()
        for t in threads:
            t.join(timeout=PHASE_TIMEOUT_S + 5)
        wall = time.perf_counter() - start
    cpu_after, client_cpu = server.cpu_seconds(), time.process_time() - client_cpu_before
    samples = [s for ed in editors for s in ed.latencies]
    server_cpu = (
        cpu_after - cpu_before if cpu_after is not None and cpu_before is not None else None
    )
    errors = [e for ed, mark in zip(editors, marks, strict=True) for e in ed.errors[mark:]]
    return {
        "name": name,
        "clients": len(editors),
        "mode": f"paced, one save every {interval * 1000:.0f} ms ±50 % per client"
        if interval
        else "back to back (no think time)",
        "saves_planned": len(editors) * saves_per_editor,
        "saves_ok": len(samples),
        "errors": len(errors),
        "error_samples": errors[:10],
        "wall_s": round(wall, 3),
        "throughput_saves_per_s": round(len(samples) / wall, 1) if wall else 0.0,
        "server_cpu_ms_per_save": round(server_cpu * 1000 / len(samples), 2)
        if server_cpu is not None and samples
        else None,
        "server_cpu_utilisation": round(server_cpu / wall, 2)
        if server_cpu is not None and wall
        else None,
        "client_cpu_ms_per_save": round(client_cpu * 1000 / len(samples), 2) if samples else None,
        **summarise(samples),
    }


def verify(
    admin: Client,
    server: Server,
    meeting_id: int,
    editors: list[Editor],
    doc: dict[str, Any],
    initial: dict[int, tuple[str, int]],
) -> dict[str, Any]:
    """Every acknowledged save is in the database; rows nobody edited are unchanged."""
    answer = admin.get(f"/api/meetings/{meeting_id}")
    problems: list[str] = []
    if answer.status != 200:
        return {"ok": False, "problems": [f"GET meeting: HTTP {answer.status}"]}
    rows = {r["number"]: r for r in answer.json()["rida"]}
    if len(rows) != ROWS:
        problems.append(f"{len(rows)} rows instead of {ROWS}")
    edited = {ed.number: ed for ed in editors}
    for ed in editors:
        if rows.get(ed.number, {}).get("answer") != ed.last_saved:
            problems.append(f"row {ed.number}: last acknowledged save missing")
    for number, original in enumerate(doc["rida"], 1):
        if number not in edited and rows.get(number, {}).get("answer") != original["answer"]:
            problems.append(f"row {number}: changed although nobody edited it")
    revisions = row_uids(server, meeting_id)
    for ed in editors:
        expected = initial[ed.number][1] + ed.acknowledged
        if revisions[ed.number][1] != expected:
            problems.append(
                f"row {ed.number}: revision {revisions[ed.number][1]}, expected {expected}"
            )
    return {
        "ok": not problems,
        "rows_checked": len(rows),
        "editors_checked": len(editors),
        "problems": problems[:20],
    }


def _num(value: float | None, scale: float = 1.0) -> str:
    return "-" if value is None else f"{value * scale:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=300, help="saves of the single client")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients")
    parser.add_argument("--per-client", type=int, default=50, help="saves per concurrent client")
    parser.add_argument(
        "--paced-per-client",
        type=int,
        default=25,
        help="saves per client in the paced phase (0 to skip it)",
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=0.25,
        help="mean seconds between two saves of a client in the paced phase",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="waitress threads (default: the `rida serve` default, 8)",
    )
    args = parser.parse_args()
    if not (
        1 <= args.clients < ROWS
        and 1 <= args.saves <= 5000
        and 1 <= args.per_client <= 500
        and 0 <= args.paced_per_client <= 200
        and 0.01 <= args.interval <= 5
    ):
        parser.error("counts out of range")

    load_at_start = check_machine_idle()
    doc = meeting_document(ROWS)
    started = time.perf_counter()
    with running_server(args.threads) as server:
        admin = server.client().login()
        meeting_id = create_meeting(admin, ROWS)
        initial = row_uids(server, meeting_id)
        single = [make_editor(server, meeting_id, ROWS // 2, initial, doc)]
        numbers = [1 + i * (ROWS // args.clients) for i in range(args.clients)]
        numbers = [n if n != ROWS // 2 else n + 1 for n in numbers]
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            crowd = list(
                pool.map(lambda n: make_editor(server, meeting_id, n, initial, doc), numbers)
            )
        phases = [
            run_phase(server, "1 client", single, args.saves),
            run_phase(server, f"{args.clients} concurrent clients", crowd, args.per_client),
        ]
        if args.paced_per_client:
            phases.append(
                run_phase(
                    server,
                    f"{args.clients} clients, paced {args.interval:g} s",
                    crowd,
                    args.paced_per_client,
                    args.interval,
                )
            )
        check = verify(admin, server, meeting_id, single + crowd, doc, initial)
        log_tail = server.log_tail() if any(p["errors"] for p in phases) else ""
        threads = server.threads
    total = time.perf_counter() - started

    print(
        f"\nAutosave round trip, {ROWS}-row meeting, rida serve (waitress, {threads} threads), "
        "loopback"
    )
    print_table(
        (
            "scenario",
            "saves",
            "errors",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "max ms",
            "saves/s",
            "srv CPU ms/save",
            "srv CPU %",
        ),
        [
            (
                p["name"],
                p["saves_ok"],
                p["errors"],
                p["p50_ms"],
                p["p95_ms"],
                p["p99_ms"],
                p["max_ms"],
                p["throughput_saves_per_s"],
                _num(p["server_cpu_ms_per_save"]),
                _num(p["server_cpu_utilisation"], 100),
            )
            for p in phases
        ],
    )
    met = all(p["p95_ms"] < TARGET_P95_MS for p in phases[:2])
    print(
        f"\nTarget p95 < {TARGET_P95_MS:.0f} ms (1 and {args.clients} clients back to back): "
        f"{'met' if met else 'MISSED'}"
    )
    for p in phases:
        print(f"  {p['name']}: {p['mode']}, wall {p['wall_s']:.1f} s")
    print(
        f"Durability check: {'ok' if check['ok'] else 'FAILED'} "
        f"({check.get('editors_checked', 0)} edited rows, {check.get('rows_checked', 0)} rows "
        "read back)"
    )
    for problem in check["problems"]:
        print(f"  - {problem}")
    for p in phases:
        for e in p["error_samples"]:
            print(f"  ! {p['name']}: {e}")
    if log_tail:
        print(f"\nServer log tail:\n{log_tail}")

    path = write_results(
        "autosave",
        {
            "description": "PATCH one RIDA row field (answer, ~50 words), client wall time from "
            "send to response, keep-alive HTTP/1.1 over loopback",
            "config": {
                "rows": ROWS,
                "server": f"rida serve (waitress, {threads} threads)",
                "warmup_saves_per_client": WARMUP_SAVES,
                "single_client_saves": args.saves,
                "concurrent_clients": args.clients,
                "saves_per_client": args.per_client,
                "paced_saves_per_client": args.paced_per_client,
                "paced_interval_s": args.interval,
            },
            "target": {
                "p95_ms": TARGET_P95_MS,
                "met": met,
                "applies_to": [p["name"] for p in phases[:2]],
            },
            "scenarios": phases,
            "durability": check,
            "load_average_at_start": load_at_start,
            "duration_s": round(total, 1),
        },
    )
    print(f"Results: {path} ({total:.1f} s)")
    ok = check["ok"] and not any(p["errors"] for p in phases)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
