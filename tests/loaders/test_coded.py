"""Columns held as codes into their distinct values: the fast paths give the per-value answers."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import numpy as np
import pytest

from loaders.coded import _is_clean, code_column, code_identifier_column, first_of_groups, group_rows
from loaders.convert import Invalid, as_text
from loaders.pseudonymise import Pseudonymiser
from loaders.text import clean_cell_text, is_blank

MIXED = np.array(["b", "a", None, "b", "", float("nan"), 3, 3.0, "#N/A", dt.date(2025, 4, 3), "a "], dtype=object)


def _strict_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Invalid("is not a number")
    return int(value)


def test_code_column_matches_converting_every_cell() -> None:
    column = code_column(MIXED, _strict_int)
    for row, value in enumerate(MIXED):
        blank = value is None or (isinstance(value, float) and value != value) or is_blank(value)
        assert column.blank[row] == blank, row
        if blank:
            assert column.values()[row] is None
            continue
        try:
            expected = _strict_int(value)
        except Invalid:
            assert column.bad[row] and column.values()[row] is None, row
        else:
            assert not column.bad[row] and column.values()[row] == expected, row


def test_text_columns_and_mixed_columns_are_coded_alike() -> None:
    text = np.array(["x", "y", None, "x", "", "y"], dtype=object)
    mixed = np.array(["x", "y", None, "x", "", "y", 1], dtype=object)
    by_arrow, by_pandas = code_column(text, str), code_column(mixed, str)
    assert list(by_arrow.codes) == [0, 1, 3, 0, 2, 1]  # first appearance; None reads the extra last slot
    assert list(by_arrow.values()) == list(by_pandas.values()[:-1])
    assert list(by_arrow.blank) == list(by_pandas.blank[:-1]) == [False, False, True, False, True, False]


def test_canonical_codes_join_values_that_convert_alike() -> None:
    column = code_column(np.array(["X1", " X1", "X2", None], dtype=object), clean_cell_text)
    assert list(column.canonical) == [0, 0, 1, -1]


@pytest.mark.parametrize("ids", [
    ["SYN-1", "SYN-2", "SYN-1", None, "", "#REF!"],
    ["SYN-1", " SYN-1", "SYN\u00a01", "SYN 1", 12345, 12345.0, "12345", "  "],
])
def test_identifier_column_hashes_as_one_call_per_cell_would(ids: list) -> None:
    pseudonymise = Pseudonymiser(b"test-secret")
    raw = np.array(ids, dtype=object)
    column = code_identifier_column(raw, pseudonymise.many)
    for row, value in enumerate(ids):
        if value is None or is_blank(value):
            assert column.blank[row] and column.values()[row] is None
        else:
            expected = hmac.new(b"test-secret", as_text(value).encode(), hashlib.sha256).digest()
            assert column.values()[row] == expected, value
    # equal hashes share a duplicate-detection code whichever shortcut was taken
    hashes = column.values()
    canonical = column.canonical
    for i in range(len(ids)):
        for j in range(len(ids)):
            if hashes[i] is not None and hashes[j] is not None:
                assert (hashes[i] == hashes[j]) == (canonical[i] == canonical[j])


@pytest.mark.parametrize("text", ["SYN-1", "SYN 1", " SYN", "SYN ", "S  1", "S\t1", "S\u00a01", "S\n1", "é1", ""])
def test_is_clean_means_cleaning_changes_nothing(text: str) -> None:
    assert _is_clean(text) == (clean_cell_text(text) == text)


def test_group_rows_numbers_groups_by_first_appearance() -> None:
    parts = [np.array([0, 1, 0, 1, 0]), np.array([5, 5, 5, 6, -1])]
    assert list(group_rows(parts)) == [0, 1, 0, 2, 3]
    assert list(first_of_groups(group_rows(parts))) == [0, 1, 0, 3, 4]


def test_group_rows_keeps_many_wide_parts_exact() -> None:
    rng = np.random.default_rng(1)
    parts = [rng.integers(-2, 1_000_000, size=2000) for _ in range(8)]  # far beyond 64 bits combined
    parts = [np.concatenate([p, p[:500]]) for p in parts]  # the last 500 rows repeat the first 500
    groups = group_rows(parts)
    rows = list(zip(*(p.tolist() for p in parts)))
    first_seen: dict[tuple, int] = {}
    expected = [first_seen.setdefault(row, len(first_seen)) for row in rows]
    assert groups.tolist() == expected
    assert (first_of_groups(groups)[2000:] == np.arange(500)).all()
