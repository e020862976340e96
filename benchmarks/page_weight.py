"""Weight on the wire of the editor page of a 200-row meeting (bytes, not time).

Starts ``rida serve`` (waitress) on a temp data dir, imports a 200-row meeting, then reads
the rapporteur's editor (``GET /reunions/<id>/modifier``) and the scripts and style sheets
it links, once without compression (no ``Accept-Encoding``), once asking for gzip and once
for brotli (``br``), and counts the bytes of each body as sent. It also counts the JSON
state embedded in the page and how many times the page carries one row's answer text.

``--before REF`` runs the same measure on the tree of a git commit first (default: where
this branch left ``main``, i.e. the version before the page was slimmed and compressed),
served from a copy of that tree by the same virtual environment; ``--before ''`` skips it.

    .venv/bin/python benchmarks/page_weight.py [--before REF]

Prints a table and writes ``benchmarks/results/page_weight.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

from _common import (
    ROOT,
    Client,
    create_meeting,
    print_table,
    running_server,
    write_results,
)

ROWS = 200
TARGET_KB = 250.0
ENCODINGS = ("identity", "gzip", "br")
ASSET = re.compile(r'<(?:script[^>]+src|link[^>]+href)="(/static/[^"?]+)(?:\?[^"]*)?"')
STATE = re.compile(r'<script type="application/json" id="editor-data">(.*?)</script>', re.S)


def _get(client: Client, path: str, encoding: str) -> tuple[int, int, str]:
    """Status, bytes of the body as sent and the Content-Encoding of ``path``."""
    headers = {} if encoding == "identity" else {"Accept-Encoding": encoding}
    answer = client.request("GET", path, headers=headers)
    return answer.status, len(answer.body), answer.headers.get("content-encoding", "")


def measure(label: str) -> dict[str, Any]:
    with running_server() as server:
        client = server.client().login()
        meeting_id = create_meeting(client, ROWS)
        path = f"/reunions/{meeting_id}/modifier"
        page = client.get(path)
        if page.status != 200:
            raise RuntimeError(f"{label}: editor page HTTP {page.status}")
        html = page.text
        state = STATE.search(html)
        state_bytes = len(state.group(1).encode()) if state else 0
        decoded = json.dumps(json.loads(state.group(1)), ensure_ascii=False) if state else ""
        # One row's answer, as its field shows it: in the field, and in the state too?
        field = re.search(r'data-field="answer"[^>]*>([^<]{40,})</textarea>', html)
        text = unescape(field.group(1)) if field else ""
        copies = (1 if field else 0) + (1 if text and text in decoded else 0)
        assets = sorted(set(ASSET.findall(html)))
        result: dict[str, Any] = {
            "label": label,
            "rows": ROWS,
            "state_kb": round(state_bytes / 1024, 1),
            "copies_of_a_row_text": copies,
            "assets": len(assets),
        }
        for encoding in ENCODINGS:
            status, size, sent = _get(client, path, encoding)
            if status != 200:
                raise RuntimeError(f"{label}: editor page HTTP {status} ({encoding})")
            result[f"page_{encoding}_kb"] = round(size / 1024, 1)
            result[f"page_{encoding}_encoding"] = sent or "identity"
            total = 0
            for asset in assets:
                status, size, _ = _get(client, asset, encoding)
                total += size if status == 200 else 0
            result[f"assets_{encoding}_kb"] = round(total / 1024, 1)
        # What gzip would make of the page, whatever the server sends (for comparison).
        result["page_gzip_possible_kb"] = round(len(gzip.compress(page.body, 6)) / 1024, 1)
        return result


@contextlib.contextmanager
def tree_of(ref: str) -> Iterator[str]:
    """A copy of the ``rida`` package and ``templates`` of ``ref``, first on the path."""
    tmp = Path(tempfile.mkdtemp(prefix="rida-weight-"))
    previous = os.environ.get("PYTHONPATH")
    try:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", ref, "rida", "templates"],
            cwd=ROOT,
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        commit = subprocess.run(
            ["git", "rev-parse", "--short", ref], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        os.environ["PYTHONPATH"] = str(tmp)
        yield commit
    finally:
        if previous is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = previous
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    base = subprocess.run(
        ["git", "merge-base", "HEAD", "main"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    parser.add_argument(
        "--before", default=base[:10], help="git ref measured as 'before' ('' to skip)"
    )
    args = parser.parse_args()

    runs = []
    if args.before:
        with tree_of(args.before) as commit:
            runs.append(measure(f"before ({commit})"))
    runs.append(measure("after (this tree)"))

    print(f"\nEditor page of a {ROWS}-row meeting, rida serve (waitress), bytes on the wire (KB)")
    print_table(
        (
            "version",
            "page",
            "page gzip",
            "page br",
            "JSON state",
            "row text copies",
            "scripts+css",
            "scripts+css br",
        ),
        [
            (
                r["label"],
                r["page_identity_kb"],
                f"{r['page_gzip_kb']} ({r['page_gzip_encoding']})",
                f"{r['page_br_kb']} ({r['page_br_encoding']})",
                r["state_kb"],
                r["copies_of_a_row_text"],
                r["assets_identity_kb"],
                r["assets_br_kb"],
            )
            for r in runs
        ],
    )
    after = runs[-1]
    met = after["page_gzip_kb"] < TARGET_KB and after["page_br_kb"] < TARGET_KB
    print(f"\nTarget: page compressed < {TARGET_KB:.0f} KB: {'met' if met else 'NOT met'}")
    path = write_results(
        "page_weight",
        {"settings": {"rows": ROWS, "target_kb": TARGET_KB}, "runs": runs, "target_met": met},
    )
    print(f"Results: {path.relative_to(ROOT)}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
