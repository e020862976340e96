"""The matcher of every person picker (rida/static/people-match.js), under Node: any word of
a name from its start, case and accents ignored; the speaker-prefix suggestions use it."""

from __future__ import annotations

from tests.test_speaker_prefixes import run_node_test


def test_javascript_matcher():
    run_node_test("people-match.test.cjs")
