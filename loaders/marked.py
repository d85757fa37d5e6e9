"""The uploader's own file back, marked: each problem cell filled and commented with what was expected.

Built in memory from the uploaded bytes and the load report, for the person who uploaded the file, and never
stored: it holds their cells. A workbook keeps its sheets, values, formulas (as formulas) and formatting; only
fills and comments are added. A CSV becomes an .xlsx copy with the same cells, every one as text (a cell
starting with ``=`` stays text: nothing in the copy runs as a formula that did not in the original).

Errors are filled red, warnings amber, as Excel's own "bad" and "neutral" styles; a cell with both is red and
its comment lists each. A problem about a whole row (a repeated row, the template's example row) is marked on
the row's first cell. Call it only with bytes that ``loaders.read`` has accepted (``prepare`` has run on them):
the safety checks on size, compression and XML entities are done there, and openpyxl reads through defusedxml.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from loaders.read import read_csv, sniff
from loaders.report import Issue, LoadReport

ERROR_FILL = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")  # Excel's "Bad"
WARNING_FILL = PatternFill("solid", start_color="FFEB9C", end_color="FFEB9C")  # Excel's "Neutral"
AUTHOR = "Dashboard upload check"
CSV_SHEET = "Data"
MAX_ROWS = 50_000  # openpyxl takes about 0.3 ms a row: larger files would keep the person waiting minutes
MAX_COMMENT_CHARS = 2000  # Excel shows a comment's first lines; a cell with many problems lists the first ones


def marked_workbook(content: bytes, report: LoadReport) -> bytes:
    """The file in ``content`` as an .xlsx with every located error and warning of ``report`` marked."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"
        path.write_bytes(content)
        if sniff(path) == "xlsx":
            workbook = load_workbook(io.BytesIO(content), keep_links=True)
            sheet_for = _workbook_sheet(workbook)
        else:
            [sheet] = read_csv(path, name=report.file)
            workbook = _csv_copy(sheet.rows)
            sheet_for = _only_sheet(workbook.active)
    marks: dict[tuple[int, str], tuple[Worksheet, list[tuple[str, Issue]]]] = {}
    for level, issues in (("Error", report.errors), ("Warning", report.warnings)):
        for issue in _located(issues):
            sheet = sheet_for(issue)
            if sheet is not None:
                reference = f"{issue.letter or 'A'}{issue.row}"
                marks.setdefault((id(sheet), reference), (sheet, []))[1].append((level, issue))
    for (_, reference), (sheet, found) in marks.items():
        _mark(sheet, reference, found)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _located(issues: Iterable[Issue]) -> Iterable[Issue]:
    """Issues that name a row (and usually a column); those about a whole file or sheet have no cell."""
    return (issue for issue in issues if issue.row and issue.row > 0)


def _mark(sheet: Worksheet, reference: str, found: list[tuple[str, Issue]]) -> None:
    """Fill the cell (red for any error, else amber) and set our comment, after any comment already there."""
    cell = sheet[reference]
    cell.fill = ERROR_FILL if any(level == "Error" for level, _ in found) else WARNING_FILL
    lines = []
    for level, issue in found:
        about = f" ('{issue.column}')" if issue.column and issue.letter else ""
        lines.append(f"{level}{about}: {issue.message}")
    text = "\n".join(dict.fromkeys(lines))[:MAX_COMMENT_CHARS]
    previous = cell.comment.text if cell.comment is not None else ""  # the person's own comment, kept above ours
    body = f"{previous}\n\n{text}" if previous else text
    comment = Comment(body, AUTHOR)
    comment.width, comment.height = 320, min(60 + 18 * body.count("\n"), 400)
    cell.comment = comment


def _workbook_sheet(workbook: Workbook):
    """An issue's worksheet: by its name, else by its position among the worksheets (as the loader numbers them)."""
    def sheet_for(issue: Issue) -> Worksheet | None:
        if issue.sheet in workbook.sheetnames and isinstance(workbook[issue.sheet], Worksheet):
            return workbook[issue.sheet]
        if issue.sheet_number and issue.sheet_number <= len(workbook.worksheets):
            return workbook.worksheets[issue.sheet_number - 1]
        return None
    return sheet_for


def _only_sheet(sheet: Worksheet):
    return lambda issue: sheet


def _csv_copy(rows: list) -> Workbook:
    """The CSV's records as rows of text cells, record n on Excel row n, as the loader numbered them."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = CSV_SHEET
    for r, record in enumerate(rows, start=1):
        for c, text in enumerate(record, start=1):
            if text == "":
                continue
            cell = sheet.cell(row=r, column=c)
            cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
            cell.data_type = "s"  # openpyxl would take "=..." for a formula: a CSV cell is text
    return workbook
