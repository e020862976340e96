"""Rules for single values, shared by the rida/1 validator and the editor's autosave.

Each check takes the value and a path, normalises it (strings trimmed at both ends) and
returns it, or raises :class:`FieldError` with a French message naming the path.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

SHORT_TEXT = 1_000
LONG_TEXT = 100_000
MAX_ITEMS = 2_000

_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# re.ASCII: `\d` must not accept other scripts' digits (`1٣:00`).
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
# A date as people type it in a form: JJ/MM/AAAA (J/M/AAAA too).
_TYPED_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
TYPED_DATE_MESSAGE = "Date invalide : attendu JJ/MM/AAAA"
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d", re.ASCII)
_VERSION = re.compile(r"(0|[1-9]\d{0,3})\.(0|[1-9]\d{0,3})", re.ASCII)
MAX_DEPTH = 64


@dataclass
class FieldError(Exception):
    path: str
    message: str

    def __str__(self) -> str:
        text = f"{self.path} : {self.message}" if self.path else self.message
        return shown(text)

    def as_dict(self) -> dict[str, str]:
        """For JSON and the terminal: a key typed with a lone surrogate is shown escaped,
        never sent raw (it cannot be encoded)."""
        return {"path": shown(self.path), "message": shown(self.message)}


class ValidationError(Exception):
    """One or more field errors; nothing was written."""

    def __init__(self, errors: Sequence[FieldError]):
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))

    def as_dict(self) -> dict[str, Any]:
        n = len(self.errors)
        return {
            "error": "invalid",
            "message": f"Données refusées : {n} erreur{'s' if n > 1 else ''}.",
            "errors": [e.as_dict() for e in self.errors],
        }


def type_name(value: Any) -> str:
    names = {
        bool: "booléen",
        int: "entier",
        float: "nombre",
        str: "texte",
        list: "liste",
        dict: "objet",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)


def text(
    value: Any,
    path: str,
    *,
    limit: int = SHORT_TEXT,
    required: bool = False,
    nonempty: bool = False,
) -> str:
    """A string, trimmed; ``None`` means empty unless ``required``."""
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise FieldError(path, f"texte attendu, reçu {type_name(value)}")
    if len(value) > limit:
        raise FieldError(path, f"texte trop long ({len(value)} caractères, {limit} au plus)")
    bad = _FORBIDDEN.search(value)
    if bad:
        raise FieldError(path, f"caractère de contrôle interdit (U+{ord(bad.group()):04X})")
    trimmed: str = value.strip()
    if nonempty and not trimmed:
        raise FieldError(path, "ne peut pas être vide")
    return trimmed


def markdown(value: Any, path: str) -> str:
    return text(value, path, limit=LONG_TEXT)


def choice(
    value: Any, path: str, options: Sequence[str | None], default: str | None = None
) -> str | None:
    if value is None and default is not None:
        return default
    if value not in options or isinstance(value, bool):
        shown = ", ".join("null" if o is None else o for o in options)
        raise FieldError(path, f"valeur attendue parmi {shown} ; reçu {value!r}")
    chosen: str | None = value
    return chosen


def date(value: Any, path: str, *, required: bool = False) -> dt.date | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise FieldError(path, f"date attendue au format AAAA-MM-JJ, reçu {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise FieldError(path, f"date inexistante : {value}") from None


def typed_date(value: Any, path: str) -> dt.date | None:
    """A date typed in a form (JJ/MM/AAAA, J/M/AAAA, or AAAA-MM-JJ pasted); empty is None.
    The API and the rida/1 format keep ISO dates only (:func:`date`)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        text = value.strip()
        found = _TYPED_DATE.fullmatch(text)
        try:
            if found:
                day, month, year = (int(g) for g in found.groups())
                return dt.date(year, month, day)
            if _DATE.fullmatch(text):
                return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise FieldError(path, TYPED_DATE_MESSAGE)


def typed_dates(
    args: Mapping[str, Any], names: Sequence[str]
) -> tuple[dict[str, Any], list[FieldError]]:
    """Form arguments whose dates (``names``), typed as JJ/MM/AAAA, are made ISO (as the
    parsers and the API read them), and the errors of those that are no date (dropped).
    A value may be a string or a list of strings (``to_dict(flat=False)``)."""
    out, errors = dict(args), []
    for name in names:
        if name not in out:
            continue
        raw = out[name]
        values = raw if isinstance(raw, list) else [raw]
        try:
            dates = [typed_date(v, name) for v in values]
        except FieldError as e:
            errors.append(e)
            del out[name]
            continue
        iso = [d.isoformat() if d else "" for d in dates]
        out[name] = iso if isinstance(raw, list) else iso[0]
    return out, errors


def parse_typed(
    args: Mapping[str, Any], names: Sequence[str], parse: Callable[[dict[str, Any]], T]
) -> T:
    """``parse(args)`` once the dates ``names`` typed as JJ/MM/AAAA are made ISO; one
    :class:`ValidationError` listing every bad parameter, dates included."""
    typed, bad = typed_dates(args, names)
    try:
        found = parse(typed)
    except ValidationError as e:
        raise ValidationError([*e.errors, *bad]) from None
    if bad:
        raise ValidationError(bad)
    return found


def time(value: Any, path: str) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or not _TIME.fullmatch(value):
        raise FieldError(path, f"heure attendue au format HH:MM, reçu {value!r}")
    return value


def version(value: Any, path: str) -> str:
    if value is None:
        return "0.1"
    if not isinstance(value, str) or not _VERSION.fullmatch(value):
        raise FieldError(path, f"version attendue au format MAJEUR.MINEUR (1.0), reçu {value!r}")
    return value


ID_MAX = 2**31 - 1  # the largest id an ``integer`` column holds (PostgreSQL's int4)


def integer(value: Any, path: str, *, minimum: int = 1) -> int:
    if type(value) is not int:
        raise FieldError(path, f"entier attendu, reçu {type_name(value)}")
    if value < minimum or value > ID_MAX:
        raise FieldError(path, f"entier attendu entre {minimum} et {ID_MAX}, reçu {value}")
    return value


def text_list(value: Any, path: str, *, limit: int = SHORT_TEXT) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FieldError(path, f"liste attendue, reçu {type_name(value)}")
    if len(value) > MAX_ITEMS:
        raise FieldError(path, f"trop d'éléments ({len(value)}, {MAX_ITEMS} au plus)")
    return [text(item, f"{path}[{i}]", limit=limit, required=True) for i, item in enumerate(value)]


def shown(key: object) -> str:
    """``key`` as it may appear in a field path or a message: a lone surrogate, which no
    UTF-8 text can carry (an answer, a session cookie, a terminal), written ``\\uXXXX``."""
    text = key if isinstance(key, str) else repr(key)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _json_text(value: str, path: str) -> None:
    bad = _FORBIDDEN.search(value)
    if bad is None:
        return
    if _SURROGATE.fullmatch(bad.group()):
        raise FieldError(path, "texte non représentable en UTF-8 (U+D800 à U+DFFF)")
    raise FieldError(path, f"caractère de contrôle interdit (U+{ord(bad.group()):04X})")


def json_key(key: object, path: str) -> str:
    """A key of an extension object: a string without control characters or lone
    surrogates (the error's path shows the key escaped)."""
    if not isinstance(key, str):
        raise FieldError(path, f"clé invalide : {shown(key)}")
    _json_text(key, path)
    return key


def json_value(value: Any, path: str, depth: int = 0) -> Any:
    """Any JSON value, kept verbatim (extensions); refuses what JSON text cannot carry or
    what storage would not keep: NaN or infinite numbers, unpaired surrogates, control
    characters (NUL, ESC…; tab and line breaks are fine), non-JSON types, deep nesting."""
    if depth > MAX_DEPTH:
        raise FieldError(path, f"valeur trop profondément imbriquée ({MAX_DEPTH} niveaux au plus)")
    if isinstance(value, float) and not math.isfinite(value):
        raise FieldError(path, "nombre non fini (NaN, Infinity) interdit")
    if isinstance(value, str):
        _json_text(value, path)
    if isinstance(value, list):
        for i, item in enumerate(value):
            json_value(item, f"{path}[{i}]", depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            item_path = f"{path}.{key}"
            json_key(key, item_path)
            json_value(item, item_path, depth + 1)
    elif value is not None and not isinstance(value, (str, int, float)):
        raise FieldError(path, f"valeur JSON attendue, reçu {type_name(value)}")
    return value
