"""The live view of a meeting (``/reunions/<id>/direct``) and the room links.

The live view shows what the room needs while the rapporteur types: the header, the
participants and the RIDA table, in large type, without any editing control. It is
rendered here on load; ``static/direct.js`` then follows the change stream
(``GET /api/meetings/<id>/events``) and fetches again, from the two fragments below, what
changed: the rows (server-rendered ``<tr>``, Markdown rendered and sanitised as in the read
view) and the sections. The page, its fragments and the stream are reached:

- with one's own login, by whoever may read the meeting (404 otherwise, as the read view;
  anonymous visitors are sent to the login page, public instance or not);
- or, without an account, with a room link (``?salle=<token>``, :mod:`rida.live.room`):
  the token decides then, never the cookie; it opens this meeting's live view and nothing
  else, and a token that does not (or no longer) open it gets « Ce lien de salle n'est plus
  valable » (404), whatever the reason.

The room links are made and revoked from the read view's « Diffusion en salle » panel, by
whoever may edit the meeting (CSRF-protected forms).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from rida import access, db
from rida.fields import FieldError
from rida.live import room
from rida.meetings import record
from rida.meetings.editing import find_row
from rida.models import Meeting, RoomLink, id_of
from rida.views import auth, writable
from rida.views.pages import render_view

bp = Blueprint("live", __name__)

# The room link's query parameter (on the page and its fragments) and the stream's.
ROOM = "salle"
STREAM_ROOM = "room"
UID_SLOT = "__uid__"
INVALID = "Ce lien de salle n'est plus valable"


@dataclass(frozen=True)
class Viewer:
    """Who looks at the live view of ``meeting``: an account (``token`` None) or a room."""

    meeting: Meeting
    token: str | None = None
    link: RoomLink | None = None

    @property
    def room(self) -> bool:
        return self.token is not None

    def args(self) -> dict[str, Any]:  # Any: as url_for's values
        """The query arguments that carry the room's access to the fragments."""
        return {ROOM: self.token} if self.token is not None else {}


def _invalid() -> Response:
    page = render_template("meetings/direct_invalid.html", message=INVALID)
    response = make_response(page, 404)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def viewer(meeting_id: int) -> Viewer:
    """The meeting the request may see live, or the answer that refuses it (aborts)."""
    token = request.args.get(ROOM)
    if token is not None:
        found = room.link_for_token(db.session(), meeting_id, token)
        if found is None:
            abort(_invalid())
        link, meeting = found
        return Viewer(meeting, token, link)
    user = auth.user()
    if user is None:
        abort(make_response(auth.unauthorized()))
    readable = access.readable_meeting(db.session(), user, meeting_id)
    if readable is None:
        abort(404)
    return Viewer(readable)


def _no_index(response: Response, v: Viewer) -> Response:
    if v.room:
        response.headers["X-Robots-Tag"] = "noindex"
    return response


def stream_url(v: Viewer) -> str:
    """The change stream of the meeting (served by the stream's own module)."""
    url = f"{request.script_root}/api/meetings/{id_of(v.meeting)}/events"
    if v.token is not None:
        url += "?" + f"{STREAM_ROOM}={v.token}"
    return url


# The English URL is served too (not redirected): a room link pasted in either form keeps
# its token and works in clients that do not follow redirects.
@bp.route("/meetings/<int:meeting_id>/direct")
@bp.route("/reunions/<int:meeting_id>/direct")
def page(meeting_id: int) -> ResponseReturnValue:
    v = viewer(meeting_id)
    if v.link is not None and v.link.first_used_at is None and v.link.id is not None:
        with db.transaction() as s:
            link = s.get(RoomLink, v.link.id)
            if link is not None:
                room.note_use(s, link, ip=request.remote_addr)
    session = db.session()
    r = record.load(session, v.meeting)
    page = render_template(
        "meetings/direct.html",
        r=r,
        room=v.room,
        stream_url=stream_url(v),
        content_url=url_for("live.content", meeting_id=meeting_id, **v.args()),
        row_url=url_for("live.row", meeting_id=meeting_id, uid=UID_SLOT, **v.args()),
    )
    return _no_index(make_response(page), v)


@bp.route("/reunions/<int:meeting_id>/direct/contenu")
def content(meeting_id: int) -> ResponseReturnValue:
    """The header, participants and RIDA sections of the live view, as HTML."""
    v = viewer(meeting_id)
    r = record.load(db.session(), v.meeting)
    return _no_index(make_response(render_template("meetings/direct_content.html", r=r)), v)


@bp.route("/reunions/<int:meeting_id>/direct/lignes/<uid>")
def row(meeting_id: int, uid: str) -> ResponseReturnValue:
    """One RIDA row of the live view: its server-rendered ``<tr>`` (404 if it is gone)."""
    v = viewer(meeting_id)
    found = find_row(db.session(), id_of(v.meeting), uid)
    if found is None:
        abort(404)
    return _no_index(make_response(render_template("meetings/direct_row.html", row=found)), v)


# --- Room links: made and revoked by whoever may edit the meeting --------------------------


@bp.post("/reunions/<int:meeting_id>/salle")
@auth.login_required
def create_room_link(meeting_id: int) -> ResponseReturnValue:
    user = auth.logged_in()
    try:
        with writable(meeting_id) as (s, meeting):
            _, token = room.create(s, meeting, user, ip=request.remote_addr)
    except FieldError as e:
        flash(f"Pas de lien pour la salle : {e.message}.", "error")
        return redirect(url_for("pages.view", meeting_id=meeting_id) + "#salle")
    link = url_for("live.page", meeting_id=meeting_id, _external=True, **{ROOM: token})
    response = make_response(render_view(meeting, room_url=link))
    response.headers["Cache-Control"] = "no-store"  # the link is shown only once
    return response


@bp.post("/reunions/<int:meeting_id>/salle/revocation")
@auth.login_required
def revoke_room_link(meeting_id: int) -> ResponseReturnValue:
    user = auth.logged_in()
    with writable(meeting_id) as (s, meeting):
        revoked = room.revoke(s, meeting, user, ip=request.remote_addr)
    if revoked:
        flash("Lien pour la salle révoqué : il n'ouvre plus la vue en direct.", "info")
    else:
        flash("Aucun lien pour la salle à révoquer.", "info")
    return redirect(url_for("pages.view", meeting_id=meeting_id) + "#salle")
