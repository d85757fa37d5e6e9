"""Recognise a sheet's dataset by its headers, then clean and validate every cell.

Work is done per distinct value of a column, not per cell, so large sheets stay fast:
a column of 200,000 contact dates holds a few hundred distinct dates.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders import codes
from loaders.coded import CodedColumn, code_column, code_identifier_column, first_of_groups, group_rows
from loaders.convert import EARLIEST, Invalid, as_text, converter_for
from loaders.datasets import SQL_TYPES, Column, Dataset
from loaders.read import RawSheet
from loaders.recognise import Recognition, header_text, recognise  # noqa: F401 (callers take recognise from here)
from loaders.report import Issue, SheetSummary, Unrecognised, column_letter
from loaders.roles import THEMES, column_role
from loaders.text import clean_cell_text, is_blank, normalise_key, slugify
from loaders.value_aliases import NO_ALIASES, AliasTable

MAX_ISSUES_PER_SHEET = 1000
MAX_ROWS_LISTED = 20  # rows named in one warning that lists rows
CODE_KINDS = ("code", "source", "agency")  # columns whose unrecognised values can be mapped to a code
THEME_KEY = "judgement"  # the column key of every audit theme, for value mappings
NO_DATA_ROWS = "no data rows: the sheet has headers but no data below them"
# A totals row's label: "Total", "Grand total", "Sub-total", "Count", "Sum" (then anything).
_TALLY_WORD = re.compile(r"^(?:grand total|sub ?totals?|totals?|count|sum)\b")
_TALLY_NUMBER = re.compile(r"^-?[\d,]+(?:\.\d+)?%?$")

_ARROW_TYPES = {
    "VARCHAR": pa.string(), "BLOB": pa.binary(), "DATE": pa.date32(), "SMALLINT": pa.int16(), "INTEGER": pa.int32(),
    "TINYINT": pa.int8(), "DOUBLE": pa.float64(),
}


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
    # In memory only, for the person uploading (see LoadReport): unrecognised code-like values, and
    # alias id -> cells its mapping changed.
    unrecognised: list[Unrecognised] = field(default_factory=list)
    aliases_applied: dict[int, int] = field(default_factory=dict)


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

    def row(self, index: int) -> np.ndarray:
        return self._cells[index]

    def column(self, position: int) -> np.ndarray:
        if position < self.width:
            return self._cells[:, position]
        return np.full(self.count, None, dtype=object)


@dataclass(frozen=True)
class _Place:
    """Makes one sheet's issues: named for the person, numbered for the store (see ``Issue``)."""

    name: str
    number: int

    def issue(self, row: int | None, message: str, kind: str, *, written: str | None = None,
              value: str | None = None, declared: str | None = None, position: int | None = None) -> Issue:
        """``kind`` must hold no value, no header as written and no sheet name: it is what gets stored."""
        return Issue(self.name, row, written, value, message, sheet_number=self.number, declared=declared,
                     letter=None if position is None else column_letter(position), kind=kind)

    def note(self, row: int | None, message: str) -> Issue:
        """An issue whose message holds no value, so the person and the store read the same words."""
        return self.issue(row, message, message)


class _CellErrors:
    """The invalid cells of one sheet: which rows they make invalid, and each error in both forms."""

    def __init__(self, count: int, headers: dict[str, str], noun: str = "errors") -> None:
        self.invalid = np.zeros(count, dtype=bool)
        self.headers = headers
        self.noun = noun
        self.unlisted = 0  # found but not recorded one by one (see ``flag_rows``)
        # (row, header as written, value, message for the person, value-free kind, column key)
        self.found: list[tuple[int, str, str, str, str, str]] = []

    def flag(self, row: int, key: str, value: object, message: str, kind: str | None = None) -> None:
        """``message`` is for the person; ``kind``, stored, defaults to it and so must then hold no value.
        (The converters' messages never quote the value: it travels in the issue's ``value``.)"""
        self.invalid[row] = True
        self.found.append((int(row), self.headers.get(key, key), as_text(value) if value is not None else "",
                           message, kind or message, key))

    def flag_rows(self, rows: np.ndarray, key: str, raw: np.ndarray, message: Callable[[int], str],
                  kind: str | None = None) -> None:
        """Flag ``rows`` for a warning: only as many as can be listed are recorded one by one, so a column
        wrong in every row of a large file costs no more than a page of warnings. Not for errors: an error
        must mark every row it makes invalid."""
        for i in rows[:MAX_ISSUES_PER_SHEET]:
            self.flag(i, key, raw[i], message(i), kind)
        self.unlisted += max(len(rows) - MAX_ISSUES_PER_SHEET, 0)

    def drop(self, rows: np.ndarray) -> None:
        """Forget the cells of ``rows`` (a mask): rows skipped as a whole are not checked cell by cell."""
        self.found = [found for found in self.found if not rows[found[0]]]
        self.invalid &= ~rows

    def issues(self, place: _Place, recognition: Recognition, first_excel_row: int) -> list[Issue]:
        # Where each column is, and its declared header (a theme's header is not a declaration: none).
        positions = {column.key: position for position, column, _ in recognition.columns}
        positions.update({header: position for position, header in recognition.themes})
        declared = {column.key: column.header for _, column, _ in recognition.columns}
        self.found.sort(key=lambda error: error[:4])
        issues = [place.issue(first_excel_row + row, message, kind, written=header, value=value,
                              declared=declared.get(key), position=positions.get(key))
                  for row, header, value, message, kind, key in self.found[:MAX_ISSUES_PER_SHEET]]
        more = len(self.found) - len(issues) + self.unlisted
        if more:
            issues.append(place.note(None, f"... and {more} more {self.noun} on this sheet"))
        return issues


def _missing_columns(sheet: RawSheet, recognition: Recognition, place: _Place) -> list[Issue]:
    headers = [h for h in (header_text(c) for c in sheet.rows[recognition.header_index]) if h]
    issues = []
    for column in recognition.missing:
        accepted = ", ".join(f"'{a}'" for a in (column.header, *column.aliases))
        # The headers found are for the person only: the row taken as headers may really be data.
        kind = f"required column '{column.header}' is missing (accepted headers: {accepted})"
        issues.append(place.issue(recognition.header_row, f"{kind}; headers found: {', '.join(headers)}", kind,
                                  written=column.header, declared=column.header))
    return issues


def _alias_for(aliases: AliasTable, dataset: str, key: str):
    """The parser's view of an agency's value mappings for one column: raw text -> (alias id, code)."""
    if key not in aliases.columns(dataset):
        return None

    def alias(text: str) -> tuple[int, str] | None:
        found = aliases.lookup(dataset, key, text)
        return None if found is None else (found.alias_id, found.code)
    return alias


def _code_columns(cells: _Cells, recognition: Recognition, pseudonymise: Callable[[str], bytes],
                  today: dt.date | None, aliases: AliasTable = NO_ALIASES,
                  ) -> tuple[dict[str, CodedColumn], dict[str, str], dict[str, CodedColumn]]:
    """Each mapped column and each theme column as codes into its checked distinct values; the headers as written.

    A code-like cell the agency has mapped (``aliases``) is converted as the code it maps to."""
    parsed: dict[str, CodedColumn] = {}
    name = recognition.dataset.name
    # A Pseudonymiser hashes a whole column's identifiers in one loop; any other function is called per value.
    hash_many = getattr(pseudonymise, "many", None) or (lambda texts: list(map(pseudonymise, texts)))
    headers: dict[str, str] = {}
    for position, column, header in recognition.columns:
        if column.kind == "id":
            parsed[column.key] = code_identifier_column(cells.column(position), hash_many)
        else:
            alias = _alias_for(aliases, name, column.key) if column.kind in CODE_KINDS else None
            parsed[column.key] = code_column(cells.column(position), converter_for(column, today), alias)
        headers[column.key] = header
    judgement = converter_for(Column(THEME_KEY, "Judgement", "code", codes=codes.JUDGEMENT))
    alias = _alias_for(aliases, name, THEME_KEY)
    themes = {header: code_column(cells.column(position), judgement, alias) for position, header in recognition.themes}
    return parsed, headers, themes


def _check_cells(dataset: Dataset, parsed: dict[str, CodedColumn], themes: dict[str, CodedColumn],
                 occupied: np.ndarray, flag: Callable[..., None]) -> None:
    """Errors: invalid cells in key and measure columns, blank required cells (unless the column says what
    a blank means, ``Column.blank_means``: those rows get one warning later) and rows breaking a rule
    across columns (``Dataset.rules``)."""
    for key, column in (*parsed.items(), *themes.items()):
        spec = dataset.column(key) if key in parsed else None
        if column_role(dataset, spec.key if spec else THEMES) != "descriptive":
            expected = spec.expected() if spec else codes.JUDGEMENT.expected()
            for i in np.flatnonzero(column.bad & occupied):
                flag(i, key, column.raw[i], f"{column.messages_of[column.codes[i]]}; expected {expected}")
        if spec and spec.required and not spec.blank_means:
            for i in np.flatnonzero(column.blank & occupied):
                flag(i, key, "", f"is blank; '{spec.header}' is required")
    _check_rules(dataset, parsed, occupied, flag)


def _check_descriptive(dataset: Dataset, parsed: dict[str, CodedColumn], occupied: np.ndarray,
                       cautions: _CellErrors) -> None:
    """Warnings: invalid cells in descriptive columns, which no measure reads. The cell is loaded blank (its
    converted value is already None) and the row loads."""
    for key, column in parsed.items():
        spec = dataset.column(key)
        if column_role(dataset, key) == "descriptive":
            cautions.flag_rows(np.flatnonzero(column.bad & occupied), key, column.raw, lambda i, c=column, s=spec: (
                f"{c.messages_of[c.codes[i]]}; expected {s.expected()}. Loaded blank: no measure uses this column"))


def _example_rows(recognition: Recognition, parsed: dict[str, CodedColumn], themes: dict[str, CodedColumn],
                  occupied: np.ndarray, pseudonymise: Callable[[str], bytes], today: dt.date | None) -> np.ndarray:
    """Rows identical to the template's example row (``Column.example`` in every column the template
    fills, blank elsewhere): left in by mistake, they are not data. Compared as converted values, so a
    date typed or formatted differently is still the same date."""
    match = occupied.copy()
    compared = 0
    for column in themes.values():
        match &= column.blank
    # Identifiers last: they have the most distinct values, and by then ``match`` is usually all False.
    for _, column, _ in sorted(recognition.columns, key=lambda mapped: mapped[1].kind == "id"):
        if not match.any():
            return match
        coded = parsed[column.key]
        if column.example is None:
            match &= coded.blank
            continue
        try:
            if column.kind == "id":
                expected = pseudonymise(as_text(column.example))
            else:
                expected = converter_for(column, today)(column.example)
        except Invalid:  # an example in the future of ``today``: not compared
            continue
        same = np.fromiter((value == expected for value in coded.converted), dtype=bool, count=len(coded.converted))
        match &= same[coded.codes]
        compared += 1
    return match if compared >= 2 else np.zeros_like(match)


def _is_tally(value: object) -> bool:
    """A totals row's cell: a number, a count shown in a date format (before 1990), or a word like Total."""
    if is_blank(value):
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    if isinstance(value, dt.date):
        return (value.date() if isinstance(value, dt.datetime) else value) < EARLIEST
    text = clean_cell_text(str(value))
    return bool(_TALLY_NUMBER.match(text) or _TALLY_WORD.match(normalise_key(text)))


def _is_note(values: np.ndarray) -> bool:
    """A note under the data ("Last updated by the business unit", "Source: MASH system"): a single cell of
    words, nothing else on the row. An identifier has no spaces, so a child's row cut short is not a note."""
    filled = [value for value in values if not is_blank(value)]
    return len(filled) == 1 and isinstance(filled[0], str) and " " in clean_cell_text(filled[0])


def _footer_rows(dataset: Dataset, cells: _Cells, recognition: Recognition, parsed: dict[str, CodedColumn],
                 occupied: np.ndarray, invalid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The totals rows and the notes at the end of the data: the last rows, each invalid, either holding only
    numbers and words like Total, with nothing valid in a key column ("Total" in the Child ID column is a label,
    not a child), or a single cell of words (``_is_note``). Returns (totals, notes)."""
    footer, notes = np.zeros(cells.count, dtype=bool), np.zeros(cells.count, dtype=bool)
    keys = [parsed[column.key] for _, column, _ in recognition.columns if column_role(dataset, column.key) == "key"]
    for row in np.flatnonzero(occupied)[::-1]:
        tally = invalid[row] and all(_is_tally(value) for value in cells.row(row))
        tally = tally and all(coded.blank[row] or coded.bad[row] or _TALLY_WORD.match(normalise_key(coded.raw[row]))
                              for coded in keys)
        if tally:
            footer[row] = True
        elif invalid[row] and _is_note(cells.row(row)):
            notes[row] = True
        else:
            break
    return footer, notes


def _skipped(place: _Place, rows: np.ndarray, first_excel_row: int, what: str) -> Issue:
    """One warning naming skipped rows (Excel row numbers hold nothing from a cell, so both forms agree)."""
    numbers = [str(first_excel_row + int(r)) for r in rows[:MAX_ROWS_LISTED]]
    more = f" and {len(rows) - MAX_ROWS_LISTED} more" if len(rows) > MAX_ROWS_LISTED else ""
    label = "row" if len(rows) == 1 else "rows"
    return place.note(int(first_excel_row + rows[0]) if len(rows) == 1 else None,
                      f"{label} {', '.join(numbers)}{more}: {what}")


def _blank_means(dataset: Dataset, parsed: dict[str, CodedColumn], keep: np.ndarray, place: _Place,
                 first_excel_row: int) -> list[Issue]:
    """One warning per required column whose blank cells mean something (a blank grade: ungraded)."""
    issues = []
    for key, column in parsed.items():
        spec = dataset.column(key)
        if spec.blank_means:
            blank = keep[column.blank[keep]]
            if len(blank):
                issues.append(_skipped(place, blank, first_excel_row,
                                       f"'{spec.header}' is blank: loaded as {spec.blank_means}"))
    return issues


def _unrecognised(dataset: Dataset, parsed: dict[str, CodedColumn], themes: dict[str, CodedColumn],
                  headers: dict[str, str], occupied: np.ndarray, first_excel_row: int, sheet: str,
                  ) -> list[Unrecognised]:
    """Each distinct unrecognised value of each code-like column, with its count and first rows."""
    rows = np.flatnonzero(occupied)
    columns = [(key, headers[key], column) for key, column in parsed.items()
               if dataset.column(key).kind in CODE_KINDS]
    columns += [(THEME_KEY, header, column) for header, column in themes.items()]
    found = []
    for key, header, column in columns:
        for _, count, first in column.invalid_values(rows, MAX_ROWS_LISTED):
            found.append(Unrecognised(dataset.name, key, header, as_text(column.raw[first[0]]), count,
                                      tuple((first + first_excel_row).tolist()), sheet))
    return found


def _aliases_applied(columns: list[CodedColumn], rows: np.ndarray) -> dict[int, int]:
    applied: dict[int, int] = {}
    for column in columns:
        for alias_id, cells in column.alias_counts(rows).items():
            applied[alias_id] = applied.get(alias_id, 0) + cells
    return applied


def _summary(sheet: RawSheet, recognition: Recognition, number: int) -> SheetSummary:
    return SheetSummary(
        sheet=sheet.name,
        dataset=recognition.dataset.name,
        header_row=recognition.header_row,
        columns_mapped={header: column.header for _, column, header in recognition.columns},
        columns_not_used=recognition.not_used,
        columns_dropped=recognition.dropped,
        themes=[header for _, header in recognition.themes],
        number=number,
    )


@dataclass
class _Sheet:
    """One sheet's data rows as coded columns, and where they sit: what every step of ``parse_sheet`` reads."""

    recognition: Recognition
    place: _Place
    first_excel_row: int
    cells: _Cells
    parsed: dict[str, CodedColumn]  # declared column key -> column
    headers: dict[str, str]  # declared column key -> header as written
    themes: dict[str, CodedColumn]  # theme header as written -> column

    @property
    def dataset(self) -> Dataset:
        return self.recognition.dataset

    def all_columns(self) -> list[CodedColumn]:
        return [*self.parsed.values(), *self.themes.values()]


def parse_sheet(
    sheet: RawSheet,
    recognition: Recognition,
    pseudonymise: Callable[[str], bytes],
    today: dt.date | None = None,
    number: int = 1,
    aliases: AliasTable = NO_ALIASES,
) -> ParsedSheet:
    """Validate every mapped cell and return the rows ready to store, with every problem located.

    ``number`` is the sheet's position in the workbook: the stored form of each issue names the sheet
    by it, never by its name. ``aliases`` are the submitting agency's value mappings."""
    place = _Place(sheet.name, number)
    result = ParsedSheet(_summary(sheet, recognition, number), recognition.dataset)
    result.warnings = [place.issue(recognition.header_row, message, kind, declared=column.header, position=position)
                       for position, column, message, kind in recognition.warnings]
    if recognition.missing:
        return _fatal(result, _missing_columns(sheet, recognition, place))
    cells = _Cells(sheet.rows, recognition.header_index + 1)
    rows = _Sheet(recognition, place, recognition.header_row + 1, cells,
                  *_code_columns(cells, recognition, pseudonymise, today, aliases))
    occupied = np.zeros(cells.count, dtype=bool)
    for column in rows.all_columns():
        occupied |= ~column.blank
    if not occupied.any():
        return _fatal(result, [place.note(None, NO_DATA_ROWS)])
    occupied = _skip_example_row(rows, occupied, result, pseudonymise, today)
    errors = _CellErrors(cells.count, rows.headers)
    _check_cells(rows.dataset, rows.parsed, rows.themes, occupied, errors.flag)
    occupied = _skip_totals_rows(rows, occupied, errors, result)
    result.summary.rows_read = int(occupied.sum())
    if not result.summary.rows_read:
        return _fatal(result, [place.note(None, NO_DATA_ROWS)])
    cautions = _CellErrors(cells.count, rows.headers, "warnings")
    _check_descriptive(rows.dataset, rows.parsed, occupied, cautions)
    result.unrecognised = _unrecognised(rows.dataset, rows.parsed, rows.themes, rows.headers, occupied,
                                        rows.first_excel_row, sheet.name)
    result.aliases_applied = _aliases_applied(rows.all_columns(), np.flatnonzero(occupied))
    keep = _keep_valid_rows(rows, occupied, errors, result)
    _to_tables(rows, keep, cautions, result)
    return result


def _fatal(result: ParsedSheet, errors: list[Issue]) -> ParsedSheet:
    """The sheet cannot be read at all: nothing from it is loaded."""
    result.errors.extend(errors)
    result.fatal = True
    return result


def _skip_example_row(rows: _Sheet, occupied: np.ndarray, result: ParsedSheet,
                      pseudonymise: Callable[[str], bytes], today: dt.date | None) -> np.ndarray:
    example = _example_rows(rows.recognition, rows.parsed, rows.themes, occupied, pseudonymise, today)
    if not example.any():
        return occupied
    result.warnings.append(_skipped(rows.place, np.flatnonzero(example), rows.first_excel_row,
                                    "the template's example row, left in: skipped, not loaded"))
    return occupied & ~example


def _skip_totals_rows(rows: _Sheet, occupied: np.ndarray, errors: _CellErrors, result: ParsedSheet) -> np.ndarray:
    """Totals rows and notes under the data are skipped, each kind with one warning naming its rows."""
    footer, notes = _footer_rows(rows.dataset, rows.cells, rows.recognition, rows.parsed, occupied, errors.invalid)
    for skipped, what in ((footer, "a totals row at the end of the data: skipped, not loaded"),
                          (notes, "a note under the data: skipped, not loaded")):
        if skipped.any():
            errors.drop(skipped)
            result.warnings.append(_skipped(rows.place, np.flatnonzero(skipped), rows.first_excel_row, what))
            occupied = occupied & ~skipped
    return occupied


def _keep_valid_rows(rows: _Sheet, occupied: np.ndarray, errors: _CellErrors, result: ParsedSheet) -> np.ndarray:
    """The rows to store: valid, and the first of any that repeat a natural key (the repeats are warnings)."""
    dataset, first_excel_row = rows.dataset, rows.first_excel_row
    valid_rows = np.flatnonzero(occupied & ~errors.invalid)
    result.invalid_rows = result.summary.rows_read - len(valid_rows)
    keep, duplicates = _dedupe(dataset, rows.parsed, valid_rows)
    for row, first in duplicates[:MAX_ISSUES_PER_SHEET]:
        result.warnings.append(rows.place.note(
            first_excel_row + row, f"repeats row {first_excel_row + first} (same {_key_words(dataset)}): loaded once"))
    if len(duplicates) > MAX_ISSUES_PER_SHEET:
        result.warnings.append(rows.place.note(
            None, f"... and {len(duplicates) - MAX_ISSUES_PER_SHEET} more repeated rows"))
    result.errors = errors.issues(rows.place, rows.recognition, first_excel_row)
    result.warnings.extend(_blank_means(dataset, rows.parsed, keep, rows.place, first_excel_row))
    result.summary.rows_valid = len(keep)
    return keep


def _to_tables(rows: _Sheet, keep: np.ndarray, cautions: _CellErrors, result: ParsedSheet) -> None:
    """The kept rows as Arrow tables (the dataset's, and the audit themes'), and the dates they cover."""
    dataset, parsed = rows.dataset, rows.parsed
    ages = _ages(dataset, parsed, keep, cautions) if any(c.key == "age" for c in dataset.columns) else None
    result.warnings.extend(cautions.issues(rows.place, rows.recognition, rows.first_excel_row))
    result.table = _to_arrow(dataset, parsed, keep, rows.first_excel_row, ages)
    if dataset.event_date and len(keep):
        days = parsed[dataset.event_date].days(keep)
        result.summary.date_from, result.summary.date_to = days.min().item(), days.max().item()
    if rows.themes:
        result.themes = _themes_to_arrow(rows.themes, keep, rows.first_excel_row)


def _ages(dataset: Dataset, parsed: dict[str, CodedColumn], keep: np.ndarray, cautions: _CellErrors) -> pa.Array:
    """The age column as stored: worked out from the date of birth at the event where both are known, else
    the age given. Where both exist and are more than a year apart, a warning (the worked-out age is kept:
    an Age column is often a formula, and a decimal of it is floored)."""
    age = np.zeros(len(keep), dtype=np.int16)
    given = np.zeros(len(keep), dtype=np.int16)
    given_known = np.zeros(len(keep), dtype=bool)
    if "age" in parsed:
        given_known = parsed["age"].present[keep]
        given[given_known] = parsed["age"].values(keep)[given_known].astype(np.int16)
    derived = np.zeros(len(keep), dtype=bool)
    event = dataset.event_date
    if "date_of_birth" in parsed and event in parsed:
        born, on = parsed["date_of_birth"].days(keep), parsed[event].days(keep)
        derived = ~np.isnat(born) & ~np.isnat(on) & (born <= on)
        if derived.any():
            rows = keep[derived]
            (born_year, born_day), (on_year, on_day) = _calendar(parsed["date_of_birth"], rows), _calendar(parsed[event], rows)
            age[derived] = on_year - born_year - (on_day < born_day)
    apart = np.flatnonzero(given_known & derived & (np.abs(given.astype(np.int32) - age) > 1))
    if len(apart):
        worked_out = np.zeros(len(parsed["age"].raw), dtype=np.int16)
        worked_out[keep[apart]] = age[apart]
        cautions.flag_rows(keep[apart], "age", parsed["age"].raw, lambda row: (
            f"differs by more than a year from the age worked out from the date of birth ({worked_out[row]}); "
            "the worked-out age is loaded"),
            "differs by more than a year from the age worked out from the date of birth; the worked-out age is loaded")
    use_given = given_known & ~derived
    age[use_given] = given[use_given]
    return pa.array(age, pa.int16(), mask=~(derived | given_known))


def _calendar(column: CodedColumn, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each of ``rows`` of a date column, the calendar year and the month and day as one comparable
    number (month * 32 + day), 0 where there is no date: worked out once per distinct date, not per row."""
    dates = [value if isinstance(value, dt.date) else None for value in column.converted]
    year = np.array([0 if value is None else value.year for value in dates], dtype=np.int64)
    day = np.array([0 if value is None else value.month * 32 + value.day for value in dates], dtype=np.int64)
    codes = column.codes[rows]
    return year[codes], day[codes]


def _check_rules(dataset: Dataset, parsed: dict[str, CodedColumn], rows: np.ndarray, flag) -> None:
    """The dataset's rules across columns (``Dataset.rules``). A blank or invalid date is NaT, which compares
    False: such a row is named by its cell's own error, if any."""
    for rule in dataset.rules:
        if rule.column not in parsed or rule.other not in parsed:
            continue
        other, day = parsed[rule.other].days(), parsed[rule.column].days()
        for i in np.flatnonzero(rows & (day < other)):  # NaT compares False
            flag(i, rule.column, parsed[rule.column].raw[i], f"{rule.words} ({other[i].item():%d/%m/%Y})", rule.words)


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


def _to_arrow(dataset: Dataset, parsed: dict[str, CodedColumn], keep: np.ndarray, first_excel_row: int,
              ages: pa.Array | None) -> pa.Table:
    arrays: dict[str, pa.Array] = {"source_row": pa.array(keep + first_excel_row, pa.int32())}
    for column in dataset.stored_columns:
        arrow_type = _ARROW_TYPES[SQL_TYPES[column.kind]]
        if column.key == "age" and ages is not None:
            arrays["age"] = ages
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
