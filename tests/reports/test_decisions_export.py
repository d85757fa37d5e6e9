"""The decisions log for the minutes, as CSV and Word: every decision, hostile text kept literal (and never a
formula in Excel), an empty log still a valid file, and an unwritable path a clear message."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from docx import Document

from metrics.decisions import record_decision
from reports.__main__ import main
from reports.decisions import EMPTY, ExportError, write_decisions
from tests.metrics.helpers import action, add_rows

HOSTILE = "=HYPERLINK(\"http://x.example\",\"click\") **bold** <b>html</b> [link](http://x.example)"


@pytest.fixture
def decided(store):
    add_rows(store, "actions", [action("1.1", status="In progress"), action("2.1")], agency="Safeguarding partnership")
    record_decision(store, "1.1", "Evidence submitted", "Audit report tabled", "MASH lead", on=dt.date(2025, 9, 1),
                    meeting_date=dt.date(2025, 8, 28), present=["Police", "Children's social care"])
    record_decision(store, "2.1", "In progress", HOSTILE, "-Chair", on=dt.date(2025, 10, 2))
    return store


def _csv_rows(path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def test_csv_holds_every_decision_oldest_first_and_no_formula(decided, tmp_path):
    out = write_decisions(decided, tmp_path / "log.csv")
    rows = _csv_rows(out)
    assert [r["Action"] for r in rows] == ["1.1", "2.1"]
    assert [r["Status"] for r in rows] == ["Evidence submitted", "In progress"]
    assert rows[0]["Date decided"] == "01/09/2025" and rows[0]["Recorded by"] == "MASH lead"
    assert rows[0]["Meeting date"] == "28/08/2025"
    assert rows[0]["Present"] == "Police, Children's social care"
    assert rows[0]["Action title"] == "Do better"
    # Formula-like text starts with an apostrophe; everything else is exactly as typed.
    assert rows[1]["Decision"] == "'" + HOSTILE
    assert rows[1]["Recorded by"] == "'-Chair"


def test_docx_holds_every_decision_as_plain_text(decided, tmp_path):
    out = write_decisions(decided, tmp_path / "log.docx")
    document = Document(str(out))
    assert document.paragraphs[0].style.name == "Heading 1"
    [table] = document.tables
    header = [cell.text for cell in table.rows[0].cells]
    assert {"Action", "Status", "Decision", "Recorded by", "Date decided"} <= set(header)
    body = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    assert len(body) == 2
    decision = header.index("Decision")
    assert body[0][decision] == "Audit report tabled"
    assert body[1][decision] == HOSTILE  # Word never runs formulas: the text is kept exactly


def test_an_empty_log_is_still_a_valid_file_saying_so(store, tmp_path):
    rows = _csv_rows(write_decisions(store, tmp_path / "log.csv"))
    assert rows == []
    header = (tmp_path / "log.csv").read_bytes().decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Action,") and "Decision" in header
    document = Document(str(write_decisions(store, tmp_path / "log.docx")))
    assert EMPTY in [p.text for p in document.paragraphs]
    assert not document.tables


def test_an_unwritable_path_or_format_is_a_clear_message(decided, tmp_path, capsys):
    with pytest.raises(ExportError, match=r"written as \.csv or \.docx, not \.xlsx"):
        write_decisions(decided, tmp_path / "log.xlsx")
    assert not (tmp_path / "log.xlsx").exists()
    decided.close()
    out = tmp_path / "missing" / "log.csv"
    assert main(["decisions", "--out", str(out), "--db", str(tmp_path / "dashboard.duckdb")]) == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("error: cannot write") and "log.csv" in line
    assert main(["decisions", "--out", str(tmp_path / "log.csv"), "--db", str(tmp_path / "dashboard.duckdb")]) == 0
    assert _csv_rows(tmp_path / "log.csv")[0]["Action"] == "1.1"
