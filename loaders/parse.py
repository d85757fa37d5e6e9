"""Recognise a sheet's dataset by its headers, then clean and validate every cell.

Work is done per distinct value of a column, not per cell, so large sheets stay fast:
a column of 200,000 contact dates holds a few hundred distinct dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from loaders import codes
from loaders.convert import Invalid, as_text, converter_for
from loaders.datasets import DATASETS, SQL_TYPES, Column, Dataset, is_free_text_header, is_personal_header
from loaders.read import RawSheet
from loaders.report import Issue, SheetSummary
from loaders.text import clean_cell_text, is_blank, normalise_key, slugify

HEADER_SEARCH_ROWS = 20
MAX_ISSUES_PER_SHEET = 1000

_ARROW_TYPES = {
    "VARCHAR": pa.string(), "DATE": pa.date32(), "SMALLINT": pa.int16(), "INTEGER": pa.int32(),
    "TINYINT": pa.int8(), "DOUBLE": pa.float64(),
}


@dataclass
class Recognition:
    dataset: Dataset
    header_index: int
    columns: list[tuple[int, Column, str]]
    missing: list[Column]
    dropped: list[str]
    not_used: list[str]
    themes: list[tuple[int, str]]
    warnings: list[str] = field(default_factory=list)

    @property
    def header_row(self) -> int:
        return self.header_index + 1


@dataclass
class ParsedSheet:
    summary: SheetSummary
    dataset: Dataset
    table: pa.Table | None = None
    themes: pa.Table | None = None
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    invalid_rows: int = 0
    fatal: bool = False


def _header_text(value: object) -> str:
    return "" if is_blank(value) else as_text(value)


def _lookup(dataset: Dataset) -> dict[str, Column]:
    return {key: column for column in dataset.columns for key in column.match_keys}


_LOOKUPS = {name: _lookup(dataset) for name, dataset in DATASETS.items()}


def recognise(sheet: RawSheet) -> Recognition | None:
    """Find the header row (within the first 20 rows) and the dataset it belongs to.

    A row belongs to a dataset when it holds all the dataset's signature columns and at least two of its
    columns. Failing that, a near miss — some signature column and at least half the required columns —
    is taken as that dataset, so the person hears which required column is missing rather than nothing."""
    near_miss: tuple[int, Sequence[object], Dataset] | None = None
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        keys = [normalise_key(_header_text(cell)) for cell in row]
        best: tuple[int, Dataset] | None = None
        for name, dataset in DATASETS.items():
            lookup = _LOOKUPS[name]
            found = {lookup[k].key for k in keys if k in lookup}
            if len(found) < 2:
                continue
            if all(s in found for s in dataset.signature):
                if best is None or len(found) > best[0]:
                    best = (len(found), dataset)
            elif near_miss is None and any(s in found for s in dataset.signature):
                required = sum(c.key in found for c in dataset.required)
                if required * 2 >= len(dataset.required):
                    near_miss = (index, row, dataset)
        if best:
            return _map_columns(best[1], index, row)
    if near_miss:
        return _map_columns(near_miss[2], near_miss[0], near_miss[1])
    return None


def _map_columns(dataset: Dataset, header_index: int, row: Sequence[object]) -> Recognition:
    lookup = _LOOKUPS[dataset.name]
    columns: list[tuple[int, Column, str]] = []
    seen: dict[str, str] = {}
    dropped, not_used, themes, warnings = [], [], [], []
    for position, cell in enumerate(row):
        header = _header_text(cell)
        if not header:
            continue
        column = lookup.get(normalise_key(header))
        if column and column.key not in seen:
            columns.append((position, column, header))
            seen[column.key] = header
        elif column:
            warnings.append(f"column '{header}' repeats '{seen[column.key]}' ({column.header}); the first is used")
            not_used.append(header)
        elif is_personal_header(header) or dataset.themes and is_free_text_header(header):
            dropped.append(header)
        elif dataset.themes:
            themes.append((position, header))
        else:
            not_used.append(header)
    missing = [c for c in dataset.required if c.key not in seen]
    return Recognition(dataset, header_index, columns, missing, dropped, not_used, themes, warnings)


class _Cells:
    """Raw cells of one sheet's data rows as one 2-D object array: a column is a view, not a copy."""

    def __init__(self, rows: list[list], start: int) -> None:
        body = rows[start:]
        lengths = set(map(len, body))
        width = max(lengths, default=0)
        if len(lengths) > 1:  # CSV rows may be ragged; calamine pads every row
            body = [list(r) + [None] * (width - len(r)) for r in body]
        self.count = len(body)
        self.width = width
        if self.count and width:
            self._cells = np.array(body, dtype=object)
        else:
            self._cells = np.empty((self.count, width), dtype=object)

    def column(self, position: int) -> np.ndarray:
        if position < self.width:
            return self._cells[:, position]
        return np.full(self.count, None, dtype=object)


@dataclass
class _ParsedColumn:
    """One column checked: converted values (None where blank or invalid) and where the problems are."""

    raw: np.ndarray
    values: np.ndarray
    blank: np.ndarray
    bad: np.ndarray
    messages: np.ndarray


def _parse_column(raw: np.ndarray, convert: Callable[[object], object]) -> _ParsedColumn:
    # Each distinct value is checked once; pandas maps the results back onto the rows in C.
    codes_, uniques = pd.factorize(raw)
    count = len(uniques)
    converted = np.full(count + 1, None, dtype=object)  # the extra last slot serves code -1 (None, NaN)
    blank = np.zeros(count + 1, dtype=bool)
    blank[-1] = True
    messages = np.full(count + 1, None, dtype=object)
    for index, value in enumerate(uniques):
        if is_blank(value):
            blank[index] = True
            continue
        try:
            converted[index] = convert(value)
        except Invalid as exc:
            messages[index] = str(exc)
    bad = np.not_equal(messages, None)
    return _ParsedColumn(raw, converted[codes_], blank[codes_], bad[codes_], messages[codes_])


def parse_sheet(
    sheet: RawSheet,
    recognition: Recognition,
    pseudonymise: Callable[[str], str],
    today: dt.date | None = None,
) -> ParsedSheet:
    """Validate every mapped cell and return the rows ready to store, with every problem located."""
    dataset = recognition.dataset
    summary = SheetSummary(
        sheet=sheet.name,
        dataset=dataset.name,
        header_row=recognition.header_row,
        columns_mapped={header: column.header for _, column, header in recognition.columns},
        columns_not_used=recognition.not_used,
        columns_dropped=recognition.dropped,
        themes=[header for _, header in recognition.themes],
    )
    result = ParsedSheet(summary, dataset)
    result.warnings = [Issue(sheet.name, recognition.header_row, None, None, w) for w in recognition.warnings]
    if recognition.missing:
        headers = [h for h in (_header_text(c) for c in sheet.rows[recognition.header_index]) if h]
        for column in recognition.missing:
            accepted = ", ".join(f"'{a}'" for a in (column.header, *column.aliases))
            result.errors.append(Issue(
                sheet.name, recognition.header_row, column.header, None,
                f"required column '{column.header}' is missing (accepted headers: {accepted}); "
                f"headers found: {', '.join(headers)}",
            ))
        result.fatal = True
        return result

    cells = _Cells(sheet.rows, recognition.header_index + 1)
    first_excel_row = recognition.header_row + 1
    parsed: dict[str, _ParsedColumn] = {}
    headers: dict[str, str] = {}
    for position, column, header in recognition.columns:
        convert = converter_for(column, today)
        if column.kind == "id":
            text = convert

            def convert(value: object, text: Callable = text) -> str:
                return pseudonymise(text(value))
        parsed[column.key] = _parse_column(cells.column(position), convert)
        headers[column.key] = header
    judgement = converter_for(Column("judgement", "Judgement", "code", codes=codes.JUDGEMENT))
    theme_columns = {header: _parse_column(cells.column(position), judgement)
                     for position, header in recognition.themes}

    n = cells.count
    occupied = np.zeros(n, dtype=bool)
    for column in (*parsed.values(), *theme_columns.values()):
        occupied |= ~column.blank
    summary.rows_read = int(occupied.sum())
    if not summary.rows_read:
        result.errors.append(Issue(sheet.name, None, None, None,
                                   "no data rows: the sheet has headers but no data below them"))
        result.fatal = True
        return result

    invalid = np.zeros(n, dtype=bool)
    errors: list[tuple[int, str, str, str]] = []

    def flag(row: int, key: str, value: object, message: str) -> None:
        invalid[row] = True
        errors.append((int(row), headers.get(key, key), as_text(value) if value is not None else "", message))

    for key, column in (*parsed.items(), *theme_columns.items()):
        spec = dataset.column(key) if key in parsed else None
        expected = spec.expected() if spec else codes.JUDGEMENT.expected()
        for i in np.flatnonzero(column.bad & occupied):
            flag(i, key, column.raw[i], f"{column.messages[i]}; expected {expected}")
        if spec and spec.required:
            for i in np.flatnonzero(column.blank & occupied):
                flag(i, key, "", f"is blank; '{spec.header}' is required")

    values = {c.key: parsed[c.key].values if c.key in parsed else np.full(n, None, dtype=object)
              for c in dataset.columns}
    _derive_age(dataset, values, occupied)
    _check_decision_after_contact(dataset, values, parsed, occupied, flag)

    valid_rows = np.flatnonzero(occupied & ~invalid)
    result.invalid_rows = summary.rows_read - len(valid_rows)
    keep, duplicates = _dedupe(dataset, values, valid_rows)
    for row, first in duplicates[:MAX_ISSUES_PER_SHEET]:
        result.warnings.append(Issue(
            sheet.name, first_excel_row + row, None, None,
            f"repeats row {first_excel_row + first} (same {_key_words(dataset)}): loaded once",
        ))
    if len(duplicates) > MAX_ISSUES_PER_SHEET:
        result.warnings.append(Issue(sheet.name, None, None, None,
                                     f"... and {len(duplicates) - MAX_ISSUES_PER_SHEET} more repeated rows"))

    errors.sort()
    for row, header, value, message in errors[:MAX_ISSUES_PER_SHEET]:
        result.errors.append(Issue(sheet.name, first_excel_row + row, header, value, message))
    if len(errors) > MAX_ISSUES_PER_SHEET:
        result.errors.append(Issue(sheet.name, None, None, None,
                                   f"... and {len(errors) - MAX_ISSUES_PER_SHEET} more errors on this sheet"))

    summary.rows_valid = len(keep)
    result.table = _to_arrow(dataset, values, keep, first_excel_row)
    if dataset.event_date and len(keep):
        dates = values[dataset.event_date][keep].tolist()
        summary.date_from, summary.date_to = min(dates), max(dates)
    if theme_columns:
        result.themes = _themes_to_arrow(theme_columns, keep, first_excel_row)
    return result


def _derive_age(dataset: Dataset, values: dict[str, np.ndarray], rows: np.ndarray) -> None:
    """Age at the event from the date of birth, where the age itself is blank."""
    if "date_of_birth" not in values or not dataset.event_date:
        return
    dob, age, event = values["date_of_birth"], values["age"].copy(), values[dataset.event_date]
    for i in np.flatnonzero(rows & pd.isna(age) & pd.notna(dob) & pd.notna(event)):
        born, on = dob[i], event[i]
        if born <= on:
            age[i] = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    values["age"] = age


def _check_decision_after_contact(dataset, values, parsed, rows: np.ndarray, flag) -> None:
    if dataset.name != "contacts" or "decision_date" not in parsed:
        return
    contact, decision = values["contact_date"], values["decision_date"]
    both = np.flatnonzero(rows & pd.notna(contact) & pd.notna(decision))
    early = both[decision[both] < contact[both]] if len(both) else both
    for i in early:
        flag(i, "decision_date", parsed["decision_date"].raw[i],
             f"the decision date is before the contact date ({contact[i]:%d/%m/%Y})")


def _key_words(dataset: Dataset) -> str:
    return " / ".join(", ".join(dataset.column(k).header for k in alt) for alt in dataset.natural_keys)


def _dedupe(dataset: Dataset, values: dict[str, np.ndarray], rows: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Keep the first of rows sharing a natural key; return kept rows and (repeat, first) pairs.

    The first natural key whose parts are all present identifies a row; a row with none complete
    is identified by all its stored values. Keys are compared as integer codes, in C."""
    if not len(rows):
        return rows, []
    codes_of: dict[str, np.ndarray] = {}

    def code(key: str) -> np.ndarray:
        if key not in codes_of:
            codes_of[key] = pd.factorize(values[key][rows])[0]
        return codes_of[key]

    usable = [alt for alt in dataset.natural_keys if pd.notna(values[alt[0]][rows]).any()]
    kind = np.full(len(rows), -1)
    for index in reversed(range(len(usable))):  # the first complete alternative wins
        kind[np.logical_and.reduce([code(k) >= 0 for k in usable[index]])] = index
    columns = {"kind": kind}
    for index, alt in enumerate(usable):
        for part, key in enumerate(alt):
            columns[f"{index}.{part}"] = np.where(kind == index, code(key), -2)
    if (kind == -1).any():
        for column in dataset.stored_columns:
            columns[column.key] = np.where(kind == -1, code(column.key), -2)
    group = pd.DataFrame(columns).groupby(list(columns), sort=False).ngroup().to_numpy()
    first = np.unique(group, return_index=True)[1][group]
    repeated = first != np.arange(len(rows))
    duplicates = list(zip(rows[repeated].tolist(), rows[first[repeated]].tolist()))
    return rows[~repeated], duplicates


def _to_arrow(dataset: Dataset, values: dict[str, np.ndarray], keep: np.ndarray, first_excel_row: int) -> pa.Table:
    arrays: dict[str, pa.Array] = {"source_row": pa.array(keep + first_excel_row, pa.int32())}
    for column in dataset.stored_columns:
        kept = values[column.key][keep]
        arrays[column.key] = pa.array(kept, _ARROW_TYPES[SQL_TYPES[column.kind]], from_pandas=True)
        if column.kind == "source":
            groups = codes.SOURCE_GROUPS
            arrays["source_group"] = pa.array([groups.get(v) for v in kept.tolist()], pa.string())
    return pa.table(arrays)


def _themes_to_arrow(themes: dict[str, _ParsedColumn], keep: np.ndarray, first_excel_row: int) -> pa.Table:
    source_rows, names, slugs, judgements = [], [], [], []
    for header, column in themes.items():
        name = clean_cell_text(header)
        kept = column.values[keep]
        judged = pd.notna(kept)
        source_rows.extend((keep[judged] + first_excel_row).tolist())
        judgements.extend(kept[judged].tolist())
        names.extend([name] * int(judged.sum()))
        slugs.extend([slugify(name)] * int(judged.sum()))
    return pa.table({
        "source_row": pa.array(source_rows, pa.int32()), "theme": pa.array(names, pa.string()),
        "theme_slug": pa.array(slugs, pa.string()), "judgement": pa.array(judgements, pa.string()),
    })
