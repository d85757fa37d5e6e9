"""Open an uploaded file safely and return its sheets as rows of raw cell values.

Every check that protects the machine runs before any parsing: what the file really is
(whatever its name), its declared uncompressed size and compression ratio, XML entity
declarations, and each sheet's rows and grid: where calamine would place every cell (by its reference,
or where it falls when it has none), whatever the sheet's declared dimension says, which is only a
claim (see ``loaders.cell_positions``). A CSV is checked while it is streamed, and refused at its first bad row.
Formulas are never evaluated: the cached values are read.

Refusals never quote a cell or a sheet's name (they are stored): sheets by position, rows by number.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import python_calamine

from loaders.cell_positions import position_refusal

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ROWS = 1_000_000  # a sheet's rows, counting every row: title rows, the header row and blank rows too
MAX_CELLS = 30_000_000  # a worksheet's grid, last row by last column (e.g. 1,000,000 rows by 30 columns)
MAX_FIELD_CHARS = 2**20  # one CSV field
MAX_LINE_CHARS = 2**20  # one line of a CSV file
_MAX_SHARED = 1_000_000  # distinct values kept for sharing while a CSV is read

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ENTITY = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class FileRejected(Exception):
    """The whole file is refused before reading; the message is one line for the person uploading."""


@dataclass(frozen=True)
class Limits:
    max_uncompressed_bytes: int = MAX_UNCOMPRESSED_BYTES
    max_compression_ratio: float = MAX_COMPRESSION_RATIO
    max_rows: int = MAX_ROWS
    max_cells: int = MAX_CELLS


@dataclass
class RawSheet:
    name: str
    rows: list[Sequence]  # lists from a workbook, tuples from a CSV


def sniff(path: Path, limits: Limits = Limits()) -> Literal["xlsx", "csv"]:
    """Decide from the content what the file is, and refuse anything unsafe or unreadable."""
    size = path.stat().st_size
    if size == 0:
        raise FileRejected("the file is empty")
    with open(path, "rb") as handle:
        head = handle.read(8192)
    if head.startswith(_OLE_MAGIC):
        raise FileRejected(
            "the workbook is password-protected or in the old .xls format: remove the password and save it as .xlsx"
        )
    if head.startswith(_ZIP_MAGIC):
        _check_workbook_zip(path, limits)
        return "xlsx"
    if b"\x00" in head:
        raise FileRejected("this is not a spreadsheet: expected an Excel workbook (.xlsx) or a CSV file")
    if size > limits.max_uncompressed_bytes:
        raise FileRejected(f"the CSV file is larger than {limits.max_uncompressed_bytes // 2**20} MB")
    if _looks_like_markup(head):
        raise FileRejected("this is not a spreadsheet but a web page or XML document: expected .xlsx or CSV")
    return "csv"


def _looks_like_markup(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype", b"<html", b"<?xml", b"%pdf", b"{\\rtf"))


def _check_workbook_zip(path: Path, limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise FileRejected("the workbook is damaged and cannot be opened: save it again from Excel") from None
    with archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            if "word/document.xml" in names:
                raise FileRejected("this is a Word document, not an Excel workbook")
            if "ppt/presentation.xml" in names:
                raise FileRejected("this is a PowerPoint presentation, not an Excel workbook")
            raise FileRejected("this zip file is not an Excel workbook (.xlsx)")
        infos = archive.infolist()
        declared = sum(info.file_size for info in infos)
        compressed = sum(info.compress_size for info in infos) or 1
        if declared > limits.max_uncompressed_bytes:
            raise FileRejected(
                f"the workbook expands to {declared / 2**20:,.0f} MB, more than the "
                f"{limits.max_uncompressed_bytes / 2**20:,.0f} MB allowed"
            )
        if declared > 1_000_000 and declared / compressed > limits.max_compression_ratio:
            raise FileRejected(
                f"the workbook is compressed {declared / compressed:,.0f} to 1, more than the "
                f"{limits.max_compression_ratio:,.0f} to 1 allowed (a possible zip bomb)"
            )
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                head = _read_head(archive, info)
                if _ENTITY.search(head):
                    raise FileRejected(
                        f"the workbook part {info.filename} declares XML entities, which Excel never writes: "
                        "refused for safety"
                    )
                if info.filename.startswith("xl/worksheets/"):
                    _check_cell_positions(path, archive, info, limits)


def _read_head(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The first 64 KB of a part; a damaged, encrypted or lying member is a damaged workbook, not a crash."""
    try:
        with archive.open(info) as part:
            return part.read(65536)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError):
        raise FileRejected(
            f"the workbook is damaged or encrypted (part {info.filename} cannot be read): save it again from Excel"
        ) from None


def _check_cell_positions(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    """Refuse a worksheet whose cells, wherever calamine would place them (by their references, or where
    they fall when they have none), reach past the last row allowed or make too large a grid, before
    calamine lays the grid out in memory (see ``loaders.cell_positions``)."""
    try:
        refusal = position_refusal(path, archive, info, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError):
        raise FileRejected(
            f"the workbook is damaged or encrypted (part {info.filename} cannot be read): save it again from Excel"
        ) from None
    if refusal:
        raise FileRejected(refusal)


def read_xlsx(path: Path, limits: Limits = Limits()) -> list[RawSheet]:
    """Every worksheet's rows from row 1 to its last row with a value (blank rows above kept, so a row's
    index is its Excel row number minus one).

    Messages name a sheet by its position among the workbook's tabs, never by its name: a name could hold
    personal data, and the message is stored."""
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:
        raise FileRejected("the workbook is password-protected: remove the password and upload it again") from None
    except Exception as exc:  # calamine raises several types for damaged files
        raise FileRejected(f"the workbook cannot be read ({type(exc).__name__}): save it again from Excel") from None
    sheets = []
    try:
        for position, meta in enumerate(workbook.sheets_metadata, start=1):
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheets.append(RawSheet(meta.name, _sheet_rows(workbook, meta.name, position, limits)))
    finally:
        workbook.close()
    return sheets


def _sheet_rows(workbook: python_calamine.CalamineWorkbook, name: str, position: int, limits: Limits) -> list[list]:
    try:
        sheet = workbook.get_sheet_by_name(name)
        # The sheet's last row with a value, as Excel numbers it: the dimension may be missing or wrong,
        # and ``height`` leaves out blank rows above the first value.
        last_row = sheet.end[0] + 1 if sheet.end else 0
        if last_row > limits.max_rows:
            raise FileRejected(f"sheet {position} has {last_row:,} rows, more than the {limits.max_rows:,} allowed")
        return sheet.to_python(skip_empty_area=False)
    except FileRejected:
        raise
    except Exception as exc:
        raise FileRejected(
            f"sheet {position} cannot be read ({type(exc).__name__}): save the workbook again from Excel"
        ) from None


def read_csv(path: Path, limits: Limits = Limits(), name: str | None = None) -> list[RawSheet]:
    """The rows of a CSV file: UTF-8 (with or without a BOM), else Windows-1252.

    The file is streamed: only the rows are kept, never the whole text, and reading stops as soon as a
    fault or one row too many is seen."""
    try:
        rows = _csv_rows(path, "utf-8-sig", limits)
    except UnicodeDecodeError:
        # Not UTF-8: read it again as Windows-1252 (Excel's "CSV" on English Windows). Outside the except
        # block, so the first attempt's rows are freed before the second starts.
        rows = None
    if rows is None:
        rows = _csv_rows(path, "cp1252", limits)
    return [RawSheet(name or path.name, rows)]


def _csv_rows(path: Path, encoding: str, limits: Limits) -> list[tuple[str, ...]]:
    # Strict UTF-8 raises, so the caller can fall back; a byte Windows-1252 leaves undefined becomes U+FFFD,
    # which cannot come from a Windows-1252 file otherwise, and is refused naming its row.
    errors = "strict" if encoding == "utf-8-sig" else "replace"
    csv.field_size_limit(MAX_FIELD_CHARS)  # process-wide, and always this value
    rows: list[tuple[str, ...]] = []
    # csv makes a new string for every cell; a column repeats a few values (dates, codes, agencies), so
    # each row keeps one shared copy of a value seen before: a million rows take a fifth of the memory.
    shared: dict[str, str] = {}
    share = shared.setdefault
    with open(path, encoding=encoding, errors=errors, newline="") as handle:
        dialect = _dialect(handle.read(8192))
        handle.seek(0)
        # strict: a quote left open at the end of the file, or text after a closing quote, is an error
        # instead of silently swallowing the rest of the file into one cell.
        reader = csv.reader(_checked_lines(handle, rows, errors == "replace"), csv.excel, strict=True, **dialect)
        try:
            for row in reader:
                if len(rows) == limits.max_rows:
                    raise FileRejected(f"the CSV file has more than the {limits.max_rows:,} rows allowed")
                rows.append(tuple(map(share, row, row)))
                if len(shared) > _MAX_SHARED:  # a file of all-different values: start again, bounded
                    shared.clear()
        except csv.Error as exc:
            raise FileRejected(_parse_fault(str(exc), len(rows) + 1)) from None
    return rows


def _dialect(sample: str) -> dict[str, object]:
    """The separator (and whether spaces follow it) guessed from the sample; quoting as Excel writes it.

    Only the separator is taken from csv's guess: it also guesses the quote character and whether quotes
    are doubled from what the sample happens to hold, and guessing wrong later in the file reads wrong."""
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        return {}
    return {"delimiter": sniffed.delimiter, "skipinitialspace": sniffed.skipinitialspace}


def _checked_lines(handle: io.TextIOBase, rows: list, replaced: bool) -> Iterator[str]:
    """The file's lines (split at LF, CRLF or CR, as csv expects), refused at the first unsafe one.

    ``rows`` is the list being filled: the record a line belongs to is the one after the last complete row."""
    while line := handle.readline(MAX_LINE_CHARS + 1):
        if len(line) > MAX_LINE_CHARS:
            raise FileRejected(f"row {len(rows) + 1:,} is longer than the {MAX_LINE_CHARS // 2**20} MB allowed "
                               "for one line: is this really a CSV file?")
        if "\x00" in line:
            raise FileRejected(f"row {len(rows) + 1:,} holds a NUL byte: the file is damaged or is not a CSV file")
        if replaced and "\ufffd" in line:
            raise FileRejected(f"row {len(rows) + 1:,} holds bytes that are not text in UTF-8 or Windows-1252: "
                               "save the file again as \"CSV UTF-8\"")
        yield line


def _parse_fault(error: str, row: int) -> str:
    """csv's error, said in a line naming the row (never the cell's text)."""
    if "field larger than field limit" in error:
        return (f"row {row:,}: a field is longer than the {MAX_FIELD_CHARS // 2**20} MB allowed: "
                "is a double quote mark left unclosed?")
    if "unexpected end of data" in error:
        return f"row {row:,}: a double quote mark opened in this row is never closed"
    if "expected after" in error:
        return f"row {row:,}: a quoted field has more text after its closing quote"
    return f"row {row:,} cannot be read as CSV"


def read_sheets(path: Path, limits: Limits = Limits(), name: str | None = None) -> list[RawSheet]:
    """Every sheet of an xlsx, or the single sheet of a CSV (named after the file), after the safety checks."""
    kind = sniff(path, limits)
    return read_xlsx(path, limits) if kind == "xlsx" else read_csv(path, limits, name)
