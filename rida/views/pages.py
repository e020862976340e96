"""HTML pages: home, series and meeting creation, the compte-rendu, the editor."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import col, select

from rida import access, db, fields
from rida.actions import action_dict, actions_of, mine, owner_dict
from rida.circuit import validation, versions
from rida.circuit.files import FORMAT_LABELS
from rida.compte_rendu.wording import WORDING
from rida.fields import FieldError
from rida.live import changes, payloads, room
from rida.meetings import editing, figures, record
from rida.meetings.editing import header_dict, row_dict
from rida.meetings.participants import participant_dict
from rida.meetings.people import label
from rida.meetings.suggestions import suggestions
from rida.models import (
    ACTION_KINDS,
    ACTION_STATUSES,
    CLASSIFICATIONS,
    Meeting,
    Person,
    RidaRow,
    Series,
    SeriesMember,
    id_of,
)
from rida.views import auth, login_or_public, readable_meeting
from rida.views.action_pages import page_context
from rida.views.auth import login_required
from rida.views.figures import alternatives, markdown_with_figures

bp = Blueprint("pages", __name__)

DOWNLOADS = [(fmt, FORMAT_LABELS[fmt]) for fmt in ("docx", "md", "html", "pdf", "json")]
MEETING_TYPES = ("Atelier", "Comité", "Entretien bilatéral", "Réunion", "Séminaire")


@bp.route("/")
@login_required
def home() -> ResponseReturnValue:
    session, user = db.session(), auth.logged_in()
    found = session.exec(
        select(Meeting, Series)
        .join(Series)
        .where(access.readable(user))
        .order_by(col(Meeting.date).desc(), col(Meeting.id).desc())
    ).all()
    member_of = select(SeriesMember.series_id).where(SeriesMember.user_id == user.id)
    visible = select(Series).order_by(Series.name)
    if user.role != "admin":
        shown = {s.id for _, s in found}
        visible = visible.where(col(Series.id).in_(member_of) | col(Series.id).in_(shown))
    all_series = session.exec(visible).all()
    by_series: dict[int, list[Meeting]] = {id_of(s): [] for s in all_series}
    for m, s in found:
        by_series.setdefault(id_of(s), []).append(m)
    creatable = {x.id for x in all_series if access.can_edit_series(session, user, id_of(x))}
    return render_template(
        "home.html",
        series=all_series,
        by_series=by_series,
        creatable=creatable,
        mine=mine.summary(session, user, dt.date.today()),
        can_create=access.can_create(user),
        meeting_types=MEETING_TYPES,
        classifications=CLASSIFICATIONS,
    )


@bp.post("/series")
@login_required
def create_series() -> ResponseReturnValue:
    user = auth.user()
    if not access.can_create(user):
        abort(403)
    try:
        with db.transaction() as s:
            series = editing.create_series(s, request.form.get("name", ""), user)
    except FieldError as e:
        flash(f"Série non créée : {e.message}.", "error")
        return redirect(url_for("pages.home"))
    flash(f"Série « {series.name} » créée.", "info")
    return redirect(url_for("pages.home") + f"#series-{series.id}")


@bp.post("/reunions")
@login_required
def create_meeting() -> ResponseReturnValue:
    user = auth.user()
    if not access.can_create(user):
        abort(403)
    form = request.form
    try:
        series_id = int(form.get("series_id", ""))
    except ValueError:
        series_id = 0
    try:
        with db.transaction() as s:
            if not access.can_see_series(s, user, series_id):  # as for an unknown id
                raise FieldError("series_id", "série inconnue")
            if not access.can_edit_series(s, user, series_id):
                raise FieldError("series_id", access.NOT_A_MEMBER)
            typed, bad = fields.typed_dates(form.to_dict(), ("date",))
            if bad:
                raise bad[0]
            meeting = editing.create_meeting(s, series_id, user, typed)
    except FieldError as e:
        flash(f"Réunion non créée ({_FIELD_LABELS.get(e.path, e.path)}) : {e.message}.", "error")
        return redirect(url_for("pages.home"))
    return redirect(url_for("pages.edit", meeting_id=meeting.id))


_FIELD_LABELS = {
    "title": "titre",
    "date": "date",
    "series_id": "série",
    "meeting_type": "type de réunion",
    "classification": "classification",
}


@bp.route("/reunions/<int:meeting_id>")
@login_or_public
def view(meeting_id: int) -> ResponseReturnValue:
    return render_view(readable_meeting(meeting_id))


def render_view(meeting: Meeting, *, room_url: str | None = None) -> str:
    """The read view of ``meeting`` (which the current user may read); ``room_url``: a
    room link just made, shown once in the « Diffusion en salle » panel."""
    session = db.session()
    # The checklist only matters until validation (the panel hides it afterwards).
    checks = versions.checks(session, meeting, auth.user()) if meeting.status != "validated" else []
    can_edit = access.may_edit(session, auth.user(), meeting)
    forced = versions.forced_note(session, meeting)
    return render_template(
        "meetings/view.html",
        r=record.load(session, meeting),
        can_edit=can_edit,
        checks=checks,
        acts=page_context(session, meeting, auth.user()),
        check_summary=validation.summary(checks),
        frozen_message=versions.frozen_message(meeting),
        forced_note=forced,
        forced_failures=[
            f for c in validation.blocking(versions.checks(session, meeting)) for f in c.findings
        ]
        if forced
        else [],
        download_formats=DOWNLOADS,
        room_link=_room_link(meeting, room_url) if can_edit else None,
        md=markdown_with_figures(id_of(meeting)),
    )


def _room_link(meeting: Meeting, created: str | None) -> dict[str, object]:
    """What the « Diffusion en salle » panel says (for an editor of the meeting)."""
    active = room.active(db.session(), id_of(meeting))
    return {
        "refusal": room.refusal(meeting),
        "created": created,
        "active": len(active),
        "latest": room.local_time(active[0].created_at) if active else None,
    }


def _figure_list(r: record.Record) -> list[dict[str, Any]]:
    """The figures of the meeting for the editor's list: each with the alternative text its
    Markdown gives it (else a description of the figure), where to see and delete it."""
    m = r.meeting
    texts = [m.summary, m.results, *m.comments]
    texts += [t for row in r.rows for t in (row.question, row.answer)]
    texts += [line.action.notes for line in r.actions]
    alts = alternatives(texts)
    meeting_id = id_of(m)
    return [
        {
            "number": f.number,
            "alt": alts.get(f.number, f"Figure {f.number}, citée dans aucun texte"),
            "url": url_for("figures.image", meeting_id=meeting_id, number=f.number),
            "delete_url": url_for("figures.delete", meeting_id=meeting_id, number=f.number),
            "width": f.width,
            "height": f.height,
        }
        for f in figures.listed(db.session(), meeting_id)
    ]


ROW_TEXTS = ("subject", "question", "answer")


def row_state(row: RidaRow) -> dict[str, Any]:
    """A RIDA row in the editor's JSON state, without the texts its fields carry already
    (sent once: rida/static/editor-dom.js reads them back from the fields). A text with a
    carriage return stays in the state: HTML would turn it into a line feed."""
    out = row_dict(row)
    for name in ROW_TEXTS:
        if "\r" not in out[name]:
            del out[name]
    return out


@bp.route("/reunions/<int:meeting_id>/modifier")
@login_required
def edit(meeting_id: int) -> ResponseReturnValue:
    meeting = readable_meeting(meeting_id)
    session = db.session()
    if not access.may_edit(session, auth.user(), meeting):
        abort(403)
    if meeting.status == "validated":  # read-only: the read view says why, and how to amend
        return redirect(url_for("pages.view", meeting_id=meeting.id) + "#validation")
    seq = changes.last_seq(session)  # read first: the stream replays what follows
    r = record.load(session, meeting)
    visible = select(Person).where(access.visible_people(auth.user()))
    people = session.exec(
        visible.where(Person.last_name != "").order_by(Person.last_name, Person.first_name)
    ).all()
    organisations = session.exec(
        visible.where(Person.last_name == "").order_by(Person.entity)
    ).all()
    data = {
        "meeting": header_dict(meeting),
        "rows": [row_state(row) for row in r.rows],
        "participants": [participant_dict(p, person) for p, person in r.participants],
        "people": [
            {
                "id": p.id,
                "label": label(p),
                "last_name": p.last_name,
                "first_name": p.first_name,
                "entity": p.entity,
                "function": p.function,
            }
            for p in people
        ],
        "organisations": [owner_dict(p) for p in organisations],
        "actions": [action_dict(session, a) for a in actions_of(session, id_of(meeting))],
        "suggestions": suggestions(session, meeting.series_id, access.readable(auth.user())),
        "seq": seq,
        "me": payloads.who(session, auth.actor())[1],
    }
    return render_template(
        "meetings/edit.html",
        r=r,
        figure_list=_figure_list(r),
        data=data,
        people=people,
        meeting_types=MEETING_TYPES,
        classifications=CLASSIFICATIONS,
        action_kinds=ACTION_KINDS,
        action_statuses=ACTION_STATUSES,
        acts=page_context(session, meeting, auth.user(), editor=True),
        wording_fields=[
            (f"wording_{name}", label, default) for name, (label, default) in WORDING.items()
        ],
    )
