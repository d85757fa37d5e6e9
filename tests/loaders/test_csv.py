"""CSV files: one sheet named after the file; UTF-8 with or without BOM, else Windows-1252; ; separators."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from loader_helpers import count, load

from loaders.read import MAX_ROWS, Limits
from tests.spreadsheets import write_csv

ROOT = Path(__file__).resolve().parents[2]

HEADERS = ["Course date", "Course title", "Delegate agency", "Attendance", "Pre-course confidence"]
COURSE = "Négligence: recognising neglect — £0 cost, Ça va"
ROWS = [HEADERS, ["20/05/2025", COURSE, "Met Police", "DNA", "4 - Confident"],
        ["21/05/2025", "Café session", "NHS", "Attended", "2"]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_utf8_with_and_without_bom(store, tmp_path, encoding):
    path = write_csv(tmp_path / "training.csv", ROWS, encoding=encoding)
    if encoding == "utf-8-sig":
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    report = load(store, path)
    assert report.status == "accepted", report.errors
    assert [(s.sheet, s.dataset) for s in report.sheets] == [("training.csv", "training")]
    assert report.sheets[0].columns_mapped["Course date"] == "Session date"  # BOM not part of the first header
    assert store.rows("SELECT session_date, course, agency, attended, confidence_pre FROM training ORDER BY 1") == [
        (dt.date(2025, 5, 20), COURSE, "Police", "No", 4), (dt.date(2025, 5, 21), "Café session", "Health", "Yes", 2)]


def test_windows_1252_fallback(store, tmp_path):
    rows = [HEADERS, ["20/05/2025", "Neglect £5 – Café “deep dive”", "Police", "Yes", "3"]]
    path = write_csv(tmp_path / "excel-export.csv", rows, encoding="cp1252")
    raw = path.read_bytes()
    assert b"\xa3" in raw and b"\xe9" in raw  # £ and é as single Windows-1252 bytes
    report = load(store, path)
    assert report.status == "accepted", report.errors
    assert store.rows("SELECT course FROM training") == [("Neglect £5 – Café “deep dive”",)]


def test_semicolon_separated(store, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text("Child ID;Date of Contact;Contact Source;MASH outcome\r\n"
                    "SYN-1;03/04/2025;q) 6: Police;No further action\r\n"
                    "SYN-2;04/04/2025;Schools;Referral to children's social care\r\n", encoding="utf-8")
    report = load(store, path)
    assert report.status == "accepted", report.errors
    assert store.rows("SELECT contact_date, source_code, outcome FROM contacts ORDER BY 1") == [
        (dt.date(2025, 4, 3), "6", "NFA"), (dt.date(2025, 4, 4), "2A", "Referral")]


def test_quoted_commas_and_title_rows(store, tmp_path):
    rows = [["MASH contacts"], [], ["Child ID", "Contact date", "Contact source", "MASH outcome"],
            ["SYN-1", "2025-04-03", "g) 3A: Health services", "Strategy discussion/S47"]]
    report = load(store, write_csv(tmp_path / "c.csv", rows))
    assert report.status == "accepted", report.errors
    assert report.sheets[0].header_row == 3
    assert store.rows("SELECT source_row, source_code, outcome FROM contacts") == [(4, "3A", "Strategy discussion")]


def test_csv_sheet_is_named_after_the_uploaded_file(store, tmp_path):
    path = write_csv(tmp_path / "tmp123.csv", [["Child ID", "Contact date", "Contact source"], ["S", "bad", "6"]])
    report = load(store, path, display_name="April contacts.csv")
    assert report.file == "April contacts.csv"
    assert report.errors[0].sheet == "April contacts.csv"


# --- the row limit: every row counts (title, header and blank rows too), whatever ends the lines ------------

CONTACT_CSV_HEADER = "Child ID,Contact date,Contact source"


def _contacts_csv(path: Path, rows: int, ending: str, *, final_ending: bool = True, encoding: str = "utf-8") -> Path:
    """A contacts CSV of exactly ``rows`` rows, the header included; ``ending`` "mixed" cycles LF, CRLF, CR."""
    lines = [CONTACT_CSV_HEADER] + [f"SYN-{i},03/04/2025,6" for i in range(1, rows)]
    endings = ["\n", "\r\n", "\r"] if ending == "mixed" else [ending]
    text = "".join(line + endings[i % len(endings)] for i, line in enumerate(lines))
    if not final_ending:
        text = text.rstrip("\r\n")
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("final_ending", [True, False], ids=["ending-at-the-end", "no-ending-at-the-end"])
@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r", "mixed"], ids=["LF", "CRLF", "CR", "mixed"])
def test_row_limit_is_exact_for_every_line_ending(store, tmp_path, ending, final_ending):
    limits = Limits(max_rows=12)
    at_limit = load(store, _contacts_csv(tmp_path / "twelve.csv", 12, ending, final_ending=final_ending),
                    limits=limits)
    assert (at_limit.status, at_limit.rows_read, at_limit.rows_loaded) == ("accepted", 11, 11), at_limit.errors
    over = load(store, _contacts_csv(tmp_path / "thirteen.csv", 13, ending, final_ending=final_ending), limits=limits)
    assert over.status == "rejected"
    assert [e.message for e in over.errors] == ["thirteen.csv: the CSV file has more than the 12 rows allowed"]
    assert count(store, "contacts") == 11


def test_a_line_break_inside_quotes_is_part_of_one_row(store, tmp_path):
    """Records are counted, not lines: a quoted note over three lines is one row."""
    path = tmp_path / "notes.csv"
    note = '"first line\r\nsecond line\rthird line\nend"'
    path.write_text(f"{CONTACT_CSV_HEADER},Notes\n" + "".join(f"SYN-{i},03/04/2025,6,{note}\n" for i in range(1, 5)),
                    encoding="utf-8")
    report = load(store, path, limits=Limits(max_rows=5))
    assert (report.status, report.rows_read) == ("accepted", 4), report.errors
    assert store.rows("SELECT max(source_row) FROM contacts") == [(5,)]  # Excel's row numbers, one per record


def test_blank_lines_count_as_rows(store, tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text(f"{CONTACT_CSV_HEADER}\nSYN-1,03/04/2025,6\n\n\nSYN-2,04/04/2025,6\n", encoding="utf-8")
    assert load(store, path, limits=Limits(max_rows=5)).status == "accepted"
    assert load(store, path, limits=Limits(max_rows=4)).errors[0].message.endswith("more than the 4 rows allowed")


def test_reading_stops_at_the_first_row_over_the_limit(store, tmp_path):
    """Row 11 is one too many: what comes after it (here a NUL byte, then 200,000 CR-only rows) is never read."""
    note = "n" * 1000  # the NUL lies beyond the first 8 KB, which the type check reads
    path = tmp_path / "long.csv"
    path.write_text(f"{CONTACT_CSV_HEADER},Notes\r" + "".join(f"SYN-{i},03/04/2025,6,{note}\r" for i in range(1, 11))
                    + "SYN-\x00,03/04/2025,6\r" + "SYN-X,03/04/2025,6\r" * 200_000, encoding="utf-8")
    report = load(store, path, limits=Limits(max_rows=10))
    assert [e.message for e in report.errors] == ["long.csv: the CSV file has more than the 10 rows allowed"]


def test_windows_1252_found_late_is_read_once(store, tmp_path):
    """The first 3,000 rows are plain ASCII, so the file reads as UTF-8 until the £ of row 3,001: it is then
    read again from the start as Windows-1252, and every row is loaded once."""
    rows = [HEADERS] + [[f"{1 + i % 28:02d}/05/2025", f"Course {i}", "Police", "Yes", "3"] for i in range(3_000)]
    rows.append(["20/05/2025", "Neglect £5", "Police", "Yes", "3"])
    path = write_csv(tmp_path / "late.csv", rows, encoding="cp1252")
    report = load(store, path)
    assert (report.status, report.rows_read, report.rows_loaded) == ("accepted", 3_001, 3_001), report.errors
    assert store.rows("SELECT course FROM training WHERE course LIKE 'Neglect%'") == [("Neglect £5",)]


def test_doubled_quotes_after_the_sample_are_read_as_excel_writes_them(store, tmp_path):
    """Only the separator is guessed from the first 8 KB: a doubled quote further down is still one quote."""
    rows = [HEADERS] + [[f"{1 + i % 28:02d}/05/2025", f"Course {i}", "Police", "Yes", "3"] for i in range(400)]
    rows.append(["20/05/2025", 'Neglect "deep dive", part 2', "Police", "Yes", "3"])
    path = write_csv(tmp_path / "quoted.csv", rows)
    assert b'"Neglect ""deep dive"", part 2"' in path.read_bytes()[8192:]
    report = load(store, path)
    assert (report.status, report.rows_loaded) == ("accepted", 401), report.errors
    assert store.rows("SELECT course FROM training WHERE course LIKE 'Neglect%'") == [('Neglect "deep dive", part 2',)]


# --- parse faults: one clean line naming the row, an audit row, nothing else written --------------------------

SECRET = "Jane Q Syntheticname"  # planted in the faulty row: no refusal may quote it
BIG = 2**20  # 1 MB


def _fault_file(path: Path, row3: bytes, *, before: int = 1, after: bytes = b"SYN-9,05/04/2025,6\r\n",
                encoding: str = "utf-8") -> Path:
    """A contacts CSV whose row ``before + 2`` is ``row3`` (header, ``before`` good rows, the fault, one more)."""
    good = "".join(f"SYN-{i},03/04/2025,6\r\n" for i in range(1, before + 1))
    path.write_bytes(f"{CONTACT_CSV_HEADER}\r\n{good}".encode(encoding) + row3 + after)
    return path


FAULTS = {
    "unclosed-quote.csv": (
        lambda p: _fault_file(p, f'SYN-2,"03/04/2025 {SECRET},6\r\n'.encode()),
        "row 3: a double quote mark opened in this row is never closed"),
    "unclosed-quote-long.csv": (
        lambda p: _fault_file(p, f'SYN-2,"{SECRET},6\r\n'.encode(), after=b"SYN-9,05/04/2025,6\r\n" * 120_000),
        "row 3: a field is longer than the 1 MB allowed: is a double quote mark left unclosed?"),
    "big-field.csv": (
        lambda p: _fault_file(p, f'SYN-2,03/04/2025,"{SECRET}'.encode() + b"x\r\n" * (BIG // 3 + 10) + b'"\r\n'),
        "row 3: a field is longer than the 1 MB allowed: is a double quote mark left unclosed?"),
    "long-line.csv": (
        lambda p: _fault_file(p, f"SYN-2,03/04/2025,{SECRET}".encode() + b"x" * BIG + b"\r\n"),
        "row 3 is longer than the 1 MB allowed for one line: is this really a CSV file?"),
    "text-after-quote.csv": (
        lambda p: _fault_file(p, f'"SYN-2"{SECRET},03/04/2025,6\r\n'.encode()),
        "row 3: a quoted field has more text after its closing quote"),
    "nul-late.csv": (  # far beyond the first 8 KB, which the type check reads
        lambda p: _fault_file(p, f"SYN-2,03/04/2025,{SECRET}\x00\r\n".encode(), before=998),
        "row 1,000 holds a NUL byte: the file is damaged or is not a CSV file"),
    "undecodable.csv": (  # 0x81 is undefined in Windows-1252 too; the £ makes the file Windows-1252
        lambda p: _fault_file(p, f"SYN-2,03/04/2025,{SECRET} £".encode("cp1252") + b"\x81\r\n", before=40),
        'row 42 holds bytes that are not text in UTF-8 or Windows-1252: save the file again as "CSV UTF-8"'),
    "undecodable-utf8.csv": (  # a UTF-8 file (with BOM) with one byte no encoding accepts
        lambda p: _fault_file(p, "\ufeff".encode() + f"SYN-2,03/04/2025,{SECRET} é".encode() + b"\x8d\r\n",
                              before=5),
        'row 7 holds bytes that are not text in UTF-8 or Windows-1252: save the file again as "CSV UTF-8"'),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_parse_faults_are_refused_naming_the_row(store, tmp_path, name):
    build, expected = FAULTS[name]
    path = build(tmp_path / name)
    report = load(store, path)
    assert report.status == "rejected"
    assert [e.message for e in report.errors] == [f"{name}: {expected}"]
    assert SECRET not in report.errors[0].message
    assert count(store, "submissions") == 0 and count(store, "contacts") == 0
    assert store.rows("SELECT file_name, status FROM upload_log") == [(name, "rejected")]
    assert store.rows("SELECT outcome FROM audit_log") == [("rejected",)]
    stored = " ".join(str(v) for row in store.rows("SELECT * FROM upload_log") + store.rows("SELECT * FROM audit_log")
                      for v in row)
    assert "row " in stored and SECRET not in stored


def test_command_line_refuses_parse_faults_in_one_line_without_a_traceback(tmp_path):
    files = [build(tmp_path / name) for name, (build, _) in FAULTS.items()]
    result = subprocess.run([sys.executable, "-m", "loaders", "--json", "--db", str(tmp_path / "cli.duckdb"),
                             *map(str, files)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stderr == ""
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["file"], r["status"]) for r in reports] == [(name, "rejected") for name in FAULTS]
    for report, (name, (_, expected)) in zip(reports, FAULTS.items(), strict=True):
        assert [e["message"] for e in report["errors"]] == [f"{name}: {expected}"]


# --- the largest file allowed, at the real limit ---------------------------------------------------------------

@pytest.mark.slow
def test_largest_allowed_csv_loads_under_1_5_gb_and_one_row_more_is_refused(tmp_path):
    """SLOW (about 30 s): a 1,000,000-row contacts CSV (a title row, the headers and 999,998 contacts, 110 MB)
    loads through ``load_file`` in a fresh process peaking under 1.5 GB; with one row more, the command line
    refuses it. The same measurement is ``make bench``'s loaders.largest_csv_peak_memory."""
    from bench.bench_loaders import build_csv, peak_memory_mb

    path = tmp_path / "million.csv"
    build_csv(path, MAX_ROWS - 2)
    peak_mb = peak_memory_mb(path, MAX_ROWS - 2)  # the child asserts the file was accepted
    assert peak_mb < 1536, peak_mb

    over = tmp_path / "million-and-one.csv"
    shutil.copyfile(path, over)
    with open(over, "ab") as handle:
        handle.write(b"SYN-999999,03/04/2025,6\r\n")
    result = subprocess.run([sys.executable, "-m", "loaders", "--json", "--db", str(tmp_path / "cli.duckdb"),
                             str(over)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stderr) == (1, "")
    assert [e["message"] for e in json.loads(result.stdout)["errors"]] == [
        "million-and-one.csv: the CSV file has more than the 1,000,000 rows allowed"]
