"""Currency after random sequences of loads and withdrawals, checked against the rules written as plain Python.

The rules (every submission kept, and none lost to a later one): for event datasets the newest active submission from an
agency is the truth for its dates, so an older row of that agency dated inside a newer active submission's
range is superseded by the newest such submission; a cp_plans row is superseded by the newest active
submission holding the same plan. A row counts when nothing supersedes it and its submission is active.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from loader_helpers import load

from loaders.store import Store
from loaders.submit import withdraw
from tests.spreadsheets import write_csv

START = dt.date(2025, 4, 1)
AGENCIES = ("Police", "Health")


@dataclass
class Submission:
    id: int
    agency: str
    rows: list[tuple[int, dt.date, str]]  # (Excel row, event date, child)
    active: bool = True
    date_from: dt.date = field(init=False)
    date_to: dt.date = field(init=False)

    def __post_init__(self) -> None:
        days = [day for _, day, _ in self.rows]
        self.date_from, self.date_to = min(days), max(days)


def expected_contacts(submissions: list[Submission]) -> set[tuple]:
    expected = set()
    for sub in submissions:
        for row, day, _ in sub.rows:
            newer = [s.id for s in submissions if s.active and s.agency == sub.agency and s.id > sub.id
                     and s.date_from <= day <= s.date_to]
            superseded_by = max(newer) if newer else None
            expected.add((sub.id, row, superseded_by is None and sub.active, superseded_by))
    return expected


def expected_plans(submissions: list[Submission]) -> set[tuple]:
    expected = set()
    for sub in submissions:
        for row, day, child in sub.rows:
            holders = [s.id for s in submissions if s.active and any((d, c) == (day, child) for _, d, c in s.rows)]
            newest = max(holders) if holders else None
            superseded_by = newest if newest is not None and newest > sub.id else None
            expected.add((sub.id, row, sub.active and newest == sub.id, superseded_by))
    return expected


def _random_rows(rng: random.Random, one_row_per_plan: bool) -> list[tuple[int, dt.date, str]]:
    first = START + dt.timedelta(days=rng.randrange(40))
    days = sorted(first + dt.timedelta(days=rng.randrange(25)) for _ in range(rng.randrange(2, 7)))
    rows = [(day, f"SYN-{rng.randrange(6)}") for day in days]
    if one_row_per_plan:  # a snapshot file holds each plan once
        rows = list(dict.fromkeys(rows))
    return [(index + 2, day, child) for index, (day, child) in enumerate(rows)]


def _write(path: Path, dataset: str, rows: list[tuple[int, dt.date, str]], nonce: int) -> Path:
    if dataset == "contacts":
        header = ["Child ID", "Contact ID", "Contact date", "Contact source"]
        body = [[child, f"C{nonce}-{row}", f"{day:%d/%m/%Y}", "6"] for row, day, child in rows]
    else:
        header = ["Child ID", "Plan start date", "Initial category of abuse"]
        body = [[child, f"{day:%d/%m/%Y}", "Neglect"] for row, day, child in rows]
    return write_csv(path, [header, *body])


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("dataset", ["contacts", "cp_plans"])
def test_currency_follows_the_rules_after_any_loads_and_withdrawals(tmp_path, seed, dataset):
    rng = random.Random(seed)
    submissions: list[Submission] = []
    with Store(tmp_path / "model.duckdb") as store:
        for step in range(14):
            active = [s for s in submissions if s.active]
            if active and rng.random() < 0.3:
                victim = rng.choice(active)
                withdraw(store, victim.id, by="test")
                victim.active = False
            else:
                rows = _random_rows(rng, one_row_per_plan=dataset == "cp_plans")
                agency = rng.choice(AGENCIES) if dataset == "contacts" else "Children's social care"
                report = load(store, _write(tmp_path / f"{step}.csv", dataset, rows, step), agency=agency)
                assert report.status == "accepted", [str(e) for e in report.errors]
                submissions.append(Submission(report.submission_id, agency, rows))
            stored = set(store.rows(f"SELECT submission_id, source_row, is_current, superseded_by FROM {dataset}"))
            model = expected_contacts if dataset == "contacts" else expected_plans
            assert stored == model(submissions), f"seed {seed}, after step {step}"
