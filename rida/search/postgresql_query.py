"""Parsed clauses as PostgreSQL text search queries (``tsquery``) on the stored terms.

The same reading as the Whoosh engine's (:mod:`rida.search.whoosh_query`), from the same
analysis: a word is any of its two forms (:func:`rida.search.analysis.word_forms`), plus
its exact-case acronym (weighted higher, see :mod:`rida.search.postgresql_index`) and, for
a compound, its parts as a phrase; a phrase is its terms at their exact distances
(``'donne' <1> '∅sant' <1> 'sant'``: the gap term requires the stop word); a prefix the
stems of the vocabulary's words that start with it; ``OR`` any of its options; ``-``
``NOT``. The terms are written into the ``tsquery`` literally, never parsed again by a
PostgreSQL dictionary. A glossary equivalent of one series only cannot be a ``tsquery``:
it becomes ``series = … AND terms @@ …``, OR-ed with the term itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rida.search.analysis import GAP, is_acronym, phrase_terms, word_forms
from rida.search.querytext import WORD_RE, Clause

MAX_EXPANSIONS = 64


def lexeme(term: str) -> str:
    """A term quoted for a ``tsquery`` or a ``tsvector``."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def any_of(options: Sequence[str | None]) -> str | None:
    found = list(dict.fromkeys(o for o in options if o))
    if not found:
        return None
    return found[0] if len(found) == 1 else "(" + " | ".join(found) + ")"


def all_of(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else "(" + " & ".join(parts) + ")"


@dataclass
class Match:
    """A positive clause: matches when ``terms @@ main``, or, in one of the series of
    ``by_series``, ``terms @@`` its query. ``main`` None and no ``by_series``: nothing
    (a prefix nothing starts with)."""

    main: str | None
    by_series: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Compiled:
    positive: list[Match] = field(default_factory=list)
    negative: list[str] = field(default_factory=list)
    ignored: bool = False  # a clause had nothing to search (stop words only)
    highlight: set[str] = field(default_factory=set)  # terms to mark in snippets


class Compiler:
    def __init__(self, expand: Callable[[str], list[str]]) -> None:
        self.expand = expand  # prefix -> vocabulary words starting with it
        self.highlight: set[str] = set()

    def phrase(self, text: str) -> str | None:
        positioned = phrase_terms(text)
        self.highlight.update(t for _, t in positioned if not t.startswith(GAP))
        if not positioned:
            return None
        found = lexeme(positioned[0][1])
        for (p0, _), (p1, term) in zip(positioned, positioned[1:], strict=False):
            found = f"{found} <{p1 - p0}> {lexeme(term)}"
        return found if len(positioned) == 1 else f"({found})"

    def word(self, word: str) -> str | None:
        forms = word_forms(word)
        self.highlight.update(forms)
        options: list[str | None] = [lexeme(word)] if is_acronym(word) else []
        options += [lexeme(form) for form in forms]
        if len(phrase_terms(word)) > 1:  # a compound: its parts in sequence
            options.append(self.phrase(word))
        return any_of(options)

    def text(self, text: str) -> str | None:
        """A glossary term: one word, or several read as a phrase."""
        words = WORD_RE.findall(text)
        return self.word(words[0]) if len(words) == 1 else self.phrase(text)

    def prefix(self, prefix: str) -> str | None:
        stems: list[str] = []
        for word in self.expand(prefix)[:MAX_EXPANSIONS]:
            stems += word_forms(word)
        self.highlight.update(stems)
        return any_of([lexeme(s) for s in sorted(set(stems))])

    def clause(self, clause: Clause) -> Match | None:
        """None: nothing to search in this clause."""
        if clause.kind == "or":
            found = [m for m in map(self.clause, clause.options) if m is not None]
            if not found:
                return None
            return Match(any_of([m.main for m in found]), [s for m in found for s in m.by_series])
        if clause.kind == "prefix":
            return Match(self.prefix(clause.text))
        if clause.kind == "phrase":
            main = self.phrase(clause.text)
        elif clause.kind == "any":
            options: list[str | None] = [self.text(clause.text)]
            by_series: list[tuple[str, str]] = []
            for series, equivalents in clause.alternatives:
                equivalent = any_of([self.text(e) for e in equivalents])
                if equivalent and series is None:
                    options.append(equivalent)
                elif equivalent and series is not None:
                    by_series.append((series, equivalent))
            main = any_of(options)
            if main is None and not by_series:
                return None
            return Match(main, by_series)
        else:
            main = self.word(clause.text)
        return None if main is None else Match(main)


def compile_clauses(clauses: list[Clause], expand: Callable[[str], list[str]]) -> Compiled:
    compiler = Compiler(expand)
    compiled = Compiled()
    for clause in clauses:
        marked = set(compiler.highlight)
        found = compiler.clause(clause)
        if clause.negated:  # an excluded word is never in a hit
            compiler.highlight = marked
        if found is None:
            compiled.ignored = True
        elif clause.negated:
            if found.main is not None:
                compiled.negative.append(found.main)
        else:
            compiled.positive.append(found)
    compiled.highlight = compiler.highlight
    return compiled
