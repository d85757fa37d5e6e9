"""Open an uploaded file safely and return its sheets as rows of raw cell values.

Every check that protects the machine runs before any parsing: what the file really is
(whatever its name), its declared uncompressed size and compression ratio, XML entity
declarations, and the number of rows. Formulas are never evaluated: the cached values are read.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import python_calamine

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ROWS = 1_000_000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"')
_ENTITY = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class FileRejected(Exception):
    """The whole file is refused before reading; the message is one line for the person uploading."""


@dataclass(frozen=True)
class Limits:
    max_uncompressed_bytes: int = MAX_UNCOMPRESSED_BYTES
    max_compression_ratio: float = MAX_COMPRESSION_RATIO
    max_rows: int = MAX_ROWS


@dataclass
class RawSheet:
    name: str
    rows: list[list]


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
                    _check_dimension(head, limits)


def _read_head(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The first 64 KB of a part; a damaged, encrypted or lying member is a damaged workbook, not a crash."""
    try:
        with archive.open(info) as part:
            return part.read(65536)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError):
        raise FileRejected(
            f"the workbook is damaged or encrypted (part {info.filename} cannot be read): save it again from Excel"
        ) from None


def _check_dimension(head: bytes, limits: Limits) -> None:
    match = _DIMENSION.search(head)
    if match and match[1] and int(match[1]) > limits.max_rows + 20:
        raise FileRejected(f"a sheet has {int(match[1]):,} rows, more than the {limits.max_rows:,} allowed")


def read_xlsx(path: Path, limits: Limits = Limits()) -> list[RawSheet]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:
        raise FileRejected("the workbook is password-protected: remove the password and upload it again") from None
    except Exception as exc:  # calamine raises several types for damaged files
        raise FileRejected(f"the workbook cannot be read ({type(exc).__name__}): save it again from Excel") from None
    sheets = []
    try:
        for meta in workbook.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = workbook.get_sheet_by_name(meta.name)
                if sheet.height > limits.max_rows + 20:
                    raise FileRejected(
                        f"sheet '{meta.name}' has {sheet.height:,} rows, more than the {limits.max_rows:,} allowed"
                    )
                rows = sheet.to_python(skip_empty_area=False)
            except FileRejected:
                raise
            except Exception as exc:
                raise FileRejected(
                    f"sheet '{meta.name}' cannot be read ({type(exc).__name__}): save the workbook again from Excel"
                ) from None
            sheets.append(RawSheet(meta.name, rows))
    finally:
        workbook.close()
    return sheets


def read_csv(path: Path, limits: Limits = Limits(), name: str | None = None) -> list[RawSheet]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if text.count("\n") > limits.max_rows + 20:
        raise FileRejected(f"the CSV file has more than the {limits.max_rows:,} rows allowed")
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = [row for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    return [RawSheet(name or path.name, rows)]


def read_sheets(path: Path, limits: Limits = Limits(), name: str | None = None) -> list[RawSheet]:
    """Every sheet of an xlsx, or the single sheet of a CSV (named after the file), after the safety checks."""
    kind = sniff(path, limits)
    return read_xlsx(path, limits) if kind == "xlsx" else read_csv(path, limits, name)
