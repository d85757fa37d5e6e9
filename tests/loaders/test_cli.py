"""The command line: --json output, exit codes, dry run, withdraw, history and templates."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from loader_helpers import count, load
from openpyxl.utils import get_column_letter

from loaders.__main__ import main
from loaders.datasets import DATASETS
from loaders.roles import role_words
from loaders.store import Store
from loaders.submit import withdraw
from loaders.template import write_template
from tests.spreadsheets import CONTACT_HEADERS, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
REPORT_KEYS = {"file", "datasets", "status", "submission_id", "rows_read", "rows_loaded", "rows_skipped", "errors",
               "warnings", "dropped_columns", "aliases_applied", "volume_warnings"}
ISSUE_KEYS = {"sheet", "row", "column", "value", "message"}


def _cli(*args: str, db: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **({"DASHBOARD_DB": str(db)} if db else {})}
    return subprocess.run([sys.executable, "-m", "loaders", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def _good(tmp_path: Path, name: str = "good.xlsx", child: str = "SYN-1") -> Path:
    rows = [[*CONTACT_HEADERS, "Allocated Worker"], [child, dt.date(2025, 4, 3), "6", None, None, None, "A Worker"],
            [child, dt.date(2025, 4, 3), "q) 6: Police", None, None, None, "A Worker"]]
    return write_xlsx(tmp_path / name, {"Contacts": rows})


def _bad(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "bad.xlsx", {"Contacts": [CONTACT_HEADERS, ["SYN-2", "31/02/2025", "6"]]})


def test_json_gives_one_object_per_file_and_nothing_else(tmp_path):
    db = tmp_path / "cli.duckdb"
    good, bad = _good(tmp_path), _bad(tmp_path)
    result = _cli(str(good), str(bad), str(good), "--json", "--agency", "MPS", "--db", str(db))
    assert result.returncode == 1
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    reports = [json.loads(line) for line in lines]
    assert all(set(r) == REPORT_KEYS for r in reports)
    first, second, third = reports
    assert first == {
        "file": "good.xlsx", "datasets": ["contacts"], "status": "accepted", "submission_id": 1, "rows_read": 2,
        "rows_loaded": 1, "rows_skipped": 0, "errors": [],
        "warnings": [{"sheet": "Contacts", "row": 3, "column": None, "value": None,
                      "message": "repeats row 2 (same Contact ID / Child ID, Contact date, Contact source): "
                                 "loaded once"}],
        "dropped_columns": ["Allocated Worker"], "aliases_applied": {}, "volume_warnings": [],
    }
    assert (second["status"], second["submission_id"], second["rows_loaded"]) == ("rejected", None, 0)
    assert [set(e) for e in second["errors"]] == [ISSUE_KEYS]
    assert second["errors"][0] == {"sheet": "Contacts", "row": 2, "column": "Date of Contact", "value": "31/02/2025",
                                   "message": "is not a real date; expected a date such as 03/04/2025 or 2025-04-03"}
    assert (third["status"], third["submission_id"]) == ("duplicate", 1)
    with Store(db) as store:
        assert store.rows("SELECT agency FROM submissions") == [("Police",)]


def test_exit_zero_when_every_file_is_accepted_or_a_duplicate(tmp_path, capsys):
    good = _good(tmp_path)
    assert main([str(good), str(_good(tmp_path, "other.xlsx", "SYN-9")), str(good)]) == 0
    out = capsys.readouterr().out
    assert "good.xlsx: accepted as submission 1" in out
    assert "good.xlsx: duplicate: already loaded as submission 1 for Children's social care: nothing changed" in out
    assert "columns dropped for privacy: Allocated Worker" in out


def test_human_report_lists_errors(tmp_path, capsys):
    assert main([str(_bad(tmp_path))]) == 1
    out = capsys.readouterr().out
    assert "bad.xlsx: rejected: nothing was written" in out
    # grouped by column, value and message (one sheet: not named); --json keeps every issue
    assert ("ERROR '31/02/2025' in Date of Contact, row 2: is not a real date; "
            "expected a date such as 03/04/2025 or 2025-04-03") in out


@pytest.mark.parametrize("argv", [
    [], ["--json"], ["--no-such-option", "x.xlsx"], ["missing-file.xlsx"], ["withdraw"], ["withdraw", "abc"],
    ["template", "no_such_dataset", "--out", "x.xlsx"], ["template", "contacts"], ["history", "--bogus"],
])
def test_usage_errors_exit_2(tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2


def test_unknown_agency_is_a_rejection_listing_the_accepted_names(tmp_path, capsys):
    assert main([str(_good(tmp_path)), "--agency", "Gringotts", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "rejected"
    assert report["errors"][0]["message"].startswith("unknown agency 'Gringotts'; expected one of: ")


def test_dry_run_writes_nothing(tmp_path, capsys):
    db = tmp_path / "dry.duckdb"
    assert main([str(_good(tmp_path)), "--dry-run", "--json", "--db", str(db)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["rows_loaded"], report["submission_id"]) == (1, None)
    assert main([str(_bad(tmp_path)), "--dry-run", "--db", str(db)]) == 1
    with Store(db) as store:
        assert [count(store, t) for t in ("submissions", "upload_log", "contacts", "submission_parts")] == [0, 0, 0, 0]


def test_dry_run_of_an_already_loaded_file_says_duplicate(tmp_path, capsys):
    db = tmp_path / "dry.duckdb"
    good = _good(tmp_path)
    assert main([str(good), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main([str(good), "--dry-run", "--json", "--db", str(db)]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "duplicate"


def test_the_same_file_under_another_agency_is_refused_with_exit_1(tmp_path):
    db = tmp_path / "twice.duckdb"
    good = _good(tmp_path)
    assert _cli(str(good), "--agency", "Police", "--db", str(db)).returncode == 0
    refusal = "already loaded as submission 1 for Police; withdraw that one first if the agency was wrong"
    for extra in (["--dry-run"], []):
        result = _cli(str(good), "--agency", "Health", "--json", "--db", str(db), *extra)
        assert (result.returncode, result.stderr) == (1, "")
        report = json.loads(result.stdout)
        assert (report["status"], report["submission_id"], report["rows_loaded"]) == ("rejected", None, 0)
        assert report["errors"][0]["message"] == refusal
    text = _cli(str(good), "--agency", "Health", "--db", str(db))
    assert text.returncode == 1
    assert f"ERROR {refusal}" in text.stdout
    with Store(db) as store:
        assert store.rows("SELECT submission_id, agency FROM submissions") == [(1, "Police")]
        assert count(store, "contacts") == 1
        # the dry run wrote nothing; each real attempt left its refusal in the audit trail
        assert store.rows("SELECT action, outcome, detail LIKE ? FROM audit_log ORDER BY audit_id",
                          [f"%{refusal}%"]) == [("upload", "accepted", False), ("upload", "rejected", True),
                                                ("upload", "rejected", True)]


def test_skip_invalid_rows_option(tmp_path, capsys):
    rows = [CONTACT_HEADERS, ["SYN-1", dt.date(2025, 4, 3), "6"], ["SYN-2", "31/02/2025", "6"]]
    path = write_xlsx(tmp_path / "mixed.xlsx", {"Contacts": rows})
    assert main([str(path), "--skip-invalid-rows", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["status"], report["rows_loaded"], report["rows_skipped"]) == ("accepted", 1, 1)
    assert len(report["errors"]) == 1


def test_withdraw_and_history(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    with Store(db) as store:
        load(store, _good(tmp_path))
        load(store, _good(tmp_path, "second.xlsx", "SYN-5"))
    result = _cli("withdraw", "2", "--db", str(db), "--by", "lead@example.org")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "submission 2 withdrawn (contacts); what it superseded counts again\n"
    assert main(["withdraw", "2", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: submission 2 was already withdrawn on ")
    assert err.count("\n") == 1
    assert main(["history", "--db", str(db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and lines[0].split()[:3] == ["submission_id", "uploaded_at", "file_name"]
    assert "second.xlsx" in lines[1] and "withdrawn" in lines[1]
    assert "good.xlsx" in lines[2] and "active" in lines[2]


def test_history_json_is_valid_json_with_plain_values(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    with Store(db) as store:
        load(store, _good(tmp_path))
        load(store, _good(tmp_path, "second.xlsx", "SYN-5"))
        withdraw(store, 2, by="lead@example.org")
    assert main(["history", "--db", str(db), "--json"]) == 0
    records = [json.loads(line, parse_constant=lambda name: pytest.fail(f"not JSON: {name}"))
               for line in capsys.readouterr().out.splitlines()]
    assert [(r["submission_id"], r["state"], r["withdrawn_by"], r["rows_current"], r["datasets"], r["date_from"])
            for r in records] == [(2, "withdrawn", "lead@example.org", 0, ["contacts"], "2025-04-03"),
                                  (1, "active", None, 1, ["contacts"], "2025-04-03")]
    assert records[1]["withdrawn_at"] is None


def test_history_table_and_empty_history(tmp_path, capsys):
    db = tmp_path / "h.duckdb"
    assert main(["history", "--db", str(db)]) == 0
    assert capsys.readouterr().out == "no submissions yet\n"
    with Store(db) as store:
        load(store, _good(tmp_path))
    assert main(["history", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "good.xlsx" in out and "active" in out


def test_withdraw_unknown_submission(tmp_path, capsys):
    assert main(["withdraw", "42", "--db", str(tmp_path / "x.duckdb")]) == 1
    assert capsys.readouterr().err == "error: there is no submission 42\n"


def test_template_command_writes_a_workbook(tmp_path):
    out = tmp_path / "templates" / "contacts.xlsx"
    result = _cli("template", "contacts", "--out", str(out), db=tmp_path / "t.duckdb")
    assert (result.returncode, result.stdout) == (0, f"wrote {out}\n")
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["Instructions", "MASH contacts", "Lists"]


@pytest.mark.parametrize("name", list(DATASETS))
def test_template_has_headers_instructions_validation_and_one_example_that_loads(store, tmp_path, name):
    dataset = DATASETS[name]
    path = write_template(dataset, tmp_path / f"{name}.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[dataset.title[:31]]
    assert [c.value for c in sheet[1]] == [c.header for c in dataset.columns]
    assert sheet.max_row == 2  # the header and one example row
    assert any(c.value is not None for c in sheet[2])
    instructions = workbook["Instructions"]
    listed = [instructions.cell(row=r, column=1).value for r in range(7, 7 + len(dataset.columns))]
    assert listed == [c.header for c in dataset.columns]
    validated = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    for position, column in enumerate(dataset.columns, start=1):
        letter = get_column_letter(position)
        if column.codes or column.kind == "agency":
            validation = validated[f"{letter}2:{letter}5000"]
            assert validation.type == "list"
            choices = column.codes.canonical if column.codes else None
            if choices:
                lists = workbook["Lists"]
                assert [lists.cell(row=r, column=position).value for r in range(1, len(choices) + 1)] == choices
    assert [instructions.cell(row=r, column=3).value for r in range(7, 7 + len(dataset.columns))] == [
        role_words(dataset, c.key) for c in dataset.columns]
    # The example row left as it is is skipped with a warning, so the template alone loads nothing ...
    report = load(store, path)
    assert (report.status, report.rows_loaded, count(store, name)) == ("rejected", 0, 0)
    assert [w.message for w in report.warnings] == ["row 2: the template's example row, left in: skipped, not loaded"]
    # ... and once a value in it is changed it is a row of data: every example value is valid.
    position, column = next((p, c) for p, c in enumerate(dataset.columns, start=1) if c.kind in ("id", "text"))
    sheet.cell(row=2, column=position, value=f"{column.example}-1")
    workbook.save(path)
    report = load(store, path)
    assert report.status == "accepted", report.errors
    assert (report.datasets, report.rows_loaded, report.warnings) == ([name], 1, [])
    assert set(report.sheets_not_used) == {"Instructions", "Lists"}
    assert count(store, name) == 1


def test_demo_is_a_command_even_beside_the_demo_package_folder(tmp_path, monkeypatch, capsys):
    """``make run`` calls ``python -m loaders demo`` from the repository root, where ``demo/`` is a folder."""
    db = tmp_path / "has-data.duckdb"
    path = write_xlsx(tmp_path / "c.xlsx", {"C": [CONTACT_HEADERS, ["SYN-1", dt.date(2025, 4, 3), "6"]]})
    with Store(db) as store:
        assert load(store, path).status == "accepted"
    monkeypatch.chdir(ROOT)
    assert (ROOT / "demo").is_dir()
    assert main(["demo", "--if-empty", "--db", str(db)]) == 0
    assert capsys.readouterr().out == f"{db} already has data: demo not loaded\n"
