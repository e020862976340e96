"""Search results as the API and the CLI print them (pure).

JSON: ``{"total", "hits": [{"meeting", "kind", "row", "title", "snippet", …}], "facets",
"suggestion", "message", "total_is_exact"}``; the required keys come first, extra ones
after; on a broad query ``total`` is a lower bound (``total_is_exact`` false: « plus
de »). The snippet is HTML (text escaped by the core, matches in ``<mark>``), as the
results page shows it.
"""

from __future__ import annotations

import html
import re
from typing import Any

from rida.search import Hit, Results

KIND_LABELS = {"row": "ligne", "action": "action", "meeting": "réunion"}
_TAG = re.compile(r"<[^>]*>")


def anchor(hit: Hit) -> str:
    """The fragment of the meeting page that shows the hit (row or action, highlighted)."""
    if hit.kind == "row" and hit.row is not None:
        return f"ligne-{hit.row}"
    if hit.kind == "action" and hit.action is not None:
        return f"action-{hit.action}"
    return ""


def hit_path(hit: Hit) -> str:
    fragment = anchor(hit)
    return f"/reunions/{hit.meeting}" + (f"#{fragment}" if fragment else "")


def hit_dict(hit: Hit) -> dict[str, Any]:
    return {
        "meeting": hit.meeting,
        "kind": hit.kind,
        "row": hit.row,
        "title": hit.title,
        "snippet": hit.snippet,
        "action": hit.action,
        "meeting_title": hit.meeting_title,
        "series": hit.series,
        "date": hit.date.isoformat(),
        "nature": hit.nature,
        "score": round(hit.score, 4),
        "url": hit_path(hit),
    }


def results_dict(results: Results) -> dict[str, Any]:
    return {
        "total": results.total,
        "hits": [hit_dict(h) for h in results.hits],
        "facets": {
            name: [{"value": value, "count": count} for value, count in values]
            for name, values in results.facets.items()
        },
        "suggestion": results.suggestion,
        "message": results.message,
        "total_is_exact": results.total_is_exact,
    }


def total_label(results: Results) -> str:
    """« 1 résultat », « 12 résultats », « plus de 2 000 résultats »."""
    count = f"{results.total:,}".replace(",", "\u202f")
    if not results.total_is_exact:
        return f"plus de {count} résultats"
    return f"{count} résultat{'s' if results.total > 1 else ''}"


def plain_snippet(snippet: str) -> str:
    """The snippet as terminal text: matches between « », other tags dropped, entities
    decoded, on one line."""
    text = snippet.replace("<mark>", "«").replace("</mark>", "»")
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def plain_line(hit: Hit) -> str:
    """``#id  date  kind  row  title — snippet``."""
    where = (
        str(hit.row)
        if hit.row is not None
        else (f"a{hit.action}" if hit.action is not None else "-")
    )
    line = f"#{hit.meeting:<5} {hit.date.isoformat()}  {hit.kind:<7} {where:>4}  {hit.title}"
    snippet = plain_snippet(hit.snippet)
    return f"{line} — {snippet}" if snippet else line
