"""The simulated people of the load test: rapporteurs autosaving, readers searching.

Each is one thread with its own :class:`_common.Client` (a keep-alive connection, its
cookies, its CSRF token), logged in through the login form like a browser. Every request
is recorded as ``(kind, seconds, status)``; a failure is also written in ``errors``.
"""

from __future__ import annotations

import html
import json
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from _common import Client, Response
from search_rida import QUERIES

MAX_CONFLICT_RETRIES = 5
SEARCH_FAILED = "pas pu aboutir"  # « La recherche n'a pas pu aboutir… » (rida.search)
OWN_ROWS_SHARE = 0.9  # edits in the rapporteur's own rows; the rest in the co-rapporteur's
EDITOR_DATA = re.compile(r'<script type="application/json" id="editor-data">(.*?)</script>', re.S)
# Each row's text is in its fields only (the state above holds uid, number, revision).
ANSWER_FIELD = re.compile(r'<textarea id="row-([^"]+)-answer"[^>]*>(.*?)</textarea>', re.S)


@dataclass
class Person:
    """What every simulated person has: a session, a schedule, and what it recorded."""

    client: Client
    login: str
    rng: random.Random
    samples: list[tuple[str, float, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def timed(self, kind: str, send: Callable[[], Response]) -> Response | None:
        """Send one request; None (and an error) if it raised."""
        start = time.perf_counter()
        try:
            answer = send()
        except Exception as e:  # noqa: BLE001 - every failure is a counted error
            self.samples.append((kind, time.perf_counter() - start, 0))
            self.errors.append(f"{self.login} {kind}: {e!r}")
            self.client.close()
            return None
        self.samples.append((kind, time.perf_counter() - start, answer.status))
        return answer

    def fail(self, kind: str, answer: Response) -> None:
        self.errors.append(f"{self.login} {kind}: HTTP {answer.status} {answer.text[:200]!r}")

    def guarded(self, run: Callable[..., None], *args: Any) -> None:
        """Run ``run(*args)`` in this person's thread; a bug in it is a counted error."""
        try:
            run(*args)
        except Exception as e:  # noqa: BLE001
            self.errors.append(f"{self.login}: the client stopped: {e!r}")

    def log_in(self, password: str) -> None:
        start = time.perf_counter()
        self.client.login(self.login, password)  # raises: the run cannot start
        self.samples.append(("login", time.perf_counter() - start, 200))


# --- Rapporteurs -----------------------------------------------------------------------


@dataclass
class Edit:
    uid: str
    token: str


@dataclass
class Rapporteur(Person):
    """Types in a draft meeting: one autosave a second, as the editor sends it."""

    meeting_id: int = 0
    slot: int = 0
    writers: int = 1
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)  # uid -> row as known
    tokens_tried: list[Edit] = field(default_factory=list)
    acknowledged: list[Edit] = field(default_factory=list)
    conflicts: int = 0
    conflicts_resolved: int = 0
    _row: str = ""
    _stay: int = 0

    def open_editor(self) -> None:
        """``GET /reunions/<id>/modifier``: the rows and revisions the editor starts from."""
        answer = self.timed(
            "editor page", lambda: self.client.get(f"/reunions/{self.meeting_id}/modifier")
        )
        found = EDITOR_DATA.search(answer.text) if answer is not None else None
        if answer is None or answer.status != 200 or not found:
            if answer is not None:
                self.fail("editor page", answer)
            return
        data = json.loads(found.group(1))
        answers = {uid: html.unescape(text) for uid, text in ANSWER_FIELD.findall(answer.text)}
        self.rows = {r["uid"]: {**r, "answer": answers.get(r["uid"], "")} for r in data["rows"]}
        token = re.search(r'name="csrf-token" content="([^"]+)"', answer.text)
        if token:
            self.client.csrf = token.group(1)

    def _next_row(self) -> str:
        """Keep typing in the same row for 1 to 5 edits, then move to another one."""
        if self._stay > 0 and self._row in self.rows:
            self._stay -= 1
            return self._row
        ordered = sorted(self.rows.values(), key=lambda r: r["number"])
        own = [r for r in ordered if (r["number"] - 1) % self.writers == self.slot]
        others = [r for r in ordered if r not in own] or own
        pool = own if self.rng.random() < OWN_ROWS_SHARE else others
        self._row = self.rng.choice(pool)["uid"]
        self._stay = self.rng.randint(0, 4)
        return self._row

    def edit(self, k: int) -> None:
        """Append a unique token to a row's answer; on 409 take the server's version (the
        ``current`` of the answer), put the token on it and send again."""
        if not self.rows:
            self.open_editor()
            if not self.rows:
                return
        uid = self._next_row()
        edit = Edit(uid, f"[{self.login}-{k:04d}]")
        self.tokens_tried.append(edit)
        path = f"/api/meetings/{self.meeting_id}/rows/{uid}"
        for attempt in range(MAX_CONFLICT_RETRIES + 1):
            row = self.rows[uid]
            payload = {
                "revision": row["revision"],
                "fields": {"answer": f"{row['answer']} {edit.token}"},
            }
            answer = self.timed(
                "autosave", lambda p=payload: self.client.send_json("PATCH", path, p)
            )
            if answer is None:
                self.rows = {}  # unknown state: reload the editor before the next edit
                return
            data = _json(answer)
            if answer.status == 200 and edit.token in data.get("row", {}).get("answer", ""):
                self.rows[uid] = data["row"]
                self.acknowledged.append(edit)
                self.conflicts_resolved += attempt > 0
                return
            if answer.status == 409 and data.get("error") == "conflict":
                self.conflicts += attempt == 0
                self.rows[uid] = data["current"]
                continue
            self.fail("autosave", answer)
            self.rows = {}
            return
        self.errors.append(
            f"{self.login} autosave: still in conflict after {MAX_CONFLICT_RETRIES} retries"
        )

    def run(self, start: threading.Barrier, seconds: float, interval: float) -> None:
        """One edit every ``interval`` s from a random phase; a late edit is sent at once
        and the schedule does not catch up (the editor coalesces what is typed meanwhile)."""
        start.wait()
        end = time.monotonic() + seconds
        due = time.monotonic() + self.rng.uniform(0, interval)
        k = 0
        while True:
            time.sleep(max(0.0, min(due, end) - time.monotonic()))
            if time.monotonic() >= end:
                return
            k += 1
            self.edit(k)
            due = max(due + interval, time.monotonic())


# --- Readers ---------------------------------------------------------------------------


def query_args(index: int) -> dict[str, Any]:
    """URL arguments of the ``index``-th query of the search benchmark's mix."""
    q = QUERIES[index % len(QUERIES)]
    args: dict[str, Any] = {"q": q.text}
    if q.series:
        args["series"] = list(q.series)
    if q.nature:
        args["nature"] = list(q.nature)
    if q.date_from:
        args["from"] = q.date_from.isoformat()
    if q.date_to:
        args["to"] = q.date_to.isoformat()
    if q.sort != "relevance":
        args["sort"] = q.sort
    return args


@dataclass
class Reader(Person):
    """Searches the archive: the results page and the API in turn, a random query of the
    mix each time, then reads for a random ``think`` × (0.5 to 1.5) seconds (``think`` = 0:
    back to back)."""

    searches: int = 0

    def search(self) -> None:
        args = urlencode(query_args(self.rng.randrange(len(QUERIES))), doseq=True)
        if self.searches % 2 == 0:
            kind, path = "search page", f"/recherche?{args}"
        else:
            kind, path = "search API", f"/api/search?{args}"
        answer = self.timed(kind, lambda: self.client.get(path))
        if answer is None:
            return
        if kind == "search API":
            data = _json(answer)
            ok = "total" in data and SEARCH_FAILED not in (data.get("message") or "")
        else:  # the engine's error is a message in a 200 page: a failure all the same
            ok = "<main" in answer.text and SEARCH_FAILED not in answer.text
        if answer.status != 200:
            self.fail(kind, answer)
        elif not ok:
            why = "search error message" if SEARCH_FAILED in answer.text else "unexpected body"
            self.errors.append(f"{self.login} {kind}: HTTP 200 without results ({why})")
        self.searches += 1

    def run(self, start: threading.Barrier, seconds: float, think: float) -> None:
        start.wait()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.search()
            if think:
                time.sleep(
                    min(
                        self.rng.uniform(0.5 * think, 1.5 * think), max(0.0, end - time.monotonic())
                    )
                )


def _json(answer: Response) -> dict[str, Any]:
    try:
        data = answer.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
