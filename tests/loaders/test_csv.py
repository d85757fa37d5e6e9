"""CSV files: one sheet named after the file; UTF-8 with or without BOM, else Windows-1252; ; separators."""

from __future__ import annotations

import datetime as dt

import pytest
from loader_helpers import load

from tests.spreadsheets import write_csv

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
