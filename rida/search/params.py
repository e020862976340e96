"""Search parameters: request arguments or CLI options to a :class:`rida.search.Query`, and
back to URL arguments (filters kept in the URL, so that a results page can be shared).

The views, the API and the CLI all parse through :func:`parse`, so the
same parameter gets the same French error, with the parameter's name as path.

Parameters: ``q``, ``series``, ``nature``, ``type``, ``organisation``, ``status``,
``classification`` (each may be repeated: values of one filter are alternatives),
``from``, ``to`` (``AAAA-MM-JJ``), ``sort`` (``relevance`` or ``date``), ``page`` and
``per_page``. Empty values are ignored (a form's empty select); unknown ones too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from rida import fields
from rida.fields import FieldError, ValidationError
from rida.models import CLASSIFICATIONS, NATURES, STATUSES
from rida.search import SORTS, Filters, Query
from rida.util import url_args

MAX_PAGE = 1_000
MAX_PER_PAGE = 100
PER_PAGE = 20
MAX_VALUES = 50  # values per filter
NATURE_VALUES = (*NATURES, "none")

# URL parameter -> Filters attribute, in URL order.
FILTER_PARAMS = {
    "series": "series",
    "nature": "nature",
    "type": "meeting_type",
    "organisation": "organisation",
    "status": "status",
    "classification": "classification",
}
CHOICES: dict[str, Sequence[str]] = {
    "nature": NATURE_VALUES,
    "status": STATUSES,
    "classification": CLASSIFICATIONS,
}

Args = Mapping[str, Sequence[str]]


def parse(args: Args, *, per_page: int = PER_PAGE) -> Query:
    """The query these arguments describe; :class:`ValidationError` listing every bad
    parameter otherwise (nothing is guessed)."""
    errors = url_args.Errors()
    attempt = errors.attempt

    text = _first(args, "q") or ""
    chosen = {attr: attempt(_values, args, name) or () for name, attr in FILTER_PARAMS.items()}
    date_from = attempt(fields.date, _first(args, "from"), "from")
    date_to = attempt(fields.date, _first(args, "to"), "to")
    if date_from and date_to and date_to < date_from:
        errors.append(
            FieldError(
                "to",
                f"la date de fin ({date_to:%d/%m/%Y}) précède la date "
                f"de début ({date_from:%d/%m/%Y})",
            )
        )
    sort = _first(args, "sort") or "relevance"
    if sort not in SORTS:
        errors.append(
            FieldError("sort", f"tri inconnu « {sort} » : relevance (pertinence) ou date")
        )
    page = attempt(_number, _first(args, "page"), "page", 1, MAX_PAGE)
    size = attempt(_number, _first(args, "per_page"), "per_page", per_page, MAX_PER_PAGE)
    if errors:
        raise ValidationError(errors)
    return Query(
        text=text,
        filters=Filters(**chosen, date_from=date_from, date_to=date_to),
        sort=sort,
        page=page,
        per_page=size,
    )


_first = url_args.first


def _values(args: Args, name: str) -> tuple[str, ...]:
    found: list[str] = []
    for raw in args.get(name, ()):
        value = fields.text(raw, name, limit=fields.SHORT_TEXT)
        if value and value not in found:
            found.append(_choice(value, name) if name in CHOICES else value)
    if len(found) > MAX_VALUES:
        raise FieldError(name, f"trop de valeurs ({len(found)}, {MAX_VALUES} au plus)")
    return tuple(found)


def _choice(value: str, name: str) -> str:
    return url_args.choice(value, name, CHOICES[name])


_number = url_args.number


def to_args(query: Query, *, page: bool = True) -> list[tuple[str, str]]:
    """URL arguments giving back ``query`` (defaults left out)."""
    args: list[tuple[str, str]] = [("q", query.text)] if query.text else []
    for name, attr in FILTER_PARAMS.items():
        args += [(name, value) for value in getattr(query.filters, attr)]
    f = query.filters
    args += [("from", f.date_from.isoformat())] if f.date_from else []
    args += [("to", f.date_to.isoformat())] if f.date_to else []
    args += [("sort", query.sort)] if query.sort != "relevance" else []
    args += [("page", str(query.page))] if page and query.page != 1 else []
    args += [("per_page", str(query.per_page))] if query.per_page != PER_PAGE else []
    return args


def with_page(query: Query, page: int) -> Query:
    return dataclasses.replace(query, page=page)


def with_text(query: Query, text: str) -> Query:
    return dataclasses.replace(query, text=text, page=1)


def toggle(query: Query, name: str, value: str) -> Query:
    """``query`` with the filter ``name`` (a URL parameter, or ``year``) set to ``value``
    added, or removed when already there; back to page 1."""
    f = query.filters
    if name == "year":
        year = _year(value)
        if year is None:
            return query
        span = (dt.date(year, 1, 1), dt.date(year, 12, 31))
        kept = (None, None) if (f.date_from, f.date_to) == span else span
        filters = dataclasses.replace(f, date_from=kept[0], date_to=kept[1])
    elif name in ("from", "to"):
        filters = dataclasses.replace(f, **{"date_" + name: None})
    else:
        attr = FILTER_PARAMS[name]
        current: tuple[str, ...] = getattr(f, attr)
        changed = tuple(v for v in current if v != value) if value in current else (*current, value)
        filters = dataclasses.replace(f, **{attr: changed})
    return dataclasses.replace(query, filters=filters, page=1)


def active(query: Query) -> list[tuple[str, str]]:
    """The filters in force as ``(parameter, value)`` pairs (each removable)."""
    f = query.filters
    pairs = [(name, value) for name, attr in FILTER_PARAMS.items() for value in getattr(f, attr)]
    pairs += [("from", f.date_from.isoformat())] if f.date_from else []
    pairs += [("to", f.date_to.isoformat())] if f.date_to else []
    return pairs


def selected(query: Query, facet: str, value: str) -> bool:
    """Whether a facet value is one of the filters in force."""
    if facet == "year":
        year = _year(value)
        f = query.filters
        return year is not None and (f.date_from, f.date_to) == (
            dt.date(year, 1, 1),
            dt.date(year, 12, 31),
        )
    return value in getattr(query.filters, FILTER_PARAMS[facet])


def _year(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and 1 <= int(value) <= 9999 else None


def cli_args(**options: Iterable[str] | str | int | None) -> dict[str, list[str]]:
    """CLI options (``date_from``, ``meeting_type``… as click names them) as URL-style
    arguments for :func:`parse`."""
    names = {"date_from": "from", "date_to": "to", "meeting_type": "type"}
    args: dict[str, list[str]] = {}
    for key, value in options.items():
        if value is None:
            continue
        values = [value] if isinstance(value, (str, int)) else list(value)
        args[names.get(key, key)] = [str(v) for v in values]
    return args
