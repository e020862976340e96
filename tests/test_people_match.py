"""The matcher of every person picker (rida/static/people-match.js), under Node: any word of
a name from its start, case and accents ignored; the speaker-prefix suggestions use it."""

from __future__ import annotations

import subprocess

from tests.test_speaker_prefixes import ROOT, node


def test_javascript_matcher():
    done = subprocess.run(
        [node(), "--test", str(ROOT / "tests" / "js" / "people-match.test.cjs")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout
