"""The ``rida/1`` exchange format: validate, import, export.

:func:`validate` checks a whole document, collecting every error with its field path,
and returns the normalised document (strings trimmed, defaults filled in, empty optional
values as ``null``, rows in number order, each person spelt as at its first mention).
Export writes exactly that shape back, so for any valid document imported into a
database that does not know its persons yet, ``export(import(doc))`` equals
``validate(doc)`` plus the new ``id``.
"""

from rida.exchange.exporting import export_document, person_dict
from rida.exchange.importing import import_document
from rida.exchange.validation import (
    ACTION_KEYS,
    FORMAT,
    PERSON_KEYS,
    ROW_KEYS,
    TOP_KEYS,
    loads,
    validate,
)
from rida.fields import ValidationError

__all__ = [
    "ACTION_KEYS",
    "FORMAT",
    "PERSON_KEYS",
    "ROW_KEYS",
    "TOP_KEYS",
    "ValidationError",
    "export_document",
    "import_document",
    "loads",
    "person_dict",
    "validate",
]
