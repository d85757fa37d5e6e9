"""Hostile files are refused before parsing: quickly, in one line, without a traceback or much memory."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import struct
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from loader_helpers import count, load

from loaders.read import Limits
from tests.spreadsheets import (
    CONTACT_HEADERS,
    OLE_BYTES,
    PNG_BYTES,
    sheet_xml,
    write_csv,
    write_docx,
    write_raw_xlsx,
    write_xlsx,
)

ROOT = Path(__file__).resolve().parents[2]
ROWS = [CONTACT_HEADERS, ["SYN-1", dt.date(2025, 4, 3), "6"]]


def _billion_laughs(depth: int = 9) -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, depth + 1)]
    return f"<!DOCTYPE worksheet [{''.join(entities)}]>"


def entity_bomb(path: Path, padding: int = 0) -> Path:
    """A worksheet whose cell expands to 10^9 'lol's (optionally after a long comment)."""
    prolog = ("<!--" + "x" * padding + "-->" if padding else "") + _billion_laughs()
    xml = sheet_xml([CONTACT_HEADERS, ["LOLCELL", "03/04/2025", "6"]], prolog=prolog)
    return write_raw_xlsx(path, {"Contacts": xml.replace("LOLCELL", "&lol9;")})


def ratio_bomb(path: Path, megabytes: int = 20) -> Path:
    """A valid workbook whose worksheet is mostly whitespace, compressed over 200 to 1 (streamed, so cheap)."""
    head, tail = sheet_xml(ROWS).split("<sheetData>")

    def chunks():
        yield (head + "<sheetData>").encode()
        block = b" " * 2**20
        for _ in range(megabytes):
            yield block
        yield tail.encode()

    return write_raw_xlsx(path, {"Contacts": chunks()}, compresslevel=1)


def declare_size(path: Path, member: str, size: int) -> Path:
    """Rewrite the zip's headers so ``member`` declares ``size`` uncompressed bytes (a lying zip bomb)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    # (signature, offset of the uncompressed size, offset of the name length, offset of the name)
    for signature, size_at, length_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        start = data.find(signature)
        while start != -1:
            (length,) = struct.unpack_from("<H", data, start + length_at)
            if data[start + name_at:start + name_at + length] == name:
                struct.pack_into("<I", data, start + size_at, size)
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))
    return path


def _rejected(store, path: Path, **kwargs) -> str:
    started = time.perf_counter()
    report = load(store, path, **kwargs)
    elapsed = time.perf_counter() - started
    assert elapsed < 5, elapsed
    assert report.status == "rejected"
    assert report.rows_loaded == 0 and report.submission_id is None
    assert len(report.errors) == 1, report.errors
    message = report.errors[0].message
    assert "\n" not in message and "Traceback" not in message
    assert count(store, "submissions") == 0 and count(store, "contacts") == 0
    assert store.scalar("SELECT status FROM upload_log ORDER BY log_id DESC LIMIT 1") == "rejected"
    return message


def test_openpyxl_uses_defusedxml():
    assert openpyxl.DEFUSEDXML is True


def test_declared_uncompressed_size_over_200_mb(store, tmp_path):
    path = declare_size(write_raw_xlsx(tmp_path / "big.xlsx", {"Contacts": sheet_xml(ROWS)}),
                        "xl/worksheets/sheet1.xml", 300 * 2**20)
    assert zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size == 300 * 2**20
    assert _rejected(store, path) == "big.xlsx: the workbook expands to 300 MB, more than the 200 MB allowed"


def test_uncompressed_size_limit_is_configurable(store, tmp_path):
    path = write_xlsx(tmp_path / "ok.xlsx", {"Contacts": ROWS})
    message = _rejected(store, path, limits=Limits(max_uncompressed_bytes=2048))
    assert message.startswith("ok.xlsx: the workbook expands to 0 MB, more than the 0 MB allowed")
    assert load(store, path).status == "accepted"


def test_zip_bomb_by_compression_ratio(store, tmp_path):
    path = ratio_bomb(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 200_000
    message = _rejected(store, path)
    assert message.startswith("bomb.xlsx: the workbook is compressed ")
    assert message.endswith(" to 1, more than the 100 to 1 allowed (a possible zip bomb)")


def test_entity_bomb(store, tmp_path):
    message = _rejected(store, entity_bomb(tmp_path / "laughs.xlsx"))
    assert message == ("laughs.xlsx: the workbook part xl/worksheets/sheet1.xml declares XML entities, which Excel "
                       "never writes: refused for safety")


def test_entity_bomb_hidden_after_a_long_comment(store, tmp_path):
    message = _rejected(store, entity_bomb(tmp_path / "hidden.xlsx", padding=100_000))
    assert message.startswith("hidden.xlsx: ")


def test_entity_declaration_in_shared_strings(store, tmp_path):
    strings = ('<?xml version="1.0"?>' + _billion_laughs() +
               '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>')
    path = write_raw_xlsx(tmp_path / "sst.xlsx", {"Contacts": sheet_xml(ROWS)},
                          extra_parts={"xl/sharedStrings.xml": strings})
    assert "xl/sharedStrings.xml declares XML entities" in _rejected(store, path)


def test_word_document_renamed_xlsx(store, tmp_path):
    path = write_docx(tmp_path / "minutes.xlsx")
    assert _rejected(store, path) == "minutes.xlsx: this is a Word document, not an Excel workbook"


def test_other_zip_renamed_xlsx(store, tmp_path):
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert _rejected(store, path) == "archive.xlsx: this zip file is not an Excel workbook (.xlsx)"


@pytest.mark.parametrize("name", ["photo.csv", "photo.xlsx"])
def test_picture_renamed_as_a_spreadsheet(store, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(PNG_BYTES)
    assert _rejected(store, path) == (f"{name}: this is not a spreadsheet: expected an Excel workbook (.xlsx) "
                                      "or a CSV file")


@pytest.mark.parametrize(("name", "content"), [
    ("page.csv", b"<!DOCTYPE html><html><body>Child ID,Date</body></html>"),
    ("export.xls", b"<html><table><tr><td>Child ID</td></tr></table></html>"),
    ("report.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
    ("data.csv", b'<?xml version="1.0"?><root/>'),
])
def test_web_pages_and_documents_renamed(store, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    assert _rejected(store, path).startswith(f"{name}: this is not a spreadsheet but a web page or XML document")


@pytest.mark.parametrize("name", ["empty.xlsx", "empty.csv"])
def test_empty_file(store, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"")
    assert _rejected(store, path) == f"{name}: the file is empty"


def test_headers_only(store, tmp_path):
    message = _rejected(store, write_xlsx(tmp_path / "headers.xlsx", {"Contacts": [CONTACT_HEADERS]}))
    assert message == "no data rows: the sheet has headers but no data below them"
    message = _rejected(store, write_csv(tmp_path / "headers.csv", [CONTACT_HEADERS]))
    assert message == "no data rows: the sheet has headers but no data below them"


def test_corrupt_zip(store, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + os.urandom(2000))
    assert _rejected(store, path) == "broken.xlsx: the workbook is damaged and cannot be opened: save it again from Excel"


def test_truncated_workbook(store, tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", {"Contacts": ROWS}).read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(good[: len(good) // 2])
    assert _rejected(store, path).startswith("truncated.xlsx: the workbook is damaged")


def test_member_declaring_less_than_it_holds(store, tmp_path):
    """A zip whose headers understate a part's size: refused as damaged, not a crash."""
    path = declare_size(ratio_bomb(tmp_path / "understated.xlsx", megabytes=2), "xl/worksheets/sheet1.xml", 900)
    assert _rejected(store, path) == ("understated.xlsx: the workbook is damaged or encrypted (part "
                                      "xl/worksheets/sheet1.xml cannot be read): save it again from Excel")


def test_zip_encrypted_member(store, tmp_path):
    path = write_raw_xlsx(tmp_path / "zipcrypto.xlsx", {"Contacts": sheet_xml(ROWS)})
    data = bytearray(path.read_bytes())
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.find(signature)
        while start != -1:
            data[start + flag_at] |= 1  # the "encrypted" bit
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))
    assert _rejected(store, path).startswith("zipcrypto.xlsx: the workbook is damaged or encrypted (part ")


def test_corrupt_compressed_data(store, tmp_path):
    path = write_raw_xlsx(tmp_path / "flipped.xlsx", {"Contacts": sheet_xml(ROWS * 200)})
    data = bytearray(path.read_bytes())
    info = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml")
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[middle:middle + 16] = bytes(16)
    path.write_bytes(bytes(data))
    message = _rejected(store, path)
    assert message.startswith("flipped.xlsx: ")
    assert message.endswith(("save it again from Excel", "save the workbook again from Excel")), message


def test_damaged_worksheet_xml(store, tmp_path):
    path = write_raw_xlsx(tmp_path / "badxml.xlsx", {"Contacts": sheet_xml(ROWS).replace("</sheetData>", "<row>")})
    assert _rejected(store, path).startswith("badxml.xlsx: ")


@pytest.mark.parametrize("name", ["protected.xlsx", "old.xls", "protected.csv"])
def test_password_protected_or_old_format_workbook(store, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(OLE_BYTES)
    assert _rejected(store, path) == (f"{name}: the workbook is password-protected or in the old .xls format: "
                                      "remove the password and save it as .xlsx")


# --- the row limit: a sheet may hold at most max_rows rows, counting every row up to its last value ---------

def _without_references(xml: str) -> str:
    """The same worksheet with no r="..." on rows and cells: only calamine's reading can count its rows."""
    return re.sub(r' r="[A-Z]*\d+"', "", xml)


def _contact_rows(count: int, blank_above: int = 0) -> list[list]:
    """``count`` rows in all: ``blank_above`` blank rows, the headers, then contacts."""
    return [[] for _ in range(blank_above)] + [CONTACT_HEADERS] + [
        [f"SYN-{i}", dt.date(2025, 4, 3), "6"] for i in range(count - blank_above - 1)]


XLSX_KINDS = {
    # how the workbook is written -> the refusal's wording (who caught it: the scan of the cell references,
    # whatever the dimension says, or calamine's own reading of a sheet with no references, whose grid is small)
    "excel-dimension": (lambda path, rows: write_xlsx(path, {"Contacts": rows}), "a sheet has {n} rows"),
    "no-dimension": (lambda path, rows: write_raw_xlsx(path, {"Contacts": sheet_xml(rows)}), "a sheet has {n} rows"),
    "dimension-lies": (lambda path, rows: write_raw_xlsx(path, {"Contacts": sheet_xml(rows, dimension="A1:C2")}),
                       "a sheet has {n} rows"),
    "no-references": (lambda path, rows: write_raw_xlsx(path, {"Contacts": _without_references(sheet_xml(rows))}),
                      "sheet 1 has {n} rows"),
}


@pytest.mark.parametrize("blank_above", [0, 2], ids=["from-row-1", "two-blank-rows-above"])
@pytest.mark.parametrize("kind", list(XLSX_KINDS))
def test_row_limit_is_exact_for_xlsx(store, tmp_path, kind, blank_above):
    write, refusal = XLSX_KINDS[kind]
    limits = Limits(max_rows=12)
    at_limit = load(store, write(tmp_path / "twelve.xlsx", _contact_rows(12, blank_above)), limits=limits)
    assert (at_limit.status, at_limit.rows_loaded) == ("accepted", 11 - blank_above), at_limit.errors
    message = _rejected_again(store, write(tmp_path / "thirteen.xlsx", _contact_rows(13, blank_above)), limits)
    assert message == f"thirteen.xlsx: {refusal.format(n=13)}, more than the 12 allowed"


def _rejected_again(store, path: Path, limits: Limits) -> str:
    report = load(store, path, limits=limits)
    assert report.status == "rejected" and len(report.errors) == 1, report.errors
    return report.errors[0].message


def test_more_rows_than_the_limit_csv_and_xlsx(store, tmp_path):
    rows = [CONTACT_HEADERS] + [[f"SYN-{i}", dt.date(2025, 4, 3), "6"] for i in range(40)]
    path = write_xlsx(tmp_path / "many.xlsx", {"Contacts": rows})
    assert _rejected(store, path, limits=Limits(max_rows=10)) == "many.xlsx: a sheet has 41 rows, more than the 10 allowed"
    csv_path = write_csv(tmp_path / "many.csv", rows)
    assert _rejected(store, csv_path, limits=Limits(max_rows=10)) == (
        "many.csv: the CSV file has more than the 10 rows allowed")


def test_sheets_are_named_by_position_never_by_name(store, tmp_path):
    """A sheet's name could be a child's name: a refusal says "sheet 2", since the message is stored."""
    name = "Jane Syntheticname 2015"
    rows = _without_references(sheet_xml(_contact_rows(20)))
    path = write_raw_xlsx(tmp_path / "named.xlsx", {"Notes": sheet_xml([["read me"]]), name: rows})
    message = _rejected(store, path, limits=Limits(max_rows=12))
    assert message == "named.xlsx: sheet 2 has 20 rows, more than the 12 allowed"
    stored = " ".join(str(v) for row in store.rows("SELECT * FROM upload_log") + store.rows("SELECT * FROM audit_log")
                      for v in row)
    assert "Syntheticname" not in stored


@pytest.mark.parametrize("dimension", ["A1:C1000001", "A1:XFD1048576", "A1:C1000000"])
def test_a_declared_dimension_is_only_a_claim(store, tmp_path, dimension):
    """calamine lays the grid out from the cells, not the dimension: a small sheet claiming a huge range
    loads (the cells' positions are what is checked, see tests/loaders/test_cell_positions.py)."""
    path = write_raw_xlsx(tmp_path / "declared.xlsx", {"Contacts": sheet_xml(ROWS, dimension=dimension)})
    report = load(store, path)
    assert (report.status, report.rows_loaded) == ("accepted", 1), report.errors


def far_cell(path: Path, reference: str, dimension: str | None = "A1:C2") -> Path:
    """A tiny workbook whose second cell claims to sit at ``reference``: calamine would lay out the whole grid
    up to it (17 billion cells for XFD1048576) before any count of its rows could be checked."""
    xml = sheet_xml(ROWS, dimension=dimension).replace(
        "</row></sheetData>", f'<c r="{reference}" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')
    return write_raw_xlsx(path, {"Contacts": xml})


@pytest.mark.parametrize(("reference", "refusal"), [
    ("A1000001", "a sheet has 1,000,001 rows, more than the 1,000,000 allowed"),
    ("XFD1048576", "a sheet has 1,048,576 rows, more than the 1,000,000 allowed"),
    ("A99999999", "a sheet has 99,999,999 rows, more than the 1,000,000 allowed"),
    ("ZZ900000", "a sheet spans 900,000 rows by 702 columns, more than the 30,000,000 cells allowed"),
    ("XFD2000", "a sheet spans 2,000 rows by 16,384 columns, more than the 30,000,000 cells allowed"),
])
@pytest.mark.parametrize("dimension", ["lies", "true", "none"])
def test_a_cell_placed_far_away_is_refused_before_reading(store, tmp_path, reference, refusal, dimension):
    """A careless person typing in a far cell gives a true dimension; a crafted file can lie or leave it out."""
    declared = {"lies": "A1:C2", "true": f"A1:{reference}", "none": None}[dimension]
    path = far_cell(tmp_path / "far.xlsx", reference, declared)
    assert path.stat().st_size < 3000
    assert _rejected(store, path) == f"far.xlsx: {refusal}"


@pytest.mark.parametrize("written", ["r='XFD900000'", 'r = "XFD900000"', 'r="xfd900000"', 'r="XFD0900000"'])
def test_a_far_cell_is_found_however_its_reference_is_written(store, tmp_path, written):
    """XML allows either quote and spaces around "=", and calamine also reads lower case and leading zeros."""
    path = far_cell(tmp_path / "far.xlsx", "XFD900000")
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b'r="XFD900000"', written.encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert _rejected(store, path) == (
        "far.xlsx: a sheet spans 900,000 rows by 16,384 columns, more than the 30,000,000 cells allowed")


def test_a_wide_reference_after_a_long_row_number_in_the_same_chunk(store, tmp_path):
    """The first rare reference of a chunk is a row number; a column past Z later in it still counts."""
    xml = sheet_xml(ROWS).replace(
        "</row></sheetData>",
        '</row><row r="0000003"><c r="A0000003"><v>1</v></c><c r="XFD3"><v>1</v></c></row></sheetData>')
    path = write_raw_xlsx(tmp_path / "late-wide.xlsx", {"Contacts": xml})
    assert _rejected(store, path, limits=Limits(max_cells=1000)) == (
        "late-wide.xlsx: a sheet spans 3 rows by 16,384 columns, more than the 1,000 cells allowed")


def test_a_wide_sheet_within_the_grid_limit_loads(store, tmp_path):
    """Columns past Z make the scan measure the whole grid; a grid within the limit loads, one over it does not."""
    rows = [[*CONTACT_HEADERS, *[None] * 21, "Notes"]] + [
        [f"SYN-{i}", dt.date(2025, 4, 3), "6", *[None] * 24, "a note"] for i in range(10)]
    assert len(rows[0]) == 28  # the notes are in column AB
    path = write_xlsx(tmp_path / "wide.xlsx", {"Contacts": rows})
    assert _rejected(store, path, limits=Limits(max_cells=11 * 28 - 1)) == (
        "wide.xlsx: a sheet spans 11 rows by 28 columns, more than the 307 cells allowed")
    assert load(store, path, limits=Limits(max_cells=11 * 28)).status == "accepted"


MEMORY_CHILD = textwrap.dedent("""
    import json, resource, sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from loaders.store import Store
    from loaders.submit import load_file

    store = Store(Path(sys.argv[2]))
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    results = []
    for name in sys.argv[3:]:
        started = time.perf_counter()
        report = load_file(store, Path(name), uploaded_by="test")
        results.append([Path(name).name, report.status, time.perf_counter() - started])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"growth_kb": peak - baseline, "results": results}))
""")


def test_bombs_use_little_memory_and_time(tmp_path):
    files = [ratio_bomb(tmp_path / "ratio.xlsx", megabytes=120),
             entity_bomb(tmp_path / "laughs.xlsx"),
             entity_bomb(tmp_path / "hidden.xlsx", padding=100_000),
             declare_size(write_raw_xlsx(tmp_path / "liar.xlsx", {"C": sheet_xml(ROWS)}),
                          "xl/worksheets/sheet1.xml", 2**32 - 1),
             far_cell(tmp_path / "far.xlsx", "XFD1048576"), far_cell(tmp_path / "wide.xlsx", "ZZ900000", None)]
    script = tmp_path / "measure.py"
    script.write_text(MEMORY_CHILD)
    result = subprocess.run([sys.executable, str(script), str(ROOT), str(tmp_path / "m.duckdb"), *map(str, files)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    measured = json.loads(result.stdout)
    assert [(name, status) for name, status, _ in measured["results"]] == [
        ("ratio.xlsx", "rejected"), ("laughs.xlsx", "rejected"), ("hidden.xlsx", "rejected"),
        ("liar.xlsx", "rejected"), ("far.xlsx", "rejected"), ("wide.xlsx", "rejected")]
    assert all(seconds < 5 for _, _, seconds in measured["results"])
    assert measured["growth_kb"] < 100 * 1024, measured


def test_command_line_refuses_hostile_files_without_a_traceback(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "photo.csv").write_bytes(PNG_BYTES)
    (tmp_path / "locked.xlsx").write_bytes(OLE_BYTES)
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    files = [tmp_path / "empty.csv", tmp_path / "photo.csv", tmp_path / "locked.xlsx", tmp_path / "broken.xlsx",
             write_docx(tmp_path / "doc.xlsx"), entity_bomb(tmp_path / "laughs.xlsx"),
             ratio_bomb(tmp_path / "ratio.xlsx", megabytes=5)]
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "loaders", "--json", "--db", str(tmp_path / "cli.duckdb"),
                             *map(str, files)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert time.perf_counter() - started < 10
    assert result.returncode == 1
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == len(files)
    for path, line in zip(files, lines, strict=True):
        report = json.loads(line)
        assert (report["file"], report["status"]) == (path.name, "rejected")
        assert len(report["errors"]) == 1 and "\n" not in report["errors"][0]["message"]
