"""The live workshop's API: a meeting's changes as they are committed, and who edits where.

``GET /api/meetings/<id>/events``: Server-Sent Events (:mod:`rida.live.stream`), for
whoever may read the meeting (404 otherwise), with a login session or an API token, or
for a room with the meeting's room link (``?room=<token>``, :mod:`rida.live.room`).
``Last-Event-ID`` (or ``?since=``) replays what was missed. Too many streams: 429.

``POST /api/meetings/<id>/presence`` with ``{"row": <uid or null>, "state": "here" |
"leave"}``: an editor of the meeting says where they are; the others see it in their
stream (a ``presence`` change, neither audited nor indexed).
"""

from __future__ import annotations

import select as io_select
import socket
import time
from collections.abc import Callable
from typing import cast

from flask import Response, g, request, session
from flask.typing import ResponseReturnValue
from sqlmodel import select

from rida import db, fields
from rida.accounts import session_clock
from rida.fields import FieldError
from rida.live import changes, payloads, room, stream
from rida.meetings import editing as edits
from rida.models import ApiToken, User, aware, id_of
from rida.views import auth, editing, json_api, readable_meeting
from rida.views.auth import login_required
from rida.views.json_api import body

bp = json_api.blueprint("live_api", __name__)

HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
MAX_SEQ = 2**62
GONE = "waitress.client_disconnected"  # with channel_request_lookahead (rida serve)
SOCKET = "gunicorn.socket"  # rida serve --workers: the connection's socket


def _gone() -> Callable[[], bool] | None:
    """How to tell that the client has left, when the server can (waitress says it;
    under gunicorn, the socket reads as closed): its stream ends within a second instead
    of at its next heartbeat, and gives its slot back."""
    told = request.environ.get(GONE)
    if told is not None:
        return cast(Callable[[], bool], told)
    sock = request.environ.get(SOCKET)
    if isinstance(sock, socket.socket):
        return lambda: _closed(sock)
    return None


def _closed(sock: socket.socket) -> bool:
    try:
        readable, _, _ = io_select.select([sock], [], [], 0)
        return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):  # reset, or already closed
        return True


def _since() -> int | None:
    """The last seq the client has (``Last-Event-ID``, else ``?since=``), or None."""
    raw = request.headers.get("Last-Event-ID")
    if raw is None:
        raw = request.args.get("since")
    if raw is None or raw.strip() == "":
        return None
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_SEQ:
        raise FieldError("since", "numéro de changement attendu (entier positif ou nul)")
    return int(raw)


def _viewer(user: User) -> stream.Viewer:
    if auth.by_token():
        token = db.session().exec(select(ApiToken).where(ApiToken.prefix == g.api_token)).one()
        ends = aware(token.expires_at).timestamp() if token.expires_at is not None else None
        return stream.Viewer(id_of(user), token_id=token.id, ends_at=ends)
    clock = auth.clock()
    login_at = session.get(session_clock.LOGIN_AT)
    seen_at = session.get(session_clock.SEEN_AT)
    started = login_at if isinstance(login_at, int | float) else time.time()
    seen = seen_at if isinstance(seen_at, int | float) else time.time()
    return stream.Viewer(
        id_of(user),
        epoch=user.session_epoch,
        login_at=login_at if isinstance(login_at, int | float) else None,
        ends_at=started + clock.lifetime,
        idle_at=seen + clock.idle,
    )


ROOM = "room"  # the room link's token, for a projector without an account


@bp.get("/meetings/<int:meeting_id>/events")
def events(meeting_id: int) -> ResponseReturnValue:
    token = request.args.get(ROOM)
    if token is None:
        return _account_events(meeting_id)
    found = room.link_for_token(db.session(), meeting_id, token)
    if found is None:  # the same answer for every reason (as for the live view)
        return json_api.error(404, "not_found", "Ce lien de salle n'est plus valable.")
    link, _meeting = found
    return _stream(meeting_id, stream.Viewer(-id_of(link), room_token=token))


@login_required
def _account_events(meeting_id: int) -> ResponseReturnValue:
    readable_meeting(meeting_id)  # 404 unless readable
    return _stream(meeting_id, _viewer(auth.logged_in()))


def _stream(meeting_id: int, viewer: stream.Viewer) -> ResponseReturnValue:
    since = _since()
    hub = stream.hub(db.current_app_object())
    slot = hub.slots.acquire(viewer.user_id, meeting_id)
    if isinstance(slot, str):
        return json_api.error(429, "too_many_streams", slot)
    # The stream outlives the request: no read session (nor its connection) is kept.
    read = g.pop("db_session", None)
    if read is not None:
        read.close()
    response = Response(
        stream.events(hub, viewer, meeting_id, since, slot, _gone()),
        mimetype="text/event-stream",
        headers=HEADERS,
    )
    response.call_on_close(slot.release)
    return response


@bp.post("/meetings/<int:meeting_id>/presence")
@login_required
def presence(meeting_id: int) -> ResponseReturnValue:
    data = body()
    with editing(meeting_id) as (s, _meeting):
        state = str(fields.choice(data.get("state"), "state", ("here", "leave")))
        row = data.get("row")
        if row is not None:
            row = edits.check_uid(row, "row")
            if state == "here" and edits.find_row(s, meeting_id, row) is None:
                raise FieldError("row", "ligne inconnue dans cette réunion")
        _, who = payloads.who(s, auth.actor())
        found = {"user": who, "row": row}
        changes.record(s, meeting_id=meeting_id, kind="presence", op=state, uid=row, payload=found)
    return {"presence": found | {"state": state}}
