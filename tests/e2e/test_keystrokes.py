"""A keyboard-only session: the seed workshop typed into an empty meeting, every key
counted (benchmarks/keystrokes.py, which prints the same figures), the saved meeting
checked, and the bounds: a new row costs at most 5 navigation keys, any row is reached in
at most 3 keys."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))

import keystrokes  # noqa: E402


def test_the_workshop_typed_by_keyboard_only(page, live_server):
    result = keystrokes.run_session(page, live_server.url)
    assert keystrokes.differences(result) == []
    assert [r["navigation"] for r in result["rows"]] == [5] + [4] * 7
    assert all(k <= keystrokes.ANY_ROW_MAX_KEYS for k in result["reach_row_keys"])
    assert keystrokes.bounds(result) == []
    assert result["navigation"] < keystrokes.BEFORE["navigation"]
