"""Events that threads of this process wait on, all set at once (after a commit)."""

from __future__ import annotations

import threading


class Wakers:
    def __init__(self) -> None:
        self._events: set[threading.Event] = set()
        self._lock = threading.Lock()

    def add(self, event: threading.Event) -> None:
        with self._lock:
            self._events.add(event)

    def remove(self, event: threading.Event) -> None:
        with self._lock:
            self._events.discard(event)

    def wake(self) -> None:
        with self._lock:
            for event in self._events:
                event.set()
