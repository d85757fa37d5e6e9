"""The demo-data generator: reproducible, synthetic, and written in the formats the loaders accept."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import tomllib
from functools import lru_cache
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from demo import design, files, generator
from demo.__main__ import main as demo_main
from demo.records import DemoData
from loaders import codes
from loaders.datasets import DATASETS, is_personal_header
from loaders.periods import Quarter
from loaders.text import clean_cell_text, is_blank, normalise_key

ROOT = Path(__file__).resolve().parents[2]
FIRST, LAST = dt.date(2024, 4, 1), dt.date(2026, 3, 31)
UK_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")

# Which dataset each sheet carries: (file name part, sheet name) -> dataset
LOADED = {("annex_a", "List 1"): "contacts", ("annex_a", "List 3"): "referrals", ("annex_a", "List 7"): "cp_plans",
          ("annex_a", "List 4"): "assessments", ("annex_a", "List 5"): "s47_enquiries",
          ("training", None): "training", ("audits", None): "audits", ("action_plan", None): "actions"}
# Annex A columns no dataset reads (the loader ignores them; Allocated Worker is dropped as personal).
ANNEX_A_EXTRA = {"allocated team", "does the child have a disability", "date of the last statutory visit",
                 "was the child seen alone", "date of latest review conference",
                 normalise_key("Number of Section 47 Enquiries in the last 12 months"),
                 normalise_key("Number of ICPCs in the last 12 months"),
                 normalise_key("Subject to Emergency Protection Order or Protected Under Police Powers in Last Six "
                               "Months (Y/N)")}


@lru_cache(maxsize=32)
def _read(path: Path) -> dict[str, list[list[object]]]:
    """Every sheet's rows, read the way the loader reads them (calamine; CSV as UTF-8 with BOM). Do not mutate."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            return {path.stem: [list(row) for row in csv.reader(f)]}
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def _header_row(rows: list[list[object]]) -> int:
    for i, row in enumerate(rows[:20]):
        if sum(isinstance(v, str) and v.strip() != "" for v in row) >= 3:
            return i
    raise AssertionError("no header row in the first 20 rows")


def _dataset_for(path: Path, sheet: str) -> str | None:
    stem = re.sub(r"^\d+_", "", path.stem)
    for (part, name), dataset in LOADED.items():
        if stem.startswith(part) and (name is None or name == sheet):
            return dataset
    return None


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        match = UK_DATE.match(value.strip())
        if match:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
    return None


def _agency_names() -> set[str]:
    with (ROOT / "data" / "agencies.toml").open("rb") as f:
        agencies = tomllib.load(f)["agencies"]
    return {normalise_key(n) for name, spec in agencies.items() for n in (name, *spec.get("aliases", []))}


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return files.write_demo_files(tmp_path_factory.mktemp("demo"), seed=2025)


@pytest.fixture(scope="module")
def records() -> DemoData:
    return generator.generate(2025)


@pytest.fixture(scope="module")
def sheets(demo_files: list[Path]) -> list[tuple[Path, str, list[str], list[list[object]]]]:
    """(file, sheet, headers, data rows) for every sheet of every file."""
    out = []
    for path in demo_files:
        for name, rows in _read(path).items():
            h = _header_row(rows)
            headers = [clean_cell_text(str(v)) for v in rows[h]]
            out.append((path, name, headers, rows[h + 1:]))
    return out


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_seed_gives_identical_files_and_another_seed_different_data(demo_files, records, tmp_path, capsys):
    assert demo_main(["--out", str(tmp_path / "again"), "--seed", "2025"]) == 0
    printed = capsys.readouterr().out.split()
    assert [Path(p).name for p in printed] == [p.name for p in demo_files]
    for path in demo_files:
        assert _digest(tmp_path / "again" / path.name) == _digest(path), path.name

    base, other = records, generator.generate(7)
    assert [(c.child.id, c.date, c.source) for c in base.contacts[:500]] != \
        [(c.child.id, c.date, c.source) for c in other.contacts[:500]]
    assert [(t.delegate.email, t.date) for t in base.training] != [(t.delegate.email, t.date) for t in other.training]


def test_files_in_load_order(demo_files):
    names = [p.name for p in demo_files]
    assert names == sorted(names)
    annex = [p for p in demo_files if "annex_a" in p.name]
    assert len(annex) == 7
    assert names[-1].endswith("action_plan.xlsx")
    assert any(p.suffix == ".csv" for p in demo_files)
    assert {files.submitting_agency(p) for p in demo_files} == {"Children's social care", "Safeguarding partnership"}


def test_every_file_opens_and_is_labelled_synthetic(demo_files, sheets):
    for path in demo_files:
        if path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path, read_only=True)
            assert book.sheetnames
            book.close()
        else:
            assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    for path, name, _headers, _rows in sheets:
        rows = _read(path)[name]
        title = " ".join(str(v) for row in rows[:_header_row(rows)] for v in row)
        assert design.TITLE in title and design.BOROUGH in title, (path.name, name)


def test_annex_a_workbooks_have_all_eleven_lists(demo_files):
    for path in demo_files:
        if "annex_a" in path.name:
            book = _read(path)
            assert list(book) == [f"List {n}" for n in range(1, 12)]
            for n in (1, 3, 7):
                assert len(book[f"List {n}"]) > 5 + 20, (path.name, n)


def test_headers_are_ones_the_dataset_declarations_accept(sheets):
    seen = set()
    for path, name, headers, rows in sheets:
        dataset_name = _dataset_for(path, name)
        if dataset_name is None:  # Annex A lists 2, 4-6, 8-11: must not look like any dataset we load
            for dataset in DATASETS.values():
                keys = {normalise_key(h) for h in headers}
                assert not all(c.match_keys & keys for c in dataset.required), (path.name, name, dataset.name)
            continue
        seen.add(dataset_name)
        dataset = DATASETS[dataset_name]
        assert rows, (path.name, name)
        matched = {c.key for h in headers for c in dataset.columns if normalise_key(h) in c.match_keys}
        assert {c.key for c in dataset.required} <= matched, (path.name, name, headers)
        for h in headers:
            known = any(normalise_key(h) in c.match_keys for c in dataset.columns)
            assert known or is_personal_header(h) or dataset.themes or normalise_key(h) in ANNEX_A_EXTRA, (path.name, h)
    assert seen == set(DATASETS)


def _column_values(sheets, dataset_name: str):
    """(file, header, column, values) for every column of every sheet carrying ``dataset_name``."""
    dataset = DATASETS[dataset_name]
    for path, name, headers, rows in sheets:
        if _dataset_for(path, name) != dataset_name:
            continue
        for i, h in enumerate(headers):
            column = next((c for c in dataset.columns if normalise_key(h) in c.match_keys), None)
            yield path.name, h, column, [row[i] for row in rows if i < len(row) and not is_blank(row[i])]


def _valid(column, value: object, agencies: set[str]) -> bool:
    text = clean_cell_text(str(value))
    if column.kind == "code":
        return column.codes.normalise(text) is not None
    if column.kind == "source":
        return codes.normalise_source(text) is not None
    if column.kind == "agency":
        return normalise_key(text) in agencies
    if column.kind == "score":
        return re.match(r"^[1-5](\.0)?(\s*-\s*\w.*)?$", text) is not None
    if column.kind in ("int", "age"):
        return float(text) == int(float(text)) and 0 <= float(text) <= (25 if column.kind == "age" else 1000)
    if column.kind == "number":
        return float(text) == float(text)
    if column.kind == "period":
        return Quarter.parse(text) is not None
    if column.kind in ("date", "dob"):
        return _as_date(value) is not None
    if column.kind == "id":
        return bool(text)
    return column.kind == "text" and bool(text)


def test_every_cell_of_a_loaded_column_is_valid(sheets):
    agencies = _agency_names()
    for dataset_name in DATASETS:
        for file, header, column, values in _column_values(sheets, dataset_name):
            if column is None:
                continue
            bad = [v for v in values if not _valid(column, v, agencies)]
            assert not bad, (file, header, bad[:5])
    for path, name, headers, rows in sheets:  # required cells are never blank
        dataset_name = _dataset_for(path, name)
        if dataset_name:
            dataset = DATASETS[dataset_name]
            required = [i for i, h in enumerate(headers)
                        if any(normalise_key(h) in c.match_keys for c in dataset.required)]
            for row in rows:
                assert all(not is_blank(row[i]) for i in required), (path.name, name, row)


def test_no_real_looking_personal_identifiers(demo_files, sheets):
    postcode = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
    for path, _name, headers, rows in sheets:
        for i, h in enumerate(headers):
            key = normalise_key(h)
            values = [row[i] for row in rows if i < len(row) and not is_blank(row[i])]
            if key in ("child unique id", "child id"):
                assert all(re.fullmatch(r"SYN-\d{6}", str(v)) for v in values), (path.name, h)
            if "email" in key:
                assert all(re.fullmatch(r"delegate\d{4}@example\.invalid", str(v)) for v in values), (path.name, h)
            if key == "allocated worker":
                assert all(re.fullmatch(r"Worker [A-Z]", str(v)) for v in values), (path.name, h)
        for row in rows:
            for v in row:
                if isinstance(v, str):
                    assert "@" not in v or v.endswith(".invalid"), (path.name, v)
                    assert not postcode.search(v), (path.name, v)
    csv_text = next(p for p in demo_files if p.suffix == ".csv").read_text(encoding="utf-8-sig")
    assert set(re.findall(r"@[\w.]+", csv_text)) == {"@example.invalid"}


def test_all_dates_fall_in_the_eight_quarters(sheets):
    found = 0
    for path, name, headers, rows in sheets:
        birth = {i for i, h in enumerate(headers) if "birth" in normalise_key(h)}
        for row in rows:
            for i, v in enumerate(row):
                day = _as_date(v)
                if day is None:
                    continue
                found += 1
                if i in birth:
                    assert dt.date(1990, 1, 1) <= day <= LAST, (path.name, name, headers[i], v)
                else:
                    assert FIRST <= day <= LAST, (path.name, name, headers[i], v)
    assert found > 100_000


def test_overlapping_returns_resend_the_same_contacts(demo_files):
    """Each return covers six months, so a quarter appears in two returns with the same rows."""
    annex = [p for p in demo_files if "annex_a" in p.name]

    def contacts(path: Path) -> dict[tuple, list]:
        rows = _read(path)["List 1"]
        h = _header_row(rows)
        return {(r[0], _as_date(r[5]), codes.normalise_source(str(r[6]))): r for r in rows[h + 1:]}

    earlier, later = contacts(annex[0]), contacts(annex[1])
    overlap = {k for k in earlier if k[1] >= dt.date(2024, 7, 1)}
    assert len(overlap) > 3000
    assert overlap <= set(later)
    assert not any(k[1] < dt.date(2024, 7, 1) for k in later)
    # contacts awaiting a decision at the earlier return have one in the later return
    awaiting = [k for k in overlap if is_blank(earlier[k][7])]
    assert awaiting and all(not is_blank(later[k][7]) for k in awaiting)
    last = contacts(annex[-1])
    assert 0 < sum(is_blank(r[7]) for r in last.values()) < 200


def test_action_plan_baselines_come_from_the_data(records):
    values = generator.designed_metrics(records)
    measured = [a for a in design.ACTIONS if a[5]]
    assert 10 <= len(design.ACTIONS) <= 15 and len(design.ACTIONS) - len(measured) in (2, 3)
    assert {design.AIMS[a[1]] for a in design.ACTIONS} == set(design.AIMS)
    for action in measured:
        assert values[action[5]][action[6].label] is not None, action[0]
    assert sum(a[9] == "Agreed complete" for a in design.ACTIONS) == 1
    # the designed trends hold: MASH timeliness 75% -> 90%, re-referrals falling
    within = values["contacts.decided_within_1wd"]
    assert 73 < within["2024-25 Q1"] < 77 and 89 < within["2025-26 Q4"] < 94
    rerefer = values["referrals.rereferral_12m"]
    assert rerefer["2024-25 Q2"] > rerefer["2025-26 Q4"] + 3
    assert all(3800 <= n <= 4400 for n in values["contacts.count"].values())


def test_the_whole_demo_loads_through_the_real_loaders_without_an_error(demo_files, tmp_path):
    from loaders.store import Store
    from loaders.submit import load_file

    with Store(tmp_path / "demo.duckdb") as store:
        reports = [load_file(store, path, uploaded_by="test", agency=files.submitting_agency(path))
                   for path in demo_files]
        assert [(r.file, r.status, r.errors) for r in reports] == [(p.name, "accepted", []) for p in demo_files]
        assert all(r.warnings == [] for r in reports)
        assert {c for r in reports for c in r.dropped_columns} == {"Allocated Worker"}
        # Overlapping six-month returns never double count: each contact counts once.
        assert store.scalar("SELECT count(*) FROM contacts WHERE is_current") == store.scalar(
            "SELECT count(DISTINCT (child_key, contact_date, source_code)) FROM contacts")
        assert store.scalar("SELECT count(*) FROM actions WHERE is_current") == 14
