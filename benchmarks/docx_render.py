"""DOCX compte-rendu: generation time for 10, 100 and 500 RIDA rows (in process).

Builds a realistic rida/1 document per size (French text of ~80 words per row, a third of
the questions as bullet lists, a fifth of the answers with a numbered list, a formula),
validates it like an import does, then times ``rida.compte_rendu.render(src, "docx")``
(the shipped reference template) several times and reports the median. When the DOCX
importer (``rida.compte_rendu.reading.docx_import.read_docx``) exists, reading the generated file
back is timed too (and must give back every row); otherwise its column shows ``n/a``.

    .venv/bin/python benchmarks/docx_render.py [--sizes 10 100 500] [--runs 7]

Prints a table and writes ``benchmarks/results/docx.json``. Exit status 1 if a generated
file does not hold, or its import does not give back, the expected number of RIDA rows.
"""

from __future__ import annotations

import argparse
import importlib
import io
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from _common import (
    ROOT,
    check_machine_idle,
    meeting_document,
    paragraph,
    print_table,
    write_results,
)

sys.path.insert(0, str(ROOT))

from docx import Document  # noqa: E402

from rida import exchange  # noqa: E402
from rida.compte_rendu import Source, render  # noqa: E402

TARGET_100_MS = 300.0


def document(rows: int) -> dict[str, Any]:
    """``meeting_document`` with Markdown lists and a formula, as minutes have them."""
    rng = random.Random(rows)
    doc = meeting_document(rows, seed=rows, date="2024-01-12")
    for row in doc["rida"]:
        n = row["number"]
        if n % 3 == 0:
            row["question"] = "Remarques des opérateurs :\n\n" + "\n".join(
                f"- {paragraph(rng, 12)}" for _ in range(3)
            )
        if n % 5 == 0:
            row["answer"] += "\n\n" + "\n".join(f"{i}. {paragraph(rng, 8)}" for i in range(1, 4))
        if n % 7 == 0:
            row["answer"] += " Formule : $A + B \\times X$, à **valider** en *comité*."
    doc["comments"] = [paragraph(rng, 30) for _ in range(3)]
    doc["objectives"] = [paragraph(rng, 10) for _ in range(4)]
    return exchange.validate(doc)


def importer() -> Callable[[bytes], Any] | None:
    try:
        module = importlib.import_module("rida.compte_rendu.reading.docx_import")
    except ImportError:
        return None
    return getattr(module, "read_docx", None)


def timed(action: Callable[[], Any], runs: int) -> tuple[list[float], Any, list[float]]:
    """Wall-clock seconds of each run, the last result, and each run's CPU seconds (this
    process: on a shared machine, wall time also counts the waits for a core)."""
    samples, result, cpu = [], None, []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = action()
        samples.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return samples, result, cpu


def ms(samples: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(samples) * 1000, 1),
        "min_ms": round(min(samples) * 1000, 1),
        "max_ms": round(max(samples) * 1000, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[10, 100, 500],
        help="numbers of RIDA rows to time (default: 10 100 500)",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=7,
        help="timed runs per size, after one warm-up run (default: 7)",
    )
    args = parser.parse_args()
    load = check_machine_idle()
    read_docx = importer()
    results, table, failed = [], [], False
    for size in args.sizes:
        src = Source(doc=document(size))
        render(src, "docx")  # warm-up: imports, Markdown converter, template cache
        samples, data, cpu = timed(lambda src=src: render(src, "docx"), args.runs)
        rows = len(Document(io.BytesIO(data)).tables[3].rows) - 2
        failed |= rows != size
        entry: dict[str, Any] = {
            "rows": size,
            "runs": args.runs,
            "size_kb": round(len(data) / 1024, 1),
            "generate": ms(samples),
            "generate_cpu": ms(cpu),
            "rows_read_back": rows,
        }
        if read_docx is not None:
            import_samples, read, _ = timed(lambda data=data: read_docx(data), args.runs)
            entry["import"] = ms(import_samples)
            entry["rows_imported"] = len(read.doc["rida"])
            failed |= entry["rows_imported"] != size
        results.append(entry)
        table.append(
            [
                size,
                entry["generate"]["median_ms"],
                entry["generate_cpu"]["median_ms"],
                entry["generate"]["min_ms"],
                entry["generate"]["max_ms"],
                entry["size_kb"],
                entry["import"]["median_ms"] if "import" in entry else "n/a",
            ]
        )
    print_table(
        ["rows", "generate p50 ms", "CPU p50 ms", "min ms", "max ms", "size KB", "import p50 ms"],
        table,
    )
    hundred = next((r for r in results if r["rows"] == 100), None)
    if hundred:
        verdict = "met" if hundred["generate"]["median_ms"] < TARGET_100_MS else "MISSED"
        cpu_verdict = "met" if hundred["generate_cpu"]["median_ms"] < TARGET_100_MS else "MISSED"
        print(f"target: 100 rows under {TARGET_100_MS:.0f} ms: {verdict} (CPU time: {cpu_verdict})")
    path = write_results(
        "docx",
        {
            "settings": vars(args),
            "load_average_at_start": load,
            "target_100_rows_ms": TARGET_100_MS,
            "results": results,
        },
    )
    print(f"written: {path.relative_to(ROOT)}")
    if failed:
        print(
            "error: a generated or imported DOCX does not hold the expected RIDA rows",
            file=sys.stderr,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
