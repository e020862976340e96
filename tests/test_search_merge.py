"""The incremental merge policy: small segments merged by tiers, big ones left alone."""

from __future__ import annotations

from rida.search.whoosh_merge import LARGE_SEGMENT_DOCS, to_merge


def test_big_segments_are_never_merged_by_a_commit():
    assert to_merge([100_000, 1, 1, 1]) == []
    assert (
        to_merge(
            [
                100_000,
                LARGE_SEGMENT_DOCS,
                LARGE_SEGMENT_DOCS,
                LARGE_SEGMENT_DOCS,
                LARGE_SEGMENT_DOCS,
            ]
        )
        == []
    )


def test_four_segments_of_a_tier_are_merged_together():
    assert to_merge([100_000, 20, 25, 30, 22]) == [1, 2, 3, 4]
    # Different tiers: nothing full yet.
    assert to_merge([100_000, 2, 20, 200, 2000]) == []
    assert to_merge([5, 5, 5, 300, 300, 300, 300]) == [3, 4, 5, 6]
