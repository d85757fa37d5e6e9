"""Repeated errors grouped by column, value and message, from a real file through the real loader, and the
command line's text output grouped while its JSON keeps every issue."""

from __future__ import annotations

import json
from pathlib import Path

from loaders.__main__ import main
from loaders.issue_groups import IssueGroup, group_issues
from loaders.pseudonymise import Pseudonymiser
from loaders.report import Issue
from loaders.submit import prepare
from tests.spreadsheets import CONTACT_HEADERS, write_csv


def _export(tmp_path: Path) -> Path:
    """A MASH export: 40 rows with the local label "LA services", two with another, one bad date, 9 good."""
    rows = []
    for i in range(52):
        source = "LA services" if i % 13 < 10 else "6"
        rows.append([f"SYN-G-{i:03d}", "03/04/2025", source, "04/04/2025", "No further action", "No"])
    rows[5][2] = rows[17][2] = "Neighbour"
    rows[30][1] = "31/02/2025"
    return write_csv(tmp_path / "mash_export.csv", [CONTACT_HEADERS, *rows])


def test_forty_rows_with_one_label_are_one_group(tmp_path):
    report = prepare(_export(tmp_path), Pseudonymiser(b"k" * 32)).report
    groups = group_issues(report.errors)
    assert [(g.column, g.value, g.count) for g in groups] == [
        ("Contact Source", "LA services", 38), ("Contact Source", "Neighbour", 2),
        ("Date of Contact", "31/02/2025", 1)]
    assert sum(g.count for g in groups) == len(report.errors) == 41
    la = groups[0]
    expected_rows = [i + 2 for i in range(52) if i % 13 < 10 and i not in (5, 17)]
    assert la.rows == tuple(expected_rows)
    assert la.line().startswith("'LA services' in Contact Source, 38 rows: 2, 3, 4, 5, 6, 8, 9, 10, 11, 15, …: ")
    assert la.line().endswith(report.errors[0].message)
    assert groups[2].line() == ("'31/02/2025' in Date of Contact, row 32: is not a real date; "
                                "expected a date such as 03/04/2025 or 2025-04-03")
    assert groups[1].line(with_sheet=True).startswith("'Neighbour' in Contact Source (sheet 'mash_export.csv'), "
                                                      "2 rows: 7, 19: ")


def test_groups_keep_sheets_apart_and_order_by_size_then_first_row():
    # the largest first; among equals, one about the whole file, then by first row
    issues = [Issue("A", 5, "Grade", "x", "bad"), Issue("B", 2, "Grade", "x", "bad"), Issue("A", 3, "Grade", "x", "bad"),
              Issue("A", 9, "Grade", "", "is blank"), Issue(None, None, None, None, "whole file")]
    assert group_issues(issues) == [
        IssueGroup("A", "Grade", "x", "bad", (3, 5), 2),
        IssueGroup(None, None, None, "whole file", (), 1),
        IssueGroup("B", "Grade", "x", "bad", (2,), 1),
        IssueGroup("A", "Grade", "", "is blank", (9,), 1),
    ]
    assert group_issues(issues)[3].line() == "blank in Grade, row 9: is blank"
    assert group_issues(issues)[1].line() == "whole file"
    assert group_issues([]) == []


def test_the_command_line_groups_its_text_and_keeps_every_issue_in_json(tmp_path, capsys):
    path = _export(tmp_path)
    db = tmp_path / "cli.duckdb"
    assert main([str(path), "--db", str(db), "--dry-run"]) == 1
    errors = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  ERROR")]
    assert len(errors) == 3
    assert errors[0].startswith("  ERROR 'LA services' in Contact Source, 38 rows: 2, 3, 4, 5, 6, 8, 9, 10, 11, 15, …")
    assert main([str(path), "--db", str(db), "--dry-run", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert len(report["errors"]) == 41
    assert sum(e["value"] == "LA services" for e in report["errors"]) == 38
