"""``GET /api/search``: the search of the results page ``/recherche`` (same parameters,
:mod:`rida.search.params`), as JSON; :func:`rida.search.guard.search` applies the access rule."""

from __future__ import annotations

import json

from flask import current_app, request
from flask.typing import ResponseReturnValue

from rida.search import output, params
from rida.views import json_api, search_gate
from rida.views.auth import login_required

bp = json_api.blueprint("search_api", __name__)


@bp.get("/search")
@login_required
def search() -> ResponseReturnValue:
    """Same parameters as the page; bad ones: 400 with each parameter as ``path``."""
    query = params.parse(request.args.to_dict(flat=False))
    try:
        found = output.results_dict(search_gate.search(query))
    except search_gate.Busy as e:
        answer = json_api.error(503, "busy", str(e))
        return answer[0], answer[1], {"Retry-After": str(e.retry_after)}
    # Not jsonify: it sorts keys, and the required ones come first.
    return current_app.response_class(
        json.dumps(found, ensure_ascii=False), mimetype="application/json"
    )
