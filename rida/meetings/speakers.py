"""Speaker prefixes: who speaks in a RIDA question or answer (``LIFEN : comment …``).

The one rule, used by the editor's suggestions (:func:`rida.meetings.suggestions.suggestions`), the
search facet of organisations (:mod:`rida.search.documents`) and, through the same
regular expression copied verbatim, the editor's script (``rida/static/speakers.js``;
``tests/test_speaker_prefixes.py`` checks the copy and runs both on
``tests/fixtures/speaker_prefixes.json``).

A speaker prefix starts a line: after optional spaces and an optional list marker
(``-``, ``–``, ``•``, ``*`` or ``1.`` / ``1)`` followed by a space) and optional Markdown
bold (``**``, a bold run read from a Word document), come one or more speaker names, then
the separator: optional spaces (ordinary, tab, non-breaking U+00A0 or U+202F) and a colon
that is not followed by ``/`` or a digit (``https://…``, ``10:30``).

A *name* starts with a word in capitals of two characters or more: capital letters
(accented too), digits and the joiners ``& . ' ’ -`` between them (``ANS``, ``AP-HP``,
``GIE SESAM-VITALE``, ``E-SANTÉ``); a lower-case letter is allowed only between two
capitals (``GRADeS``). Up to four more words may follow, separated by one space (or
`` & ``): words in capitals or digits (``ESEA NA``, ``GHT 75``) or capitalised words
(``ESEA Nouvelle Aquitaine``, ``GCS Centre-Val``), each possibly preceded by one
particle (``de``, ``du``, ``des``, ``la``, ``le``, ``les``, ``en``, ``sur``, ``d'``,
``l'``: ``GCS Centre-Val de Loire``). Each name may carry a note in parentheses
(``ENOVACOM (absent, représenté par LIFEN) :``), which is not part of the name: up to 200
characters on the line, after any spaces, holding parentheses of its own
(``ENOVACOM (absent, représenté par LIFEN (éditeur)) :``; the search audit found real
notes too long or nested for the first rule). Several names are separated by ``/``,
``, `` or `` et `` (``LIFEN / ENOVACOM :``).

Deliberately not speakers: a line starting with an ordinary-case word (``Note : …``,
``Attention : …``, ``Propositions de répartition :``, and so people's names written
``Alain Issarni :``), and the labels below written in capitals (``NB :``, ``ATTENTION :``,
``ACTION :``), compared without accents.

A name is returned with its spaces normalised (one ordinary space); the editor suggests
it as ``NAME : `` (:func:`suggestion`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

# The pieces of the rule, as in rida/static/speakers.js (same names, same text).
_UP = r"A-Z\u00c0-\u00d6\u00d8-\u00de\u0152"  # capitals, accented ones and Œ
_LO = r"a-z\u00df-\u00f6\u00f8-\u00ff\u0153"
_JOIN = r"&.'\u2019\-"
_HEAD = rf"[{_UP}](?:[{_JOIN}]?[0-9{_UP}]|[{_LO}](?=[{_UP}]))+\.?"
_CAPS = rf"[0-9{_UP}](?:[{_JOIN}]?[0-9{_UP}])*\.?"
_CAPITALISED = rf"[{_UP}][{_LO}]+(?:-[{_UP}]?[{_LO}]+)*"
_PARTICLE = r"(?:(?:de|du|des|la|le|les|en|sur)[ \u00a0]|[dl]['\u2019])"
_NAME = rf"{_HEAD}(?:[ \u00a0](?:&[ \u00a0])?{_PARTICLE}?(?:{_CAPS}|{_CAPITALISED})){{0,4}}"
#: A note after a name, ``(absent, représenté par LIFEN (éditeur))``.
NOTE_PATTERN = r"[ \u00a0\u202f]*\((?:[^()\n]|\([^()\n]*\)){1,200}\)"
#: Between two names: ``/``, ``, `` or `` et ``.
BETWEEN_PATTERN = r"(?:[ \u00a0]?/[ \u00a0]?|,[ \u00a0]|[ \u00a0]et[ \u00a0])"
_SPEAKER = rf"{_NAME}(?:{NOTE_PATTERN})?"

#: The rule as one regular expression, written for both Python ``re`` and JavaScript
#: ``RegExp`` (use it with the multi-line flag). Group 1 holds the names and their notes.
PATTERN = (
    r"^[ \t]*(?:(?:[-\u2013\u2022*]|[0-9]{1,3}[.)])[ \t]+)?(?:\*\*)?"
    rf"({_SPEAKER}(?:{BETWEEN_PATTERN}{_SPEAKER})*)"
    r"(?:\*\*)?[ \t\u00a0\u202f]*:(?:\*\*)?(?![/0-9])"
)

#: Labels written in capitals that are not speakers, without accents.
NOT_SPEAKERS = frozenset(
    {
        "ACTION",
        "ATTENTION",
        "CONCLUSION",
        "DECISION",
        "EXEMPLE",
        "IMPORTANT",
        "INFO",
        "INFORMATION",
        "N.B.",
        "NB",
        "NOTA",
        "NOTE",
        "OBJET",
        "OK",
        "P.S.",
        "PS",
        "QUESTION",
        "RAPPEL",
        "RDV",
        "REMARQUE",
        "REPONSE",
        "TODO",
        "URGENT",
    }
)

LINE = re.compile(PATTERN, re.MULTILINE)
# LINE anchored on a literal newline, which the regex engine finds much faster than a line
# start; no match spans a newline, so over "\n" + text both find the same names.
_AFTER_NEWLINE = re.compile("\n" + PATTERN.removeprefix("^"))
_NOTE_RE = re.compile(NOTE_PATTERN)
_BETWEEN_RE = re.compile(BETWEEN_PATTERN)


def _unaccented(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)
    ).upper()


@functools.lru_cache(maxsize=4096)
def _split(group: str) -> tuple[str, ...]:
    """The names of a matched group (notes dropped, labels left out); the same few groups
    come back on every line of a long history, hence the cache."""
    found = []
    for part in _BETWEEN_RE.split(_NOTE_RE.sub("", group)):
        name = " ".join(part.split())
        if name and _unaccented(name) not in NOT_SPEAKERS:
            found.append(name)
    return tuple(found)


def names(text: str) -> list[str]:
    """The speakers named at the start of the lines of ``text``, in order (repeats kept)."""
    return [name for group in _AFTER_NEWLINE.findall("\n" + text) for name in _split(group)]


def names_in(texts: Iterable[str | None]) -> list[str]:
    """:func:`names` of several texts, in one pass (each text on its own lines)."""
    return names("".join(f"\n{t}" for t in texts if t))


def is_speaker(name: str) -> bool:
    """True when ``name`` alone is one speaker name by the rule (`ANS`, not `Ville de
    Paris` nor `NB`)."""
    cleaned = " ".join(name.split())
    return names(f"{cleaned} :") == [cleaned]


def suggestion(name: str) -> str:
    """The prefix the editor inserts for ``name``: ``LIFEN : ``."""
    return f"{name} : "
