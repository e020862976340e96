"""The PostgreSQL engine's tables (migration 0015), as SQLAlchemy Core tables of their own
metadata: they exist on PostgreSQL only, so they stay out of the models' metadata.

- ``search_document``: one row per document of :mod:`rida.search.documents` (meeting
  header, RIDA row, action), its stored fields for hits, filters and facets, and
  ``terms``, the ``tsvector`` of rida's own analysis (GIN index);
- ``search_word``: the vocabulary (words folded, unstemmed), for prefixes and « did you
  mean »; words are added, never removed (a word that no document holds any more expands
  to nothing and is never suggested: the suggestion must find something);
- ``search_state``: ``analysis``, the version of the analysis the index was built with.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, Integer, MetaData, Table, Text
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR

metadata = MetaData()

DOCUMENT = Table(
    "search_document",
    metadata,
    Column("key", Text, primary_key=True),
    Column("meeting_id", Integer, nullable=False, index=True),
    Column("kind", Text, nullable=False),
    Column("row", Integer),
    Column("action", Integer),
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("meeting_title", Text, nullable=False),
    Column("series", Text, nullable=False),
    Column("meeting_type", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("classification", Text, nullable=False),
    Column("date", Date, nullable=False),
    Column("nature", Text),
    Column("organisations", ARRAY(Text), nullable=False),
    Column("stamp", Text, nullable=False),
    Column("terms", TSVECTOR, nullable=False),
)
WORD = Table("search_word", metadata, Column("word", Text(collation="C"), primary_key=True))
STATE = Table(
    "search_state",
    metadata,
    Column("name", Text, primary_key=True),
    Column("value", Text, nullable=False),
)
