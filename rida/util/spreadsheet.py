"""Cells of the CSV and XLSX files the app writes.

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed
with ``'`` so that a spreadsheet never runs it as a formula (formula injection).
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet will not read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
