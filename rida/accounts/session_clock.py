"""When a login session ends: after ``idle`` seconds without a request, or ``lifetime``
seconds after the login, whichever comes first.

The two timestamps live in the signed session cookie (``LOGIN_AT``, ``SEEN_AT``, epoch
seconds): the client cannot change them, and the server decides.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

LOGIN_AT = "rida_login_at"
SEEN_AT = "rida_seen_at"


@dataclass(frozen=True)
class Clock:
    idle: float  # seconds
    lifetime: float  # seconds
    warning: float  # seconds before the end when the editor warns

    def seconds_left(self, session: MutableMapping[str, Any], now: float) -> float:
        """Seconds before the session ends (0 or less: over, or never started)."""
        login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
        if not isinstance(login_at, (int, float)) or not isinstance(seen_at, (int, float)):
            return 0.0
        return min(seen_at + self.idle, login_at + self.lifetime) - now

    def refresh_step(self) -> float:
        """How old ``SEEN_AT`` may be before a request refreshes it: the cookie is not
        rewritten on every request (fewer concurrent rewrites of one session)."""
        return min(60.0, self.idle / 10)


def start(session: MutableMapping[str, Any], now: float) -> None:
    session[LOGIN_AT] = now
    session[SEEN_AT] = now


def seen(
    session: MutableMapping[str, Any], clock: Clock, now: float, *, force: bool = False
) -> None:
    """A request of the session's user: its idle time starts again."""
    last = session.get(SEEN_AT)
    if force or not isinstance(last, (int, float)) or now - last >= clock.refresh_step():
        session[SEEN_AT] = now


def forget(session: MutableMapping[str, Any]) -> None:
    session.pop(LOGIN_AT, None)
    session.pop(SEEN_AT, None)
