"""Write the demo borough's spreadsheets, in the order to load them, and say who submits each.

Files, in the order to load them (the file names sort in that order too):

1. Seven Annex A workbooks, one per half-year return dated at the end of each quarter from
   30 September 2024, each covering the six months before its date, so consecutive returns overlap by a
   quarter and re-send the same rows (with decisions filled in that were still awaited before). List 1
   carries the contacts with the MASH's own columns appended (decision date, outcome, neglect
   identified); List 3 the referrals; List 7 the child protection plans. Lists 2, 4, 5 and 6 have a handful
   of rows; lists 8 to 11 headers only. The returns vary as real ones do: ``Age`` for
   ``Age of Child (Years)`` in one, a non-breaking space in a header, codes with and without their letter
   prefix, decision date-times, ``#N/A`` in optional cells, an ``Allocated Worker`` column.
2. The training register, one file per financial year; 2025-26 is a CSV with a UTF-8 BOM.
3. Multi-agency case audits, one workbook per financial year (a few dates typed as UK text).
4. The action plan, with baselines taken from this data.
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

from demo.annex_a import AnnexAWriter
from demo.design import (
    ACTION_HEADERS,
    ACTIONS,
    AIMS,
    BOROUGH,
    CONFIDENCE_LABELS,
    GO_LIVE,
    QUARTERS,
    RETURN_DATES,
    THEMES,
    TITLE,
)
from demo.generator import designed_metrics, generate
from demo.records import AuditRow, TrainingRow
from demo.xlsx import Book, uk_date
from loaders.periods import Quarter

# The one mapping from demo file to the agency that submits it (the file-name stem after its number), used by
# ``python -m loaders demo`` (``make run``), the tests and the benchmarks alike.
SUBMITTING_AGENCY = {
    "annex_a": "Children's social care",
    "training": "Safeguarding partnership",
    "audits": "Safeguarding partnership",
    "action_plan": "Safeguarding partnership",
}

TRAINING_HEADERS_XLSX = ["Session ID", "Course date", "Course title", "Delegate email", "Delegate agency", "Role",
                         "Attendance", "Pre-course confidence", "Post-course confidence", "Follow-up confidence"]
TRAINING_HEADERS_CSV = ["Session ID", "Date", "Course title", "Delegate email", "Organisation", "Job role",
                        "Attended?", "Confidence before", "Confidence after", "Confidence at follow-up"]


def _score(value: int | None, labelled: float, rng: random.Random) -> object:
    """A confidence score, now and then written with its label (``4 - Confident``)."""
    if value is None:
        return None
    return CONFIDENCE_LABELS[value] if rng.random() < labelled else value


def _training_rows(rows: list[TrainingRow], rng: random.Random, as_text: bool) -> list[list[object]]:
    out = []
    for t in rows:
        out.append([
            t.session_id, uk_date(t.date) if as_text else t.date, t.course, t.delegate.email, t.delegate.agency_written,
            t.delegate.role, ("Attended" if t.attended else ("Did not attend" if as_text else "DNA")),
            _score(t.pre, 0.0, rng), _score(t.post, 0.0, rng), _score(t.followup, 0.5 if as_text else 0.15, rng)])
    return out


def _write_training_xlsx(path: Path, rows: list[TrainingRow], year: int, rng: random.Random) -> int:
    wb = Book(f"{TITLE} - {BOROUGH} training register")
    sheet = wb.sheet("Training register", [
        f"{TITLE} - {BOROUGH} Safeguarding Children Partnership: multi-agency training register "
        f"{year}-{(year + 1) % 100:02d}",
        "Fictional delegates for demonstration only (e-mail addresses end .invalid)."], TRAINING_HEADERS_XLSX)
    for row in _training_rows(rows, rng, as_text=False):
        sheet.append(row)
    wb.save(path)
    return sheet.rows


def _write_training_csv(path: Path, rows: list[TrainingRow], year: int, rng: random.Random) -> int:
    width = len(TRAINING_HEADERS_CSV)
    body = _training_rows(rows, rng, as_text=True)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow([f"{TITLE} - {BOROUGH} Safeguarding Children Partnership: multi-agency training register "
                    f"{year}-{(year + 1) % 100:02d} (export)"] + [""] * (width - 1))
        w.writerow([""] * width)
        w.writerow(TRAINING_HEADERS_CSV)
        for row in body:
            w.writerow(["" if v is None else v for v in row])
    return len(body)


AUDIT_HEADERS = ["Audit ID", "Audit date", "Agency", "Child ID", "Audit type", "Overall grade", *THEMES]


def _write_audits(path: Path, rows: list[AuditRow], year: int, rng: random.Random) -> int:
    wb = Book(f"{TITLE} - {BOROUGH} audit results")
    sheet = wb.sheet("Audit results", [
        f"{TITLE} - {BOROUGH} Safeguarding Children Partnership: multi-agency case audit results "
        f"{year}-{(year + 1) % 100:02d}",
        "One row per audited case per agency. Fictional cases for demonstration only."], AUDIT_HEADERS)
    # a few audits typed in by hand, dates as UK text
    typed_by_hand = {a.audit_id for a in rows[::9][1:4]} if year == 2024 else set()
    for a in rows:
        grade = a.grade
        if grade == "Requires improvement":
            grade = rng.choices(("Requires improvement", "RI", "Requires Improvement to be Good"), (6, 3, 1))[0]
        day: object = uk_date(a.date) if a.audit_id in typed_by_hand else a.date
        sheet.append([a.audit_id, day, a.agency_written, a.child.id, a.audit_type, grade,
                      *(a.themes[t] or None for t in THEMES)])
    wb.save(path)
    return sheet.rows


def _write_action_plan(path: Path, metrics: dict[str, dict[str, float | None]]) -> int:
    wb = Book(f"{TITLE} - {BOROUGH} action plan")
    sheet = wb.sheet("Action plan", [
        f"{TITLE} - {BOROUGH} Safeguarding Children Partnership: neglect JTAI written statement of action",
        "Fictional plan for demonstration only. Baselines are from the demo data."], ACTION_HEADERS)
    for aid, aim, action, agency, officer, measure, base_q, target, due, status, evidence, sustain in ACTIONS:
        baseline = None
        if measure:
            value = metrics[measure][base_q.label]
            baseline = round(value, 2 if measure == "training.confidence_uplift" else 1)
        sheet.append([aid, AIMS[aim], action, agency, officer, measure, baseline,
                      base_q.label if measure else None, target, due, status, evidence or None, sustain or None,
                      GO_LIVE.get(aid)])
    wb.save(path)
    return sheet.rows


def write_demo_files(out_dir: Path, seed: int = 2025) -> list[Path]:
    """Write the demo spreadsheets into ``out_dir``; return their paths in the order to load them."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    data = generate(seed)
    rng = random.Random(seed * 7919 + 1)  # the writers' own stream: generation never depends on writing
    paths: list[Path] = []
    n = 0

    def name(stem: str) -> Path:
        nonlocal n
        n += 1
        path = out_dir / f"{n:02d}_{stem}"
        paths.append(path)
        return path

    for k, rd in enumerate(RETURN_DATES, start=1):
        AnnexAWriter(data, k, rd, rng).write(name(f"annex_a_{rd.isoformat()}.xlsx"))
    years = sorted({q.year for q in QUARTERS})
    for year in years:
        rows = [t for t in data.training if Quarter.of(t.date).year == year]
        if year == years[-1]:
            _write_training_csv(name(f"training_{year}-{(year + 1) % 100:02d}.csv"), rows, year, rng)
        else:
            _write_training_xlsx(name(f"training_{year}-{(year + 1) % 100:02d}.xlsx"), rows, year, rng)
    for year in years:
        rows = [a for a in data.audits if Quarter.of(a.date).year == year]
        _write_audits(name(f"audits_{year}-{(year + 1) % 100:02d}.xlsx"), rows, year, rng)
    _write_action_plan(name("action_plan.xlsx"), designed_metrics(data))
    return paths


def submitting_agency(path: Path) -> str:
    """The agency that would upload this demo file (for ``python -m loaders FILE --agency ...``)."""
    stem = re.sub(r"^\d+_", "", Path(path).stem)
    return next(agency for prefix, agency in SUBMITTING_AGENCY.items() if stem.startswith(prefix))
