"""Writing the PostgreSQL engine's index: the documents of changed meetings, in the
transaction of the change.

A document's ``terms`` is a ``tsvector`` written literally from rida's own analysis
(:func:`rida.search.analysis.index_terms`: both forms of each word, compounds, gap terms,
with their positions), never from a PostgreSQL dictionary, so that both engines index
the same terms: the title's words weigh ``A``, the exact-case acronyms ``B`` (``ANS``
the organisation before *ans* the word), the text's ``D``; the text starts
:data:`TEXT_OFFSET` positions after the title, so that no phrase spans the two.

:func:`write_meetings` is the write sessions' hook (:func:`rida.search.outbox
.index_in_transaction`): before the commit, it locks each changed meeting (an advisory
lock of the transaction, in id order: two transactions indexing the same meeting take
turns, and the second reads what the first committed), reads its documents afresh and
rewrites those whose stamp changed. A rebuild takes the lock of the whole index
exclusively; the hooks take it shared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session

from rida.search.analysis import VERSION, acronyms, index_terms_and_words
from rida.search.documents import SearchDoc, documents, row_documents
from rida.search.postgresql_query import lexeme
from rida.search.postgresql_tables import DOCUMENT, STATE, WORD

LOCKS = 0x52494441  # "RIDA": the advisory locks' first key; the second is a meeting id
WHOLE_INDEX = -1  # ... or this, for the whole index
MAX_POSITION = 16383  # PostgreSQL's largest position
MAX_POSITIONS = 256  # positions kept per term
MAX_TERM_BYTES = 2000  # a longer "word" is not indexed
MAX_WORD = 100  # longest vocabulary word
TEXT_OFFSET = 64


def analysed(doc: SearchDoc) -> tuple[str, set[str]]:
    """The ``tsvector`` of ``doc``, as PostgreSQL reads it, and its vocabulary."""
    positions: dict[str, list[str]] = {}

    def add(term: str, position: int, weight: str) -> None:
        found = positions.setdefault(term, [])
        if len(found) < MAX_POSITIONS and len(term.encode()) <= MAX_TERM_BYTES:
            found.append(f"{min(position, MAX_POSITION)}{weight}")

    last = 0
    title, words = index_terms_and_words(doc.title)
    for position, term in title:
        add(term, position + 1, "A")
        last = max(last, position + 1)
    text, more = index_terms_and_words(doc.text)
    for position, term in text:
        add(term, last + TEXT_OFFSET + position, "")
    for i, word in enumerate(acronyms(f"{doc.title}\n{doc.text}")):
        add(word, i + 1, "B")
    terms = " ".join(f"{lexeme(t)}:{','.join(p)}" for t, p in positions.items() if p)
    return terms, {w for w in (*words, *more) if len(w) <= MAX_WORD}


def row_of(doc: SearchDoc, terms: str) -> dict[str, Any]:
    return {
        "key": doc.key,
        "meeting_id": doc.meeting_id,
        "kind": doc.kind,
        "row": doc.row,
        "action": doc.action,
        "title": doc.title,
        "text": doc.text,
        "meeting_title": doc.meeting_title,
        "series": doc.series,
        "meeting_type": doc.meeting_type or "",
        "status": doc.status,
        "classification": doc.classification,
        "date": doc.date,
        "nature": doc.nature,
        "organisations": list(doc.organisations),
        "stamp": doc.stamp,
        "terms": terms,
    }


def insert_documents(conn: Connection, docs: list[SearchDoc], *, replace: bool) -> None:
    if not docs:
        return
    statement = insert(DOCUMENT)
    if replace:
        statement = statement.on_conflict_do_update(
            index_elements=[DOCUMENT.c.key],
            set_={c.name: statement.excluded[c.name] for c in DOCUMENT.c if c.name != "key"},
        )
    rows, words = [], set()
    for doc in docs:
        terms, vocabulary = analysed(doc)
        rows.append(row_of(doc, terms))
        words |= vocabulary
    conn.execute(statement, rows)
    insert_words(conn, sorted(words))


def insert_words(conn: Connection, words: list[str]) -> None:
    """In order, so that two transactions adding the same new words never deadlock."""
    for start in range(0, len(words), 1000):
        chunk = [{"word": w} for w in words[start : start + 1000]]
        conn.execute(insert(WORD).on_conflict_do_nothing(), chunk)


def lock(conn: Connection, key: int, *, shared: bool = False) -> None:
    function = func.pg_advisory_xact_lock_shared if shared else func.pg_advisory_xact_lock
    conn.execute(select(function(LOCKS, key)))


def write_meetings(
    session: Session, meeting_ids: Iterable[int], rows: Mapping[int, Iterable[int]] | None = None
) -> None:
    """(Re)index these meetings in the session's transaction (a meeting that no longer
    exists loses its documents) and, of other meetings, only these rows (meeting id →
    row ids: a change of the rows' own fields, :func:`rida.search.documents
    .row_documents`)."""
    ids = sorted(set(meeting_ids))
    partial = {m: set(r) for m, r in (rows or {}).items() if m not in ids and r}
    if not ids and not partial:
        return
    conn = session.connection()
    _lock_meetings(conn, sorted(set(ids) | set(partial)))
    fresh = row_documents(session, set().union(*partial.values()))
    stored = dict(
        conn.execute(
            select(DOCUMENT.c.key, DOCUMENT.c.stamp).where(
                DOCUMENT.c.meeting_id.in_(ids) | DOCUMENT.c.key.in_([d.key for d in fresh])
            )
        ).all()
    )
    if ids:
        whole = [d for docs in documents(session, ids, fresh=True).values() for d in docs]
        gone = set(stored) - {d.key for d in whole} - {d.key for d in fresh}
        if gone:
            conn.execute(delete(DOCUMENT).where(DOCUMENT.c.key.in_(sorted(gone))))
        fresh += whole
    insert_documents(conn, [d for d in fresh if stored.get(d.key) != d.stamp], replace=True)


def _lock_meetings(conn: Connection, ids: list[int]) -> None:
    """The whole index's lock, shared, then each meeting's, in id order (one statement:
    its expressions are evaluated in order)."""
    locks = [func.pg_advisory_xact_lock(LOCKS, m) for m in ids]
    conn.execute(select(func.pg_advisory_xact_lock_shared(LOCKS, WHOLE_INDEX), *locks[:100]))
    for start in range(100, len(locks), 100):
        conn.execute(select(*locks[start : start + 100]))


def rebuild(
    session: Session, ids: list[int], progress: Any = None, batch: int = 200, forget: bool = False
) -> None:
    """Replace the whole index, in the session's transaction (``forget``: the session's
    records are dropped after each batch, to keep memory flat)."""
    conn = session.connection()
    lock(conn, WHOLE_INDEX)
    conn.execute(delete(DOCUMENT))
    conn.execute(delete(WORD))
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        docs = [d for found in documents(session, chunk).values() for d in found]
        insert_documents(conn, docs, replace=False)
        if forget:
            session.expunge_all()
        if progress is not None:
            progress(min(start + batch, len(ids)), len(ids))
    statement = insert(STATE).values(name="analysis", value=str(VERSION))
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[STATE.c.name], set_={"value": statement.excluded.value}
        )
    )


def analysis_version(conn: Connection) -> int | None:
    found = conn.execute(select(STATE.c.value).where(STATE.c.name == "analysis")).scalar()
    return int(found) if found and found.isdigit() else None
