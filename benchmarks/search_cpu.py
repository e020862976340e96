"""CPU time of one search, wherever it runs: this process (``time.process_time``) plus,
for PostgreSQL, the server processes serving this benchmark's connections (Linux
``/proc/<pid>/schedstat``: nanoseconds on the CPU), found by the connections'
``application_name``. Reading the server's clock happens outside the timed span."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import text


def server_seconds(pids: list[int]) -> float | None:
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None
    return total / 1e9


class CpuClock:
    """``span()`` before and after a query: (wall s, CPU s)."""

    def __init__(self, engine: Any = None, application: str | None = None) -> None:
        self.engine, self.application = engine, application
        self.pids: list[int] = []
        self.server = False

    def refresh(self) -> None:
        """The server processes of the engine's pool (call after a warm-up pass)."""
        if self.engine is None or self.application is None:
            return
        with self.engine.connect() as conn:
            self.pids = list(
                conn.execute(
                    text("SELECT pid FROM pg_stat_activity WHERE application_name = :a"),
                    {"a": self.application},
                ).scalars()
            )
        self.server = server_seconds(self.pids) is not None

    def start(self) -> tuple[float, float, float]:
        server = server_seconds(self.pids) if self.server else 0.0
        return (server or 0.0, time.process_time(), time.perf_counter())

    def stop(self, started: tuple[float, float, float]) -> tuple[float, float]:
        wall = time.perf_counter() - started[2]
        cpu = time.process_time() - started[1]
        server = server_seconds(self.pids) if self.server else 0.0
        return wall, cpu + (server or 0.0) - started[0]
