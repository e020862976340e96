"""What a person types in the search box, read into clauses; never raises.

Syntax: words (all required), ``"exact phrase"``, ``-exclusion`` (a word or a phrase),
``prefix*``. Anything else (parentheses, ``:``, ``~``, ``^``, ``AND``/``OR``/``NOT``) is
read as plain text; an unclosed quote opens a phrase up to the end. Notes in French
explain what was simplified. A series' glossary turns a term into the alternatives
``term OR equivalent`` (the equivalents only in that series' documents).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from rida.search.analysis import WORD, fold

MAX_CHARS = 500
MAX_CLAUSES = 24
MIN_PREFIX = 2
OPERATORS = frozenset({"AND", "OR", "NOT", "ET", "OU", "SAUF"})
TOKEN = re.compile(r'(-?)"([^"]*)("?)|(\S+)')
WORD_RE = re.compile(WORD)


@dataclass(frozen=True)
class Clause:
    kind: str  # "word", "phrase", "prefix" or "any" (glossary)
    text: str
    negated: bool = False
    # kind "any": (series, equivalent terms) whose documents may match an equivalent.
    alternatives: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass
class Parsed:
    clauses: list[Clause] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def positive(self) -> list[Clause]:
        return [c for c in self.clauses if not c.negated]


def parse(text: str) -> Parsed:
    parsed = Parsed()
    text = (text or "").replace("\x00", " ").strip()
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
        parsed.notes.append(
            f"Recherche trop longue : seuls ses {MAX_CHARS} premiers "
            "caractères ont été pris en compte."
        )
    for m in TOKEN.finditer(text):
        negated_phrase, phrase, closed, token = m.groups()
        if token is None:
            if not closed:
                parsed.notes.append(
                    "Guillemet non fermé : la fin de la recherche est lue "
                    "comme une expression exacte."
                )
            if WORD_RE.search(phrase):
                parsed.clauses.append(Clause("phrase", phrase.strip(), bool(negated_phrase)))
            continue
        read_token(token, parsed)
    if len(parsed.clauses) > MAX_CLAUSES:
        parsed.clauses = parsed.clauses[:MAX_CLAUSES]
        parsed.notes.append(
            f"Trop de termes : seuls les {MAX_CLAUSES} premiers ont été recherchés."
        )
    return parsed


def read_token(token: str, parsed: Parsed) -> None:
    negated = token.startswith("-") and len(token) > 1
    if negated:
        token = token[1:]
    if token in OPERATORS:
        if token in ("AND", "OR", "NOT"):
            note = (
                "Les opérateurs AND, OR et NOT ne sont pas pris en charge : tous les "
                "mots sont recherchés ; « -mot » exclut un mot."
            )
            if note not in parsed.notes:
                parsed.notes.append(note)
        return
    words = WORD_RE.findall(token)
    for i, word in enumerate(words):
        last = i == len(words) - 1
        if last and token.endswith("*"):
            if len(fold(word)) < MIN_PREFIX:
                parsed.notes.append(
                    f"Préfixe « {word}* » trop court : il faut au moins {MIN_PREFIX} lettres."
                )
                continue
            parsed.clauses.append(Clause("prefix", word, negated))
        else:
            parsed.clauses.append(Clause("word", word, negated))


def words_key(text: str) -> tuple[str, ...]:
    return tuple(fold(w).lower() for w in WORD_RE.findall(text))


def apply_glossary(parsed: Parsed, glossary: Mapping[str, Sequence[Sequence[str]]]) -> Parsed:
    """Replace each run of words that is a glossary term by its alternatives.

    ``glossary`` maps a series name to its groups of equivalent terms.
    """
    entries: dict[tuple[str, ...], list[tuple[str, tuple[str, ...]]]] = {}
    for series, groups in glossary.items():
        for group in groups:
            for term in group:
                key = words_key(term)
                if key:
                    others = tuple(t for t in group if words_key(t) != key)
                    entries.setdefault(key, []).append((series, others))
    if not entries:
        return parsed
    longest = max(len(k) for k in entries)
    clauses, i = [], 0
    source = parsed.clauses
    while i < len(source):
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
    return replace(parsed, clauses=clauses)
