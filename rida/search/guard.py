"""The search the page, the API and the CLI call: :func:`rida.search.search`, plus a guard
on the zero-result suggestion.

The engine draws its "did you mean" from the whole index's vocabulary, which includes
meetings the person may not read: a word of a confidential meeting must not come back as
a suggestion. The suggestion is kept only if it finds something this person may read.
"""

from __future__ import annotations

import dataclasses

from sqlmodel import Session

from rida import search as core
from rida.models import User
from rida.search import Query, Results


def search(session: Session, user: User | None, query: Query) -> Results:
    results = core.search(session, user, query)
    if results.suggestion:
        tried = core.search(
            session, user, dataclasses.replace(query, text=results.suggestion, page=1, per_page=1)
        )
        if tried.total == 0:
            results.suggestion = None
    return results
