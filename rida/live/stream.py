"""One live stream: the changes of a meeting as Server-Sent Events, for one viewer.

The stream starts with what the viewer missed (every entry of the meeting above the
``since`` it gives, in order, no duplicates) or, without ``since`` (or with one beyond the
log, as after a restore, or older than the entries kept, :mod:`rida.live.retention`), a
``hello`` naming the current seq: the client then loads the meeting afresh; then each
change as it is committed, an SSE comment (``: ping``) every ``heartbeat`` seconds when
nothing happens, and nothing else: an idle stream sleeps on its queue. Its access is
checked again when an ``access`` entry concerns it (its meeting, its account) and at least
every ``access_check`` seconds; once lost, a ``closed`` event says why (in French) and the
stream ends. It ends without a word when the login session may have gone idle, when it
falls too far behind or when the server stops: the browser's ``EventSource`` reconnects
with ``Last-Event-ID`` and the request decides.

Nothing here holds a database connection between two reads.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from rida import access, db
from rida.live import retention, room
from rida.live.entries import Entry, last_seq, read, sse
from rida.live.follower import Follower, Subscriber
from rida.live.limits import Limits, Slot, Slots
from rida.models import ApiToken, User, aware, utcnow

RETRY = b"retry: 2000\n\n"
PING = b": ping\n\n"
REASONS = {
    "logout": "Vous vous êtes déconnecté : le direct est fermé.",
    "session": "Votre session a pris fin : reconnectez-vous.",
    "expired": "Votre session a expiré : reconnectez-vous.",
    "account": "Votre compte est désactivé.",
    "token": "Ce jeton d'API a été révoqué ou a expiré.",
    "access": "Vous n'avez plus accès à cette réunion.",
    "room": "Ce lien de salle n'est plus valable.",
}


@dataclass(frozen=True)
class Viewer:
    """Who watches, and what their access hangs on."""

    user_id: int
    epoch: int | None = None  # a login session's epoch (None: an API token)
    login_at: float | None = None  # when the login session started (tells it apart)
    token_id: int | None = None  # an API token's id
    ends_at: float | None = None  # epoch seconds: the session's or token's end
    idle_at: float | None = None  # epoch seconds: when the session may have gone idle
    room_token: str | None = None  # a room link's token (``user_id``: minus the link's id)


class Hub:
    """A process's follower, stream slots and timings (one per application)."""

    def __init__(self, engine: Engine, config: Mapping[str, Any]):
        self.engine = engine
        self.heartbeat = float(config.get("LIVE_HEARTBEAT_SECONDS", 15))
        self.access_check = float(config.get("LIVE_ACCESS_CHECK_SECONDS", 5))
        self.follower = Follower(
            engine,
            poll=float(config.get("LIVE_POLL_SECONDS", 0.1)),
            safety_poll=float(config.get("LIVE_SAFETY_POLL_SECONDS", 1.0)),
            queue_limit=int(config.get("LIVE_QUEUE_LIMIT", 10_000)),
        )
        self.slots = Slots(
            Limits(
                per_process=int(config.get("LIVE_MAX_STREAMS", 250)),
                per_account=int(config.get("LIVE_MAX_STREAMS_PER_ACCOUNT", 8)),
                per_meeting=int(config.get("LIVE_MAX_STREAMS_PER_MEETING", 300)),
            )
        )


EXTENSION = "rida.live"
_hubs_lock = threading.Lock()


def hub(app: db.App) -> Hub:
    """The hub of ``app``, made on first use (its thread starts with the first stream)."""
    with _hubs_lock:
        found: Hub | None = app.extensions.get(EXTENSION)
        if found is None:
            found = app.extensions[EXTENSION] = Hub(app.extensions["rida.engine"], app.config)
        return found


def shutdown(app: db.App) -> None:
    """End every stream of ``app`` and stop its follower (the server stops)."""
    found: Hub | None = app.extensions.get(EXTENSION)
    if found is not None:
        found.follower.stop()


# What a room (a projector without an account, :mod:`rida.live.room`) is sent: what its
# live view shows (the header, the participants, the RIDA rows, who is on which row), not
# the actions nor the notices meant for the editors, and no account's login.
ROOM_KINDS = frozenset({"meeting", "participant", "row", "presence"})


def _pseudonymous(who: object) -> dict[str, Any] | None:
    """Who acts, for a room: the name shown, and a stable key instead of the login."""
    if not isinstance(who, dict):
        return None
    key = hashlib.sha256(str(who.get("login")).encode()).hexdigest()[:16]
    return {"name": who.get("name"), "login": key}


def change_event(entry: Entry, viewer: Viewer | None = None) -> bytes:
    """The SSE event of ``entry`` for ``viewer``: an account's is encoded once for all
    (``entry.event``); a room's leaves out what its live view does not show (empty)."""
    if viewer is None or viewer.room_token is None:
        return entry.event
    if entry.kind not in ROOM_KINDS:
        return b""
    payload = entry.payload
    if entry.kind == "presence":
        payload = {**payload, "user": _pseudonymous(payload.get("user"))}
    data = {
        "seq": entry.seq,
        "kind": entry.kind,
        "op": entry.op,
        "uid": entry.uid,
        "revision": entry.revision,
        "fields": entry.fields,
        "data": payload,
        "by": _pseudonymous(entry.actor),
        "at": aware(entry.at).isoformat(),
    }
    return sse("change", data, entry.seq)


def closed(code: str) -> bytes:
    return sse("closed", {"reason": REASONS[code], "code": code})


def lost_access(engine: Engine, viewer: Viewer, meeting_id: int) -> str | None:
    """Why ``viewer`` may no longer follow ``meeting_id`` (a key of REASONS), or None."""
    with db.read_session(engine) as s:
        if viewer.room_token is not None:  # revoked, another day, no longer a draft...
            return None if room.meeting_for_token(s, meeting_id, viewer.room_token) else "room"
        user = s.get(User, viewer.user_id)
        if user is None or not user.active:
            return "account"
        if viewer.epoch is not None and user.session_epoch != viewer.epoch:
            return "session"
        if viewer.token_id is not None:
            token = s.get(ApiToken, viewer.token_id)
            expires = aware(token.expires_at) if token is not None else None
            if token is None or token.revoked_at is not None or (expires and expires <= utcnow()):
                return "token"
        if not access.can_read(s, user, meeting_id):
            return "access"
    return None


def events(
    hub: Hub,
    viewer: Viewer,
    meeting_id: int,
    since: int | None,
    slot: Slot,
    gone: Callable[[], bool] | None = None,
) -> Iterator[bytes]:
    """The stream's bytes; ``slot`` is released when it ends. ``gone``: whether the client
    has disconnected (the server's own check, if it has one)."""
    sub: Subscriber | None = None
    try:
        sub, start = hub.follower.subscribe(meeting_id, viewer.user_id, gone)
        if since is not None and since > start and since > last_seq(hub.engine):
            since = None  # beyond the log (a restored database): start afresh
        elif since is not None and since < start and retention.pruned_since(hub.engine, since):
            since = None  # what followed ``since`` may be pruned: start afresh
        if since is None:
            yield RETRY + sse("hello", {"seq": start}, start)
            last = start
        else:
            yield RETRY
            last = since
            for batch in read(hub.engine, since, meeting_id=meeting_id, upto=start):
                yield b"".join(change_event(entry, viewer) for entry in batch)
                last = batch[-1].seq
        yield from _follow(hub, sub, viewer, meeting_id, last)
    finally:
        if sub is not None:
            hub.follower.unsubscribe(sub)
        slot.release()


def _verdict(hub: Hub, entry: Entry, viewer: Viewer, meeting_id: int) -> str | None:
    """After an entry about access: why the stream must close, or None."""
    if entry.kind == "access" and "login_at" in entry.payload:  # a logout: which session?
        mine = entry.payload.get("user_id") == viewer.user_id and viewer.login_at is not None
        return "logout" if mine and entry.payload["login_at"] == viewer.login_at else None
    return lost_access(hub.engine, viewer, meeting_id)


def _about_access(entry: Entry, viewer: Viewer, meeting_id: int) -> bool:
    if entry.kind == "meeting" and entry.op == "delete":
        return True
    if entry.kind != "access":
        return False
    return entry.meeting_id == meeting_id or entry.payload.get("user_id") == viewer.user_id


def _follow(
    hub: Hub, sub: Subscriber, viewer: Viewer, meeting_id: int, last: int
) -> Iterator[bytes]:
    clock = time.monotonic
    beat_at = clock() + hub.heartbeat
    check_at = clock() + hub.access_check
    while True:
        wait = min(beat_at, check_at) - clock()
        for moment in (viewer.ends_at, viewer.idle_at):
            if moment is not None:
                wait = min(wait, moment - time.time())
        entries = sub.take(wait)
        if sub.stopped or sub.overflowed:
            return  # the client reconnects with Last-Event-ID
        out: list[bytes] = []
        for entry in entries:
            if _about_access(entry, viewer, meeting_id):
                verdict = _verdict(hub, entry, viewer, meeting_id)
                if verdict is not None:
                    yield b"".join(out) + closed(verdict)
                    return
            if entry.kind == "access" or entry.seq <= last:
                continue
            out.append(change_event(entry, viewer))
            last = entry.seq
        now = clock()
        if now >= check_at:
            verdict = lost_access(hub.engine, viewer, meeting_id)
            if verdict is not None:
                yield b"".join(out) + closed(verdict)
                return
            check_at = now + hub.access_check
        if viewer.ends_at is not None and time.time() >= viewer.ends_at:
            yield b"".join(out) + closed("token" if viewer.token_id is not None else "expired")
            return
        if viewer.idle_at is not None and time.time() >= viewer.idle_at:
            if out:
                yield b"".join(out)
            return  # the session may have gone idle: the reconnection decides
        if out:
            yield b"".join(out)
            beat_at = now + hub.heartbeat
        elif now >= beat_at:
            yield PING
            beat_at = now + hub.heartbeat
