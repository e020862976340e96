"""Derive the synthetic-corpus vocabulary of ``benchmarks/search.py`` from the seed texts.

Run ONCE by hand (the benchmark itself only reads the committed result):

    .venv/bin/python benchmarks/data/extract_search_vocab.py /work/shared/seeds/*.txt

Writes ``benchmarks/data/search_vocab.json``:

- ``sentences``: French sentences of 6 to 40 words cut from the seeds, as they are (curly
  apostrophes, OCR errors and non-breaking spaces included: they are what real minutes
  look like), the RIDA rows of the ANS compte-rendu (``000_*``) first;
- ``words``: the 4,000 most frequent words of 3+ letters with their counts, used to vary
  the sentences so that the corpus has a long tail of rare terms (Zipf-like);
- ``subjects``: the *Objet* column of the ANS compte-rendu's RIDA table.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

OUT = Path(__file__).resolve().parent / "search_vocab.json"
SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-ZÀ-ÖØ-Þ«\"])")
WORD = re.compile(r"[^\W\d_]{3,}(?:[-’'][^\W\d_]+)*")
MAX_SENTENCES = 1200
MAX_WORDS = 4000


def _clean(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text)  # HTML fragments of the DOCX extraction
    text = re.sub(r"\[\d+\]", "", text)  # footnote marks of the transcripts
    return re.sub(r"[ \t]+", " ", text).strip()


def _rida_rows(text: str) -> tuple[list[str], list[str]]:
    """Subjects and question/answer cells of the tab-separated RIDA table."""
    subjects, cells = [], []
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) >= 4 and parts[0].strip().isdigit():
            subjects.append(parts[2].strip())
            cells += [_clean(p) for p in parts[3:] if len(p.split()) >= 4]
    return subjects, cells


def _sentences(text: str) -> list[str]:
    found = []
    for para in re.split(r"\n\s*\n|\n(?=[-•])", text):
        para = _clean(para.replace("\n", " "))
        for s in SENTENCE_END.split(para):
            s = s.strip(" -•")
            if 6 <= len(s.split()) <= 40 and s[-1:] in ".?!" and not s.isupper():
                found.append(s)
    return found


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__)
        return 2
    files = sorted(Path(p) for p in paths)
    subjects: list[str] = []
    sentences: list[str] = []
    words: Counter[str] = Counter()
    for path in files:
        text = path.read_text(encoding="utf-8")
        if path.name.startswith("000_"):
            subjects, cells = _rida_rows(text)
            sentences = cells + sentences
        sentences += _sentences(text)
        words.update(w.lower() for w in WORD.findall(text))
    unique = list(dict.fromkeys(sentences))[:MAX_SENTENCES]
    data = {
        "source": "derived from the seed texts 000-004 by extract_search_vocab.py",
        "subjects": list(dict.fromkeys(s for s in subjects if s)),
        "sentences": unique,
        "words": words.most_common(MAX_WORDS),
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(
        f"{OUT}: {len(unique)} sentences, {len(data['words'])} words, "
        f"{len(data['subjects'])} subjects"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
