"""rida's French stemmer: Snowball's, with three suffix rules made lighter.

Snowball French conflates too much for minutes of the Task Forces, as the search audit
found (``tests/test_search_audit.py``): it strips ``-ateur`` as it strips ``-ation``, so
*opérateurs* (the Task Force's members, in every other row) and *opérations* share the
stem ``oper``, and it strips ``-ication`` down to the bare root, so *communication* is
``commun`` (« seuil commun de financement »). Three rules run before Snowball:

- ``-ateur(s)``, ``-atrice(s)``: the agent noun keeps its own stem, ``…ateur``
  (*opérateurs*, *opératrice* → ``opérateur``), apart from ``-ation`` (*opérations*,
  *opérer* → ``oper``);
- ``-ification(s)`` → ``…ifi``, the stem of the verb (*vérification* and *vérifier* →
  ``vérifi``; Snowball gave ``vérif`` and ``vérifi``, which never met);
- any other ``-ication(s)`` → ``…iqu``, the stem of the verb (*communication* and
  *communiquer* → ``communiqu``, not *commun*; *publication* → ``publiqu``, as before).

Everything else is Snowball's (``whoosh.lang.snowball.french``), on the word as written:
accents are folded after stemming (:mod:`rida.search.analysis`), so that the participles
find their family (*financée* → ``financ``, like *financement*).
"""

from __future__ import annotations

import functools
import re

from whoosh.lang.snowball.french import FrenchStemmer

_SNOWBALL = FrenchStemmer()
# (pattern, replacement of the matched suffix); the stem left must keep 3 letters.
_RULES = (
    (re.compile(r"(?<=\w{3})at(?:eur|rice)s?$"), "ateur"),
    (re.compile(r"(?<=\w{3})ifications?$"), "ifi"),
    (re.compile(r"(?<=\w{3})ications?$"), "iqu"),
)


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of a lower-case French word (accents as written)."""
    for pattern, replacement in _RULES:
        found = pattern.search(word)
        if found is not None:
            return word[: found.start()] + replacement
    stemmed: str = _SNOWBALL.stem(word)
    return stemmed
