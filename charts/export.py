"""CSV downloads that are safe to open in Excel."""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_csv(data: pd.DataFrame) -> bytes:
    """The data as UTF-8 CSV (with BOM, so Excel reads accents), formula-like text escaped."""
    escaped = data.copy()
    escaped.columns = [escape_cell(str(c)) for c in escaped.columns]
    for column in escaped.columns:
        if escaped[column].dtype == object or pd.api.types.is_string_dtype(escaped[column]):
            escaped[column] = escaped[column].map(escape_cell)
    return escaped.to_csv(index=False).encode("utf-8-sig")
