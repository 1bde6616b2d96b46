"""Cells that are safe to open: every text a workbook gets from users is text, never a formula.

A name typed on a phone as ``=HYPERLINK("http://x","y")`` must not become a live formula in
the ledger a street office opens, and one control character must not stop the export. As
OWASP recommends for CSV injection, a text that a spreadsheet would run (starting with
``= + - @``, a tab or a carriage return) gets a leading apostrophe; characters that XML 1.0
cannot carry are dropped. ``from_cell`` undoes the apostrophe on import, so a ledger that is
exported and imported again reads the same.
"""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

RUNNABLE_START = ("=", "+", "-", "@", "\t", "\r")


def to_cell(value):
    """The value as a workbook may hold it: texts defused, anything else as it is."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(RUNNABLE_START) else value


def to_cells(values) -> list:
    return [to_cell(value) for value in values]


def from_cell(value):
    """A cell's text as it was before ``to_cell`` defused it."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(RUNNABLE_START):
        return value[1:]
    return value
