"""Links of a paged list (search results, actions dashboard)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Link:
    label: str
    url: str
    count: int | None = None
    current: bool = False


def pagination(page: int, per_page: int, total: int, url: Callable[[int], str]) -> dict[str, Any]:
    """What ``templates/_pagination.html`` shows: the pages around ``page``, the previous
    and next ones, the number of pages and the rank of the first item of this page."""
    pages = max(1, math.ceil(total / per_page))
    near = range(max(1, page - 2), min(pages, page + 2) + 1)
    return {
        "pages": [Link(str(n), url(n), current=n == page) for n in near],
        "previous": url(page - 1) if page > 1 else None,
        "next": url(page + 1) if page < pages else None,
        "last_page": pages,
        "first": (page - 1) * per_page + 1,
    }
