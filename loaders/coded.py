"""A sheet column held as integer codes into its distinct values.

A column of 200,000 contact dates holds a few hundred distinct dates, so each distinct raw value is
checked and converted once, and everything per row (blank and error masks, duplicate keys, the
Arrow columns written to DuckDB) is an integer take in C rather than a Python loop.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders.convert import Invalid, as_text
from loaders.text import EXCEL_ERRORS, is_blank

Convert = Callable[[object], object]
Alias = Callable[[str], "tuple[int, str] | None"]
HashMany = Callable[[list[str]], list[bytes]]


@dataclass
class CodedColumn:
    """``codes[row]`` indexes the distinct raw values; the extra last slot stands for an empty cell."""

    raw: np.ndarray  # the cells as read, for error messages
    codes: np.ndarray  # int per row
    converted: np.ndarray  # object per distinct value: the clean value, None where blank or invalid
    blank_of: np.ndarray  # bool per distinct value
    messages_of: np.ndarray  # object per distinct value: why it is invalid, else None
    distinct: bool = False  # known: different distinct raw values never convert to the same value
    aliased: dict[int, int] = field(default_factory=dict)  # distinct value index -> alias id applied to it

    @cached_property
    def blank(self) -> np.ndarray:
        return self.blank_of[self.codes]

    @cached_property
    def bad(self) -> np.ndarray:
        return np.not_equal(self.messages_of, None)[self.codes]

    @cached_property
    def present(self) -> np.ndarray:
        """Rows with a valid converted value."""
        return np.not_equal(self.converted, None)[self.codes]

    @cached_property
    def canonical(self) -> np.ndarray:
        """Per row, a code shared by rows whose *converted* values are equal (-1 where there is none):
        ``" X1"`` and ``"X1"`` are different raw values but the same identifier."""
        known = np.not_equal(self.converted, None)
        if self.distinct:
            return np.where(known, np.arange(len(known)), -1)[self.codes]
        canonical = np.full(len(self.converted), -1, dtype=np.int64)
        if known.any():
            canonical[known] = pd.factorize(self.converted[known])[0]
        return canonical[self.codes]

    def values(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Converted values per row (object array), for the rows given or all."""
        return self.converted[self.codes if rows is None else self.codes[rows]]

    @cached_property
    def _days_of(self) -> np.ndarray:
        return np.array([np.datetime64(v, "D") if isinstance(v, dt.date) else np.datetime64("NaT")
                         for v in self.converted], dtype="datetime64[D]")

    def days(self, rows: np.ndarray | None = None) -> np.ndarray:
        """A date column as ``datetime64[D]`` per row (NaT where empty), for vectorised comparisons."""
        return self._days_of[self.codes if rows is None else self.codes[rows]]

    def alias_counts(self, rows: np.ndarray) -> dict[int, int]:
        """Alias id -> how many of ``rows`` held a value it mapped."""
        if not self.aliased:
            return {}
        per_value = np.bincount(self.codes[rows], minlength=len(self.converted))
        counts: dict[int, int] = {}
        for index, alias_id in self.aliased.items():
            if per_value[index]:
                counts[alias_id] = counts.get(alias_id, 0) + int(per_value[index])
        return counts

    def invalid_values(self, rows: np.ndarray, first: int = 20) -> list[tuple[int, int, np.ndarray]]:
        """Among ``rows``, each distinct invalid value: (value index, rows holding it, the first rows)."""
        bad = rows[np.not_equal(self.messages_of, None)[self.codes[rows]]]
        if not len(bad):
            return []
        values = self.codes[bad]
        order = np.argsort(values, kind="stable")  # rows stay in order within each value
        distinct, starts, counts = np.unique(values[order], return_index=True, return_counts=True)
        found = [(int(v), int(n), bad[order[s:s + min(n, first)]]) for v, s, n in zip(distinct, starts, counts)]
        return sorted(found, key=lambda item: int(item[2][0]))

    def to_arrow(self, rows: np.ndarray, arrow_type: pa.DataType) -> pa.Array:
        dictionary = pa.array(self.converted, arrow_type, from_pandas=True)
        return pc.take(dictionary, pa.array(self.codes[rows]))


def code_column(raw: np.ndarray, convert: Convert, alias: Alias | None = None) -> CodedColumn:
    """Factorise a column, then check and convert each distinct value once.

    ``alias`` maps a raw cell text to ``(alias id, code)`` where the agency has mapped that local label:
    the code is converted in its place. Which distinct values were mapped is kept in ``aliased``."""
    codes, uniques = _factorize(raw)
    converted, blank, messages = _slots(len(uniques))
    aliased: dict[int, int] = {}
    for index, value in enumerate(uniques):
        if is_blank(value):
            blank[index] = True
            continue
        if alias is not None and (mapped := alias(as_text(value))) is not None:
            aliased[index], value = mapped
        try:
            converted[index] = convert(value)
        except Invalid as exc:
            messages[index] = str(exc)
    return CodedColumn(raw, codes, converted, blank, messages, aliased=aliased)


def code_identifier_column(raw: np.ndarray, hash_many: HashMany) -> CodedColumn:
    """An identifier column: most rows hold a distinct value, so the distinct values are cleaned and
    hashed in one tight pass instead of one call each (the same result as ``code_column``)."""
    codes, uniques = _factorize(raw)
    converted, blank, messages = _slots(len(uniques))
    values = uniques.tolist()
    texts = [value if type(value) is str and _is_clean(value) else as_text(value) for value in values]
    blank[:-1] = [not text or text[0] == "#" and text.lower() in EXCEL_ERRORS for text in texts]
    present = np.flatnonzero(~blank[:-1])
    converted[present] = hash_many([texts[i] for i in present.tolist()])
    # Distinct raw strings that cleaning left alone stay distinct, so their hashes need no second factorise.
    distinct = all(text is value for text, value in zip(texts, values))
    return CodedColumn(raw, codes, converted, blank, messages, distinct)


def _is_clean(text: str) -> bool:
    """True when ``clean_cell_text(text) == text``: no tabs, line breaks or non-breaking spaces
    (none is printable), no space at either end and no double space."""
    return text.isprintable() and text.strip() is text and "  " not in text


def _factorize(raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes per row (None and NaN read the extra last slot) and the distinct values in order of
    first appearance. A column of text, the common case, is encoded by Arrow, a third faster."""
    try:
        encoded = pc.dictionary_encode(pa.array(raw, pa.string(), from_pandas=True))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        codes, uniques = pd.factorize(raw)
        codes[codes < 0] = len(uniques)
        return codes, uniques
    uniques = np.array(encoded.dictionary.to_pylist(), dtype=object)
    return encoded.indices.fill_null(len(uniques)).to_numpy().astype(np.int64), uniques


def _slots(count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Converted values, blank flags and messages for ``count`` distinct values and the empty slot."""
    blank = np.zeros(count + 1, dtype=bool)
    blank[count] = True
    return np.full(count + 1, None, dtype=object), blank, np.full(count + 1, None, dtype=object)


def group_rows(parts: Sequence[np.ndarray]) -> np.ndarray:
    """Per row, a group number shared by rows equal in every part (integer code arrays, -1 and -2
    allowed). Groups are numbered in order of first appearance."""
    key = np.zeros(len(parts[0]), dtype=np.int64)
    key_size = 1
    for part in parts:
        radix = int(part.max(initial=0)) + 3
        if key_size * radix >= 2**62:  # re-number the key so far to keep the combined key in 64 bits
            key = pd.factorize(key)[0].astype(np.int64)
            key_size = int(key.max(initial=0)) + 1
        key = key * radix + (part + 2)
        key_size *= radix
    return pd.factorize(key)[0].astype(np.int64)


def first_of_groups(group: np.ndarray) -> np.ndarray:
    """For each row, the position of the first row in its group (groups numbered by first appearance)."""
    if not len(group):
        return group
    seen_before = np.maximum.accumulate(np.concatenate(([-1], group[:-1])))
    first_positions = np.flatnonzero(group > seen_before)
    return first_positions[group]
