"""Dashboard parameters: URL arguments or CLI options to a :class:`BoardQuery`, and back.

Pure: no database. The page, the exports and ``rida actions`` all parse through
:func:`parse`, so the same parameter gets the same French error, with its name as path.

Parameters (each filter may be repeated: its values are alternatives): ``series`` (a
series name), ``owner`` (a person id, or a name: ``SLOSAR``, ``Mathieu SLOSAR``, an
organisation's name), ``organisation`` (the owner's entity), ``kind``, ``status``,
``due_from`` / ``due_to`` (``AAAA-MM-JJ``, inclusive), ``overdue`` and ``mine`` (flags:
``1``, ``on``, ``true``…), ``sort`` (see :data:`SORTS`), ``order`` (``asc``/``desc``),
``chart`` (``week``/``month``), ``page`` and ``per_page``; ``text`` (one value): words of
the action's title, or its reference ``12/2`` (meeting 12, action 2) for that action
alone. Empty values are ignored (a form's empty select).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rida import fields
from rida.fields import FieldError, ValidationError
from rida.models import ACTION_KINDS, ACTION_STATUSES
from rida.util import url_args
from rida.util.url_args import Args

SORTS = {
    "due_date": "échéance",
    "status": "statut",
    "series": "série",
    "owner": "porteur",
    "meeting": "date de réunion",
}
ORDERS = ("asc", "desc")
CHARTS = ("week", "month")
PER_PAGE = 50
MAX_PER_PAGE = 500
MAX_PAGE = 10_000
MAX_VALUES = 50
TEXT_LIMIT = 200
TRUE = ("1", "on", "true", "yes", "oui")
FALSE = ("0", "off", "false", "no", "non")

# URL parameter -> accepted values (None: free text), in URL order.
LISTS: dict[str, Sequence[str] | None] = {
    "series": None,
    "owner": None,
    "organisation": None,
    "kind": ACTION_KINDS,
    "status": ACTION_STATUSES,
}


@dataclass(frozen=True)
class BoardQuery:
    series: tuple[str, ...] = ()
    owner: tuple[str, ...] = ()
    organisation: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    overdue: bool = False
    mine: bool = False
    text: str = ""
    sort: str = "due_date"
    order: str = "asc"
    chart: str | None = None
    page: int = 1
    per_page: int = PER_PAGE


def parse(args: Args) -> BoardQuery:
    """The query these arguments describe; :class:`ValidationError` listing every bad
    parameter otherwise (nothing is guessed)."""
    errors = url_args.Errors()
    attempt = errors.attempt

    lists = {name: attempt(_values, args, name) or () for name in LISTS}
    due_from = attempt(_date, args, "due_from")
    due_to = attempt(_date, args, "due_to")
    if due_from and due_to and due_to < due_from:
        errors.append(
            FieldError(
                "due_to",
                f"la fin de période ({due_to:%d/%m/%Y}) précède son début ({due_from:%d/%m/%Y})",
            )
        )
    sort = attempt(_one_of, args, "sort", tuple(SORTS), "due_date")
    order = attempt(_one_of, args, "order", ORDERS, "asc")
    chart = attempt(_one_of, args, "chart", CHARTS, None)
    page = attempt(_number, args, "page", 1, MAX_PAGE)
    per_page = attempt(_number, args, "per_page", PER_PAGE, MAX_PER_PAGE)
    overdue = attempt(_flag, args, "overdue")
    mine = attempt(_flag, args, "mine")
    text = attempt(_text, args, "text") or ""
    if errors:
        raise ValidationError(errors)
    return BoardQuery(
        **lists,
        due_from=due_from,
        due_to=due_to,
        overdue=overdue,
        mine=mine,
        text=text,
        sort=sort,
        order=order,
        chart=chart,
        page=page,
        per_page=per_page,
    )


def _values(args: Args, name: str) -> tuple[str, ...]:
    found: list[str] = []
    for raw in args.get(name, ()):
        value = fields.text(raw, name, limit=fields.SHORT_TEXT)
        if not value:
            continue
        options = LISTS[name]
        if options is not None:
            value = url_args.choice(value, name, options)
        if value not in found:
            found.append(value)
    if len(found) > MAX_VALUES:
        raise FieldError(name, f"trop de valeurs ({len(found)}, {MAX_VALUES} au plus)")
    return tuple(found)


def _text(args: Args, name: str) -> str:
    return fields.text(url_args.first(args, name), name, limit=TEXT_LIMIT)


def _one_of(args: Args, name: str, options: Sequence[str], default: str | None) -> str | None:
    value = url_args.first(args, name)
    return default if value is None else url_args.choice(value, name, options)


def _date(args: Args, name: str) -> dt.date | None:
    return fields.date(url_args.first(args, name), name)


def _flag(args: Args, name: str) -> bool:
    value = url_args.first(args, name)
    if value is None:
        return False
    if value.casefold() in TRUE:
        return True
    if value.casefold() in FALSE:
        return False
    raise FieldError(name, f"oui ou non attendu (1 ou 0), reçu « {value[:50]} »")


def _number(args: Args, name: str, default: int, maximum: int) -> int:
    return url_args.number(url_args.first(args, name), name, default, maximum)


def to_args(query: BoardQuery, *, page: bool = True) -> list[tuple[str, str]]:
    """URL arguments giving back ``query`` (defaults left out)."""
    args: list[tuple[str, str]] = []
    for name in LISTS:
        args += [(name, value) for value in getattr(query, name)]
    args += [("due_from", query.due_from.isoformat())] if query.due_from else []
    args += [("due_to", query.due_to.isoformat())] if query.due_to else []
    args += [("overdue", "1")] if query.overdue else []
    args += [("mine", "1")] if query.mine else []
    args += [("text", query.text)] if query.text else []
    args += [("sort", query.sort)] if query.sort != "due_date" else []
    args += [("order", query.order)] if query.order != "asc" else []
    args += [("chart", query.chart)] if query.chart else []
    args += [("page", str(query.page))] if page and query.page != 1 else []
    args += [("per_page", str(query.per_page))] if query.per_page != PER_PAGE else []
    return args


def replace(query: BoardQuery, **changes: Any) -> BoardQuery:
    """``query`` changed, back to page 1 unless a page is given."""
    return dataclasses.replace(query, **{"page": 1, **changes})


def cli_args(**options: object) -> dict[str, list[str]]:
    """CLI options as URL-style arguments for :func:`parse` (None and False left out)."""
    args: dict[str, list[str]] = {}
    for key, value in options.items():
        if value is None or value is False or value == ():
            continue
        if value is True:
            args[key] = ["1"]
        elif isinstance(value, (str, int)) or not isinstance(value, Iterable):
            args[key] = [str(value)]
        else:
            args[key] = [str(v) for v in value]
    return args
