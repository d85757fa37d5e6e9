"""``charts.export``: the formula escaping behind every table and CSV offered to a person."""

from __future__ import annotations

import pandas as pd

from charts.export import FORMULA_STARTS, formula_safe, safe_csv


def test_formula_safe_escapes_text_cells_and_column_names_only() -> None:
    frame = pd.DataFrame({
        "=Name": ["=HYPERLINK(\"http://evil.example\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "plain", None],
        "count": [-1, 2, 3, 4, 5, 6, 7, 8],
    })
    safe = formula_safe(frame)
    assert list(safe.columns) == ["'=Name", "count"]
    assert safe["'=Name"].tolist()[:7] == ["'=HYPERLINK(\"http://evil.example\")", "'+1", "'-2", "'@SUM(A1)", "'\tx",
                                           "'\rx", "plain"]
    assert pd.isna(safe["'=Name"].iloc[7])
    assert safe["count"].tolist() == frame["count"].tolist()  # numbers are numbers, never formulas
    assert list(frame.columns) == ["=Name", "count"] and frame["=Name"].iloc[0].startswith("=")  # input untouched
    assert not [v for v in safe["'=Name"].dropna() if v.startswith(FORMULA_STARTS)]


def test_safe_csv_is_the_formula_safe_copy() -> None:
    frame = pd.DataFrame({"a": ["=1+1", "ok"]})
    assert safe_csv(frame) == formula_safe(frame).to_csv(index=False).encode("utf-8-sig")
    assert safe_csv(frame).decode("utf-8-sig").splitlines() == ["a", "'=1+1", "ok"]
