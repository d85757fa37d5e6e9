"""Hand-built rows for metric tests: inserted straight into the tables, as the loaders would leave them."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable

import pandas as pd

from loaders.codes import SOURCE_GROUPS
from loaders.store import Store
from loaders.text import slugify

_source_rows = itertools.count(2)


def add_submission(store: Store, dataset: str, agency: str = "Children's social care") -> int:
    with store.transaction() as cur:
        sid = cur.execute("SELECT nextval('submission_id_seq')").fetchone()[0]
        cur.execute(
            """INSERT INTO submissions (submission_id, file_name, sha256, agency, uploaded_by, uploaded_at, datasets,
                   rows_read, rows_loaded, rows_skipped, skip_invalid_rows)
               VALUES (?, ?, ?, ?, 'test', current_timestamp, [?], 0, 0, 0, false)""",
            [sid, f"{dataset}-{sid}.csv", f"sha-{sid}", agency, dataset],
        )
    return sid


def add_rows(store: Store, dataset: str, rows: Iterable[dict], agency: str = "Children's social care",
             submission_id: int | None = None) -> int:
    """Insert current rows of one dataset in one submission; an audit row's ``themes`` dict goes long."""
    sid = submission_id or add_submission(store, dataset, agency)
    with store.transaction() as cur:
        for row in rows:
            row = dict(row)
            themes = row.pop("themes", {})
            if "source_code" in row:
                row.setdefault("source_group", SOURCE_GROUPS[row["source_code"]])
            source_row = next(_source_rows)
            values = {"submission_id": sid, "sheet": dataset, "source_row": source_row,
                      "submitter_agency": agency, "is_current": True, **row}
            names = ", ".join(values)
            cur.execute(f"INSERT INTO {dataset} ({names}) VALUES ({', '.join('?' * len(values))})",
                        list(values.values()))
            for theme, judgement in themes.items():
                cur.execute("INSERT INTO audit_themes VALUES (?, ?, ?, ?, ?, ?)",
                            [sid, dataset, source_row, theme, slugify(theme), judgement])
    return sid


def withdraw(store: Store, submission_id: int) -> None:
    """What the loader does on withdrawal: stamp the submission, and its rows stop being current."""
    with store.transaction() as cur:
        cur.execute("UPDATE submissions SET withdrawn_at = current_timestamp, withdrawn_by = 'test' "
                    "WHERE submission_id = ?", [submission_id])
        sql = "SELECT datasets FROM submissions WHERE submission_id = ?"
        datasets = cur.execute(sql, [submission_id]).fetchone()[0]
        for dataset in datasets:
            cur.execute(f"UPDATE {dataset} SET is_current = false WHERE submission_id = ?", [submission_id])


def contact(day: str | dt.date, decided: str | dt.date | None = None, source: str = "6", child: str = "c1",
            outcome: str | None = None, neglect: str | None = None) -> dict:
    return {"child_key": child, "contact_date": _date(day), "decision_date": _date(decided), "source_code": source,
            "outcome": outcome, "neglect": neglect}


def referral(day: str | dt.date, child: str = "c1", nfa: str | None = None, source: str = "6") -> dict:
    return {"child_key": child, "referral_date": _date(day), "source_code": source, "nfa": nfa}


def action(action_id: str = "1.1", measure: str | None = "contacts.decided_within_1wd", baseline: float | None = 70.0,
           baseline_period: str | None = "2025-26 Q1", target: float | None = 90.0,
           due_period: str | None = "2026-27 Q1", status: str | None = "In progress") -> dict:
    return {"action_id": action_id, "priority_area": "Measurable outcomes for children", "action": "Do better",
            "lead_agency": "Children's social care", "measure": measure, "baseline": baseline,
            "baseline_period": baseline_period, "target": target, "due_period": due_period, "status": status}


def plain(value: object) -> object:
    """NA and NaN as None, numpy integers as int: for comparing computed rows with literals."""
    if value is None or pd.isna(value):
        return None
    return int(value) if float(value).is_integer() else float(value)


def _date(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)
