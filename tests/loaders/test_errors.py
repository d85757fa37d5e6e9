"""Errors: located as a person finds them in Excel; a file with any error is rejected whole."""

from __future__ import annotations

import datetime as dt
import json

from loader_helpers import count, load, snapshot

from tests.spreadsheets import CONTACT_HEADERS, VALID_ROW, dataset_rows, write_csv, write_xlsx

APRIL_3 = dt.date(2025, 4, 3)


def test_every_error_names_sheet_excel_row_header_as_written_value_and_expectation(store, tmp_path):
    rows = [
        ["MASH contacts, 2025-26 Q1"],
        [],
        ["child unique ID", "DATE of  Contact", "Contact Source", "Mash Decision Date", "MASH outcome "],
        ["SYN-1", APRIL_3, "6", dt.date(2025, 4, 4), "NFA"],
        ["SYN-2", "32/04/2025", "6", None, "NFA"],
        ["SYN-3", APRIL_3, "Mrs Jones", None, "NFA"],
        [],
        ["SYN-4", APRIL_3, "6", None, "Sent abroad"],
        ["SYN-5", None, "6", None, None],
    ]
    path = write_xlsx(tmp_path / "q1.xlsx", {"Intro": [["Read me"]], "MASH data": rows})
    report = load(store, path)
    assert report.status == "rejected"
    got = [(e.sheet, e.row, e.column, e.value) for e in report.errors]
    assert got == [
        ("MASH data", 5, "DATE of Contact", "32/04/2025"),
        ("MASH data", 6, "Contact Source", "Mrs Jones"),
        ("MASH data", 8, "MASH outcome", "Sent abroad"),
        ("MASH data", 9, "DATE of Contact", ""),
    ]
    messages = [e.message for e in report.errors]
    assert messages[0] == "is not a real date; expected a date such as 03/04/2025 or 2025-04-03"
    assert messages[1].startswith("is not a recognised source; expected a children in need source code")
    assert messages[2] == ("is not a recognised outcome; expected one of: NFA, Advice, Early help, Referral, "
                           "Strategy discussion, Other")
    assert messages[3] == "is blank; 'Contact date' is required"
    assert str(report.errors[0]) == ("sheet 'MASH data', row 5, column 'DATE of Contact': value '32/04/2025': "
                                     "is not a real date; expected a date such as 03/04/2025 or 2025-04-03")
    assert report.rows_read == 5 and report.rows_loaded == 0 and report.rows_skipped == 4


def test_row_numbers_in_a_csv_count_the_header_and_blank_lines(store, tmp_path):
    rows = [CONTACT_HEADERS, ["SYN-1", "03/04/2025", "6"], [], ["SYN-2", "03/04/2025", "zzz"]]
    report = load(store, write_csv(tmp_path / "c.csv", rows))
    assert [(e.sheet, e.row, e.column, e.value) for e in report.errors] == [("c.csv", 4, "Contact Source", "zzz")]


def test_missing_required_column_names_it_and_lists_the_headers_found(store, tmp_path):
    rows = [["Child Unique ID", "Date of Contact", "MASH outcome", "Team"], ["SYN-1", APRIL_3, "NFA", "A"]]
    report = load(store, write_xlsx(tmp_path / "c.xlsx", {"Contacts": rows}))
    assert report.status == "rejected"
    (error,) = report.errors
    assert (error.sheet, error.row, error.column, error.value) == ("Contacts", 1, "Contact source", None)
    assert error.message.startswith("required column 'Contact source' is missing (accepted headers: "
                                    "'Contact source', 'Contact Source', 'Source of contact', 'Source')")
    assert error.message.endswith("headers found: Child Unique ID, Date of Contact, MASH outcome, Team")


def test_every_missing_required_column_is_listed(store, tmp_path):
    rows = [["Course title", "Attendance", "Role"], ["Neglect", "DNA", "GP"]]
    report = load(store, write_xlsx(tmp_path / "t.xlsx", {"Training": rows}))
    assert [e.column for e in report.errors] == ["Session date", "Agency"]
    assert all(e.message.endswith("headers found: Course title, Attendance, Role") for e in report.errors)


def test_headers_with_no_data_rows_are_rejected(store, tmp_path):
    rows = [CONTACT_HEADERS, [], [None, "  ", "#N/A"]]
    report = load(store, write_xlsx(tmp_path / "c.xlsx", {"Contacts": rows}))
    assert report.status == "rejected"
    assert [(e.sheet, e.message) for e in report.errors] == [
        ("Contacts", "no data rows: the sheet has headers but no data below them")]


def test_a_file_with_no_recognisable_sheet_says_what_headers_it_found(store, tmp_path):
    report = load(store, write_xlsx(tmp_path / "x.xlsx", {"Stuff": [["Name", "Colour"], ["a", "b"]]}))
    assert report.status == "rejected"
    (error,) = report.errors
    assert error.message.startswith("x.xlsx: no sheet matches a dataset (contacts, referrals, cp_plans, training, "
                                    "audits, actions). Headers found — 'Stuff': Name, Colour")
    assert report.sheets_not_used == ["Stuff"]


def test_a_file_with_any_error_writes_no_rows_but_logs_the_attempt(store, tmp_path):
    good = load(store, write_xlsx(tmp_path / "first.xlsx", {"C": [CONTACT_HEADERS, ["SYN-0", APRIL_3, "6"]]}))
    assert good.status == "accepted"
    before = snapshot(store)
    path = write_xlsx(tmp_path / "mixed.xlsx", {
        "Contacts": [CONTACT_HEADERS] + [[f"SYN-{i}", APRIL_3, "6"] for i in range(1, 50)] + [["SYN-X", APRIL_3, "?"]],
        "Referrals": dataset_rows("referrals", [VALID_ROW["referrals"]]),
    })
    report = load(store, path, uploaded_by="manager@example.org")
    assert (report.status, report.submission_id, report.rows_loaded) == ("rejected", None, 0)
    after = snapshot(store)
    assert {t: rows for t, rows in after.items() if not t.endswith("_log")} == {
        t: rows for t, rows in before.items() if not t.endswith("_log")}
    assert len(after["upload_log"]) == len(before["upload_log"]) + 1
    log = store.rows("SELECT file_name, status, submission_id, datasets, error_count, first_error, uploaded_by "
                     "FROM upload_log ORDER BY log_id DESC LIMIT 1")
    assert log == [("mixed.xlsx", "rejected", None, ["contacts", "referrals"], 1,
                    # value-free: the sheet by position, the column by letter and as declared, not as written
                    "sheet 1, row 51, column C ('Contact source'): is not a recognised source; "
                    + report.errors[0].message.split("; ", 1)[1], "manager@example.org")]


def test_skip_invalid_rows_loads_the_valid_rows_and_records_the_choice(store, tmp_path):
    rows = [CONTACT_HEADERS, ["SYN-1", APRIL_3, "6"], ["SYN-2", "yesterday", "6"], ["SYN-3", APRIL_3, "4"],
            ["SYN-4", APRIL_3, "??"]]
    path = write_xlsx(tmp_path / "c.xlsx", {"Contacts": rows})
    report = load(store, path, skip_invalid_rows=True)
    assert report.status == "accepted"
    assert [e.row for e in report.errors] == [3, 5]
    assert (report.rows_read, report.rows_loaded, report.rows_skipped) == (4, 2, 2)
    assert store.rows("SELECT source_row, source_code FROM contacts ORDER BY 1") == [(2, "6"), (4, "4")]
    assert store.rows("SELECT skip_invalid_rows, rows_read, rows_loaded, rows_skipped FROM submissions") == [
        (True, 4, 2, 2)]
    assert store.rows("SELECT rows_read, rows_loaded, rows_skipped FROM submission_parts") == [(4, 2, 2)]


def test_a_clean_file_records_that_no_rows_were_skipped(store, tmp_path):
    report = load(store, write_xlsx(tmp_path / "c.xlsx", {"C": [CONTACT_HEADERS, ["SYN-1", APRIL_3, "6"]]}))
    assert report.status == "accepted"
    assert store.rows("SELECT skip_invalid_rows, rows_skipped FROM submissions") == [(False, 0)]


def test_skip_invalid_rows_does_not_rescue_a_sheet_missing_a_required_column(store, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", {
        "Contacts": [CONTACT_HEADERS, ["SYN-1", APRIL_3, "6"]],
        "Referrals": [["Child ID", "Referral date"], ["SYN-1", APRIL_3]],
    })
    report = load(store, path, skip_invalid_rows=True)
    assert report.status == "rejected"
    assert count(store, "contacts") == 0 and count(store, "submissions") == 0


def test_skip_invalid_rows_with_every_row_invalid_loads_nothing(store, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", {"Contacts": [CONTACT_HEADERS, ["SYN-1", "never", "6"]]})
    report = load(store, path, skip_invalid_rows=True)
    assert report.status == "rejected"
    assert count(store, "submissions") == 0


def test_warnings_are_recorded_on_the_submission(store, tmp_path):
    rows = [CONTACT_HEADERS, ["SYN-1", APRIL_3, "6"], ["SYN-1", APRIL_3, "q) 6: Police"]]
    report = load(store, write_xlsx(tmp_path / "c.xlsx", {"Contacts": rows}))
    assert report.status == "accepted"
    warnings = json.loads(store.scalar("SELECT warnings FROM submissions"))
    assert warnings == [w.stored() for w in report.warnings]
    assert warnings == ["sheet 1, row 3: repeats row 2 (same Contact ID / Child ID, Contact date, "
                        "Contact source): loaded once"]


def test_row_numbers_when_the_table_starts_below_and_right_of_a1(store, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Offset"
    for position, header in enumerate(["Child ID", "Date of Contact", "Contact Source"], start=3):
        sheet.cell(row=4, column=position, value=header)
    sheet.cell(row=5, column=3, value="SYN-1")
    sheet.cell(row=5, column=4, value="bad")
    sheet.cell(row=5, column=5, value="6")
    workbook.save(tmp_path / "offset.xlsx")
    report = load(store, tmp_path / "offset.xlsx")
    assert report.sheets[0].header_row == 4
    assert [(e.sheet, e.row, e.column, e.value) for e in report.errors] == [("Offset", 5, "Date of Contact", "bad")]
