"""When an incremental commit merges Whoosh segments.

Whoosh's default policy (``MERGE_SMALL``) sometimes folds the archive's big segment into a
commit: at 10,000 RIDA rows an autosave then took 8 to 10 s to become searchable, at
100,000 rows 12 s. Here a commit only merges segments of the same size tier (sizes in powers
of four) when four or more of them have piled up, and never one of at least
``LARGE_SEGMENT_DOCS`` documents: a commit rewrites at most a few thousand documents, the
number of segments stays logarithmic, and the big segments are only rewritten by
``rida reindex``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from whoosh.reading import SegmentReader

LARGE_SEGMENT_DOCS = 4096
SEGMENTS_PER_TIER = 4


def tier(doc_count: int) -> int:
    return int(math.log(max(doc_count, 1), 4))


def to_merge(counts: list[int]) -> list[int]:
    """Indexes (in ``counts``) of the segments to merge: full tiers of small segments."""
    tiers: dict[int, list[int]] = defaultdict(list)
    for i, count in enumerate(counts):
        if count < LARGE_SEGMENT_DOCS:
            tiers[tier(count)].append(i)
    return sorted(
        i for members in tiers.values() if len(members) >= SEGMENTS_PER_TIER for i in members
    )


def merge_tiers(writer: Any, segments: list[Any]) -> list[Any]:
    """A Whoosh ``mergetype``: add the chosen segments to the new one, keep the others."""
    chosen = set(to_merge([s.doc_count_all() for s in segments]))
    for i in sorted(chosen):
        reader = SegmentReader(writer.storage, writer.schema, segments[i])
        writer.add_reader(reader)
        reader.close()
    return [s for i, s in enumerate(segments) if i not in chosen]
