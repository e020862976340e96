"""Helpers shared by the benchmark scripts (stdlib only).

A benchmark starts the real production server (``rida serve``, waitress) as a subprocess
on a throw-away data directory, talks to it over loopback with :class:`Client` (one
keep-alive HTTP/1.1 connection and its own cookie jar, like one browser tab), and writes
its figures to ``benchmarks/results/<name>.json`` together with a description of the
machine.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import math
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = Path(__file__).resolve().parent / "results"
HOST = "127.0.0.1"
LOGIN = "bench"
PASSWORD = "bench-password-" + secrets.token_hex(8)
REQUEST_TIMEOUT = 30.0
STARTUP_TIMEOUT = 30.0


def venv_bin() -> Path:
    """The ``bin`` folder holding the ``rida`` entry point: the running venv, else .venv."""
    here = Path(sys.executable).parent
    if (here / "rida").exists():
        return here
    return ROOT / ".venv" / "bin"


# --- Statistics --------------------------------------------------------------------------


def percentile(sorted_samples: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100) by linear interpolation between closest ranks."""
    if not sorted_samples:
        return math.nan
    pos = (len(sorted_samples) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return sorted_samples[lo] + (sorted_samples[hi] - sorted_samples[lo]) * (pos - lo)


def summarise(samples_s: Sequence[float]) -> dict[str, float]:
    """Latency summary in milliseconds of samples given in seconds."""
    ms = sorted(s * 1000 for s in samples_s)
    return {
        "count": len(ms),
        "mean_ms": round(sum(ms) / len(ms), 3) if ms else math.nan,
        "p50_ms": round(percentile(ms, 50), 3),
        "p95_ms": round(percentile(ms, 95), 3),
        "p99_ms": round(percentile(ms, 99), 3),
        "max_ms": round(ms[-1], 3) if ms else math.nan,
    }


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    def fmt(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:.1f}"
        return str(v)

    cells = [[fmt(v) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    line = "  ".join(
        h.ljust(widths[0]) if i == 0 else h.rjust(widths[i]) for i, h in enumerate(headers)
    )
    print(line)
    print("-" * len(line))
    for r in cells:
        print(
            "  ".join(v.ljust(widths[0]) if i == 0 else v.rjust(widths[i]) for i, v in enumerate(r))
        )


# --- Machine and results -----------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _server_versions() -> dict[str, str]:
    """Python and SQLite versions of the interpreter that runs the server."""
    python = venv_bin() / "python"
    code = "import sqlite3, sys; print(sys.version.split()[0]); print(sqlite3.sqlite_version)"
    try:
        out = subprocess.run(
            [str(python), "-c", code], capture_output=True, text=True, timeout=20, check=True
        ).stdout.split()
        return {"python": out[0], "sqlite": out[1]}
    except (OSError, subprocess.SubprocessError, IndexError):
        return {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version}


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10)


def _git_commit() -> str | None:
    try:
        out = _git("rev-parse", "--short", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return out.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


def load_average() -> list[float] | None:
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None


def check_machine_idle() -> list[float] | None:
    """The 1/5/15-minute load averages; warns when other work competes for the CPUs."""
    load = load_average()
    cpus = os.cpu_count() or 1
    if load is not None and load[0] > 0.5 * cpus:
        print(
            f"Warning: load average {load[0]:.2f} on {cpus} CPUs before the run: other "
            "processes compete for the CPUs, figures will be slower and noisier.",
            file=sys.stderr,
        )
    return load


def machine_info() -> dict[str, Any]:
    server = _server_versions()
    return {
        "platform": platform.platform(),
        "cpu_model": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "python_version": server["python"],
        "sqlite_version": server["sqlite"],
        "client_python_version": platform.python_version(),
        "load_average_at_end": load_average(),
        "git_commit": _git_commit(),
    }


def write_results(name: str, payload: dict[str, Any]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    data = {
        "benchmark": name,
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        **payload,
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


# --- HTTP client ----------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Client:
    """One browser-like session: a keep-alive connection, cookies and the CSRF token."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""
    conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        all_headers = dict(headers or {})
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(method, path, body=body, headers=all_headers)
                raw = conn.getresponse()
                data = raw.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection: reconnect once.
                self.close()
                if attempt == 2:
                    raise
        for value in raw.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(value)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        if raw.getheader("Connection", "").lower() == "close":
            self.close()
        return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, data)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def send_json(self, method: str, path: str, payload: Any) -> Response:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        return self.request(
            method, path, body, {"Content-Type": "application/json", "X-CSRFToken": self.csrf}
        )

    def login(self, login: str = LOGIN, password: str = PASSWORD) -> Client:
        page = self.get("/connexion")
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        if page.status != 200 or not found:
            raise RuntimeError(f"login page: HTTP {page.status}")
        form = urlencode({"login": login, "password": password, "csrf_token": found.group(1)})
        answer = self.request(
            "POST",
            "/connexion",
            form.encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        if answer.status != 302:
            raise RuntimeError(f"login refused: HTTP {answer.status}")
        home = self.get("/")
        token = re.search(r'name="csrf-token" content="([^"]+)"', home.text)
        if home.status != 200 or not token:
            raise RuntimeError(f"home page after login: HTTP {home.status}")
        self.csrf = token.group(1)
        return self


# --- The server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class Server:
    port: int
    data_dir: Path
    process: subprocess.Popen
    log: Path
    threads: int

    @property
    def database(self) -> Path:
        return self.data_dir / "rida.sqlite3"

    def client(self) -> Client:
        return Client(self.port)

    def cpu_seconds(self) -> float | None:
        """User + system CPU time used so far by the server process and its workers
        (``--workers``) and their search processes, those alive and those ended (Linux
        only)."""
        total = _cpu_ticks(self.process.pid, children=True)
        return None if total is None else total / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s) and wait for it."""
        _stop(self.process)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _cpu_ticks(pid: int, children: bool = False) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    ticks = sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    if children:
        try:
            kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            kids = []
        # every level: gunicorn's workers and their search processes
        ticks += sum(_cpu_ticks(int(kid), children=True) or 0 for kid in kids)
    return ticks


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_ready(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"the server exited with code {server.process.returncode}:\n{server.log_tail()}"
            )
        try:
            conn = http.client.HTTPConnection(HOST, server.port, timeout=2)
            conn.request("GET", "/connexion")
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer within {STARTUP_TIMEOUT:.0f} s")


def _die_with_parent() -> None:
    """In the server process (Linux): get SIGTERM if the benchmark dies, even by SIGKILL."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _raise_interrupt(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@contextmanager
def running_server(
    threads: int | None = None,
    prepare: Callable[[dict[str, str]], None] | None = None,
    workers: int = 1,
    database_url: str | None = None,
) -> Iterator[Server]:
    """``rida init``, ``rida user add``, then ``rida serve`` on a fresh temp data dir
    (``database_url``: on that database instead of the data dir's SQLite file).

    ``prepare``, if given, is called with the server's environment (``RIDA_DATA_DIR``…)
    after the admin account exists and before the server starts, to fill the data dir.
    The server process and the directory are removed on exit, also on error or Ctrl+C.
    """
    tmp = Path(tempfile.mkdtemp(prefix="rida-bench-"))
    process: subprocess.Popen | None = None
    # SIGTERM (e.g. `timeout`) unwinds like Ctrl+C so that the cleanup below runs.
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RIDA_")}
        env.update(
            RIDA_DATA_DIR=str(tmp / "data"),
            RIDA_EXPORT_DIR=str(tmp / "exports"),
            RIDA_SECRET_KEY=secrets.token_hex(32),
        )
        if database_url:
            env["RIDA_DATABASE_URL"] = database_url
        rida = str(venv_bin() / "rida")
        subprocess.run([rida, "init"], env=env, check=True, capture_output=True, timeout=60)
        subprocess.run(
            [rida, "user", "add", LOGIN, "--role", "admin"],
            env=env,
            check=True,
            input=PASSWORD + "\n",
            text=True,
            capture_output=True,
            timeout=60,
        )
        if prepare is not None:
            prepare(env)
        port = free_port()
        log = tmp / "server.log"
        command = [rida, "serve", "--host", HOST, "--port", str(port)]
        if threads is not None:
            command += ["--threads", str(threads)]
        command += ["--workers", str(workers)]
        with log.open("wb") as out:
            process = subprocess.Popen(
                command,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        server = Server(port, tmp / "data", process, log, threads or 8)
        _wait_ready(server)
        yield server
    finally:
        if process is not None:
            _stop(process)
        shutil.rmtree(tmp, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous)


# --- A realistic 200-row meeting -----------------------------------------------------------

SPEAKERS = (
    "ANS",
    "DNS",
    "LIFEN",
    "ENOVACOM",
    "GIE SESAM-VITALE",
    "ESEA Nouvelle Aquitaine",
    "MAINCARE",
    "DOCTOLIB",
    "CNAM",
    "GRADeS Occitanie",
    "SIB",
    "APICRYPT",
)
SUBJECTS = (
    "Financement Ségur",
    "Preuves de déploiement",
    "Annuaire santé",
    "Référentiel #1",
    "Messagerie citoyenne",
    "Identité nationale de santé",
    "Calendrier de bascule",
    "Homologation des opérateurs",
    "Interopérabilité",
    "Accompagnement des éditeurs",
    "Sécurité des échanges",
    "Pilotage de la Task Force",
)
OPENERS = (
    "comment",
    "dans quelle mesure",
    "à quelle échéance",
    "selon quelles modalités",
    "pourquoi",
    "est-il prévu que",
    "qui doit",
    "faut-il",
)
NOUNS = (
    "l'opérateur",
    "le référentiel",
    "la mise en conformité",
    "le financement",
    "l'annuaire national",
    "la messagerie sécurisée",
    "les établissements de santé",
    "le calendrier",
    "les éditeurs de logiciels",
    "la preuve de déploiement",
    "le dossier médical partagé",
    "l'identifiant national de santé",
    "les usagers",
    "le guichet de dépôt",
    "la documentation technique",
    "les professionnels de santé",
    "la plateforme de tests",
    "le comité de suivi",
    "l'espace de confiance",
    "les exigences de sécurité",
)
VERBS = (
    "doit préciser",
    "va publier",
    "peut accompagner",
    "devra valider",
    "a confirmé",
    "souhaite clarifier",
    "prévoit de revoir",
    "met à disposition",
    "s'engage à transmettre",
    "propose d'organiser",
    "rappelle",
    "demande de documenter",
)
TAILS = (
    "avant la fin du trimestre",
    "lors du prochain atelier",
    "dans les meilleurs délais",
    "en lien avec les régions",
    "sous réserve de l'arbitrage de la DNS",
    "conformément au cahier des charges",
    "pour l'ensemble des opérateurs",
    "dans la version 1.2 du référentiel",
    "à l'issue de la phase pilote",
    "en cohérence avec la doctrine du numérique en santé",
)


def _sentence(rng: random.Random, question: bool) -> str:
    if question:
        text = (
            f"{rng.choice(OPENERS)} {rng.choice(NOUNS)} {rng.choice(VERBS)} "
            f"{rng.choice(NOUNS)} {rng.choice(TAILS)} ?"
        )
    else:
        text = f"{rng.choice(NOUNS)} {rng.choice(VERBS)} {rng.choice(NOUNS)} {rng.choice(TAILS)}."
    return text[0].upper() + text[1:]


def paragraph(rng: random.Random, words: int, question: bool = False) -> str:
    """Sentences from a workshop, prefixed by a speaker (``LIFEN : …``), ~``words`` long."""
    parts = [f"{rng.choice(SPEAKERS)} :"]
    count = 0
    while count < words:
        s = _sentence(rng, question and count == 0)
        parts.append(s)
        count += len(s.split())
    return " ".join(parts)


def meeting_document(rows: int = 200, seed: int = 2024, date: str = "2024-01-01") -> dict[str, Any]:
    """A rida/1 document with ``rows`` RIDA rows of ~80 words each (30 + 50)."""
    rng = random.Random(seed)
    return {
        "format": "rida/1",
        "series": "Bench",
        "title": f"Atelier de performance ({rows} lignes)",
        "subject": "Mesure des temps de réponse",
        "meeting_type": "Atelier",
        "date": date,
        "participants": [
            {
                "last_name": f"Nom{i}",
                "first_name": f"Prénom{i}",
                "entity": rng.choice(SPEAKERS),
                "function": "Chef de projet",
            }
            for i in range(12)
        ],
        "rida": [
            {
                "number": n,
                "nature": rng.choice(("I", "D", "A")),
                "subject": rng.choice(SUBJECTS),
                "question": paragraph(rng, 30, question=True),
                "answer": paragraph(rng, 50),
            }
            for n in range(1, rows + 1)
        ],
    }


def create_meeting(
    client: Client, rows: int = 200, seed: int = 2024, date: str = "2024-01-01"
) -> int:
    answer = client.send_json("POST", "/api/meetings", meeting_document(rows, seed, date))
    if answer.status != 201:
        raise RuntimeError(f"meeting creation: HTTP {answer.status}: {answer.text[:500]}")
    return int(answer.json()["id"])


def row_uids(server: Server, meeting_id: int) -> dict[int, tuple[str, int]]:
    """``{number: (uid, revision)}`` read straight from the server's SQLite file (read-only).

    The rida/1 export has no row uids, and the editor page may not exist yet, so the
    benchmark, which owns the data directory, looks them up itself.
    """
    uri = f"file:{server.database}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True, timeout=30)) as db:
        found = db.execute(
            "SELECT number, uid, revision FROM rida_row WHERE meeting_id = ?", (meeting_id,)
        ).fetchall()
    return {number: (uid, revision) for number, uid, revision in found}
