"""French text analysis for search: the same chain at index and query time.

In this order: tokenise (hyphenated words kept whole, then emitted joined *and* split),
lowercase, French stop words, fold accents, ligatures and apostrophes (``é→e``,
``œ→oe``, ``æ→ae``, ``’→'``), strip elisions (``l'``, ``d'``, ``qu'``…; a word left as a
stop word, ``qu'elles``, is dropped too), French Snowball stemming.

Acronyms (an all-capitals word of 2 to 6 letters: ``BAL``, ``MSS``, ``ANS``) are also
kept exact-case by :data:`ACRONYMS`, for a field of their own, so that stop words never
swallow them and ``ANS`` the organisation ranks above *ans* the word.

Stop words are removed without renumbering positions: ``"nombre de domaines"`` is
``nombre`` then ``domain`` two positions later. The indexed text fields go one step
further (:data:`FRENCH_INDEX`): each removed stop word leaves a gap term at its position,
:data:`GAP` followed by the next word's term (``de domaines`` → ``∅domain``, ``domain``),
which no query word can produce, so that a phrase query can require a stop word in its
gaps (``"données de santé"`` does not match « données publiques santé »). One gap term
per following word, not one for all: a single reserved term would be in every document
and make every phrase query read its huge posting list. Ordinary queries never look for
gap terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from whoosh.analysis import CompositeAnalyzer as Composite
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter
from whoosh.analysis.acore import Token
from whoosh.lang.stopwords import stoplists
from whoosh.support.charset import accent_map

# Words joined by hyphens or apostrophes (straight or curly) form one token.
WORD = r"\w+(?:[-'’‘ʼ]\w+)*"

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
# "i" is "l" misread by OCR (« I'état »).
ELISIONS = frozenset(
    {"l", "i", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"}
)
FOLD = {
    **accent_map,
    **{
        ord(k): v
        for k, v in {
            "œ": "oe",
            "Œ": "OE",
            "æ": "ae",
            "Æ": "AE",
            "’": "'",
            "‘": "'",
            "ʼ": "'",
            "ß": "ss",
        }.items()
    },
}
ACRONYM = re.compile(r"[A-Z]{2,6}")
# The term indexed in place of a stop word: not a word character, so no query word yields it.
GAP = "\u2205"


def fold(text: str) -> str:
    """Fold accents, ligatures and apostrophes: ``Œuvre d’été`` → ``OEuvre d'ete``."""
    return text.translate(FOLD)


class HyphenFilter(Filter):
    """``auto-configuration`` → ``autoconfiguration`` and ``auto``, ``configuration``: the
    joined form at the first part's position, the parts at consecutive positions."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        shift = 0
        for t in tokens:
            if t.positions:
                t.pos += shift
            t.joined = False
            if "-" not in t.text:
                yield t
                continue
            parts = t.text.split("-")
            start = getattr(t, "startchar", 0)
            pos = getattr(t, "pos", 0)
            joined = t.copy()
            joined.text = "".join(parts)
            joined.joined = True
            yield joined
            offset = 0
            for i, part in enumerate(parts):
                piece = t.copy()
                piece.text, piece.joined = part, False
                if t.positions:
                    piece.pos = pos + i
                if t.chars:
                    piece.startchar = start + offset
                    piece.endchar = start + offset + len(part)
                offset += len(part) + 1
                yield piece
            shift += len(parts) - 1


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
            if t.text not in STOP_WORDS or stop(t, self.gaps):
                yield t


class ElisionFilter(Filter):
    """``l'operateur`` → ``operateur``; ``qu'elles`` → a stop word once bare."""

    def __init__(self, gaps: bool = False) -> None:
        self.gaps = gaps

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            head, apostrophe, rest = t.text.partition("'")
            if apostrophe and head in ELISIONS and rest:
                t.text = rest
                if rest in STOP_WORDS and not stop(t, self.gaps):
                    continue
            yield t


class GapFilter(Filter):
    """Each stopped token becomes :data:`GAP` + the next word's term (a plain :data:`GAP`
    at the end), in stream order. A morphological step: skipped for the spelling words
    (``no_morph``), whose stop words :class:`UnstoppedFilter` drops."""

    is_morph = True

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        held: list[Token] = []  # gaps, and the joined forms of hyphenated words after them
        for t in tokens:
            if t.stopped or (held and getattr(t, "joined", False)):
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
        | HyphenFilter()
        | LowercaseFilter()
        | StopFilter(gaps)
        | FoldFilter()
        | ElisionFilter(gaps)
        | StemFilter(lang="fr")
    )
    return chain | GapFilter() | UnstoppedFilter() if gaps else chain


def acronym_analyzer() -> Composite:
    return RegexTokenizer(r"\w+") | AcronymFilter()


FRENCH = french_analyzer()
FRENCH_INDEX = french_analyzer(gaps=True)
ACRONYMS = acronym_analyzer()


def terms(text: str) -> list[str]:
    """The indexed terms of ``text``, in order (for tests and other engines)."""
    return [t.text for t in FRENCH(text)]


def positioned_terms(text: str) -> list[tuple[int, str]]:
    """``(position, term)`` of ``text`` with hyphens read as spaces: what a phrase is."""
    return [(t.pos, t.text) for t in FRENCH(text.replace("-", " "), positions=True)]


def phrase_terms(text: str) -> list[tuple[int, str]]:
    """:func:`positioned_terms` with a gap term where a stop word stands between two words
    (none at either end): what a phrase query requires."""
    found = [(t.pos, t.text) for t in FRENCH_INDEX(text.replace("-", " "), positions=True)]
    words = [i for i, (_, term) in enumerate(found) if not term.startswith(GAP)]
    return found[words[0] : words[-1] + 1] if words else []


def acronyms(text: str) -> list[str]:
    return [t.text for t in ACRONYMS(text)]


def is_acronym(word: str) -> bool:
    return ACRONYM.fullmatch(word) is not None
