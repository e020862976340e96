"""The Task Force dashboard ``/actions`` and its exports ``/actions.csv``, ``/actions.xlsx``.

All three parse the same URL arguments (:mod:`rida.actions.action_board.params`) and query through
:mod:`rida.actions.action_board`, which applies the access rule; filters live in the URL, so a
dashboard can be bookmarked and shared. Status changes go through
``POST /api/actions/<id>/status`` (:mod:`rida.views.action_status_api`).
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from markupsafe import Markup, escape
from sqlmodel import Session

from rida import access, db, fields
from rida.actions import action_board
from rida.actions.action_board import BoardQuery, chart_cache, params, report, tables
from rida.actions.action_board.chart import geometry
from rida.actions.action_board.names import Owner, owner_choices, series_choices
from rida.audit import events
from rida.circuit import files
from rida.compte_rendu import pdf
from rida.compte_rendu.pdf import PdfUnavailable
from rida.fields import FieldError, ValidationError
from rida.meetings.people import Named, label
from rida.models import ACTION_KINDS, ACTION_STATUSES, User
from rida.render import ACTION_STATUS_LABELS
from rida.views import auth
from rida.views.auth import login_required
from rida.views.paging import Link, pagination
from rida.views.web import error_response

bp = Blueprint("action_board", __name__)

PARAM_LABELS = {
    "series": "Série",
    "owner": "Porteur",
    "organisation": "Organisation",
    "kind": "Type",
    "status": "Statut",
    "due_from": "Échéance à partir du",
    "due_to": "Échéance jusqu'au",
    "overdue": "En retard",
    "mine": "Mes actions",
    "text": "Texte ou référence",
    "sort": "Tri",
    "order": "Ordre",
    "chart": "Graphique",
    "page": "Page",
    "per_page": "Actions par page",
}
# (sort key, column header) of the sortable columns, in table order
COLUMNS = (
    ("due_date", "Échéance"),
    ("status", "Statut"),
    ("owner", "Porteur"),
    ("series", "Série"),
    ("meeting", "Réunion"),
)


def board_url(query: BoardQuery, endpoint: str = "/actions", page: bool = True) -> str:
    args = params.to_args(query, page=page)
    return endpoint + ("?" + urlencode(args) if args else "")


def sort_headers(query: BoardQuery) -> list[dict[str, Any]]:
    """Each sortable column: its link (the other order when already sorted by it) and its
    ``aria-sort``."""
    headers = []
    for key, title in COLUMNS:
        current = query.sort == key
        order = "desc" if current and query.order == "asc" else "asc"
        headers.append(
            {
                "key": key,
                "title": title,
                "url": board_url(params.replace(query, sort=key, order=order)),
                "aria_sort": ("ascending" if query.order == "asc" else "descending")
                if current
                else None,
                "hint": f"trier par {params.SORTS[key]}, "
                f"{'décroissant' if order == 'desc' else 'croissant'}",
            }
        )
    return headers


def page_model(query: BoardQuery, found: action_board.Board) -> dict[str, Any]:
    status_links = [
        Link(
            label,
            board_url(params.replace(query, status=(status,))),
            found.by_status.get(status, 0),
            query.status == (status,),
        )
        for status, label in _status_labels()
    ]
    owner_links = [
        Link(
            person_label(p),
            board_url(params.replace(query, owner=(str(p.id),), mine=False)) if p else "",
            n,
        )
        for p, n in found.by_owner
    ]
    return {
        "board": found,
        "headers": sort_headers(query),
        "status_links": status_links,
        "owner_links": owner_links,
        "overdue_link": board_url(params.replace(query, overdue=True, status=())),
        "chart": found.chart,
        "svg": geometry(found.chart) if found.chart else None,
        **pagination(
            query.page,
            query.per_page,
            found.total,
            lambda n: board_url(params.replace(query, page=n)),
        ),
    }


def _status_labels() -> list[tuple[str, str]]:
    return [(s, ACTION_STATUS_LABELS[s]) for s in ACTION_STATUSES]


def person_label(person: Named | None) -> str:
    return label(person) if person is not None else "Sans porteur"


def _choices(
    session: Session, user: User | None, known: list[int] | None
) -> tuple[list[Owner], list[tuple[Markup, Markup]], list[str]]:
    """The owners (and their options' value and text, escaped), the series' names."""
    owners = owner_choices(session, user, known)
    options = [(escape(str(p.id)), escape(person_label(p))) for p in owners]
    return owners, options, series_choices(session, user)


def _form_model(query: BoardQuery, found: action_board.Board | None = None) -> dict[str, Any]:
    session, user = db.session(), auth.user()
    known = found.all_owner_ids if found else None
    owners, options, series_names = chart_cache.choices(
        (chart_cache.position(session), (user.id, user.role, user.person_id) if user else None),
        lambda: _choices(session, user, known),
    )
    # the owners' <option>s, escaped once with the choices (300 owners: 600 escapes)
    selected = Markup(" selected")
    owner_options = Markup("").join(
        Markup(f'<option value="{value}"{selected if value in query.owner else ""}>{text}</option>')
        for value, text in options
    )
    return {
        "query": query,
        "param_labels": PARAM_LABELS,
        "kinds": ACTION_KINDS,
        "statuses": ACTION_STATUSES,
        "series_names": series_names,
        "owner_options": owner_options,
        "organisations": sorted({p.entity for p in owners if p.entity}),
        "mine_url": board_url(BoardQuery(mine=True)),
        "exports": [
            (fmt, board_url(query, f"/actions.{fmt}", page=False)) for fmt in ("csv", "xlsx")
        ],
        "report_links": [
            (text, board_url(query, endpoint, page=False))
            for text, endpoint in (
                ("Rapport imprimable", "/actions/rapport"),
                ("PDF", "/actions/rapport.pdf"),
            )
        ],
        "can_set_status": partial(
            access.may_set_status, session, user, owners=access.followed_owners(session, user)
        ),
        "today": dt.date.today(),
    }


def _parse() -> BoardQuery:
    """The page's query, its dates typed as JJ/MM/AAAA (made ISO, as the API has them);
    :class:`ValidationError` listing every bad parameter, dates included."""
    args = request.args.to_dict(flat=False)
    return fields.parse_typed(args, ("due_from", "due_to"), params.parse)


@bp.route("/actions")
@login_required
def dashboard() -> ResponseReturnValue:
    try:
        query = _parse()
    except ValidationError as e:
        return render_template(
            "actions/board.html", errors=e.errors, **_form_model(BoardQuery())
        ), 400
    session, user = db.session(), auth.user()
    found = action_board.board(session, user, query, with_chart=True)
    rights = access.status_rights(session, user, [item.action for item in found.items])
    return render_template(
        "actions/board.html",
        errors=[],
        **{**_form_model(query, found), "can_set_status": rights},
        **page_model(query, found),
    )


@bp.route("/actions.<any(csv, xlsx):fmt>")
@login_required
def export(fmt: str) -> ResponseReturnValue:
    try:
        query = _parse()
    except ValidationError as e:
        return render_template(
            "actions/board.html", errors=e.errors, **_form_model(BoardQuery())
        ), 400
    session, user = db.session(), auth.user()
    items, _ = action_board.all_items(session, user, query)
    if fmt == "xlsx":
        notes = report.latest_notes(session, user, [i.action.id for i in items if i.action.id])
        data = tables.to_xlsx(items, base_url=public_base_url(), notes=notes)
    else:
        data = tables.WRITERS[fmt](items)
    name = f"actions_{dt.date.today():%Y-%m-%d}.{fmt}"
    events.emit(
        events.EXPORTED,
        object_type="actions",
        after={
            "format": fmt,
            "file": name,
            "count": len(items),
            "filters": request.query_string.decode("utf-8", "replace")[:1000],
        },
    )
    return Response(
        data,
        mimetype=tables.MEDIA_TYPES[fmt],
        headers={"Content-Disposition": files.content_disposition(name)},
    )


# settings.py's default for RIDA_BASE_URL: not configured, so the request's address is used.
DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def public_base_url() -> str:
    """The address links in files point to: RIDA_BASE_URL if configured, else the one
    this request came by."""
    configured = str(current_app.config.get("BASE_URL") or "")
    if configured and configured != DEFAULT_BASE_URL:
        return configured.rstrip("/")
    return request.host_url.rstrip("/")


def _report_args() -> tuple[BoardQuery, str]:
    """The dashboard's filters, and ``group`` (``owner``, default, or ``series``)."""
    errors = []
    try:
        query = _parse()
    except ValidationError as e:
        errors, query = list(e.errors), BoardQuery()
    group = request.args.get("group") or "owner"
    if group not in report.GROUPS:
        errors.append(FieldError("group", "porteur (owner) ou série (series) attendu"))
    if errors:
        raise ValidationError(errors)
    return query, group


@bp.route("/actions/rapport")
@bp.route("/actions/rapport.pdf", endpoint="report_pdf")
@login_required
def report_page() -> ResponseReturnValue:
    """The status report of the filtered dashboard: a printable page (no form, the chart
    only if ``chart`` is given), or its PDF."""
    try:
        query, group = _report_args()
    except ValidationError as e:
        return render_template(
            "actions/board.html", errors=e.errors, **_form_model(BoardQuery())
        ), 400
    found = report.build(
        db.session(), auth.user(), query, group_by=group, with_chart=query.chart is not None
    )
    base_url = public_base_url()
    if request.endpoint == "action_board.report_pdf":
        try:
            source = report.to_html(found, base_url=base_url).encode("utf-8")
            data = pdf.convert(source, soffice=current_app.config.get("SOFFICE"), suffix="html")
        except PdfUnavailable as e:
            return error_response(503, e.message)
        name = f"etat-des-actions_{found.today:%Y-%m-%d}.pdf"
        events.emit(
            events.EXPORTED,
            object_type="actions",
            after={
                "format": "pdf",
                "file": name,
                "count": found.total,
                "filters": request.query_string.decode("utf-8", "replace")[:1000],
            },
        )
        return Response(
            data,
            mimetype="application/pdf",
            headers={"Content-Disposition": files.content_disposition(name)},
        )
    page = report.to_html(found, base_url=base_url, board_url=board_url(query))
    return Response(page, mimetype="text/html", headers={"Content-Security-Policy": report.CSP})
