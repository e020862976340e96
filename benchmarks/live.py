"""The live stream: from an acknowledged save to the event at every viewer, through the
real server.

Starts ``rida serve`` (waitress) on a temp data dir, imports a 200-row meeting, then for
0 viewers (the saves alone, for comparison), 1, 50 and 200 viewers (``GET
/api/meetings/<id>/events``, raw sockets read by one ``selectors`` thread, so that the
client side stays cheap):

- **idle**: the viewers connected and nothing happens for ``--idle`` seconds: the server's
  CPU time beyond its own background (measured first, without viewers), per viewer;
- **editing**: one editor saves a row (``PATCH .../rows/<uid>``, like the autosave) every
  ``--interval`` seconds, ``--saves`` times; for every save and every viewer, the time
  from the save's acknowledgement (its 200 received) to the event's arrival at the viewer
  (negative: the event came first), and from the save's sending; the saves' own round
  trip beside it (the autosave's latency with the viewers connected); the server's CPU
  time per save.

Then the workshops: ``--rapporteurs`` (20) rapporteurs spread over ``--workshops``
meetings (10: two per workshop; then 1: all in one), each saving a row of its own once a
second for ``--seconds``, while ``--room`` (200) viewers follow the same meetings, on a
fresh server of each ``--workers`` count (1: waitress; 2: gunicorn): the autosave's
p50/p95/max beside the open streams, and the time from each acknowledgement to the event
at every viewer of that meeting.

Each viewer must receive each save exactly once. The server runs with a per-account
stream limit above the viewer count (every viewer is the bench account).

    .venv/bin/python benchmarks/live.py [--viewers 0 1 50 200] [--saves 100]
        [--workshops 10 1] [--workers 1 2] [--rapporteurs 20] [--room 200] [--seconds 30]

Prints a table and writes ``benchmarks/results/live.json``. Exit status 1 if an event was
lost or a save failed (latency targets only show in the report).
"""

from __future__ import annotations

import argparse
import json
import selectors
import socket
import sqlite3
import sys
import threading
import time
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

from _common import (
    HOST,
    Client,
    Server,
    check_machine_idle,
    create_meeting,
    print_table,
    row_uids,
    running_server,
    summarise,
    write_results,
)

TARGET_P95_MS = 100.0  # ack -> event at every viewer, p95
TARGET_SAVE_P95_MS = 30.0  # autosave p95 of 20 rapporteurs beside 200 open streams
STEP_TIMEOUT_S = 60.0


@dataclass
class Viewer:
    """One ``EventSource``: a socket, an HTTP/1.1 chunked body, Server-Sent Events."""

    sock: socket.socket
    raw: bytes = b""
    head_done: bool = False
    text: str = ""
    hello: bool = False
    arrivals: dict[str, float] = field(default_factory=dict)  # answer text -> time
    duplicates: int = 0

    @classmethod
    def open(cls, port: int, path: str, cookie: str) -> Viewer:
        sock = socket.create_connection((HOST, port), timeout=STEP_TIMEOUT_S)
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nCookie: {cookie}\r\n"
            "Accept: text/event-stream\r\n\r\n"
        )
        sock.sendall(request.encode())
        sock.setblocking(False)
        return cls(sock)

    def feed(self, data: bytes, now: float) -> None:
        self.raw += data
        if not self.head_done:
            head, sep, rest = self.raw.partition(b"\r\n\r\n")
            if not sep:
                return
            status = head.split(b"\r\n", 1)[0]
            if b" 200 " not in status:
                raise RuntimeError(f"stream refused: {status.decode()}")
            self.head_done, self.raw = True, rest
        while True:  # chunked transfer coding
            size_line, sep, rest = self.raw.partition(b"\r\n")
            if not sep:
                break
            size = int(size_line, 16)
            if len(rest) < size + 2:
                break
            self.text += rest[:size].decode("utf-8")
            self.raw = rest[size + 2 :]
        while "\n\n" in self.text:
            block, self.text = self.text.split("\n\n", 1)
            self._event(block, now)

    def _event(self, block: str, now: float) -> None:
        lines = dict(line.split(": ", 1) for line in block.split("\n") if ": " in line)
        if lines.get("event") == "hello":
            self.hello = True
        elif lines.get("event") == "change":
            answer = json.loads(lines["data"])["data"].get("answer")
            if answer in self.arrivals:
                self.duplicates += 1
            self.arrivals.setdefault(answer, now)


class Readers:
    """One thread reading every viewer's socket as data comes."""

    def __init__(self, viewers: list[Viewer]):
        self.viewers = viewers
        self.selector = selectors.DefaultSelector()
        for v in viewers:
            self.selector.register(v.sock, selectors.EVENT_READ, v)
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            for key, _ in self.selector.select(timeout=0.2):
                now = time.perf_counter()
                try:
                    data = key.fileobj.recv(65536)  # type: ignore[union-attr]
                    if not data:
                        raise RuntimeError("stream ended")
                    key.data.feed(data, now)
                except (BlockingIOError, InterruptedError):
                    continue
                except Exception as e:  # noqa: BLE001 - counted, the viewer is dropped
                    self.errors.append(repr(e))
                    self.selector.unregister(key.fileobj)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        for v in self.viewers:
            v.sock.close()
        self.selector.close()


def wait_until(condition: Any, what: str) -> None:
    deadline = time.monotonic() + STEP_TIMEOUT_S
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out: {what}")
        time.sleep(0.02)


def indexed(server: Server) -> bool:
    """Whether the server's indexer has drained the search outbox (it indexes a new meeting
    in the background: not the viewers' cost)."""
    uri = f"file:{server.database}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True, timeout=30)) as db:
        return db.execute("SELECT count(*) FROM search_outbox").fetchone()[0] == 0


def scenario(
    server: Server, editor: Client, meeting: int, viewers_count: int, args: argparse.Namespace
) -> dict[str, Any]:
    numbers = row_uids(server, meeting)
    uid, revision = numbers[1]
    cookie = "; ".join(f"{k}={v}" for k, v in editor.cookies.items())
    path = f"/api/meetings/{meeting}/events"
    viewers = [Viewer.open(server.port, path, cookie) for _ in range(viewers_count)]
    readers = Readers(viewers)
    try:
        wait_until(lambda: all(v.hello for v in viewers) or readers.errors, "hello")
        cpu_idle_start, t_idle = server.cpu_seconds(), time.perf_counter()
        time.sleep(args.idle)
        idle_cpu = (server.cpu_seconds() or 0) - (cpu_idle_start or 0)
        idle_wall = time.perf_counter() - t_idle
        sends, acks, saves, errors = {}, {}, [], list(readers.errors)
        cpu_edit_start, t_edit = server.cpu_seconds(), time.perf_counter()
        for k in range(args.saves):
            text = f"Réponse en direct {viewers_count}-{k}"
            body = {"revision": revision, "fields": {"answer": text}}
            sent = time.perf_counter()
            answer = editor.send_json("PATCH", f"/api/meetings/{meeting}/rows/{uid}", body)
            acked = time.perf_counter()
            if answer.status != 200:
                errors.append(f"save {k}: HTTP {answer.status}")
                continue
            revision = answer.json()["row"]["revision"]
            sends[text], acks[text] = sent, acked
            saves.append(acked - sent)
            time.sleep(max(0.0, sent + args.interval - time.perf_counter()))
        wait_until(
            lambda: all(len(v.arrivals) >= len(acks) for v in viewers) or readers.errors,
            "every event at every viewer",
        )
        edit_cpu = (server.cpu_seconds() or 0) - (cpu_edit_start or 0)
        edit_wall = time.perf_counter() - t_edit
    finally:
        readers.close()
    errors += readers.errors
    after_ack = [v.arrivals[t] - acks[t] for v in viewers for t in acks if t in v.arrivals]
    after_send = [v.arrivals[t] - sends[t] for v in viewers for t in sends if t in v.arrivals]
    lost = len(acks) * len(viewers) - len(after_ack)
    return {
        "viewers": viewers_count,
        "saves": len(acks),
        "events_expected": len(acks) * len(viewers),
        "events_lost": lost,
        "events_duplicated": sum(v.duplicates for v in viewers),
        "errors": errors,
        "ack_to_event": summarise(after_ack) if after_ack else None,
        "send_to_event": summarise(after_send) if after_send else None,
        "autosave": summarise(saves),
        "idle_seconds": round(idle_wall, 2),
        "idle_server_cpu_ms_per_s": round(idle_cpu / idle_wall * 1000, 3),
        "editing_seconds": round(edit_wall, 2),
        "editing_server_cpu_ms_per_save": round(edit_cpu / max(1, len(acks)) * 1000, 2),
        "editing_server_cpu_share": round(edit_cpu / edit_wall, 3),
    }


@dataclass
class Rapporteur:
    """One rapporteur's autosave: its own row of a meeting, saved once a second."""

    client: Client
    meeting: int
    uid: str
    revision: int
    saves: list[tuple[str, float, float]] = field(default_factory=list)  # text, sent, acked
    errors: list[str] = field(default_factory=list)

    def run(self, start: float, phase: float, seconds: float) -> None:
        due, k = start + phase, 0
        while due < start + seconds:
            time.sleep(max(0.0, due - time.perf_counter()))
            text = f"Atelier {self.meeting} ligne {self.uid[:8]} saisie {k}"
            body = {"revision": self.revision, "fields": {"answer": text}}
            sent = time.perf_counter()
            try:
                answer = self.client.send_json(
                    "PATCH", f"/api/meetings/{self.meeting}/rows/{self.uid}", body
                )
            except OSError as e:
                self.errors.append(repr(e))
                break
            acked = time.perf_counter()
            if answer.status == 200:
                self.revision = answer.json()["row"]["revision"]
                self.saves.append((text, sent, acked))
            else:
                self.errors.append(f"HTTP {answer.status}")
            due, k = due + 1.0, k + 1


def workshops(
    server: Server, editor: Client, meetings: list[int], args: argparse.Namespace
) -> dict[str, Any]:
    """``--rapporteurs`` rapporteurs spread over the meetings (each on a row of its own,
    saving once a second, like the autosave of someone typing), and ``--room`` viewers
    spread over the same meetings, following their streams."""
    cookie = "; ".join(f"{k}={v}" for k, v in editor.cookies.items())
    rooms = {
        m: [
            Viewer.open(server.port, f"/api/meetings/{m}/events", cookie)
            for _ in range(args.room // len(meetings))
        ]
        for m in meetings
    }
    everyone = [v for vs in rooms.values() for v in vs]
    readers = Readers(everyone)
    rapporteurs = []
    for k in range(args.rapporteurs):
        meeting = meetings[k % len(meetings)]
        uid, revision = row_uids(server, meeting)[k // len(meetings) + 1]
        client = Client(server.port, dict(editor.cookies), editor.csrf)
        rapporteurs.append(Rapporteur(client, meeting, uid, revision))
    try:
        wait_until(lambda: all(v.hello for v in everyone) or readers.errors, "hello")
        cpu_start, start = server.cpu_seconds(), time.perf_counter()
        threads = [
            threading.Thread(target=r.run, args=(start, k / len(rapporteurs), args.seconds))
            for k, r in enumerate(rapporteurs)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        expected = {m: sum(len(r.saves) for r in rapporteurs if r.meeting == m) for m in rooms}
        wait_until(
            lambda: (
                all(len(v.arrivals) >= expected[m] for m, vs in rooms.items() for v in vs)
                or readers.errors
            ),
            "every event at every viewer",
        )
        cpu = (server.cpu_seconds() or 0) - (cpu_start or 0)
        wall = time.perf_counter() - start
    finally:
        readers.close()
        for r in rapporteurs:
            r.client.close()
    after_ack = [
        v.arrivals[text] - acked
        for r in rapporteurs
        for v in rooms[r.meeting]
        for text, _, acked in r.saves
        if text in v.arrivals
    ]
    saves = [acked - sent for r in rapporteurs for _, sent, acked in r.saves]
    events_expected = sum(len(r.saves) * len(rooms[r.meeting]) for r in rapporteurs)
    return {
        "meetings": len(meetings),
        "rapporteurs": len(rapporteurs),
        "viewers": len(everyone),
        "seconds": args.seconds,
        "saves": len(saves),
        "events_expected": events_expected,
        "events_lost": events_expected - len(after_ack),
        "events_duplicated": sum(v.duplicates for v in everyone),
        "errors": readers.errors + [e for r in rapporteurs for e in r.errors],
        "autosave": summarise(saves),
        "ack_to_event": summarise(after_ack) if after_ack else None,
        "server_cpu_share": round(cpu / wall, 3),
        "server_cpu_ms_per_save": round(cpu / max(1, len(saves)) * 1000, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", type=int, nargs="*", default=[0, 1, 50, 200])
    parser.add_argument(
        "--workshops",
        type=int,
        nargs="*",
        default=[10, 1],
        help="the rapporteurs and the room spread over this many meetings, one run each",
    )
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=[1, 2],
        help="rida serve --workers for the workshops, one server each (the viewers: 1)",
    )
    parser.add_argument("--rapporteurs", type=int, default=20)
    parser.add_argument("--room", type=int, default=200, help="viewers in all the rooms")
    parser.add_argument("--seconds", type=float, default=30.0, help="of saving, per run")
    parser.add_argument("--saves", type=int, default=100)
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between saves")
    parser.add_argument("--idle", type=float, default=20.0, help="idle phase, seconds")
    parser.add_argument("--results-name", default="live")
    args = parser.parse_args()
    load = check_machine_idle()

    def prepare(env: dict[str, str]) -> None:
        env["RIDA_LIVE_MAX_STREAMS_PER_ACCOUNT"] = str(max([*args.viewers, args.room]) + 8)

    with running_server(prepare=prepare) as server:
        editor = server.client().login()
        meeting = create_meeting(editor)
        wait_until(lambda: indexed(server), "the search index catches up")
        time.sleep(1.0)
        cpu0, t0 = server.cpu_seconds(), time.perf_counter()
        time.sleep(args.idle)  # the server's background, without viewers
        baseline = ((server.cpu_seconds() or 0) - (cpu0 or 0)) / (time.perf_counter() - t0)
        results = []
        for count in args.viewers:
            found = scenario(server, editor, meeting, count, args)
            extra = found["idle_server_cpu_ms_per_s"] - baseline * 1000
            found["idle_cpu_ms_per_s_per_viewer"] = round(extra / count, 4) if count else None
            results.append(found)
            time.sleep(1.5)  # the closed streams give their threads back
        editor.close()
    spread = []
    for workers in args.workers if args.workshops else []:
        with running_server(prepare=prepare, workers=workers) as server:
            editor = server.client().login()
            rooms = [create_meeting(editor, 40, seed) for seed in range(max(args.workshops))]
            wait_until(lambda: indexed(server), "the search index catches up")
            time.sleep(1.0)
            for count in args.workshops:
                found = {"workers": workers} | workshops(server, editor, rooms[:count], args)
                if found["events_lost"] or found["errors"]:
                    print(f"--- server log ({workers} workers, {count} meetings):")
                    print(server.log_tail(40))
                spread.append(found)
                time.sleep(1.5)
            editor.close()

    def latency(r: dict[str, Any], name: str, key: str) -> Any:
        return r[name][key] if r[name] else "-"

    rows = [
        [
            r["viewers"],
            f"{r['events_expected'] - r['events_lost']}/{r['events_expected']}",
            latency(r, "ack_to_event", "p50_ms"),
            latency(r, "ack_to_event", "p95_ms"),
            latency(r, "ack_to_event", "max_ms"),
            latency(r, "send_to_event", "p95_ms"),
            r["autosave"]["p50_ms"],
            r["autosave"]["p95_ms"],
            r["editing_server_cpu_ms_per_save"],
            r["idle_cpu_ms_per_s_per_viewer"] if r["viewers"] else "-",
        ]
        for r in results
    ]
    print_table(
        [
            "viewers",
            "events",
            "ack→ev p50",
            "p95",
            "max",
            "send→ev p95",
            "save p50",
            "save p95",
            "CPU ms/save",
            "idle CPU ms/s/viewer",
        ],
        rows,
    )
    print(f"server background CPU without viewers: {baseline * 1000:.2f} ms/s")
    if spread:
        print()
        print_table(
            [
                "workers",
                "meetings",
                "rapporteurs",
                "viewers",
                "events",
                "save p50",
                "save p95",
                "save max",
                "ack→ev p50",
                "p95",
                "max",
                "server CPU",
            ],
            [
                [
                    w["workers"],
                    w["meetings"],
                    w["rapporteurs"],
                    w["viewers"],
                    f"{w['events_expected'] - w['events_lost']}/{w['events_expected']}",
                    w["autosave"]["p50_ms"],
                    w["autosave"]["p95_ms"],
                    w["autosave"]["max_ms"],
                    latency(w, "ack_to_event", "p50_ms"),
                    latency(w, "ack_to_event", "p95_ms"),
                    latency(w, "ack_to_event", "max_ms"),
                    f"{w['server_cpu_share'] * 100:.0f} %",
                ]
                for w in spread
            ],
        )
    worst = max((r["ack_to_event"]["p95_ms"] for r in results if r["viewers"]), default=0.0)
    path = write_results(
        args.results_name,
        {
            "description": (
                "One editor saves a row through the real server while N viewers follow the "
                "meeting's event stream; latency from the save's acknowledgement (and from "
                "its sending) to the event's arrival at each viewer; the save's own round "
                "trip; server CPU (user + system) per save and per idle viewer"
            ),
            "load_average_at_start": load,
            "config": {
                "rows": 200,
                "server": "rida serve (waitress, 8 threads + RIDA_LIVE_MAX_STREAMS)",
                "viewers": args.viewers,
                "saves": args.saves,
                "interval_s": args.interval,
                "idle_s": args.idle,
                "heartbeat_s": 15,
            },
            "target": {
                "ack_to_event_p95_ms": TARGET_P95_MS,
                "met": worst < TARGET_P95_MS,
                "workshop_autosave_p95_ms": TARGET_SAVE_P95_MS,
                "workshop_met": all(w["autosave"]["p95_ms"] <= TARGET_SAVE_P95_MS for w in spread),
            },
            "server_background_cpu_ms_per_s": round(baseline * 1000, 3),
            "scenarios": results,
            "workshops": spread,
        },
    )
    print(f"written: {path}")
    failed = any(
        r["events_lost"] or r["events_duplicated"] or r["errors"] for r in [*results, *spread]
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
