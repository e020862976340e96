"""What a person types in the search box, read into clauses; never raises.

Syntax: words (all required), ``"exact phrase"``, ``-exclusion`` (a word or a phrase),
``prefix*``, and ``OR`` (or ``OU``) in capitals between two terms: either one
(``ANS OR DNS``; ``financement ANS OR DNS`` is *financement* and one of the two: ``OR``
binds its neighbours before the implicit « and »). ``AND``/``ET`` say what is implicit and
are skipped; ``NOT``/``SAUF`` exclude the next term, like ``-``. Anything else
(parentheses, ``:``, ``~``, ``^``) is read as plain text; an unclosed quote opens a
phrase up to the end. Notes in French explain what was simplified. A glossary turns a
term into the alternatives ``term OR equivalent`` (a series' equivalents only in that
series' documents, the instance's everywhere).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from rida.search.analysis import WORD, fold

MAX_CHARS = 500
MAX_CLAUSES = 24
MIN_PREFIX = 2
OR_WORDS = frozenset({"OR", "OU"})
AND_WORDS = frozenset({"AND", "ET"})
NOT_WORDS = frozenset({"NOT", "SAUF"})
TOKEN = re.compile(r'(-?)"([^"]*)("?)|(\S+)')
WORD_RE = re.compile(WORD)
OR_NOTE = "« OR » relie deux termes recherchés (pas une exclusion) : ignoré ici."

# Series name -> its groups of equivalent terms; the key None: the whole instance's.
Glossary = Mapping[str | None, Sequence[Sequence[str]]]


@dataclass(frozen=True)
class Clause:
    kind: str  # "word", "phrase", "prefix", "any" (glossary) or "or" (options)
    text: str
    negated: bool = False
    # kind "any": (series or None for every series, equivalent terms) whose documents
    # may match an equivalent.
    alternatives: tuple[tuple[str | None, tuple[str, ...]], ...] = ()
    options: tuple[Clause, ...] = ()  # kind "or": any of these (never negated)


@dataclass
class Parsed:
    clauses: list[Clause] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def positive(self) -> list[Clause]:
        return [c for c in self.clauses if not c.negated]

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


@dataclass
class _Reading:
    """The operators waiting for the next term."""

    negate: bool = False
    join: bool = False  # an OR was read after the last clause


def parse(text: str) -> Parsed:
    parsed = Parsed()
    text = (text or "").replace("\x00", " ").strip()
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
        parsed.notes.append(
            f"Recherche trop longue : seuls ses {MAX_CHARS} premiers "
            "caractères ont été pris en compte."
        )
    reading = _Reading()
    for m in TOKEN.finditer(text):
        negated_phrase, phrase, closed, token = m.groups()
        if token is None:
            if not closed:
                parsed.note(
                    "Guillemet non fermé : la fin de la recherche est lue "
                    "comme une expression exacte."
                )
            if WORD_RE.search(phrase):
                add(parsed, reading, Clause("phrase", phrase.strip(), bool(negated_phrase)))
            continue
        read_token(token, parsed, reading)
    if reading.join:
        parsed.note("« OR » en fin de recherche : ignoré.")
    if count(parsed.clauses) > MAX_CLAUSES:
        parsed.clauses = truncated(parsed.clauses)
        parsed.notes.append(
            f"Trop de termes : seuls les {MAX_CLAUSES} premiers ont été recherchés."
        )
    return parsed


def add(parsed: Parsed, reading: _Reading, clause: Clause) -> None:
    """Append ``clause`` (negated by a pending NOT), or join it to the previous clause
    after an OR."""
    if reading.negate:
        clause, reading.negate = replace(clause, negated=True), False
    if reading.join:
        reading.join = False
        previous = parsed.clauses[-1] if parsed.clauses else None
        if previous is not None and not previous.negated and not clause.negated:
            options = previous.options if previous.kind == "or" else (previous,)
            text = f"{previous.text} OR {clause.text}"
            parsed.clauses[-1] = Clause("or", text, options=(*options, clause))
            return
        parsed.note(OR_NOTE)
    parsed.clauses.append(clause)


def read_token(token: str, parsed: Parsed, reading: _Reading) -> None:
    if token in OR_WORDS:
        if not parsed.clauses or reading.join:
            parsed.note("« OR » en début de recherche ou répété : ignoré.")
        else:
            reading.join = True
        return
    if token in AND_WORDS:
        return
    if token in NOT_WORDS:
        reading.negate = True
        return
    negated = token.startswith("-") and len(token) > 1
    if negated:
        token = token[1:]
    words = WORD_RE.findall(token)
    for i, word in enumerate(words):
        last = i == len(words) - 1
        if last and token.endswith("*"):
            if len(fold(word)) < MIN_PREFIX:
                parsed.notes.append(
                    f"Préfixe « {word}* » trop court : il faut au moins {MIN_PREFIX} lettres."
                )
                continue
            add(parsed, reading, Clause("prefix", word, negated))
        else:
            add(parsed, reading, Clause("word", word, negated))


def count(clauses: Sequence[Clause]) -> int:
    return sum(len(c.options) if c.kind == "or" else 1 for c in clauses)


def truncated(clauses: list[Clause]) -> list[Clause]:
    kept: list[Clause] = []
    for clause in clauses:
        if count([*kept, clause]) > MAX_CLAUSES:
            break
        kept.append(clause)
    return kept


def words_key(text: str) -> tuple[str, ...]:
    return tuple(fold(w).lower() for w in WORD_RE.findall(text))


Entries = dict[tuple[str, ...], list[tuple[str | None, tuple[str, ...]]]]


def glossary_entries(glossary: Glossary) -> Entries:
    """Each term's words -> (series or None, the other terms of its group)."""
    entries: Entries = {}
    for series, groups in glossary.items():
        for group in groups:
            for term in group:
                key = words_key(term)
                if key:
                    others = tuple(t for t in group if words_key(t) != key)
                    entries.setdefault(key, []).append((series, others))
    return entries


def apply_glossary(parsed: Parsed, glossary: Glossary) -> Parsed:
    """Replace each run of words that is a glossary term by its alternatives (the
    options of an OR too, one word each)."""
    entries = glossary_entries(glossary)
    if not entries:
        return parsed
    return replace(parsed, clauses=expanded(parsed.clauses, entries))


def expanded(source: list[Clause], entries: Entries) -> list[Clause]:
    longest = max(len(k) for k in entries)
    clauses, i = [], 0
    while i < len(source):
        if source[i].kind == "or":
            options = tuple(expanded([o], entries)[0] for o in source[i].options)
            clauses.append(replace(source[i], options=options))
            i += 1
            continue
        match = None
        for n in range(min(longest, len(source) - i), 0, -1):
            run = source[i : i + n]
            if all(c.kind == "word" and not c.negated for c in run):
                key = tuple(fold(c.text).lower() for c in run)
                if key in entries:
                    match = (n, " ".join(c.text for c in run), entries[key])
                    break
        if match is None:
            clauses.append(source[i])
            i += 1
            continue
        n, text, alternatives = match
        clauses.append(Clause("any", text, alternatives=tuple(alternatives)))
        i += n
    return clauses
