"""Helpers shared by the loader tests: loading, table snapshots, in-memory parsing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from loaders.datasets import DATASETS, Column
from loaders.parse import ParsedSheet, parse_sheet, recognise
from loaders.read import RawSheet
from loaders.report import LoadReport
from loaders.store import Store
from loaders.submit import load_file

TODAY = dt.date(2026, 3, 31)
KIND_SAMPLES = {
    "id": "SYN-ID-1", "date": dt.date(2025, 6, 1), "dob": dt.date(2015, 6, 1), "age": 9, "int": 2, "score": 3,
    "number": 42.5, "text": "Sample text", "agency": "Police", "period": "2025-26 Q1",
}


def fake_hash(identifier: str) -> bytes:
    return b"h:" + identifier.encode()


def sample_value(dataset: str, column: Column) -> object:
    from tests.spreadsheets import VALID_ROW

    if column.key in VALID_ROW[dataset]:
        return VALID_ROW[dataset][column.key]
    if column.example is not None:
        return column.example
    if column.codes:
        return column.codes.canonical[0]
    return KIND_SAMPLES[column.kind]


def parse_rows(rows: list[list], name: str = "Sheet1", today: dt.date = TODAY) -> ParsedSheet:
    """Recognise and parse rows in memory, as read from a sheet (no file, no database)."""
    sheet = RawSheet(name, rows)
    recognition = recognise(sheet)
    assert recognition is not None, f"sheet not recognised: {rows[:3]}"
    return parse_sheet(sheet, recognition, fake_hash, today)


def column_values(parsed: ParsedSheet, key: str) -> list:
    assert parsed.table is not None
    return parsed.table.column(key).to_pylist()


def load(store: Store, path: Path, **kwargs) -> LoadReport:
    kwargs.setdefault("uploaded_by", "test")
    return load_file(store, path, **kwargs)


def user_tables(store: Store) -> list[str]:
    return [r[0] for r in store.rows(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name")]


def snapshot(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, to compare the whole database before and after."""
    return {t: sorted(store.rows(f"SELECT * FROM {t}"), key=repr) for t in user_tables(store)}


def count(store: Store, table: str, where: str = "TRUE") -> int:
    return int(store.scalar(f"SELECT count(*) FROM {table} WHERE {where}"))


ALL_DATASETS = list(DATASETS)
