"""The Whoosh schema and the translation of parsed clauses into Whoosh queries.

A word is looked up in its two stemmed forms (:func:`rida.search.analysis.word_forms`) in
the title and the text; an all-capitals word also as an exact-case acronym (boosted:
``ANS`` the organisation before *ans* the word); a compound (hyphenated word, date, name
with an apostrophe) as its whole form or its parts in sequence. A phrase keeps the
distance between its words and requires a stop word (the indexed ``GAP``) where it has
one. A prefix is expanded over the index's unstemmed vocabulary, then stemmed. ``OR``
takes any of its options; a glossary term its equivalents (a series' ones in that
series only). The organisation filter finds the glossary's equivalents of a name too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from whoosh import columns, fields
from whoosh import query as wq
from whoosh.query.spans import SpanNear2
from whoosh.reading import IndexReader

from rida.search import Filters
from rida.search.analysis import ACRONYMS, FRENCH_INDEX, fold, is_acronym, phrase_terms, word_forms
from rida.search.documents import SearchDoc
from rida.search.glossary import Organisations
from rida.search.querytext import WORD_RE, Clause
from rida.search.whoosh_collect import ORG_SEPARATOR

TEXT_FIELDS = ("title", "text")
SPELL_FIELDS = ("spell_title", "spell_text")
ACRONYM_BOOST = 3.0
MAX_EXPANSIONS = 64
FILTER_FIELDS = (
    ("series", "series"),
    ("nature", "nature"),
    ("meeting_type", "meeting_type"),
    ("organisation", "organisations"),
    ("status", "status"),
    ("classification", "classification"),
)


def schema() -> fields.Schema:
    return fields.Schema(
        key=fields.ID(unique=True, stored=True),
        kind=fields.ID(stored=True),
        meeting_id=fields.ID(stored=True),
        row=fields.STORED,
        action=fields.STORED,
        title=fields.TEXT(
            analyzer=FRENCH_INDEX, stored=True, phrase=True, spelling=True, field_boost=1.5
        ),
        text=fields.TEXT(analyzer=FRENCH_INDEX, stored=True, phrase=True, spelling=True),
        acronyms=fields.TEXT(analyzer=ACRONYMS, phrase=False),
        series=fields.ID(stored=True, sortable=True),
        nature=fields.ID(stored=True, sortable=True),
        meeting_type=fields.ID,
        organisations=fields.KEYWORD(commas=True, lowercase=False),
        org_facet=fields.COLUMN(columns.VarBytesColumn()),
        status=fields.ID,
        classification=fields.ID,
        date=fields.DATETIME(stored=True, sortable=True),
        year=fields.ID(sortable=True),
        meeting_title=fields.STORED,
        stamp=fields.STORED,
    )


def fields_of(doc: SearchDoc) -> dict[str, Any]:
    values: dict[str, Any] = {
        "key": doc.key,
        "kind": doc.kind,
        "meeting_id": str(doc.meeting_id),
        "row": doc.row,
        "action": doc.action,
        "title": doc.title,
        "text": doc.text,
        "acronyms": f"{doc.title}\n{doc.text}",
        "series": doc.series,
        "status": doc.status,
        "classification": doc.classification,
        "date": dt.datetime.combine(doc.date, dt.time()),
        "year": str(doc.date.year),
        "meeting_title": doc.meeting_title,
        "stamp": doc.stamp,
    }
    if doc.nature:
        values["nature"] = doc.nature
    if doc.meeting_type:
        values["meeting_type"] = doc.meeting_type
    values["organisations"] = ",".join(o.replace(",", " ") for o in doc.organisations)
    # The organisation facet reads a value column (term vectors cost twice the search).
    values["org_facet"] = ORG_SEPARATOR.join(doc.organisations).encode()
    return values


def any_field(term: str) -> wq.Query:
    return wq.Or([wq.Term(f, term) for f in TEXT_FIELDS])


def exact_phrase(field: str, positioned: list[tuple[int, str]]) -> wq.Query:
    """The terms at exactly these relative positions."""
    if all(b[0] - a[0] == 1 for a, b in zip(positioned, positioned[1:], strict=False)):
        return wq.Phrase(field, [t for _, t in positioned])
    q: wq.Query = wq.Term(field, positioned[0][1])
    for (p0, _), (p1, t) in zip(positioned, positioned[1:], strict=False):
        q = SpanNear2([q, wq.Term(field, t)], slop=p1 - p0, mindist=p1 - p0)
    return q


def phrase_query(text: str) -> wq.Query | None:
    positioned = phrase_terms(text)
    if not positioned:
        return None
    if len(positioned) == 1:
        return any_field(positioned[0][1])
    return wq.Or([exact_phrase(f, positioned) for f in TEXT_FIELDS])


def word_query(word: str) -> wq.Query | None:
    alternatives: list[wq.Query] = []
    if is_acronym(word):
        alternatives.append(wq.Term("acronyms", word, boost=ACRONYM_BOOST))
    alternatives += [any_field(form) for form in word_forms(word)]
    parts = phrase_terms(word)
    if len(parts) > 1:  # a compound: its parts in sequence
        alternatives.append(wq.Or([exact_phrase(f, parts) for f in TEXT_FIELDS]))
    if not alternatives:
        return None
    return alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives)


def text_query(text: str) -> wq.Query | None:
    """A glossary term: one word, or several read as a phrase."""
    words = WORD_RE.findall(text)
    if len(words) == 1:
        return word_query(words[0])
    return phrase_query(text)


def prefix_query(prefix: str, reader: IndexReader) -> wq.Query:
    start = fold(prefix).lower()
    stems: set[str] = set()
    for field in SPELL_FIELDS:
        if field not in reader.schema:
            continue
        for i, word in enumerate(reader.expand_prefix(field, start)):
            if i >= MAX_EXPANSIONS:
                break
            stems.update(word_forms(word.decode() if isinstance(word, bytes) else word))
    if not stems:
        return wq.NullQuery
    return wq.Or([any_field(s) for s in sorted(stems)])


def clause_query(clause: Clause, reader: IndexReader) -> wq.Query | None:
    if clause.kind == "or":
        found = [q for q in (clause_query(o, reader) for o in clause.options) if q is not None]
        return wq.Or(found) if found else None
    if clause.kind == "phrase":
        return phrase_query(clause.text)
    if clause.kind == "prefix":
        return prefix_query(clause.text, reader)
    if clause.kind == "any":
        options = [q for q in [text_query(clause.text)] if q is not None]
        for series, equivalents in clause.alternatives:
            found = [q for q in map(text_query, equivalents) if q is not None]
            if found and series is None:
                options.append(wq.Or(found))
            elif found:
                options.append(wq.And([wq.Or(found), wq.Term("series", series)]))
        return wq.Or(options) if options else None
    return word_query(clause.text)


def compile_clauses(clauses: list[Clause], reader: IndexReader) -> tuple[wq.Query | None, bool]:
    """The query (None when no clause is searchable) and whether words were ignored."""
    positive, negative, ignored = [], [], False
    for clause in clauses:
        q = clause_query(clause, reader)
        if q is None:
            ignored = True
        elif clause.negated:
            negative.append(wq.Not(q))
        else:
            positive.append(q)
    if not positive:
        return None, ignored
    return wq.And(positive + negative) if len(positive) + len(negative) > 1 else positive[
        0
    ], ignored


def filter_query(filters: Filters, organisations: Organisations) -> list[wq.Query]:
    """The restrictions of ``filters`` (passed to Whoosh as ``filter=``: never scored)."""
    parts: list[wq.Query] = []
    for attr, field in FILTER_FIELDS:
        values = [v for v in getattr(filters, attr) if v]
        if values and attr == "organisation":
            parts.append(organisation_query(values, organisations))
        elif values:
            parts.append(wq.Or([wq.Term(field, v) for v in values]))
    if filters.date_from or filters.date_to:
        start = dt.datetime.combine(filters.date_from, dt.time()) if filters.date_from else None
        end = dt.datetime.combine(filters.date_to, dt.time(23, 59, 59)) if filters.date_to else None
        parts.append(wq.DateRange("date", start, end))
    return parts


def organisation_query(values: list[str], organisations: Organisations) -> wq.Query:
    anywhere, by_series = organisations.equivalents(values)
    options: list[wq.Query] = [wq.Term("organisations", v) for v in sorted(anywhere)]
    for series, names in sorted(by_series.items()):
        named = wq.Or([wq.Term("organisations", v) for v in sorted(names)])
        options.append(wq.And([named, wq.Term("series", series)]))
    return wq.Or(options)
