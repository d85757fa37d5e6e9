"""Recognise a sheet's dataset by its headers, then clean and validate every cell.

Work is done per distinct value of a column, not per cell, so large sheets stay fast:
a column of 200,000 contact dates holds a few hundred distinct dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter

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
    """Raw cells of one sheet's data rows, by column position."""

    def __init__(self, rows: list[list], start: int) -> None:
        self.rows = rows[start:]
        self.width = max((len(r) for r in self.rows), default=0)
        self._uniform = all(len(r) == self.width for r in self.rows)
        self._columns: dict[int, tuple] = {}

    def column(self, position: int) -> tuple:
        if position not in self._columns:
            if self._uniform and position < self.width:
                # Calamine pads every row to the sheet's width: let C do the column extraction.
                self._columns[position] = tuple(map(itemgetter(position), self.rows))
            else:
                self._columns[position] = tuple(r[position] if position < len(r) else None for r in self.rows)
        return self._columns[position]


@dataclass
class _ParsedColumn:
    values: list
    blank: set
    bad: dict[object, str]
    raw: tuple


def _parse_column(raw: tuple, convert: Callable[[object], object]) -> _ParsedColumn:
    mapping: dict[object, object] = {}
    blank: set = set()
    bad: dict[object, str] = {}
    for value in set(raw):
        if is_blank(value):
            mapping[value] = None
            blank.add(value)
            continue
        try:
            mapping[value] = convert(value)
        except Invalid as exc:
            mapping[value] = None
            bad[value] = str(exc)
    return _ParsedColumn(list(map(mapping.__getitem__, raw)), blank, bad, raw)


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

    n = len(cells.rows)
    occupied = [False] * n
    for column in (*parsed.values(), *theme_columns.values()):
        if len(column.blank) == 0:
            occupied = [True] * n
            break
        blank = column.blank
        occupied = [o or (v not in blank) for o, v in zip(occupied, column.raw)]
    data_rows = [i for i in range(n) if occupied[i]]
    summary.rows_read = len(data_rows)
    if not data_rows:
        result.errors.append(Issue(sheet.name, None, None, None,
                                   "no data rows: the sheet has headers but no data below them"))
        result.fatal = True
        return result

    invalid: set[int] = set()
    errors: list[tuple[int, str, str, str]] = []

    def flag(row: int, key: str, value: object, message: str) -> None:
        invalid.add(row)
        errors.append((row, headers.get(key, key), as_text(value) if value is not None else "", message))

    for key, column in (*parsed.items(), *((h, c) for h, c in theme_columns.items())):
        spec = dataset.column(key) if key in parsed else None
        expected = spec.expected() if spec else codes.JUDGEMENT.expected()
        if column.bad:
            for i in data_rows:
                value = column.raw[i]
                if value in column.bad:
                    flag(i, key, value, f"{column.bad[value]}; expected {expected}")
        if spec and spec.required and column.blank:
            for i in data_rows:
                if column.raw[i] in column.blank:
                    flag(i, key, "", f"is blank; '{spec.header}' is required")

    values = {c.key: parsed[c.key].values if c.key in parsed else [None] * n for c in dataset.columns}
    _derive_age(dataset, values, data_rows)
    _check_decision_after_contact(dataset, values, parsed, data_rows, flag)

    valid_rows = [i for i in data_rows if i not in invalid]
    result.invalid_rows = len(data_rows) - len(valid_rows)
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
    if dataset.event_date and keep:
        event = values[dataset.event_date]
        dates = [event[i] for i in keep]
        summary.date_from, summary.date_to = min(dates), max(dates)
    if theme_columns:
        result.themes = _themes_to_arrow(theme_columns, keep, first_excel_row)
    return result


def _derive_age(dataset: Dataset, values: dict[str, list], rows: list[int]) -> None:
    """Age at the event from the date of birth, where the age itself is blank."""
    if "date_of_birth" not in values or not dataset.event_date:
        return
    dob, age, event = values["date_of_birth"], values["age"], values[dataset.event_date]
    if all(d is None for d in dob):
        return
    age = list(age)
    for i in rows:
        born, on = dob[i], event[i]
        if age[i] is None and born is not None and on is not None and born <= on:
            age[i] = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    values["age"] = age


def _check_decision_after_contact(dataset, values, parsed, rows, flag) -> None:
    if dataset.name != "contacts" or "decision_date" not in parsed:
        return
    contact, decision = values["contact_date"], values["decision_date"]
    for i in rows:
        if decision[i] is not None and contact[i] is not None and decision[i] < contact[i]:
            flag(i, "decision_date", parsed["decision_date"].raw[i],
                 f"the decision date is before the contact date ({contact[i]:%d/%m/%Y})")


def _key_words(dataset: Dataset) -> str:
    return " / ".join(", ".join(dataset.column(k).header for k in alt) for alt in dataset.natural_keys)


def _dedupe(dataset: Dataset, values: dict[str, list], rows: list[int]) -> tuple[list[int], list[tuple[int, int]]]:
    """Keep the first of rows sharing a natural key; return kept rows and (repeat, first) pairs.

    The first natural key whose parts are all present identifies a row; a row with none complete
    is identified by all its stored values."""
    alternatives = [list(zip(*(values[k] for k in alt))) for alt in dataset.natural_keys
                    if any(v is not None for v in values[alt[0]])]
    whole: list[tuple] | None = None

    def key_of(i: int) -> tuple:
        nonlocal whole
        for index, keys in enumerate(alternatives):
            if None not in keys[i]:
                return index, keys[i]
        if whole is None:
            whole = list(zip(*(values[c.key] for c in dataset.stored_columns)))
        return -1, whole[i]

    if len(alternatives) == 1 and all(None not in alternatives[0][i] for i in rows):
        keys = [(0, alternatives[0][i]) for i in rows]
    else:
        keys = [key_of(i) for i in rows]
    # Built from the end, so each key keeps its earliest row.
    first_of = dict(zip(reversed(keys), reversed(rows)))
    if len(first_of) == len(rows):
        return list(rows), []
    duplicates = [(i, first_of[k]) for i, k in zip(rows, keys) if first_of[k] != i]
    repeated = {i for i, _ in duplicates}
    return [i for i in rows if i not in repeated], duplicates


def _to_arrow(dataset: Dataset, values: dict[str, list], keep: list[int], first_excel_row: int) -> pa.Table:
    """The kept rows as an Arrow table (built whole, then filtered in C with ``take``)."""
    length = len(values[dataset.stored_columns[0].key])
    arrays: dict[str, pa.Array] = {
        "source_row": pa.array(range(first_excel_row, first_excel_row + length), pa.int32())}
    for column in dataset.stored_columns:
        arrays[column.key] = pa.array(values[column.key], _ARROW_TYPES[SQL_TYPES[column.kind]])
        if column.kind == "source":
            groups = codes.SOURCE_GROUPS
            arrays["source_group"] = pa.array([groups.get(v) for v in values[column.key]], pa.string())
    table = pa.table(arrays)
    return table if len(keep) == length else table.take(pa.array(keep, pa.int64()))


def _themes_to_arrow(themes: dict[str, _ParsedColumn], keep: list[int], first_excel_row: int) -> pa.Table:
    source_rows, names, slugs, judgements = [], [], [], []
    for header, column in themes.items():
        name = clean_cell_text(header)
        slug = slugify(name)
        for i in keep:
            if column.values[i] is not None:
                source_rows.append(first_excel_row + i)
                names.append(name)
                slugs.append(slug)
                judgements.append(column.values[i])
    return pa.table({
        "source_row": pa.array(source_rows, pa.int32()), "theme": pa.array(names, pa.string()),
        "theme_slug": pa.array(slugs, pa.string()), "judgement": pa.array(judgements, pa.string()),
    })
