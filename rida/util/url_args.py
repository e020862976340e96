"""Reading URL-style arguments (``{name: [values]}``, from a query string or CLI options)
into checked values, with French errors naming the parameter."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from rida.fields import FieldError

Args = Mapping[str, Sequence[str]]
T = TypeVar("T")


def first(args: Args, name: str) -> str | None:
    """The first non-empty value of ``name``, trimmed."""
    for value in args.get(name, ()):
        if value.strip():
            return value.strip()
    return None


def choice(value: str, name: str, options: Sequence[str]) -> str:
    """``value`` as spelt in ``options`` (case ignored)."""
    for option in options:
        if value.casefold() == option.casefold():
            return option
    raise FieldError(name, f"valeur inconnue « {value[:50]} » : attendu {', '.join(options)}")


def number(value: str | None, name: str, default: int, maximum: int) -> int:
    """A whole number from 1 to ``maximum``; ``default`` when absent."""
    if value is None:
        return default
    if not value.isascii() or not value.isdigit():
        raise FieldError(name, f"entier attendu, reçu « {value[:50]} »")
    found = int(value)
    if not 1 <= found <= maximum:
        raise FieldError(name, f"entier attendu entre 1 et {maximum}, reçu {found}")
    return found


class Errors(list[FieldError]):
    """The errors of every bad parameter, collected so that all are reported at once."""

    def attempt(self, check: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """``check(*args, **kwargs)``, or None after keeping its FieldError."""
        try:
            return check(*args, **kwargs)
        except FieldError as e:
            self.append(e)
            return None
