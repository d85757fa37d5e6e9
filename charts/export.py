"""CSV downloads (and displayed tables) that are safe to open in Excel."""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def formula_safe(data: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``data`` with formula-like text escaped in every text cell and column name.
    Numbers stay numbers: a spreadsheet reads ``-3`` as a number, never as a formula."""
    escaped = data.copy()
    escaped.columns = [escape_cell(str(c)) for c in escaped.columns]
    for index in range(escaped.shape[1]):
        column = escaped.iloc[:, index]
        if column.dtype == object or pd.api.types.is_string_dtype(column):
            escaped.isetitem(index, column.map(escape_cell))
    return escaped


def safe_csv(data: pd.DataFrame) -> bytes:
    """The data as UTF-8 CSV (with BOM, so Excel reads accents), formula-like text escaped."""
    return formula_safe(data).to_csv(index=False).encode("utf-8-sig")
