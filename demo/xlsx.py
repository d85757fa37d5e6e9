"""A minimal, deterministic xlsx writer for the demo files (see :class:`Book`)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from demo.design import BOROUGH

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
# Fixed timestamp written into every xlsx (document properties and zip entries) so output is byte-identical.
_FIXED_STAMP = (2026, 4, 1, 9, 0, 0)
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_EPOCH = dt.datetime(1899, 12, 30)
_COLUMNS = [chr(65 + i) for i in range(26)] + [f"A{chr(65 + i)}" for i in range(26)]
_STYLE_DATE, _STYLE_DATETIME, _STYLE_BOLD = 1, 2, 3
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN_NS}">'
    f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/>'
    f'<numFmt numFmtId="165" formatCode="{DATETIME_FORMAT}"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


class Book:
    """A minimal, deterministic xlsx writer: shared strings, real date cells, bold title and header rows.

    openpyxl's writer serialises each cell through pure-Python XML (lxml is not a dependency) at about
    40 microseconds a cell, which makes the ~800,000 cells of the Annex A returns take a minute; this
    writes the same SpreadsheetML directly and fixes every timestamp, so a seed always gives the same bytes.
    """

    def __init__(self, title: str) -> None:
        self.title = title
        self.sheets: list[Sheet] = []
        self.strings: dict[str, int] = {}

    def sheet(self, name: str, titles: list[str], headers: list[str]) -> Sheet:
        sheet = Sheet(self, name, len(headers))
        for t in titles:
            sheet.append([t], style=_STYLE_BOLD)
        sheet.append([])
        sheet.append(headers, style=_STYLE_BOLD)
        sheet.rows = 0
        self.sheets.append(sheet)
        return sheet

    def string(self, text: str) -> int:
        index = self.strings.get(text)
        if index is None:
            index = self.strings[text] = len(self.strings)
        return index

    def save(self, path: Path) -> None:
        n = len(self.sheets)
        sheet_overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, n + 1))
        content_types = (
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f'{sheet_overrides}'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>')
        root_rels = (
            f'{_XML}<Relationships xmlns="{_PKG_REL_NS}">'
            f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
            'core-properties" Target="docProps/core.xml"/></Relationships>')
        stamp = dt.datetime(*_FIXED_STAMP).strftime("%Y-%m-%dT%H:%M:%SZ")
        core = (
            f'{_XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:title>{_escape(self.title)}</dc:title><dc:creator>{BOROUGH} demo generator</dc:creator>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>')
        sheets = "".join(f'<sheet name="{_escape(s.name)}" sheetId="{i}" r:id="rId{i}"/>'
                         for i, s in enumerate(self.sheets, start=1))
        workbook = (f'{_XML}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
                    f'<bookViews><workbookView/></bookViews><sheets>{sheets}</sheets></workbook>')
        rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                       for i in range(1, n + 1))
        workbook_rels = (
            f'{_XML}<Relationships xmlns="{_PKG_REL_NS}">{rels}'
            f'<Relationship Id="rId{n + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{n + 2}" Type="{_REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
            '</Relationships>')
        items = "".join(f'<si><t xml:space="preserve">{_escape(t)}</t></si>' if t != t.strip() else
                        f"<si><t>{_escape(t)}</t></si>" for t in self.strings)
        shared = (f'{_XML}<sst xmlns="{_MAIN_NS}" count="{len(self.strings)}" '
                  f'uniqueCount="{len(self.strings)}">{items}</sst>')
        parts = [("[Content_Types].xml", content_types), ("_rels/.rels", root_rels), ("docProps/core.xml", core),
                 ("xl/workbook.xml", workbook), ("xl/_rels/workbook.xml.rels", workbook_rels),
                 ("xl/styles.xml", _STYLES), ("xl/sharedStrings.xml", shared)]
        parts += [(f"xl/worksheets/sheet{i}.xml", s.xml()) for i, s in enumerate(self.sheets, start=1)]
        with zipfile.ZipFile(path, "w") as archive:
            for name, text in parts:
                entry = zipfile.ZipInfo(name, date_time=_FIXED_STAMP)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o600 << 16
                archive.writestr(entry, text.encode("utf-8"))


class Sheet:
    """Rows of one worksheet: title rows, a blank row, the header row, then data rows."""

    def __init__(self, book: Book, name: str, width: int) -> None:
        self.book = book
        self.name = name
        self.width = width
        self.lines: list[str] = []
        self.rows = 0

    def append(self, row: list[object], style: int = 0) -> None:
        r = len(self.lines) + 1
        bold = f' s="{style}"' if style else ""
        cells = []
        for col, v in zip(_COLUMNS, row, strict=False):
            if v is None or v == "":
                continue
            ref = f"{col}{r}"
            if isinstance(v, str):
                cells.append(f'<c r="{ref}"{bold} t="s"><v>{self.book.string(v)}</v></c>')
            elif isinstance(v, bool):
                cells.append(f'<c r="{ref}" t="b"><v>{int(v)}</v></c>')
            elif isinstance(v, dt.datetime):
                serial = (v - _EPOCH).total_seconds() / 86400
                cells.append(f'<c r="{ref}" s="{_STYLE_DATETIME}"><v>{serial!r}</v></c>')
            elif isinstance(v, dt.date):
                cells.append(f'<c r="{ref}" s="{_STYLE_DATE}"><v>{(v - _EPOCH.date()).days}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{v!r}</v></c>')
        self.lines.append(f'<row r="{r}">{"".join(cells)}</row>')
        self.rows += 1

    def xml(self) -> str:
        last = f"{_COLUMNS[max(self.width, 1) - 1]}{max(len(self.lines), 1)}"
        cols = f'<cols><col min="1" max="{max(self.width, 1)}" width="22" customWidth="1"/></cols>'
        return (f'{_XML}<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><dimension ref="A1:{last}"/>'
                f'<sheetViews><sheetView workbookViewId="0"/></sheetViews>{cols}'
                f'<sheetData>{"".join(self.lines)}</sheetData></worksheet>')


def uk_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")
