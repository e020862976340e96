"""Two edits of one text field made from the same base, merged word by word.

A three-way merge (``merge3``, Breezy's, aligning with its ``patiencediff``: near-linear
even on long repetitive texts, where difflib's matcher either drops frequent words or
takes minutes) on words with their trailing spaces and punctuation marks: edits to
different words both apply; edits that touch the same words (or insert at the same place)
overlap, and then nothing is merged: both versions go back to the editor, who chooses.
"""

from __future__ import annotations

import re
from typing import Any

from merge3 import Merge3
from patiencediff import PatienceSequenceMatcher

_TOKENS = re.compile(r"\w+\s*|[^\w\s]\s*|\s+")


def tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


def merge(base: str, theirs: str, mine: str) -> str | None:
    """``theirs`` and ``mine``, both edited from ``base``, as one text; None when their
    edits overlap."""
    matcher: Any = PatienceSequenceMatcher  # merge3 types its parameter as difflib's
    m = Merge3(tokens(base), tokens(theirs), tokens(mine), sequence_matcher=matcher)
    out: list[str] = []
    for region in m.merge_regions():
        what = region[0]
        if what == "unchanged":
            out += m.base[region[1] : region[2]]
        elif what in ("a", "same"):
            out += m.a[region[1] : region[2]]
        elif what == "b":
            out += m.b[region[1] : region[2]]
        else:  # "conflict"
            return None
    return "".join(out)
