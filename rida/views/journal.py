"""The audit log on the web: `/admin/journal` (admins) and a meeting's « Historique »
(the subscriber that records :mod:`rida.audit.events` into the log is in :mod:`rida.app`,
so that the commands' events are recorded too)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import col, select

from rida import db, fields, render
from rida.audit import events, labels, query
from rida.audit.record import utc
from rida.fields import FieldError
from rida.meetings import people
from rida.models import AuditEntry, Person, RidaRow, id_of
from rida.views import auth, readable_meeting
from rida.views.auth import login_required
from rida.views.paging import pagination

bp = Blueprint("journal", __name__)
PER_PAGE = 50


def _page_number() -> int:
    value = request.args.get("page", "1")
    return max(1, int(value)) if value.isdigit() and len(value) < 7 else 1


def _lines(found: list[AuditEntry], rows: dict[int, int] | None = None) -> list[dict[str, Any]]:
    """The entries as the table shows them: with ``rows`` (a meeting's history: number by
    row id), RIDA rows by their number and times in Europe/Paris; else (the admin
    journal) objects by their id and times in UTC, as the filters and the CSV."""
    ids = labels.person_ids(found)
    names = (
        {
            id_of(p): people.display_name(p)
            for p in db.session().exec(select(Person).where(col(Person.id).in_(ids)))
        }
        if ids
        else {}
    )
    return [
        {
            "entry": e,
            "at": (
                render.paris_datetime(e.at)
                if rows is not None
                else utc(e.at).strftime("%d/%m/%Y %H:%M:%S")
            ),
            "action": labels.action_label(e.action),
            "object": labels.object_name(e, rows),
            "changes": labels.changes(e, names, rows),
        }
        for e in found
    ]


def _admin() -> None:
    user = auth.user()
    if user is None or user.role != "admin":
        abort(404)


@bp.route("/admin/journal")
@login_required
def index() -> ResponseReturnValue:
    _admin()
    s = db.session()
    try:
        typed, bad = fields.typed_dates(request.args.to_dict(), ("du", "au"))
        if bad:
            raise bad[0]
        filters, error = query.parse(typed), None
    except FieldError as e:
        filters, error = query.Filters(), f"Filtre ignoré ({e.path}) : {e.message}."
    number = _page_number()
    found, total = query.page(s, filters, number, PER_PAGE)
    args: dict[str, Any] = filters.as_args()  # Any: as url_for's values
    pages = pagination(number, PER_PAGE, total, lambda n: url_for("journal.index", **args, page=n))
    return render_template(
        "admin/journal.html",
        lines=_lines(found),
        total=total,
        filters=filters,
        args=args,
        error=error,
        paging=pages,
        choices=query.choices(s),
        action_labels=labels.ACTIONS,
        object_labels=labels.OBJECTS,
    ), 400 if error else 200


@bp.route("/admin/journal.csv")
@login_required
def export_csv() -> ResponseReturnValue:
    _admin()
    try:
        filters = query.parse(request.args)
    except FieldError as e:
        return render_template(
            "errors/error.html", status=400, message=f"Filtre invalide ({e.path}) : {e.message}."
        ), 400
    name = f"journal_{dt.date.today():%Y-%m-%d}.csv"
    events.emit(
        events.EXPORTED,
        object_type="audit_entry",
        after={"format": "csv", "file": name, "filters": filters.as_args()},
    )
    session = db.read_session(db.engine())

    def stream() -> Iterator[bytes]:
        try:
            yield from (
                line.encode("utf-8") for line in query.to_csv(query.entries(session, filters))
            )
        finally:
            session.close()

    return Response(
        stream(),
        mimetype="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/reunions/<int:meeting_id>/historique")
@login_required
def meeting_history(meeting_id: int) -> ResponseReturnValue:
    """Who changed what in this meeting, newest first (whoever may read the meeting)."""
    meeting = readable_meeting(meeting_id)
    number = _page_number()
    changes = query.Filters(meeting_id=meeting.id, kinds=query.CHANGES)
    found, total = query.page(db.session(), changes, number, PER_PAGE)
    pages = pagination(
        number,
        PER_PAGE,
        total,
        lambda n: url_for("journal.meeting_history", meeting_id=meeting.id, page=n),
    )
    numbered = select(RidaRow.id, RidaRow.number).where(RidaRow.meeting_id == meeting.id)
    rows = {row_id: number for row_id, number in db.session().exec(numbered).all() if row_id}
    return render_template(
        "meetings/history.html", m=meeting, lines=_lines(found, rows), total=total, paging=pages
    )
