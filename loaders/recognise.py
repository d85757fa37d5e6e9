"""Recognise a sheet's dataset by its headers: which row holds them, and which column is which."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from loaders.convert import as_text
from loaders.datasets import DATASETS, Column, Dataset, is_free_text_header, is_personal_header
from loaders.read import RawSheet
from loaders.text import is_blank, normalise_key

HEADER_SEARCH_ROWS = 20


@dataclass
class Recognition:
    dataset: Dataset
    header_index: int
    columns: list[tuple[int, Column, str]]
    missing: list[Column]
    dropped: list[str]
    not_used: list[str]
    themes: list[tuple[int, str]]
    # (position, column, message for the person naming the headers as written, value-free kind)
    warnings: list[tuple[int, Column, str, str]] = field(default_factory=list)

    @property
    def header_row(self) -> int:
        return self.header_index + 1



def header_text(value: object) -> str:
    return "" if is_blank(value) else as_text(value)


_LOOKUPS: dict[str, tuple[Dataset, dict[str, Column]]] = {}


def _lookup(dataset: Dataset) -> dict[str, Column]:
    """Every accepted header (as a match key) of the dataset's columns; made once per declaration."""
    cached = _LOOKUPS.get(dataset.name)
    if cached is None or cached[0] is not dataset:  # a declaration replaced (a test declaring a new column)
        cached = _LOOKUPS[dataset.name] = (dataset, {key: c for c in dataset.columns for key in c.match_keys})
    return cached[1]


def recognise(sheet: RawSheet) -> Recognition | None:
    """Find the header row (within the first 20 rows) and the dataset it belongs to.

    A row belongs to a dataset when it holds all the dataset's signature columns and at least two of its
    columns. Failing that, a near miss — some signature column and at least half the required columns —
    is taken as that dataset, so the person hears which required column is missing rather than nothing."""
    near_miss: tuple[int, Sequence[object], Dataset] | None = None
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        keys = [normalise_key(header_text(cell)) for cell in row]
        best: tuple[int, Dataset] | None = None
        for dataset in DATASETS.values():
            lookup = _lookup(dataset)
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
    lookup = _lookup(dataset)
    columns: list[tuple[int, Column, str]] = []
    seen: dict[str, str] = {}
    dropped, not_used, themes, warnings = [], [], [], []
    for position, cell in enumerate(row):
        header = header_text(cell)
        if not header:
            continue
        column = lookup.get(normalise_key(header))
        if column and column.key not in seen:
            columns.append((position, column, header))
            seen[column.key] = header
        elif column:
            warnings.append((position, column,
                             f"column '{header}' repeats '{seen[column.key]}' ({column.header}); the first is used",
                             f"a second column for '{column.header}': the first is used"))
            not_used.append(header)
        elif is_personal_header(header) or dataset.themes and is_free_text_header(header):
            dropped.append(header)
        elif dataset.themes:
            themes.append((position, header))
        else:
            not_used.append(header)
    missing = [c for c in dataset.required if c.key not in seen]
    return Recognition(dataset, header_index, columns, missing, dropped, not_used, themes, warnings)

