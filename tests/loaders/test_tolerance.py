"""Tolerance by consequence: what a wrong or odd row does depends on what uses it (a wrong value stops the
file only in a column that identifies or dates the row, or that a measure reads).

Real files through the real loaders into a real DuckDB file; each test checks the rows loaded and the
metric values that result, not only the status."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pandas as pd
import pytest
from loader_helpers import count, load, parse_rows

from loaders.__main__ import main
from loaders.convert import Invalid, converter_for
from loaders.datasets import DATASETS
from loaders.report import Unrecognised
from loaders.value_aliases import AliasTable, ValueAlias
from metrics.compute import compute_all
from tests.spreadsheets import CONTACT_HEADERS, write_csv, write_xlsx

D = dt.date
Q1 = "2025-26 Q1"


def _value(store, metric: str, period: str = Q1, group: str | None = None) -> tuple:
    frame = compute_all(store)
    rows = frame[(frame["metric"] == metric) & (frame["period"] == period)]
    rows = rows[rows["group"].isna()] if group is None else rows[rows["group"] == group]
    (row,) = rows.itertuples()
    plain = [None if pd.isna(v) else v for v in (row.value, row.numerator, row.denominator)]
    return float(plain[0]), *(None if v is None else int(v) for v in plain[1:])


# --- ages --------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "age"), [(6.14, 6), (11.62, 11), (0.4, 0), (25.99, 25), ("9.5", 9), (7, 7)])
def test_a_decimal_age_is_completed_years(raw, age):
    assert converter_for(DATASETS["contacts"].column("age"))(raw) == age


@pytest.mark.parametrize("raw", [26, 31.2, -1, -0.2, "old"])
def test_an_age_outside_0_to_25_is_not_an_age(raw):
    with pytest.raises(Invalid):
        converter_for(DATASETS["contacts"].column("age"))(raw)


def test_an_age_outside_0_to_25_is_a_warning_and_loaded_blank(store, tmp_path):
    rows = [[*CONTACT_HEADERS, "Age"],
            ["SYN-1", D(2025, 4, 3), "6", None, None, None, 31.4],
            ["SYN-2", D(2025, 4, 3), "6", None, None, None, 6.14]]
    report = load(store, write_xlsx(tmp_path / "ages.xlsx", {"Contacts": rows}))
    assert (report.status, report.errors, report.rows_loaded) == ("accepted", [], 2)
    assert [(w.row, w.column, w.value, w.message) for w in report.warnings] == [
        (2, "Age", "31.4", "is not an age from 0 to 25; expected an age in whole years from 0 to 25. "
                           "Loaded blank: no measure uses this column")]
    assert store.rows("SELECT source_row, age FROM contacts ORDER BY 1") == [(2, None), (3, 6)]
    assert _value(store, "contacts.count") == (2.0, 2, None)
    # What the store keeps of the warning holds no value from the cell.
    (stored,) = store.rows("SELECT warnings FROM submissions")
    assert json.loads(stored[0]) == ["sheet 1, row 2, column G ('Age'): is not an age from 0 to 25; expected an "
                                     "age in whole years from 0 to 25. Loaded blank: no measure uses this column"]


def test_an_invalid_key_or_measure_cell_still_stops_the_file(store, tmp_path):
    rows = [[*CONTACT_HEADERS, "Gender"],
            ["SYN-1", D(2025, 4, 3), "6", None, "Sent to the moon", None, "Prefer not to say"],
            ["SYN-2", D(2025, 4, 3), "6", None, "Referral", None, "b) Female"]]
    report = load(store, write_xlsx(tmp_path / "mixed.xlsx", {"Contacts": rows}))
    assert report.status == "rejected"
    assert [(e.row, e.column, e.value) for e in report.errors] == [(2, "MASH outcome", "Sent to the moon")]
    assert [(w.row, w.column, w.value) for w in report.warnings] == [(2, "Gender", "Prefer not to say")]
    assert count(store, "contacts") == 0

    report = load(store, write_xlsx(tmp_path / "mixed.xlsx", {"Contacts": rows}), skip_invalid_rows=True)
    assert (report.status, report.rows_loaded, report.rows_skipped) == ("accepted", 1, 1)
    assert store.rows("SELECT child_key IS NOT NULL, outcome, gender FROM contacts") == [(True, "Referral", "Female")]
    assert _value(store, "contacts.to_referral") == (100.0, 1, 1)


# --- audits with blank grades ----------------------------------------------------------

def test_an_audit_return_with_blank_grades_loads_them_as_ungraded(store, tmp_path):
    rows = [["Case audit ID", "Date of audit", "Audited agency", "Overall grade", "Neglect recognised",
             "Voice of the child"],
            ["MACA-1", D(2025, 5, 1), "Police", "Good", "Yes", "Yes"],
            ["MACA-2", D(2025, 5, 2), "Health", "Outstanding", "Partly", "No"],
            ["MACA-3", D(2025, 5, 3), "Police", None, "Yes", None],
            ["MACA-4", D(2025, 5, 4), "Education", "RI", "No", "Yes"],
            ["MACA-5", D(2025, 5, 5), "Health", "   ", "Yes", "Yes"],
            ["MACA-6", D(2025, 5, 6), "Police", "Inadequate", "N/A", "Partly"]]
    report = load(store, write_xlsx(tmp_path / "audit return.xlsx", {"Audits Q1": rows}))
    assert (report.status, report.errors, report.rows_loaded) == ("accepted", [], 6)
    assert [(w.row, w.message) for w in report.warnings] == [
        (None, "rows 4, 6: 'Overall grade' is blank: loaded as ungraded (still being moderated): counted in "
               "Case audits, not in Audits graded good or better")]
    assert store.rows("SELECT audit_id, overall_grade FROM audits ORDER BY source_row") == [
        ("MACA-1", "Good"), ("MACA-2", "Outstanding"), ("MACA-3", None), ("MACA-4", "Requires improvement"),
        ("MACA-5", None), ("MACA-6", "Inadequate")]
    assert _value(store, "audits.count") == (6.0, 6, None)
    assert _value(store, "audits.good_or_better") == (50.0, 2, 4)
    # The ungraded audits' themes still count: Neglect recognised is Yes in 3 of 5 judged (N/A left out),
    # two of the three Yes in ungraded audits.
    assert _value(store, "audits.theme.neglect_recognised") == (60.0, 3, 5)


def test_a_blank_audit_id_is_still_an_error():
    rows = [["Audit ID", "Audit date", "Agency", "Overall grade"], [None, D(2025, 5, 1), "Police", None]]
    parsed = parse_rows(rows)
    assert [(e.row, e.column, e.message) for e in parsed.errors] == [
        (2, "Audit ID", "is blank; 'Audit ID' is required")]


# --- a MASH export with a totals row and local labels --------------------------------

def _mash_export(tmp_path, total_label: str = "Total") -> object:
    rows = [["Child ID", "Contact date", "Source of contact", "MASH decision date", "MASH outcome",
             "Neglect identified"]]
    for i in range(60):
        day = D(2025, 4, 1) + dt.timedelta(days=i % 50)
        source = "LA services" if i % 3 else "Police"
        rows.append([f"SYN-M{i:03}", day, source, day + dt.timedelta(days=1), "Referral" if i % 2 else "NFA",
                     "Yes" if i % 4 == 0 else "No"])
    rows.append([None, 60, None, None, total_label, None])  # the count under Contact date
    return write_xlsx(tmp_path / "MASH export April-May.xlsx", {"MASH contacts": rows})


def test_a_mash_export_with_local_labels_is_rejected_without_a_mapping(store, tmp_path):
    report = load(store, _mash_export(tmp_path))
    assert report.status == "rejected"
    assert {(e.column, e.value, e.message) for e in report.errors} == {
        ("Source of contact", "LA services", "is not a recognised source; expected a children in need source code "
         "(1A-1D, 2A, 2B, 3A-3F, 4, 5A-5D, 6, 7, 8, 9, 10), the Annex A form such as 'q) 6: Police', or a name "
         "such as Police, Housing, Schools, Anonymous")}
    assert len(report.errors) == 40  # no error for the totals row: it is skipped
    assert [w.message for w in report.warnings] == ["row 62: a totals row at the end of the data: skipped, not loaded"]
    (label,) = report.unrecognised
    assert label == Unrecognised("contacts", "source_code", "Source of contact", "LA services", 40,
                                 (3, 4, 6, 7, 9, 10, 12, 13, 15, 16, 18, 19, 21, 22, 24, 25, 27, 28, 30, 31),
                                 "MASH contacts")
    assert report.rows_read == 60
    assert count(store, "contacts") == 0


def test_a_mash_export_loads_once_the_local_label_is_mapped(store, tmp_path):
    aliases = AliasTable.of([ValueAlias(7, "Children's social care", "contacts", "source_code", "la  Services.", "5A"),
                             ValueAlias(8, "Children's social care", "contacts", "outcome", "Unused label", "NFA")])
    report = load(store, _mash_export(tmp_path, "Grand total"), aliases=aliases)
    assert (report.status, report.errors, report.unrecognised) == ("accepted", [], [])
    assert (report.rows_read, report.rows_loaded) == (60, 60)
    assert report.aliases_applied == {7: 40}
    assert store.rows("SELECT source_code, source_group, count(*) FROM contacts GROUP BY ALL ORDER BY 1") == [
        ("5A", "la_services", 40), ("6", "police", 20)]
    assert _value(store, "contacts.count") == (60.0, 60, None)
    assert _value(store, "contacts.by_source", group="la_services") == (40.0, 40, None)
    assert _value(store, "contacts.to_referral") == (50.0, 30, 60)


def test_a_totals_row_in_the_middle_or_a_real_row_at_the_end_is_not_skipped():
    middle = parse_rows([CONTACT_HEADERS, ["SYN-1", D(2025, 4, 3), "6"], ["Total", 421, None],
                         ["SYN-2", D(2025, 4, 4), "6"]])
    assert [(e.row, e.value, e.message) for e in middle.errors] == [
        (3, "", "is blank; 'Contact source' is required"),
        (3, "421", "is before 1990; expected a date such as 03/04/2025 or 2025-04-03")]
    assert middle.warnings == []
    last = parse_rows([CONTACT_HEADERS, ["SYN-1", D(2025, 4, 3), "6"], ["SYN-2", 421, "6"]])
    assert [(e.row, e.value) for e in last.errors] == [(3, "421")]
    assert last.warnings == []


def test_a_note_under_the_data_is_skipped_and_a_row_cut_short_is_not(store, tmp_path):
    # A council's plan: a title row, local headers, a date typed as text and one as an Excel serial, and a note
    # under the data in the first column.
    rows = [["Written Statement of Action tracker (synthetic)"], [],
            ["Action ref", "Aim", "What we will do", "Lead partner", "Go-live date"],
            ["1.1", "Outcomes", "Faster MASH decisions", "CSC", dt.datetime(2025, 1, 6)],
            ["1.2", "Outcomes", "Fewer re-referrals", "Children's Social Care", "16/06/2025"],
            ["1.3", "Outcomes", "Fewer repeat plans", "Children's social care", 45833.0],
            ["Last updated by the partnership business unit"],
            ["Source: partnership tracker, quarterly"]]
    report = load(store, write_xlsx(tmp_path / "plan.xlsx", {"Tracker": rows}), agency="Safeguarding partnership")
    assert report.status == "accepted", [str(e) for e in report.errors]
    assert [w.message for w in report.warnings] == ["rows 7, 8: a note under the data: skipped, not loaded"]
    assert store.rows("SELECT action_id, spc_from FROM actions WHERE is_current ORDER BY 1") == [
        ("1.1", D(2025, 1, 6)), ("1.2", D(2025, 6, 16)), ("1.3", D(2025, 6, 25))]
    # A child's row cut short at the end (an ID, no spaces) is an error, never a note; so is a note mid-data.
    short = parse_rows([CONTACT_HEADERS, ["SYN-1", D(2025, 4, 3), "6"], ["SYN-000123"]])
    assert [e.row for e in short.errors] == [3, 3] and short.warnings == []
    middle = parse_rows([CONTACT_HEADERS, ["SYN-1", D(2025, 4, 3), "6"], ["checked by the team"],
                         ["SYN-2", D(2025, 4, 4), "6"]])
    assert middle.errors and middle.warnings == []


def test_an_alias_maps_audit_theme_judgements(store, tmp_path):
    rows = [["Audit ID", "Audit date", "Agency", "Overall grade", "Think family", "Voice of the child"],
            ["A-1", D(2025, 5, 1), "Police", "Good", "Sometimes", "Yes"],
            ["A-2", D(2025, 5, 2), "Police", "Good", "Yes", "Sometimes"]]
    path = write_csv(tmp_path / "audits.csv", rows)
    report = load(store, path)
    assert report.status == "rejected"
    assert [(u.column_key, u.header, u.value, u.count, u.rows) for u in report.unrecognised] == [
        ("judgement", "Think family", "Sometimes", 1, (2,)), ("judgement", "Voice of the child", "Sometimes", 1, (3,))]
    aliases = AliasTable.of([ValueAlias(3, "Police", "audits", "judgement", "sometimes", "Partly")])
    report = load(store, path, aliases=aliases, agency="Police")
    assert (report.status, report.aliases_applied) == ("accepted", {3: 2})
    assert _value(store, "audits.theme.think_family") == (50.0, 1, 2)


# --- the template's example row -----------------------------------------------------

def test_the_template_with_its_example_row_left_in(store, tmp_path):
    path = tmp_path / "contacts.xlsx"
    assert main(["template", "contacts", "--out", str(path)]) == 0
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["MASH contacts"]
    headers = [c.value for c in sheet[1]]
    for i, day in enumerate((D(2025, 4, 7), D(2025, 4, 8), D(2025, 5, 1))):
        row = {"Child ID": f"SYN-T{i}", "Contact date": day, "Contact source": "Police", "MASH decision date": day,
               "MASH outcome": "Referral" if i else "Advice", "Neglect identified": "No"}
        sheet.append([row.get(h) for h in headers])
    workbook.save(path)

    report = load(store, path)
    assert (report.status, report.errors, report.rows_read, report.rows_loaded) == ("accepted", [], 3, 3)
    assert [w.message for w in report.warnings] == ["row 2: the template's example row, left in: skipped, not loaded"]
    assert store.rows("SELECT source_row, contact_date FROM contacts ORDER BY 1") == [
        (3, D(2025, 4, 7)), (4, D(2025, 4, 8)), (5, D(2025, 5, 1))]
    assert _value(store, "contacts.count") == (3.0, 3, None)
    assert _value(store, "contacts.to_referral") == (pytest.approx(200 / 3), 2, 3)


def test_a_row_differing_from_the_example_in_one_cell_is_data():
    dataset = DATASETS["contacts"]
    example = [c.example for c in dataset.columns]
    changed = list(example)
    changed[dataset.columns.index(dataset.column("outcome"))] = "NFA"
    parsed = parse_rows([[c.header for c in dataset.columns], changed, example], today=D(2026, 3, 31))
    assert parsed.summary.rows_read == 1 and parsed.table.num_rows == 1
    assert parsed.table.column("outcome").to_pylist() == ["NFA"]
    assert [w.message for w in parsed.warnings] == ["row 3: the template's example row, left in: skipped, not loaded"]


def test_a_descriptive_column_wrong_in_every_row_lists_a_page_of_warnings_and_loads():
    rows = [[*CONTACT_HEADERS, "Age"], *([f"SYN-{i}", D(2025, 4, 3), "6", None, None, None, 40]
                                         for i in range(1200))]
    parsed = parse_rows(rows)
    assert parsed.errors == [] and parsed.table.num_rows == 1200
    assert len(parsed.warnings) == 1001
    assert parsed.warnings[-1].message == "... and 200 more warnings on this sheet"
    assert set(parsed.table.column("age").to_pylist()) == {None}
