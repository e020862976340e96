"""French text analysis for search: the same chain at index and query time, for every
engine (Whoosh runs it as its analyzer; PostgreSQL stores the terms it yields).

In this order: tokenise (dates, and words joined by hyphens or apostrophes, kept whole),
split the compounds (:mod:`rida.search.compounds`: a date in ISO form and its numbers,
``auto-configuration`` joined and split, ``O'CONNELL`` whole and split), lowercase,
straight apostrophes (``’→'``), French stop words, strip elisions (``l'``, ``d'``,
``qu'``…; a word left as a stop word, ``qu'elles``, is dropped too), stem
(:mod:`rida.search.french_stem`) and fold accents and ligatures (``é→e``, ``œ→oe``).

Each word is indexed in two forms when they differ. Folded then stemmed, the *primary*
form, is what the word gives whatever its accents (``conformité`` and ``conformite`` →
``conformit``): phrases read it (:func:`phrase_terms`). Stemmed **then** folded, the
*alternate* form (``alt``), is the one a French stemmer is meant for, accents in place, and
finds the family of a past participle (``financée`` → ``financ``, like *financement*,
where folding first gave ``finance``). A query word matches either form of either
(:func:`word_forms`): ``financée`` finds *financement*, ``conformite`` *conformité*.

Acronyms (an all-capitals word of 2 to 6 letters: ``BAL``, ``MSS``, ``ANS``) are also
kept exact-case by :data:`ACRONYMS`, for a field of their own, so that stop words never
swallow them and ``ANS`` the organisation ranks above *ans* the word.

Stop words are removed without renumbering positions: ``"nombre de domaines"`` is
``nombre`` then ``domain`` two positions later. The indexed text fields go one step
further (:data:`FRENCH_INDEX`): each removed stop word leaves a gap term at its position,
:data:`GAP` followed by the next word's phrase term (``de domaines`` → ``∅domain``,
``domain``), which no query word can produce, so that a phrase query can require a stop
word in its gaps (``"données de santé"`` does not match « données publiques santé »). One
gap term per following word, not one for all: a single reserved term would be in every
document and make every phrase query read its huge posting list. Ordinary queries never
look for gap terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from whoosh.analysis import CompositeAnalyzer as Composite
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer
from whoosh.analysis.acore import Token
from whoosh.lang.stopwords import stoplists
from whoosh.support.charset import accent_map

from rida.search.compounds import ELISIONS, WORD, CompoundFilter
from rida.search.french_stem import stem

__all__ = ["ELISIONS", "WORD"]

# The version of this analysis: an index built by another one is rebuilt (Whoosh: its
# manifest; PostgreSQL: the search_state table), and every document's stamp changes.
VERSION = 2

STOP_WORDS = frozenset(stoplists["fr"]) | {
    "les",
    "ils",
    "elles",
    "cette",
    "cet",
    "ceux",
    "celle",
    "celles",
    "celui",
    "leurs",
}
APOSTROPHE = {ord(k): "'" for k in "’‘ʼ"}  # noqa: RUF001
FOLD = {
    **accent_map,
    **APOSTROPHE,
    **{ord(k): v for k, v in {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"}.items()},
}
ACRONYM = re.compile(r"[A-Z]{2,6}")
# The term indexed in place of a stop word: not a word character, so no query word yields it.
GAP = "\u2205"


def fold(text: str) -> str:
    """Fold accents, ligatures and apostrophes: ``Œuvre d’été`` → ``OEuvre d'ete``."""
    return text.translate(FOLD)


def stems(word: str) -> tuple[str, str]:
    """(primary, alternate) forms of a lower-case word: folded then stemmed, stemmed then
    folded."""
    return stem(fold(word)), fold(stem(word))


class ApostropheFilter(Filter):
    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = t.text.translate(APOSTROPHE)
            yield t


class FoldFilter(Filter):
    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = t.text.translate(FOLD)
            yield t


def stop(t: Token, gaps: bool) -> bool:
    """Whether the stop word ``t`` stays in the stream (marked ``stopped``)."""
    if t.removestops and not gaps:
        return False
    t.stopped = True
    return True


class StopFilter(Filter):
    """French stop words dropped, positions kept; with ``gaps``, kept as ``stopped`` for
    :class:`GapFilter`."""

    def __init__(self, gaps: bool = False) -> None:
        self.gaps = gaps

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.stopped = False
            if t.text not in STOP_WORDS or stop(t, self.gaps):
                yield t


class ElisionFilter(Filter):
    """``l'opérateur`` → ``opérateur``; ``qu'elles`` → a stop word once bare."""

    def __init__(self, gaps: bool = False) -> None:
        self.gaps = gaps

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            head, apostrophe, rest = t.text.partition("'")
            if apostrophe and head in ELISIONS and rest and not t.stopped:
                t.text = rest
                if rest in STOP_WORDS and not stop(t, self.gaps):
                    continue
            yield t


class StemFilter(Filter):
    """Each word becomes its primary form, followed by its alternate form (``alt``, same
    position and characters) when different. Stop words kept for gaps pass unchanged."""

    is_morph = True

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.alt, t.spelled = False, t.text
            if t.stopped:
                yield t
                continue
            primary, alternate = stems(t.text)
            t.text = primary
            yield t
            if alternate != primary:
                other = t.copy()
                other.text, other.alt = alternate, True
                yield other


def in_phrase(t: Token) -> bool:
    """Whether a phrase reads this token: not an alternate form, not the whole form of a
    hyphenated word or name, not the numbers of a date."""
    return getattr(t, "in_phrase", True) and not getattr(t, "alt", False)


class GapFilter(Filter):
    """Each stopped token becomes :data:`GAP` + the next phrase term (a plain :data:`GAP`
    at the end), in stream order. A morphological step: skipped for the spelling words
    (``no_morph``), whose stop words :class:`UnstoppedFilter` drops."""

    is_morph = True

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        held: list[Token] = []  # gaps, and the tokens no phrase reads that follow them
        for t in tokens:
            if t.stopped or (held and not in_phrase(t)):
                held.append(t.copy())
                continue
            yield from named(held, GAP + t.text)
            held.clear()
            yield t
        yield from named(held, GAP)


def named(held: list[Token], text: str) -> Iterator[Token]:
    for t in held:
        if t.stopped:
            t.text, t.stopped = text, False
        yield t


class UnstoppedFilter(Filter):
    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        return (t for t in tokens if not t.stopped)


class AcronymFilter(Filter):
    """Keeps only the all-capitals words of 2 to 6 letters, exact case."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            if ACRONYM.fullmatch(t.text):
                yield t


def french_analyzer(gaps: bool = False) -> Composite:
    chain = (
        RegexTokenizer(WORD)
        | CompoundFilter()
        | LowercaseFilter()
        | ApostropheFilter()
        | StopFilter(gaps)
        | ElisionFilter(gaps)
        | StemFilter()
        | FoldFilter()  # the spelling words (no_morph: not stemmed) are folded too
    )
    return chain | GapFilter() | UnstoppedFilter() if gaps else chain


def acronym_analyzer() -> Composite:
    return RegexTokenizer(r"\w+") | AcronymFilter()


FRENCH = french_analyzer()
FRENCH_INDEX = french_analyzer(gaps=True)
ACRONYMS = acronym_analyzer()


def terms(text: str) -> list[str]:
    """The primary terms of ``text``, in order (whole forms of compounds included)."""
    return [t.text for t in FRENCH(text) if not t.alt]


def word_forms(word: str) -> list[str]:
    """The terms one query word matches: its primary and alternate forms (none for a
    stop word). For a compound, those of its whole form."""
    found: list[str] = []
    for t in FRENCH(word):
        if found and not t.alt:
            break
        found.append(t.text)
    return found


def index_terms(text: str) -> list[tuple[int, str]]:
    """``(position, term)`` of everything an engine indexes for ``text``: both forms of
    each word, compounds whole and split, gap terms."""
    return [(t.pos, t.text) for t in FRENCH_INDEX(text, positions=True)]


def index_terms_and_words(text: str) -> tuple[list[tuple[int, str]], list[str]]:
    """:func:`index_terms` and :func:`spelling_words` of ``text``, in one pass."""
    found: list[tuple[int, str]] = []
    words: list[str] = []
    for t in FRENCH_INDEX(text, positions=True):
        found.append((t.pos, t.text))
        if not t.alt and not t.text.startswith(GAP):
            words.append(fold(t.spelled))
    return found, words


def spelling_words(text: str) -> list[str]:
    """The words of ``text`` as a person types them, folded, unstemmed: the vocabulary of
    prefixes and suggestions."""
    return [t.text for t in FRENCH_INDEX(text, no_morph=True)]


def positioned_terms(text: str) -> list[tuple[int, str]]:
    """``(position, term)`` of the words a phrase reads: what a phrase is."""
    return [(t.pos, t.text) for t in FRENCH(text, positions=True) if in_phrase(t)]


def phrase_terms(text: str) -> list[tuple[int, str]]:
    """:func:`positioned_terms` with a gap term where a stop word stands between two words
    (none at either end): what a phrase query requires."""
    found = [(t.pos, t.text) for t in FRENCH_INDEX(text, positions=True) if in_phrase(t)]
    words = [i for i, (_, term) in enumerate(found) if not term.startswith(GAP)]
    return found[words[0] : words[-1] + 1] if words else []


def acronyms(text: str) -> list[str]:
    return [t.text for t in ACRONYMS(text)]


def is_acronym(word: str) -> bool:
    return ACRONYM.fullmatch(word) is not None
