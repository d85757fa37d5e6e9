"""The one write path: every file, from the command line or the app, is loaded here.

``prepare`` reads and validates without touching the database; ``commit`` writes a prepared
file as one submission in one transaction (rows, provenance, supersede), or nothing at all.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from loaders import audit
from loaders.agencies import DEFAULT_SUBMITTING_AGENCY, agency_names, canonical_agency
from loaders.aliases import aliases_for
from loaders.audit import Actor, AuditAction, AuditOutcome
from loaders.datasets import DATASETS
from loaders.parse import ParsedSheet, parse_sheet, recognise
from loaders.pseudonymise import Pseudonymiser, secret_for
from loaders.read import FileRejected, Limits, read_sheets
from loaders.report import Issue, LoadReport
from loaders.store import Store
from loaders.supersede import recompute
from loaders.value_aliases import NO_ALIASES, AliasTable
from loaders.volume import volume_warnings

Progress = Callable[[float, str], None]


@dataclass
class Prepared:
    """A file read and validated, ready to commit (or to show as a preview)."""

    report: LoadReport
    parsed: list[ParsedSheet] = field(default_factory=list)

    @property
    def loadable(self) -> bool:
        """True when committing would write rows (given the skip-invalid-rows choice)."""
        report = self.report
        if any(p.fatal for p in self.parsed) or not self.parsed:
            return False
        if report.errors and not report.skip_invalid_rows:
            return False
        return any(p.table is not None and p.table.num_rows for p in self.parsed)

    def choose_skip_invalid_rows(self, skip: bool) -> None:
        """Set the person's choice to load the valid rows and skip the invalid ones, and what follows from it
        (rows to load, status): the Upload page changes its mind without reading the file again."""
        report = self.report
        report.skip_invalid_rows = skip
        report.rows_skipped = sum(p.invalid_rows for p in self.parsed)
        valid = sum(p.table.num_rows for p in self.parsed if p.table is not None)
        report.rows_loaded = valid if (not report.errors or skip) else 0
        report.status = "checked" if self.loadable else "rejected"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cycle collector while a sheet is read and checked.

    Reading creates millions of cells and tuples, none of them in reference cycles; without this the
    collector walks all of them again and again and reading takes a third longer."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def prepare(
    path: Path,
    pseudonymise: Callable[[str], bytes],
    *,
    display_name: str | None = None,
    agency: str | None = None,
    skip_invalid_rows: bool = False,
    limits: Limits = Limits(),
    today: dt.date | None = None,
    progress: Progress | None = None,
    aliases: AliasTable = NO_ALIASES,
) -> Prepared:
    """Read and validate a file; nothing is written. ``aliases`` are the submitting agency's value
    mappings (``loaders.aliases.aliases_for``): a mapped local label is read as its code."""
    with _no_cyclic_gc():
        return _prepare(path, pseudonymise, display_name=display_name, agency=agency,
                        skip_invalid_rows=skip_invalid_rows, limits=limits, today=today, progress=progress,
                        aliases=aliases)


def _prepare(
    path: Path,
    pseudonymise: Callable[[str], bytes],
    *,
    display_name: str | None,
    agency: str | None,
    skip_invalid_rows: bool,
    limits: Limits,
    today: dt.date | None,
    progress: Progress | None,
    aliases: AliasTable,
) -> Prepared:
    path = Path(path)
    name = display_name or path.name
    report = LoadReport(file=name, skip_invalid_rows=skip_invalid_rows)
    prepared = Prepared(report)
    step = progress or (lambda fraction, message: None)
    try:
        report.agency = canonical_agency(agency) if agency else DEFAULT_SUBMITTING_AGENCY
    except ValueError as exc:
        report.errors.append(Issue(None, None, "agency", agency, str(exc), kind=(
            "the agency chosen is not one of the partnership's agencies: " + ", ".join(agency_names()))))
        return prepared
    try:
        step(0.05, f"Checking {name}")
        report.sha256 = file_sha256(path)
        step(0.1, f"Reading {name}")
        sheets = read_sheets(path, limits, name)
    except FileRejected as exc:
        kind = f"{name}: {_without_quoted(str(exc))}"
        report.errors.append(Issue(None, None, None, None, f"{name}: {exc}", kind=kind))
        report.message = kind
        return prepared

    for number, sheet in enumerate(sheets, start=1):
        step(0.1 + 0.8 * number / max(len(sheets), 1), f"Checking sheet '{sheet.name}'")
        recognition = recognise(sheet)
        if recognition is None:
            report.sheets_not_used.append(sheet.name)
            continue
        parsed = parse_sheet(sheet, recognition, pseudonymise, today, number, aliases)
        prepared.parsed.append(parsed)
        report.unrecognised.extend(parsed.unrecognised)
        for alias_id, cells in parsed.aliases_applied.items():
            report.aliases_applied[alias_id] = report.aliases_applied.get(alias_id, 0) + cells
        report.sheets.append(parsed.summary)
        report.errors.extend(parsed.errors)
        report.warnings.extend(parsed.warnings)
        report.dropped_columns.extend(h for h in parsed.summary.columns_dropped if h not in report.dropped_columns)
        report.rows_read += parsed.summary.rows_read
        if parsed.dataset.name not in report.datasets:
            report.datasets.append(parsed.dataset.name)

    if not prepared.parsed:
        report.errors.append(_nothing_recognised(name, sheets))
    report.warnings.extend(_datasets_on_several_sheets(prepared.parsed))
    prepared.choose_skip_invalid_rows(skip_invalid_rows)
    step(1.0, "Checked")
    return prepared


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_FIXED_QUOTES = frozenset({'"CSV UTF-8"'})  # quoted by read.py as advice, the same in every message


def _without_quoted(message: str) -> str:
    """A refusal's message with anything quoted taken out before it is stored.

    ``loaders/read.py`` words its refusals without cell text or sheet names; this is the second guard,
    since a quoted name in a future message would otherwise reach the upload log and the audit trail."""
    return _QUOTED.sub(lambda quoted: quoted[0] if quoted[0] in _FIXED_QUOTES else "(withheld)", message)


def _first_row(rows: list[list]) -> list:
    for row in rows[:20]:
        cells = [c for c in row if c not in ("", None)]
        if len(cells) >= 2:
            return cells[:12]
    return ["(no headers)"]


def _nothing_recognised(name: str, sheets: list) -> Issue:
    """No sheet matched a dataset: the person sees the first row of each sheet, which may well be data (a CSV
    without its header row); the stored form says only how many sheets there were."""
    kind = f"{name}: no sheet matches a dataset (contacts, referrals, cp_plans, training, audits, actions)"
    found = "; ".join(f"'{s.name}': " + ", ".join(str(c) for c in _first_row(s.rows)) for s in sheets[:12])
    count = f"{len(sheets)} sheet{'s' if len(sheets) != 1 else ''} looked at"
    return Issue(None, None, None, None, f"{kind}. Headers found — {found}", kind=f"{kind}; {count}")


def _datasets_on_several_sheets(parsed: list[ParsedSheet]) -> list[Issue]:
    warnings = []
    datasets = [p.dataset.name for p in parsed]
    for dataset in sorted(set(datasets)):
        if datasets.count(dataset) > 1:
            same = [p.summary for p in parsed if p.dataset.name == dataset]
            names = ", ".join(s.sheet for s in same)
            numbers = ", ".join(str(s.number) for s in same)
            warnings.append(Issue(None, None, None, None, f"several sheets hold {dataset} ({names}): all are loaded",
                                  kind=f"several sheets hold {dataset} (sheets {numbers}): all are loaded"))
    return warnings


def _active_with_same_content(cur, sha256: str, agency: str | None) -> tuple[int, str] | None:
    """The active submission of a file with these exact bytes, whichever agency it was loaded for; the one
    for ``agency`` first (a store from before this rule may hold the same file under two agencies)."""
    row = cur.execute(
        """SELECT submission_id, agency FROM submissions WHERE sha256 = ? AND withdrawn_at IS NULL
           ORDER BY agency IS NOT DISTINCT FROM ? DESC, submission_id LIMIT 1""",
        [sha256, agency],
    ).fetchone()
    return (int(row[0]), row[1]) if row else None


def _refuse_if_already_loaded(cur, report: LoadReport) -> bool:
    """The same bytes as an active submission are one submission: loading them again, under any agency, would
    count every row twice. Same agency: a harmless duplicate. Another agency: a rejection saying what to do."""
    if not report.sha256:
        return False
    loaded = _active_with_same_content(cur, report.sha256, report.agency)
    if loaded is None:
        return False
    submission_id, agency = loaded
    report.rows_loaded = 0
    if agency == report.agency:
        report.status = "duplicate"
        report.submission_id = submission_id
        report.message = f"already loaded as submission {submission_id} for {agency}: nothing changed"
        return True
    report.status = "rejected"
    report.submission_id = None
    report.message = (f"already loaded as submission {submission_id} for {agency}; "
                      "withdraw that one first if the agency was wrong")
    if not report.errors or report.errors[0].message != report.message:  # a report committed twice says it once
        report.errors.insert(0, Issue(None, None, None, None, report.message, kind=report.message))
    return True


def commit(store: Store, prepared: Prepared, *, uploaded_by: str, actor: Actor | None = None) -> LoadReport:
    """Write a prepared file as one submission, or log why not. Never writes half a file.

    The upload log and the audit trail get one row each, in the same transaction as the data. The check for
    the same file already loaded runs inside that transaction, so two uploads of one file cannot both pass."""
    report = prepared.report
    actor = actor or Actor(uploaded_by)
    with store.transaction() as cur:
        if not _refuse_if_already_loaded(cur, report):
            if prepared.loadable:
                report.submission_id = _write(cur, prepared, uploaded_by)
                report.status = "accepted"
            else:
                report.status = "rejected"
                report.rows_loaded = 0
        _log(cur, report, uploaded_by, actor)
    return report


def _write(cur, prepared: Prepared, uploaded_by: str) -> int:
    report = prepared.report
    submission_id = cur.execute("SELECT nextval('submission_id_seq')").fetchone()[0]
    parts = [p for p in prepared.parsed if p.table is not None and p.table.num_rows]
    dates = [d for p in parts for d in (p.summary.date_from, p.summary.date_to) if d]
    cur.execute(
        """INSERT INTO submissions (submission_id, file_name, sha256, agency, uploaded_by, uploaded_at, datasets,
               date_from, date_to, rows_read, rows_loaded, rows_skipped, skip_invalid_rows, warnings)
           VALUES (?, ?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [submission_id, report.file, report.sha256, report.agency, uploaded_by, report.datasets,
         min(dates) if dates else None, max(dates) if dates else None, report.rows_read, report.rows_loaded,
         report.rows_skipped, report.skip_invalid_rows,
         json.dumps([w.stored() for w in report.warnings[:200]])],
    )
    for parsed in parts:
        summary = parsed.summary  # its sheet is stored by position (summary.label): a name is typed by a person
        cur.execute(
            """INSERT INTO submission_parts VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            [submission_id, parsed.dataset.name, summary.label, summary.date_from, summary.date_to,
             summary.rows_read, parsed.table.num_rows, parsed.invalid_rows],
        )
        columns = ", ".join(parsed.table.column_names)
        _insert_arrow(
            cur, parsed.table,
            f"""INSERT INTO {parsed.dataset.name} (submission_id, sheet, submitter_agency, {columns})
                SELECT $submission_id, $sheet, $agency, {columns} FROM arrow_rows""",
            {"submission_id": submission_id, "sheet": summary.label, "agency": report.agency},
        )
        if parsed.themes is not None and parsed.themes.num_rows:
            _insert_arrow(
                cur, parsed.themes,
                "INSERT INTO audit_themes SELECT $submission_id, $sheet, source_row, theme, theme_slug, judgement"
                " FROM arrow_rows",
                {"submission_id": submission_id, "sheet": summary.label},
            )
    for dataset in {p.dataset.name for p in parts}:
        recompute(cur, dataset, report.agency)
    return int(submission_id)


def _insert_arrow(cur, table, sql: str, params: dict) -> None:
    """Run an INSERT ... FROM arrow_rows with ``table`` (a pyarrow Table) as ``arrow_rows``."""
    cur.register("arrow_rows", table)
    try:
        cur.execute(sql, params)
    finally:
        cur.unregister("arrow_rows")


def audit_action(report: LoadReport) -> AuditAction:
    """What the audit trail calls this load: loading the action plan is recorded apart from returns."""
    return AuditAction.ACTION_PLAN_LOAD if "actions" in report.datasets else AuditAction.UPLOAD


def _log(cur, report: LoadReport, uploaded_by: str, actor: Actor) -> None:
    # Only the value-free form is logged: a cell, a data row taken for headers or a sheet name could be
    # personal data, and these logs are kept for good.
    summary = report.stored_summary()
    cur.execute(
        """INSERT INTO upload_log VALUES (nextval('upload_log_id_seq'), now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [report.file, report.sha256, report.agency, uploaded_by, report.status, report.submission_id,
         report.datasets, len(report.errors), summary],
    )
    detail = f"{report.file}: {', '.join(report.datasets) or 'no dataset'}; {report.rows_loaded} rows loaded"
    if report.errors:
        detail += f"; {len(report.errors)} error(s), first: {summary}"
    audit.append(cur, actor, audit_action(report), report.submission_id or report.file, report.status, detail)


def pseudonymiser_for(store: Store) -> Pseudonymiser:
    return Pseudonymiser(secret_for(store.path))


def load_file(
    store: Store,
    path: Path,
    *,
    uploaded_by: str,
    agency: str | None = None,
    display_name: str | None = None,
    skip_invalid_rows: bool = False,
    dry_run: bool = False,
    limits: Limits = Limits(),
    progress: Progress | None = None,
    actor: Actor | None = None,
    aliases: AliasTable | None = None,
) -> LoadReport:
    """Read, validate and (unless ``dry_run``) commit one file. A dry run writes nothing at all.
    ``aliases``: the value mappings to apply (see ``prepare``); by default the agency's, from the store."""
    if aliases is None:
        aliases = aliases_for(store, agency)
    prepared = prepare(
        path, pseudonymiser_for(store), display_name=display_name, agency=agency,
        skip_invalid_rows=skip_invalid_rows, limits=limits, progress=progress, aliases=aliases,
    )
    prepared.report.volume_warnings = volume_warnings(store, prepared)
    if dry_run:
        _refuse_if_already_loaded(store.cursor(), prepared.report)
        return prepared.report
    return commit(store, prepared, uploaded_by=uploaded_by, actor=actor)


class WithdrawError(ValueError):
    pass


def withdraw(store: Store, submission_id: int, *, by: str, actor: Actor | None = None) -> dict:
    """Withdraw a submission: its rows stop counting and what it superseded is current again."""
    with store.transaction() as cur:
        row = cur.execute(
            "SELECT agency, withdrawn_at FROM submissions WHERE submission_id = ?", [submission_id]
        ).fetchone()
        if row is None:
            raise WithdrawError(f"there is no submission {submission_id}")
        agency, withdrawn_at = row
        if withdrawn_at is not None:
            raise WithdrawError(f"submission {submission_id} was already withdrawn on {withdrawn_at:%d/%m/%Y %H:%M}")
        cur.execute(
            "UPDATE submissions SET withdrawn_at = now()::TIMESTAMP, withdrawn_by = ? WHERE submission_id = ?",
            [by, submission_id],
        )
        datasets = [r[0] for r in cur.execute(
            "SELECT DISTINCT dataset FROM submission_parts WHERE submission_id = ?", [submission_id]).fetchall()]
        for dataset in datasets:
            recompute(cur, dataset, agency)
        audit.append(cur, actor or Actor(by), AuditAction.WITHDRAW, submission_id, AuditOutcome.DONE,
                     f"{agency}: {', '.join(datasets)}")
    return {"submission_id": submission_id, "agency": agency, "datasets": datasets, "withdrawn_by": by}


def submission_history(store: Store) -> pd.DataFrame:
    """Every submission, newest first, with the rows of it that still count."""
    counts = " + ".join(
        f"(SELECT count(*) FROM {name} d WHERE d.submission_id = s.submission_id AND d.is_current)"
        for name in DATASETS
    )
    return store.query(
        f"""SELECT submission_id, uploaded_at, file_name, agency, uploaded_by, datasets, date_from, date_to,
                   rows_read, rows_loaded, rows_skipped, skip_invalid_rows,
                   {counts} AS rows_current,
                   CASE WHEN withdrawn_at IS NULL THEN 'active' ELSE 'withdrawn' END AS state,
                   withdrawn_at, withdrawn_by
            FROM submissions s ORDER BY submission_id DESC"""
    )
