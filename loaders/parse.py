"""Recognise a sheet's dataset by its headers, then clean and validate every cell.

Work is done per distinct value of a column, not per cell, so large sheets stay fast:
a column of 200,000 contact dates holds a few hundred distinct dates.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders import codes
from loaders.coded import CodedColumn, code_column, code_identifier_column, first_of_groups, group_rows
from loaders.convert import as_text, converter_for
from loaders.datasets import DATASETS, SQL_TYPES, Column, Dataset, is_free_text_header, is_personal_header
from loaders.read import RawSheet
from loaders.report import Issue, SheetSummary
from loaders.text import clean_cell_text, is_blank, normalise_key, slugify

HEADER_SEARCH_ROWS = 20
MAX_ISSUES_PER_SHEET = 1000

_ARROW_TYPES = {
    "VARCHAR": pa.string(), "BLOB": pa.binary(), "DATE": pa.date32(), "SMALLINT": pa.int16(), "INTEGER": pa.int32(),
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
        # One flat pass over the cells: np.array(body) would first inspect every row to discover a shape,
        # which takes four times as long.
        flat = np.fromiter(itertools.chain.from_iterable(body), dtype=object, count=self.count * width)
        self._cells = flat.reshape(self.count, width)

    def column(self, position: int) -> np.ndarray:
        if position < self.width:
            return self._cells[:, position]
        return np.full(self.count, None, dtype=object)


def parse_sheet(
    sheet: RawSheet,
    recognition: Recognition,
    pseudonymise: Callable[[str], bytes],
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
    parsed: dict[str, CodedColumn] = {}
    # A Pseudonymiser hashes a whole column's identifiers in one loop; any other function is called per value.
    hash_many = getattr(pseudonymise, "many", None) or (lambda texts: list(map(pseudonymise, texts)))
    headers: dict[str, str] = {}
    for position, column, header in recognition.columns:
        if column.kind == "id":
            parsed[column.key] = code_identifier_column(cells.column(position), hash_many)
        else:
            parsed[column.key] = code_column(cells.column(position), converter_for(column, today))
        headers[column.key] = header
    judgement = converter_for(Column("judgement", "Judgement", "code", codes=codes.JUDGEMENT))
    theme_columns = {header: code_column(cells.column(position), judgement)
                     for position, header in recognition.themes}

    occupied = np.zeros(cells.count, dtype=bool)
    for column in (*parsed.values(), *theme_columns.values()):
        occupied |= ~column.blank
    summary.rows_read = int(occupied.sum())
    if not summary.rows_read:
        result.errors.append(Issue(sheet.name, None, None, None,
                                   "no data rows: the sheet has headers but no data below them"))
        result.fatal = True
        return result

    invalid = np.zeros(cells.count, dtype=bool)
    errors: list[tuple[int, str, str, str]] = []

    def flag(row: int, key: str, value: object, message: str) -> None:
        invalid[row] = True
        errors.append((int(row), headers.get(key, key), as_text(value) if value is not None else "", message))

    for key, column in (*parsed.items(), *theme_columns.items()):
        spec = dataset.column(key) if key in parsed else None
        expected = spec.expected() if spec else codes.JUDGEMENT.expected()
        for i in np.flatnonzero(column.bad & occupied):
            flag(i, key, column.raw[i], f"{column.messages_of[column.codes[i]]}; expected {expected}")
        if spec and spec.required:
            for i in np.flatnonzero(column.blank & occupied):
                flag(i, key, "", f"is blank; '{spec.header}' is required")
    _check_decision_after_contact(dataset, parsed, occupied, flag)

    valid_rows = np.flatnonzero(occupied & ~invalid)
    result.invalid_rows = summary.rows_read - len(valid_rows)
    keep, duplicates = _dedupe(dataset, parsed, valid_rows)
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
    result.table = _to_arrow(dataset, parsed, keep, first_excel_row)
    if dataset.event_date and len(keep):
        days = parsed[dataset.event_date].days(keep)
        summary.date_from, summary.date_to = days.min().item(), days.max().item()
    if theme_columns:
        result.themes = _themes_to_arrow(theme_columns, keep, first_excel_row)
    return result


def _ages(dataset: Dataset, parsed: dict[str, CodedColumn], keep: np.ndarray) -> pa.Array:
    """The age column as stored: the age given, else the age at the event from the date of birth."""
    age = np.zeros(len(keep), dtype=np.int16)
    known = np.zeros(len(keep), dtype=bool)
    if "age" in parsed:
        known = parsed["age"].present[keep]
        age[known] = parsed["age"].values(keep)[known].astype(np.int16)
    event = dataset.event_date
    if "date_of_birth" in parsed and event in parsed:
        born, on = parsed["date_of_birth"].days(keep), parsed[event].days(keep)
        derive = ~known & ~np.isnat(born) & ~np.isnat(on) & (born <= on)
        if derive.any():
            (born_year, born_day), (on_year, on_day) = _year_and_day(born[derive]), _year_and_day(on[derive])
            age[derive] = on_year - born_year - (on_day < born_day)
            known |= derive
    return pa.array(age, pa.int16(), mask=~known)


def _year_and_day(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Calendar year, and month and day as one comparable number (month * 32 + day)."""
    year_start, month_start = days.astype("datetime64[Y]"), days.astype("datetime64[M]")
    month = (month_start - year_start.astype("datetime64[M]")).astype(np.int64)
    day = (days - month_start.astype("datetime64[D]")).astype(np.int64)
    return year_start.astype(np.int64) + 1970, month * 32 + day


def _check_decision_after_contact(dataset: Dataset, parsed: dict[str, CodedColumn], rows: np.ndarray, flag) -> None:
    if dataset.name != "contacts" or "decision_date" not in parsed:
        return
    contact, decision = parsed["contact_date"].days(), parsed["decision_date"].days()
    for i in np.flatnonzero(rows & (decision < contact)):  # NaT compares False
        flag(i, "decision_date", parsed["decision_date"].raw[i],
             f"the decision date is before the contact date ({contact[i].item():%d/%m/%Y})")


def _key_words(dataset: Dataset) -> str:
    return " / ".join(", ".join(dataset.column(k).header for k in alt) for alt in dataset.natural_keys)


def _dedupe(dataset: Dataset, parsed: dict[str, CodedColumn], rows: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Keep the first of rows sharing a natural key; return kept rows and (repeat, first) pairs.

    The first natural key whose parts are all present identifies a row; a row with none complete
    is identified by every value read from it. Keys are compared as integer codes, in C."""
    if not len(rows):
        return rows, []
    absent = np.full(len(rows), -1, dtype=np.int64)

    def code(key: str) -> np.ndarray:
        return parsed[key].canonical[rows] if key in parsed else absent

    usable = [alt for alt in dataset.natural_keys if (code(alt[0]) >= 0).any()]
    kind = np.full(len(rows), -1, dtype=np.int64)
    for index in reversed(range(len(usable))):  # the first complete alternative wins
        kind[np.logical_and.reduce([code(k) >= 0 for k in usable[index]])] = index
    parts = [kind]
    for index, alt in enumerate(usable):
        parts.extend(np.where(kind == index, code(key), -2) for key in alt)
    if (kind == -1).any():
        parts.extend(np.where(kind == -1, code(key), -2) for key in parsed)
    first = first_of_groups(group_rows(parts))
    repeated = first != np.arange(len(rows))
    duplicates = list(zip(rows[repeated].tolist(), rows[first[repeated]].tolist()))
    return rows[~repeated], duplicates


def _to_arrow(dataset: Dataset, parsed: dict[str, CodedColumn], keep: np.ndarray, first_excel_row: int) -> pa.Table:
    arrays: dict[str, pa.Array] = {"source_row": pa.array(keep + first_excel_row, pa.int32())}
    for column in dataset.stored_columns:
        arrow_type = _ARROW_TYPES[SQL_TYPES[column.kind]]
        if column.key == "age":
            arrays["age"] = _ages(dataset, parsed, keep)
        elif column.key in parsed:
            arrays[column.key] = parsed[column.key].to_arrow(keep, arrow_type)
        else:
            arrays[column.key] = pa.nulls(len(keep), arrow_type)
        if column.kind == "source":
            source = parsed[column.key]
            groups = pa.array([codes.SOURCE_GROUPS.get(v) for v in source.converted], pa.string())
            arrays["source_group"] = pc.take(groups, pa.array(source.codes[keep]))
    return pa.table(arrays)


def _themes_to_arrow(themes: dict[str, CodedColumn], keep: np.ndarray, first_excel_row: int) -> pa.Table:
    source_rows, names, slugs, judgements = [], [], [], []
    for header, column in themes.items():
        name = clean_cell_text(header)
        kept = column.values(keep)
        judged = pd.notna(kept)
        source_rows.extend((keep[judged] + first_excel_row).tolist())
        judgements.extend(kept[judged].tolist())
        names.extend([name] * int(judged.sum()))
        slugs.extend([slugify(name)] * int(judged.sum()))
    return pa.table({
        "source_row": pa.array(source_rows, pa.int32()), "theme": pa.array(names, pa.string()),
        "theme_slug": pa.array(slugs, pa.string()), "judgement": pa.array(judgements, pa.string()),
    })
