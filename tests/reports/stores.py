"""Real stores for the export tests: spreadsheets written here, loaded through the real loaders.

``measured_store``: MASH contacts in three quarters, the latest with only 3 contacts (small numbers: ``c`` for
scrutiny), and an action plan of three actions: one measured on MASH decisions within a working day, one
qualitative, one whose text is hostile (Markdown, HTML, a formula, a script).

``referrals_store``: a year of referrals (2024-25, month by month) and a plan measuring re-referrals within 12
months: a measure with published figures (issue 14) and enough months for an SPC reading (issue 15).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from loaders.store import Store
from loaders.submit import load_file
from tests.spreadsheets import dataset_rows, write_xlsx

# Raw child identifiers as a council's system writes them: they must never reach an export.
CHILD_PREFIX = "SYNCHILD"
HOSTILE = "**bold** <img src=x onerror=alert(1)> =HYPERLINK(\"http://evil.example\") <script>alert(2)</script> $x$ & co"
HOSTILE_AIM = "# Aim <b>one</b> [link](http://evil.example)"
MEASURED = ("1.1", "Speed up MASH decisions", "Children's social care")
QUALITATIVE = ("2.1", "Agree a neglect strategy", "Safeguarding partnership")
HOSTILE_ID = "3.1"
STARTS = {"2024-25 Q3": dt.date(2024, 10, 1), "2024-25 Q4": dt.date(2025, 1, 7), "2025-26 Q1": dt.date(2025, 4, 8)}


def _contacts(quarter: str, pairs: int, late: int, only: int | None = None) -> list[dict]:
    """Two contacts each Tuesday for ``pairs`` weeks (``only``: just that many), ``late`` decided ten days on."""
    rows = []
    for i in range(only if only is not None else pairs * 2):
        day = STARTS[quarter] + dt.timedelta(weeks=i // 2)
        decided = day + dt.timedelta(days=10 if i < late else 1)
        rows.append({"child_key": f"{CHILD_PREFIX}-{quarter[:7]}-{quarter[-1]}-{i:03d}", "contact_date": day,
                     "source_code": "6", "decision_date": decided, "outcome": "Referral", "neglect": "Yes"})
    return rows


def _plan(hostile: bool, measures: bool) -> list[dict]:
    measured = {"action_id": MEASURED[0], "priority_area": "Measurable outcomes for children",
                "action": MEASURED[1], "lead_agency": MEASURED[2], "measure": "contacts.decided_within_1wd",
                "baseline": 70, "baseline_period": "2024-25 Q3", "target": 95, "due_period": "2027-28 Q4",
                "status": "In progress"}
    if not measures:
        measured = {k: v for k, v in measured.items()
                    if k not in ("measure", "baseline", "baseline_period", "target")}
    rows = [measured,
            {"action_id": QUALITATIVE[0], "priority_area": "Workforce knowledge and skills", "action": QUALITATIVE[1],
             "lead_agency": QUALITATIVE[2], "due_period": "2027-28 Q4", "status": "Evidence submitted"}]
    if hostile:
        rows.append({"action_id": HOSTILE_ID, "priority_area": HOSTILE_AIM, "action": HOSTILE,
                     "lead_agency": "Police", "due_period": "2027-28 Q4", "status": "In progress",
                     "lead_officer": HOSTILE})
    return rows


def load(store: Store, folder: Path, name: str, dataset: str, rows: list[dict], agency: str) -> None:
    path = write_xlsx(folder / name, {"Sheet1": dataset_rows(dataset, rows)})
    report = load_file(store, path, uploaded_by="test", agency=agency)
    assert report.status == "accepted", report.status


def measured_store(folder: Path, *, hostile: bool = False, measures: bool = True,
                   small_latest: bool = True) -> Path:
    """A store file in ``folder`` with contacts and an action plan (see the module's docstring)."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "reports.duckdb"
    contacts = [*_contacts("2024-25 Q3", 10, late=6), *_contacts("2024-25 Q4", 10, late=3),
                *_contacts("2025-26 Q1", 10, late=0, only=3 if small_latest else None)]
    with Store(db) as store:
        load(store, folder, "contacts.xlsx", "contacts", contacts, "Children's social care")
        load(store, folder, "plan.xlsx", "actions", _plan(hostile, measures), "Safeguarding partnership")
    return db


# ---------------------------------------------------------------- referrals: a published pair and 12 months of SPC

REFERRALS_ACTION = ("1.2", "Reduce re-referrals", "Children's social care")
REFERRALS_TARGET = 12.0
MONTHS = [dt.date(2024, 4 + m, 1) if m < 9 else dt.date(2025, m - 8, 1) for m in range(12)]  # 2024-25


def referral_months(*, small_first_quarter: bool = False, months: int = 12) -> list[tuple[dt.date, int, int]]:
    """(month, first referrals, re-referrals) for the first ``months`` months of 2024-25: re-referrals fall by
    one every two months. ``small_first_quarter``: April to June have 1 re-referral each (3 in the quarter:
    ``c`` for scrutiny)."""
    found = []
    for m, month in enumerate(MONTHS[:months]):
        again = 1 if small_first_quarter and m < 3 else 12 - m // 2
        found.append((month, 40 + m % 4, again))
    return found


def _referrals(months: list[tuple[dt.date, int, int]]) -> list[dict]:
    """Each month: ``first`` children referred on the 2nd, the first ``again`` of them referred again on the 20th
    (a re-referral: another referral of the child in the 365 days before)."""
    rows = []
    for month, first, again in months:
        for i in range(first):
            child = f"{CHILD_PREFIX}-R{month:%Y%m}-{i:03d}"
            rows.append({"child_key": child, "referral_date": month.replace(day=2), "source_code": "6"})
            if i < again:
                rows.append({"child_key": child, "referral_date": month.replace(day=20), "source_code": "6"})
    return rows


def referrals_store(folder: Path, *, small_first_quarter: bool = False, months: int = 12,
                    live_from: dt.date | None = None) -> Path:
    """A store file in ``folder`` with the referrals of ``referral_months`` and an action plan whose action
    1.2 is measured by re-referrals within 12 months (a measure with a published pair; ``live_from``: the date
    its change went live, the plan's "Live from"), and one qualitative."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "referrals.duckdb"
    rows = _referrals(referral_months(small_first_quarter=small_first_quarter, months=months))
    actions = [{"action_id": REFERRALS_ACTION[0], "priority_area": "Measurable outcomes for children",
                "action": REFERRALS_ACTION[1], "lead_agency": REFERRALS_ACTION[2], "measure": "referrals.rereferral_12m",
                "baseline": 25, "baseline_period": "2024-25 Q1", "target": REFERRALS_TARGET,
                "due_period": "2027-28 Q4", "status": "In progress",
                **({"spc_from": live_from} if live_from else {})},
               {"action_id": QUALITATIVE[0], "priority_area": "Workforce knowledge and skills", "action": QUALITATIVE[1],
                "lead_agency": QUALITATIVE[2], "due_period": "2027-28 Q4", "status": "Evidence submitted"}]
    with Store(db) as store:
        load(store, folder, "referrals.xlsx", "referrals", rows, "Children's social care")
        load(store, folder, "plan.xlsx", "actions", actions, "Safeguarding partnership")
    return db
