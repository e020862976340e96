"""Search: the results page ``/recherche`` (``GET /api/search``, same parameters:
:mod:`rida.views.search_api`).

Both parse with :mod:`rida.search.params` and call :func:`rida.search.search`, which applies
the access rule; filters live in the URL, so a results page can be bookmarked and shared.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from rida import fields, render
from rida.fields import ValidationError
from rida.search import FACETS, Query, Results, output, params
from rida.views import search_gate
from rida.views.auth import login_required
from rida.views.paging import Link, pagination

bp = Blueprint("search", __name__)

FACET_LABELS = {
    "nature": "Nature",
    "series": "Série",
    "organisation": "Organisation",
    "year": "Année",
}
PARAM_LABELS = {
    "series": "Série",
    "nature": "Nature",
    "type": "Type de réunion",
    "organisation": "Organisation",
    "status": "Statut",
    "classification": "Classification",
    "from": "Depuis le",
    "to": "Jusqu'au",
}
KIND_LABELS = {"row": "Ligne", "action": "Action", "meeting": "Réunion"}
SORT_LABELS = {"relevance": "pertinence", "date": "date (récentes d'abord)"}


def search_url(query: Query) -> str:
    args = params.to_args(query)
    return "?" + urlencode(args) if args else "?"


def value_label(name: str, value: str) -> str:
    """A filter value as people read it (``D`` → Décision, ``2022-01-07`` → 07/01/2022)."""
    if name == "nature":
        return render.NATURE_LABELS.get(value, "Sans nature" if value == "none" else value)
    if name == "status":
        return render.STATUS_LABELS.get(value, value)
    if name == "classification":
        return render.CLASSIFICATION_LABELS.get(value, value)
    if name in ("from", "to"):
        return "/".join(reversed(value.split("-")))
    return value


def facets(query: Query, results: Results) -> list[tuple[str, str, list[Link]]]:
    """``(name, label, links)`` per facet; each link adds its value or removes it."""
    shown = []
    for name in FACETS:
        links = [
            Link(
                value_label(name, value),
                search_url(params.toggle(query, name, value)),
                count,
                params.selected(query, name, value),
            )
            for value, count in results.facets.get(name, [])
        ]
        if links:
            shown.append((name, FACET_LABELS[name], links))
    return shown


def page_model(query: Query, results: Results) -> dict[str, Any]:
    return {
        "facets": facets(query, results),
        **pagination(
            query.page,
            query.per_page,
            results.total,
            lambda n: search_url(params.with_page(query, n)),
        ),
        "suggestion": search_url(params.with_text(query, results.suggestion))
        if results.suggestion
        else None,
    }


def common_model(query: Query) -> dict[str, Any]:
    return {
        "active": [
            Link(
                f"{PARAM_LABELS[name]} : {value_label(name, value)}",
                search_url(params.toggle(query, name, value)),
            )
            for name, value in params.active(query)
        ],
        "sorts": [
            Link(
                label,
                search_url(dataclasses.replace(query, sort=sort, page=1)),
                current=sort == query.sort,
            )
            for sort, label in SORT_LABELS.items()
        ],
        "hidden": [
            (n, v)
            for n, v in params.to_args(query, page=False)
            if n in ("series", "nature", "organisation", "sort", "per_page")
        ],
    }


def page(query: Query, found: Results | None) -> str:
    """The results page of ``query`` (``found``: None before any search)."""
    return render_template(
        "search/results.html",
        query=query,
        errors=[],
        results=found,
        kinds=KIND_LABELS,
        hit_path=output.hit_path,
        total_label=output.total_label,
        param_labels=PARAM_LABELS,
        **common_model(query),
        **(page_model(query, found) if found else {}),
    )


@bp.route("/recherche")
@login_required
def results() -> ResponseReturnValue:
    try:
        args = request.args.to_dict(flat=False)
        query = fields.parse_typed(args, ("from", "to"), params.parse)
    except ValidationError as e:
        empty = Query(text=request.args.get("q", "")[:1000])
        return render_template(
            "search/results.html",
            query=empty,
            errors=e.errors,
            results=None,
            param_labels=PARAM_LABELS,
            **common_model(empty),
        ), 400
    found = None
    if query.text.strip() or params.active(query):
        try:
            found = search_gate.search(query)
        except search_gate.Busy as e:
            # 503: no turn came; the page says so and keeps the query.
            told = Results(total=0, hits=[], facets={f: [] for f in FACETS}, message=str(e))
            return page(query, told), 503, {"Retry-After": str(e.retry_after)}
    return page(query, found)
