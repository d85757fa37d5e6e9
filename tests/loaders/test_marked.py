"""The uploader's file back, marked: real workbooks and CSVs written here, checked by the real loader, the
marked copy opened again with openpyxl (formulas kept as formulas) and every fill and comment located."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment

from loaders.marked import ERROR_FILL, WARNING_FILL, marked_workbook
from loaders.pseudonymise import Pseudonymiser
from loaders.submit import prepare
from tests.spreadsheets import CONTACT_HEADERS, write_csv

HEADERS = ["Child Unique ID", "Gender", "Date of Contact", "Contact Source", "MASH decision date", "MASH outcome",
           "Neglect identified?", "Notes"]
RED, AMBER = ERROR_FILL.start_color.rgb, WARNING_FILL.start_color.rgb


def _row(child: str, **changes) -> list:
    row = {"child": child, "gender": "Female", "date": dt.date(2025, 4, 3), "source": "6",
           "decision": dt.date(2025, 4, 4), "outcome": "No further action", "neglect": "No", "notes": None}
    row.update(changes)
    return list(row.values())


def _workbook(path: Path) -> Path:
    """A cover sheet with a formula, then the contacts: a title row above the headers (so the header is row 2)."""
    workbook = Workbook()
    cover = workbook.active
    cover.title = "Cover"
    cover["A1"], cover["B1"] = "Rows", "=COUNTA(Contacts!A3:A100)"
    sheet = workbook.create_sheet("Contacts")
    sheet.append(["SYNTHETIC RETURN"])
    sheet.append(HEADERS)
    sheet.append(_row("SYN-M-1"))                              # row 3: good
    sheet.append(_row("SYN-M-2", date="31/02/2025"))           # row 4: error in C
    sheet.append(_row("SYN-M-3", source="LA services"))        # row 5: error in D
    sheet.append(_row("SYN-M-4", gender="Zebra"))              # row 6: warning in B (descriptive column)
    sheet.append(_row("SYN-M-5", source="LA services", gender="Zebra", notes="=1+1"))  # row 7: D error, B warning
    sheet.append(_row("SYN-M-1"))                              # row 8: repeats row 3 (a row warning, on A8)
    sheet["H3"] = "=LEN(A3)"
    sheet["D5"].comment = Comment("Checked with the team", "Manager")
    workbook.save(path)
    return path


def _prepared(path: Path):
    return prepare(path, Pseudonymiser(b"m" * 32), display_name=path.name)


def _marks(workbook) -> dict[tuple[str, str], tuple[str | None, str | None]]:
    """Every cell with a fill or a comment: (sheet, reference) -> (fill colour, comment text)."""
    found = {}
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                colour = cell.fill.start_color.rgb if cell.fill and cell.fill.fill_type == "solid" else None
                if colour or cell.comment:
                    found[(sheet.title, cell.coordinate)] = (colour, cell.comment.text if cell.comment else None)
    return found


def test_a_workbook_comes_back_with_exactly_its_problem_cells_marked(tmp_path):
    path = _workbook(tmp_path / "return.xlsx")
    prepared = _prepared(path)
    report = prepared.report
    assert {(e.row, e.letter) for e in report.errors} == {(4, "C"), (5, "D"), (7, "D")}
    assert {(w.row, w.letter) for w in report.warnings} >= {(6, "B"), (7, "B"), (8, None)}

    marked = load_workbook(io.BytesIO(marked_workbook(path.read_bytes(), report)))  # formulas kept (not data_only)
    assert marked.sheetnames == ["Cover", "Contacts"]
    marks = _marks(marked)
    assert {cell: colour for cell, (colour, _) in marks.items()} == {
        ("Contacts", "C4"): RED, ("Contacts", "D5"): RED, ("Contacts", "D7"): RED,
        ("Contacts", "B6"): AMBER, ("Contacts", "B7"): AMBER, ("Contacts", "A8"): AMBER}
    error_c4 = next(e for e in report.errors if e.row == 4)
    assert marks[("Contacts", "C4")][1] == f"Error ('Date of Contact'): {error_c4.message}"
    assert "expected a date such as" in marks[("Contacts", "C4")][1]
    # the person's own comment stays, ours below it
    assert marks[("Contacts", "D5")][1].startswith("Checked with the team\n\nError ('Contact Source'): ")
    assert marks[("Contacts", "B6")][1].startswith("Warning ('Gender'): ")
    assert marks[("Contacts", "A8")][1].startswith("Warning: repeats row 3")

    # everything else is as it was: values, and formulas as formulas
    original = load_workbook(path)
    for name in original.sheetnames:
        assert [[c.value for c in r] for r in marked[name].iter_rows()] == \
               [[c.value for c in r] for r in original[name].iter_rows()]
    assert marked["Cover"]["B1"].value == "=COUNTA(Contacts!A3:A100)"
    assert marked["Contacts"]["H3"].value == "=LEN(A3)"
    assert marked["Contacts"]["H7"].value == "=1+1"


def test_a_clean_workbook_comes_back_unmarked(tmp_path):
    workbook = Workbook()
    workbook.active.title = "Contacts"
    workbook.active.append(HEADERS)
    workbook.active.append(_row("SYN-M-9"))
    workbook.save(path := tmp_path / "clean.xlsx")
    report = _prepared(path).report
    assert not report.errors and not report.warnings
    assert _marks(load_workbook(io.BytesIO(marked_workbook(path.read_bytes(), report)))) == {}


def test_a_csv_comes_back_as_an_xlsx_with_the_same_cells(tmp_path):
    rows = [CONTACT_HEADERS,
            ["SYN-K-1", "03/04/2025", "6", "04/04/2025", "No further action", "No"],
            ["SYN-K-2", "31/02/2025", "LA services", "04/04/2025", "=1+2", ""],
            ["SYN-K-3", "03/04/2025", "6", "soon", "Early help", "Yes"]]
    path = write_csv(tmp_path / "mash export.csv", rows)
    report = _prepared(path).report
    assert {(e.row, e.letter) for e in report.errors} == {(3, "B"), (3, "C"), (3, "E"), (4, "D")}

    marked = load_workbook(io.BytesIO(marked_workbook(path.read_bytes(), report)))
    [sheet] = marked.worksheets
    assert [[c.value for c in r] for r in sheet.iter_rows()] == [[v or None for v in row] for row in rows]
    assert sheet["E3"].value == "=1+2" and sheet["E3"].data_type == "s"  # text, as in the CSV: never a formula
    assert {cell: colour for cell, (colour, _) in _marks(marked).items()} == {
        (sheet.title, "B3"): RED, (sheet.title, "C3"): RED, (sheet.title, "E3"): RED, (sheet.title, "D4"): RED}
