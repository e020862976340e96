"""The reference engines of the search benchmark: SQLite FTS5 and tantivy.

Both index the same documents as rida (one per RIDA row, action and meeting header, read
from the rida database), analysed by **rida's own French analysis**
(``rida.search.analysis``) in Python before insertion, so that the three engines match
the same terms and only the engines differ:

- SQLite FTS5 cannot take a Python tokenizer, so it gets the analysed terms joined by
  spaces (``unicode61``, which then has nothing left to do); a removed stop word leaves a
  placeholder token so that phrases keep rida's exact gaps; acronyms in their own column.
- tantivy gets the same terms as ``PreTokenizedString`` with rida's positions (its own
  ``Filter.stemmer("french")`` + ``ascii_fold`` chain has no elision or hyphen filter).

Filters are restrictions, not scored clauses: FTS5 ``WHERE`` on a side table, tantivy
constant-score clauses. Each query returns the exact total and the top 20 (ids only, no
snippets or facets: rida's figures include those).
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rida.search import analysis

GAP = "zz"  # stands for a removed stop word in FTS5's flat token stream
PAGE = 20
QUERY_ITEM = re.compile(r'-?"[^"]*"|\S+')


@dataclass(frozen=True)
class Doc:
    key: str  # "row:<meeting>:<number>", "action:<id>", "meeting:<id>"
    meeting: int
    kind: str
    row: int | None
    series: str
    nature: str
    date: dt.date
    text: str


@dataclass(frozen=True)
class BenchQuery:
    label: str
    category: str  # organisation, topic, phrase, operator, filtered, sorted
    text: str  # rida's query syntax
    series: tuple[str, ...] = ()
    nature: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"


@dataclass(frozen=True)
class Clause:
    """One item of a query, analysed: what must (or must not) match."""

    kind: str  # term, phrase, prefix, acronym
    terms: tuple[tuple[int, str], ...]  # (position, term); one for term/prefix/acronym
    negated: bool = False


def positioned(text: str) -> list[tuple[int, str]]:
    """One term per position, as a phrase reads them (rida's primary forms; compounds as
    their parts, dates whole): rida also indexes the alternate forms of words and the
    whole forms of compounds, which neither reference takes at the same position."""
    return analysis.positioned_terms(text)


def parse(text: str) -> list[Clause]:
    """rida's query syntax as the benchmark uses it: words (AND), "phrases", -exclusion,
    prefix*, and acronyms (also matched exact-case in their own field)."""
    clauses = []
    for item in QUERY_ITEM.findall(text):
        negated = item.startswith("-")
        item = item.removeprefix("-")
        if item.startswith('"'):
            found = analysis.positioned_terms(item.strip('"'))
            if found:
                first = found[0][0]
                kind = "phrase" if len(found) > 1 else "term"
                clauses.append(Clause(kind, tuple((p - first, t) for p, t in found), negated))
        elif item.endswith("*"):
            prefix = analysis.fold(item.rstrip("*").lower())
            clauses.append(Clause("prefix", ((0, prefix),), negated))
        elif analysis.is_acronym(item):
            stems = analysis.terms(item)
            clauses.append(Clause("acronym", ((0, item), (0, stems[0] if stems else "")), negated))
        elif found := analysis.positioned_terms(item):
            first = found[0][0]
            kind = "phrase" if len(found) > 1 else "term"  # a compound: its parts
            clauses.append(Clause(kind, tuple((p - first, t) for p, t in found), negated))
    return clauses


# --- SQLite FTS5 ---------------------------------------------------------------------


def _flat(text: str) -> str:
    out: list[str] = []
    last = -1
    for pos, term in positioned(text):
        out.extend([GAP] * max(0, pos - last - 1))
        out.append(term)
        last = max(last, pos)
    return " ".join(out)


def _fts_quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


class Fts5:
    name = "FTS5"

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.executescript(
            "CREATE VIRTUAL TABLE fts USING fts5(body, acro, tokenize='unicode61');"
            "CREATE TABLE meta (id INTEGER PRIMARY KEY, key TEXT UNIQUE, meeting INT,"
            " kind TEXT, row INT, series TEXT, nature TEXT, date TEXT);"
            "CREATE INDEX meta_series ON meta(series); CREATE INDEX meta_date ON meta(date);"
        )

    def build(self, docs: Iterable[Doc]) -> None:
        with self.db:
            for i, d in enumerate(docs, 1):
                self._insert(i, d)

    def _insert(self, rowid: int, d: Doc) -> None:
        self.db.execute(
            "INSERT INTO fts(rowid, body, acro) VALUES (?, ?, ?)",
            (rowid, _flat(d.text), " ".join(analysis.acronyms(d.text))),
        )
        self.db.execute(
            "INSERT INTO meta VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (rowid, d.key, d.meeting, d.kind, d.row, d.series, d.nature, d.date.isoformat()),
        )

    def replace(self, d: Doc) -> None:
        with self.db:
            (rowid,) = self.db.execute("SELECT id FROM meta WHERE key = ?", (d.key,)).fetchone()
            self.db.execute("DELETE FROM fts WHERE rowid = ?", (rowid,))
            self.db.execute("DELETE FROM meta WHERE id = ?", (rowid,))
            self._insert(rowid, d)

    @staticmethod
    def match(clauses: list[Clause]) -> str | None:
        parts = []
        for c in clauses:
            if c.kind == "phrase":
                by_pos = dict(c.terms)
                span = [by_pos.get(i, GAP) for i in range(max(by_pos) + 1)]
                expr = "body : " + _fts_quote(" ".join(span))
            elif c.kind == "prefix":
                expr = f"body : {_fts_quote(c.terms[0][1])}*"
            elif c.kind == "acronym":
                expr = f"(acro : {_fts_quote(c.terms[0][1])}"
                expr += f" OR body : {_fts_quote(c.terms[1][1])})" if c.terms[1][1] else ")"
            else:
                expr = "body : " + _fts_quote(c.terms[0][1])
            parts.append(("NOT " if c.negated else "AND ") + expr)
        if not parts or parts[0].startswith("NOT"):
            return None  # FTS5 cannot start with NOT; rida answers nothing either
        return " ".join(parts).removeprefix("AND ")

    def search(self, q: BenchQuery) -> tuple[int, list[str]]:
        expr = self.match(parse(q.text))
        if expr is None:
            return 0, []
        where, args = ["fts MATCH ?"], [expr]
        for column, values in (("series", q.series), ("nature", q.nature)):
            if values:
                where.append(f"m.{column} IN ({', '.join('?' * len(values))})")
                args += list(values)
        if q.date_from:
            where.append("m.date >= ?")
            args.append(q.date_from.isoformat())
        if q.date_to:
            where.append("m.date <= ?")
            args.append(q.date_to.isoformat())
        sql = f"FROM fts JOIN meta m ON m.id = fts.rowid WHERE {' AND '.join(where)}"
        order = "m.date DESC" if q.sort == "date" else "rank"
        top = self.db.execute(f"SELECT m.key {sql} ORDER BY {order} LIMIT {PAGE}", args)
        keys = [k for (k,) in top]
        (total,) = self.db.execute(f"SELECT count(*) {sql}", args).fetchone()
        return total, keys


# --- tantivy -----------------------------------------------------------------------


class Tantivy:
    name = "tantivy"

    def __init__(self, path: Path) -> None:
        import tantivy

        self.t = tantivy
        b = tantivy.SchemaBuilder()
        b.add_text_field("body", tokenizer_name="whitespace")
        b.add_text_field("acro", tokenizer_name="raw")
        for raw in ("key", "kind", "series", "nature"):
            b.add_text_field(raw, stored=raw == "key", tokenizer_name="raw")
        b.add_integer_field("date", indexed=True, fast=True)
        self.schema = b.build()
        path.mkdir(parents=True, exist_ok=True)
        self.index = tantivy.Index(self.schema, path=str(path))
        self.writer = None

    def _doc(self, d: Doc):  # -> tantivy.Document
        t = self.t
        tokens = [t.Token(term, pos, 0, 0) for pos, term in positioned(d.text)]
        doc = t.Document(key=d.key, kind=d.kind, series=d.series, nature=d.nature)
        doc.add_pre_tokenized_text("body", t.PreTokenizedString("", tokens))
        for a in analysis.acronyms(d.text):
            doc.add_text("acro", a)
        doc.add_integer("date", int(d.date.strftime("%Y%m%d")))
        return doc

    def build(self, docs: Iterable[Doc]) -> None:
        self.writer = self.index.writer(heap_size=200_000_000, num_threads=1)
        for d in docs:
            self.writer.add_document(self._doc(d))
        self.writer.commit()
        self.writer.wait_merging_threads()
        self.writer = self.index.writer(heap_size=50_000_000, num_threads=1)
        self.index.reload()

    def replace(self, d: Doc) -> None:
        self.writer.delete_documents_by_term("key", d.key)
        self.writer.add_document(self._doc(d))
        self.writer.commit()
        self.index.reload()

    def _clause(self, c: Clause):  # -> tantivy.Query
        q, s = self.t.Query, self.schema
        if c.kind == "phrase":
            return q.phrase_query(s, "body", [(p, term) for p, term in c.terms])
        if c.kind == "prefix":
            return q.regex_query(s, "body", re.escape(c.terms[0][1]) + ".*")
        if c.kind == "acronym":
            parts = [q.term_query(s, "acro", c.terms[0][1])]
            if c.terms[1][1]:
                parts.append(q.term_query(s, "body", c.terms[1][1]))
            return q.boolean_query([(self.t.Occur.Should, p) for p in parts])
        return q.term_query(s, "body", c.terms[0][1])

    def search(self, q: BenchQuery) -> tuple[int, list[str]]:
        t, s = self.t, self.schema
        clauses = parse(q.text)
        if not clauses or all(c.negated for c in clauses):
            return 0, []
        parts = [(t.Occur.MustNot if c.negated else t.Occur.Must, self._clause(c)) for c in clauses]
        for field, values in (("series", q.series), ("nature", q.nature)):
            if values:
                parts.append(
                    (
                        t.Occur.Must,
                        t.Query.const_score_query(
                            t.Query.term_set_query(s, field, list(values)), 0.0
                        ),
                    )
                )
        if q.date_from or q.date_to:
            low = int(q.date_from.strftime("%Y%m%d")) if q.date_from else None
            high = int(q.date_to.strftime("%Y%m%d")) if q.date_to else None
            parts.append(
                (
                    t.Occur.Must,
                    t.Query.const_score_query(
                        t.Query.range_query(s, "date", t.FieldType.Integer, low, high), 0.0
                    ),
                )
            )
        searcher = self.index.searcher()
        extra = {"order_by_field": "date"} if q.sort == "date" else {}
        found = searcher.search(t.Query.boolean_query(parts), limit=PAGE, count=True, **extra)
        keys = [searcher.doc(address)["key"][0] for _, address in found.hits]
        return found.count, keys
