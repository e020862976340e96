"""The pages' old English URLs (``/meetings/<id>``, ``/login``...), kept as permanent
redirects to the French ones (``/reunions/<id>``, ``/connexion``...): bookmarks, links in
mails and calendars sent before the change keep working.

A redirect is blind: it is built from the URL alone, whoever asks and whether the object
exists or not, and reads nothing; the new URL then applies the access rule (404 for what
one may not read, the login page for anonymous visitors). GET answers 301; other methods
308, which makes the client send the same method and body again (the CSRF token with it: it
is checked on the old URL, as on every write, then on the new one).

Not moved: the JSON API (``/api/...``, a public contract used by scripts, in English) and the
calendar feeds ``/feeds/<token>.ics`` (an address pasted into calendar clients, some of which
do not follow redirects)."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import Blueprint, redirect, request, url_for
from werkzeug.wrappers import Response

bp = Blueprint("moved", __name__)

# (old URL rule, its methods, the endpoint that now serves it): the new endpoint takes the
# same URL parameters.
MOVED: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("/login", ("GET", "POST"), "auth.login"),
    ("/logout", ("POST",), "auth.logout"),
    ("/meetings", ("POST",), "pages.create_meeting"),
    ("/meetings/<int:meeting_id>", ("GET",), "pages.view"),
    ("/meetings/<int:meeting_id>/edit", ("GET",), "pages.edit"),
    ("/meetings/<int:meeting_id>/review", ("POST",), "circuit.review"),
    ("/meetings/<int:meeting_id>/draft", ("POST",), "circuit.draft"),
    ("/meetings/<int:meeting_id>/validate", ("POST",), "circuit.validate"),
    ("/meetings/<int:meeting_id>/amend", ("POST",), "circuit.amend"),
    ("/meetings/<int:meeting_id>/versions", ("GET",), "circuit.history"),
    ("/meetings/<int:meeting_id>/compare", ("GET",), "circuit.compare"),
    ("/meetings/<int:meeting_id>/compte-rendu.<fmt>", ("GET",), "exports.download"),
    ("/meetings/<int:meeting_id>/historique", ("GET",), "journal.meeting_history"),
    (
        "/meetings/<int:meeting_id>/actions/<uid>/interview",
        ("POST",),
        "action_pages.open_interview",
    ),
    ("/actions/<int:action_id>/close-interview", ("POST",), "action_pages.close_interview"),
    ("/agenda/<int:feed_id>/revoke", ("POST",), "feeds.revoke"),
    ("/compte/jetons/<prefix>/revoke", ("POST",), "account_tokens.revoke"),
)


def endpoint_name(target: str) -> str:
    """The endpoint of the old URL of ``target`` (``pages.view`` → ``moved.pages_view``)."""
    return f"{bp.name}.{target.replace('.', '_')}"


def _redirect(target: str, **values: Any) -> Response:  # Any: as url_for's values
    location = url_for(target, **values)
    if request.query_string:
        location += "?" + request.query_string.decode("ascii", "replace")
    return redirect(location, 301 if request.method in ("GET", "HEAD") else 308)


for _rule, _methods, _target in MOVED:
    bp.add_url_rule(
        _rule,
        endpoint=endpoint_name(_target).removeprefix(f"{bp.name}."),
        view_func=partial(_redirect, _target),
        methods=list(_methods),
    )
