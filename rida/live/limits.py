"""How many live streams may be open at once: in this process, per account, per meeting.

A stream holds a server thread for as long as it is open; the process limit is also the
semaphore that keeps the threads the saves need (``rida serve`` runs ``--threads`` plus
this many). Over a limit, the stream is refused with a French sentence saying which.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    per_process: int
    per_account: int
    per_meeting: int


class Slot:
    """One open stream, counted until :meth:`release` (idempotent)."""

    def __init__(self, slots: Slots, user_id: int, meeting_id: int):
        self._slots, self.user_id, self.meeting_id = slots, user_id, meeting_id
        self._released = False

    def release(self) -> None:
        self._slots._release(self)


class Slots:
    def __init__(self, limits: Limits):
        self.limits = limits
        self._lock = threading.Lock()
        self.total = 0
        self._by_account: Counter[int] = Counter()
        self._by_meeting: Counter[int] = Counter()

    def acquire(self, user_id: int, meeting_id: int) -> Slot | str:
        """A slot for a stream of ``user_id`` on ``meeting_id``, or why not (French)."""
        limits = self.limits
        with self._lock:
            if self.total >= limits.per_process:
                return (
                    "Trop de flux en direct sont ouverts sur ce serveur "
                    f"({limits.per_process} au plus) : réessayez dans quelques instants."
                )
            if self._by_account[user_id] >= limits.per_account:
                return (
                    "Trop de flux en direct sont ouverts avec votre compte "
                    f"({limits.per_account} au plus) : fermez des onglets de réunion."
                )
            if self._by_meeting[meeting_id] >= limits.per_meeting:
                return (
                    "Trop de personnes suivent cette réunion en direct "
                    f"({limits.per_meeting} au plus) : réessayez plus tard."
                )
            self.total += 1
            self._by_account[user_id] += 1
            self._by_meeting[meeting_id] += 1
            return Slot(self, user_id, meeting_id)

    def _release(self, slot: Slot) -> None:
        with self._lock:
            if slot._released:
                return
            slot._released = True
            self.total -= 1
            counted = ((self._by_account, slot.user_id), (self._by_meeting, slot.meeting_id))
            for counter, key in counted:
                counter[key] -= 1
                if counter[key] <= 0:
                    del counter[key]
