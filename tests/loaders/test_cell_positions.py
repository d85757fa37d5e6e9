"""Where calamine would place each cell is checked before it lays the grid out: references written any way,
cells without references, rows without references, lying dimensions. Hand-made workbooks, written part by
part, through the real loaders."""

from __future__ import annotations

import datetime as dt
import re
import struct
import threading
import zipfile
from pathlib import Path

import pytest
from loader_helpers import load

from loaders import cell_positions
from loaders.read import FileRejected, Limits, read_sheets
from tests.spreadsheets import CONTACT_HEADERS, sheet_xml, write_raw_xlsx

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
ROWS = [CONTACT_HEADERS, ["SYN-1", dt.date(2025, 4, 3), "6"]]
V = "<v>1</v>"


def worksheet(data: str, dimension: str | None = None) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}>{dim}<sheetData>{data}</sheetData></worksheet>'


def refused(tmp_path: Path, data: str, limits: Limits = Limits(), name: str = "far.xlsx") -> str:
    path = write_raw_xlsx(tmp_path / name, {"Contacts": worksheet(data)})
    assert path.stat().st_size < 300_000
    with pytest.raises(FileRejected) as refusal:
        read_sheets(path, limits)
    return str(refusal.value)


def without_references(xml: str) -> str:
    return re.sub(r' r="[A-Z]*\d+"', "", xml)


FAR_SPANS = "a sheet spans 900,000 rows by 16,384 columns, more than the 30,000,000 cells allowed"


@pytest.mark.parametrize("cell", [
    f'<c r="XFD900000">{V}</c>',
    f'<c r="A2" r="XFD900000">{V}</c>',  # calamine takes the last r
    f'<c r="A2" s="0" r = \'XFD900000\'>{V}</c>',
    f'<c s="0" r="XFD900000">{V}</c>',  # r not first
    f'<c\nr="XFD900000">{V}</c>',
    f'<x:c xmlns:x="urn:x" r="XFD900000">{V}</x:c>',  # calamine matches local names
    f'<c foo=">" r="XFD900000">{V}</c>',  # ">" inside a quoted value does not end the tag
])
def test_a_far_cell_is_refused_however_it_is_written(tmp_path, cell):
    assert refused(tmp_path, f'<row r="1"><c r="A1">{V}</c>{cell}</row>') == FAR_SPANS


def test_a_far_row_then_cells_without_references(tmp_path):
    """<row r="999999"> with 31 cells without references: calamine would lay out 31 million cells."""
    row = f'<row r="999999">{f"<c>{V}</c>" * 31}</row>'
    assert refused(tmp_path, f'<row r="1"><c r="A1">{V}</c></row>{row}') == (
        "a sheet spans 999,999 rows by 31 columns, more than the 30,000,000 cells allowed")


@pytest.mark.parametrize("between", ["</row><row>", '</row><!-- <row r="1"> --><row>', "</row><row/><row>"])
def test_rows_without_references_follow_the_last_one(tmp_path, between):
    """A row without r is the one after the last (an empty row too); a commented-out row counts for nothing."""
    rows = 999_998 if between != "</row><row/><row>" else 999_997
    data = f'<row r="{rows}"><c>{V}</c>{between}{f"<c>{V}</c>" * 40}</row>'
    assert refused(tmp_path, data) == "a sheet spans 999,999 rows by 40 columns, more than the 30,000,000 cells allowed"


def test_a_cell_without_reference_goes_after_the_last_one(tmp_path):
    """After <c r="XFC5">, a cell without r is in XFD: the grid is 5 rows by 16,384 columns."""
    data = f'<row r="5"><c r="XFC5">{V}</c><c>{V}</c></row>'
    assert refused(tmp_path, data, Limits(max_cells=5 * 16_384 - 1)) == (
        "a sheet spans 5 rows by 16,384 columns, more than the 81,919 cells allowed")
    assert len(read_sheets(write_raw_xlsx(tmp_path / "ok.xlsx", {"S": worksheet(data)}),
                           Limits(max_cells=5 * 16_384))[0].rows) == 5


def test_many_cells_without_references_in_one_row(tmp_path):
    data = f'<row>{f"<c>{V}</c>" * 20_000}</row><row r="2000"><c r="A2000">{V}</c></row>'
    assert refused(tmp_path, data) == (
        "a sheet spans 2,000 rows by 20,000 columns, more than the 30,000,000 cells allowed")


def test_cells_without_references_within_the_limits_are_read_where_calamine_puts_them(tmp_path):
    data = f'<row r="3"><c>{V}</c><c><v>2</v></c></row><row><c r="C4"><v>3</v></c><c><v>4</v></c></row>'
    path = write_raw_xlsx(tmp_path / "placed.xlsx", {"S": worksheet(data)})
    assert refused(tmp_path, data, Limits(max_cells=15)) == (
        "a sheet spans 4 rows by 4 columns, more than the 15 cells allowed")
    rows = read_sheets(path, Limits(max_cells=16))[0].rows
    assert [[v for v in row] for row in rows] == [
        ["", "", "", ""], ["", "", "", ""], [1.0, 2.0, "", ""], ["", "", 3.0, 4.0]]


@pytest.mark.parametrize("blank_rows", [0, 2])
def test_a_normal_sheet_with_no_references_at_all_loads(store, tmp_path, blank_rows):
    rows = [[] for _ in range(blank_rows)] + [CONTACT_HEADERS] + [
        [f"SYN-{i}", dt.date(2025, 4, 3), "6"] for i in range(300)]
    plain = write_raw_xlsx(tmp_path / "plain.xlsx", {"Contacts": without_references(sheet_xml(rows))})
    referenced = write_raw_xlsx(tmp_path / "referenced.xlsx", {"Contacts": sheet_xml(rows)})
    assert read_sheets(plain)[0].rows == read_sheets(referenced)[0].rows
    report = load(store, plain)
    assert (report.status, report.rows_loaded) == ("accepted", 300), report.errors


@pytest.mark.parametrize(("dimension", "data", "refusal"), [
    ("A1:C2", f'<row r="1"><c r="A1">{V}</c><c r="ZZ900000">{V}</c></row>',
     "a sheet spans 900,000 rows by 702 columns, more than the 30,000,000 cells allowed"),
    ("A1:C2", f'<row r="900000">{f"<c>{V}</c>" * 40}</row>',
     "a sheet spans 900,000 rows by 40 columns, more than the 30,000,000 cells allowed"),
    ("A1:XFD1048576", f'<row r="1"><c r="A1">{V}</c></row>', None),
    ("A1:XFD1048576", f"<row><c>{V}</c></row>", None),
])
def test_the_dimension_is_only_a_claim(tmp_path, dimension, data, refusal):
    path = write_raw_xlsx(tmp_path / "claims.xlsx", {"S": worksheet(data, dimension)})
    if refusal is None:
        assert read_sheets(path)[0].rows == [[1.0]]
    else:
        with pytest.raises(FileRejected, match=re.escape(refusal)):
            read_sheets(path)


@pytest.mark.parametrize(("snippet", "level"), [
    (f'<c r="B7">{V}</c>', 0),
    ('<c r="B7" t="inlineStr" />', 0),
    ('</row></sheetData><conditionalFormatting sqref="A1"><cfRule type="x"/></conditionalFormatting><sheetData><row>', 0),
    (f'<c r="XFD9">{V}</c>', 1),
    (f'<c r="B1000000">{V}</c>', 1),  # seven row digits: past what a narrow sheet may hold
    (f'<c r="B7" r="C8">{V}</c>', 1),
    (f'<c r="B7" s="1"\tr="C8">{V}</c>', 1),
    (f'<c r="B7" s="1" r ="C8">{V}</c>', 1),
    (f'<c r="b7">{V}</c>', 1),
    (f"<c>{V}</c>", 2),
    (f'<c s="1" r="B7">{V}</c>', 2),
    (f'<c  r="B7">{V}</c>', 2),
    (f'<x:c r="B7">{V}</x:c>', 2),
])
def test_every_block_boundary_is_looked_across(snippet, level):
    """The part is checked a block at a time: a reference cut by a block's end is still seen whole, by the
    single search of the usual block and by the look at each cell of the others (a block with <cols>)."""
    before = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>text {r}</t></is></c></row>' for r in range(1, 9))
    for head in ("", '<cols><col min="1" max="1" width="9"/></cols>'):
        xml = worksheet(before + f'<row r="9">{snippet}</row>').replace("<sheetData>", head + "<sheetData>", 1).encode()
        start = xml.index(snippet.encode())
        for cut in range(start - 20, start + len(snippet) + 20):
            windows = list(cell_positions._windows(iter([xml[:cut], xml[cut:]])))
            scratch = cell_positions._Scratch(len(xml) + 64)
            assert max(cell_positions._block_level(window, 6, scratch) for window in windows) == level, cut
            assert max(cell_positions._block_level_each(window, 6, scratch) for window in windows) == level, cut


def test_a_part_whose_data_does_not_match_its_crc_is_damaged(tmp_path):
    """Past the 64 KB every part's start is read through zipfile, the scan checks the CRC itself."""
    rows = [CONTACT_HEADERS] + [[f"SYN-{i}", dt.date(2025, 4, 3), "6"] for i in range(2000)]
    path = write_raw_xlsx(tmp_path / "crc.xlsx", {"Contacts": sheet_xml(rows)})
    member = "xl/worksheets/sheet1.xml"
    info = zipfile.ZipFile(path).getinfo(member)
    assert info.file_size > 65536
    data = bytearray(path.read_bytes())
    # (signature, offset of the CRC, offset of the name's length, offset of the name): local and central headers
    for signature, crc_at, length_at, name_at in ((b"PK\x03\x04", 14, 26, 30), (b"PK\x01\x02", 16, 28, 46)):
        start = data.find(signature)
        while start != -1:
            (length,) = struct.unpack_from("<H", data, start + length_at)
            if data[start + name_at:start + name_at + length] == member.encode():
                struct.pack_into("<I", data, start + crc_at, info.CRC ^ 1)
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))
    with pytest.raises(FileRejected, match="damaged or encrypted \\(part xl/worksheets/sheet1.xml cannot be read\\)"):
        read_sheets(path)


def test_the_inflating_thread_hands_on_errors_and_stops_when_left():
    def failing():
        yield b"one"
        raise OSError("disk")

    with pytest.raises(OSError, match="disk"):
        list(cell_positions._prefetched(failing()))

    def endless():
        while True:
            yield b"x" * 1000

    blocks = cell_positions._prefetched(endless())
    assert next(blocks) == b"x" * 1000
    blocks.close()
    assert not [thread for thread in threading.enumerate() if thread.name == "inflate"]


def _random_cell(rng, explicit: bool) -> str:
    letters = "".join(chr(65 + rng.randrange(26)) for _ in range(rng.choice((1, 1, 1, 2))))
    reference = f"{letters}{rng.randint(1, 60)}"
    forms = [f'<c r="{reference}">{V}</c>', f'<c r="{reference}" t="n">{V}</c>',
             f'<c r="A1" r="{reference}">{V}</c>', f"<c\nr = '{reference}'>{V}</c>",
             f'<c r="{reference.lower()}">{V}</c>', f'<c t="str" r="{reference}"><v>a&lt;b</v></c>']
    if not explicit:
        forms += [f"<c>{V}</c>", f'<c s="1">{V}</c>', f'<x:c xmlns:x="urn:x">{V}</x:c>', f'<c R="{reference}">{V}</c>',
                  f'<!-- <c r="{reference}">{V}</c> --><c>{V}</c>', f'<c foo=">">{V}</c>']
    return rng.choice(forms)


def _random_row(rng, explicit: bool) -> str:
    cells = "".join(_random_cell(rng, explicit) for _ in range(rng.randint(0, 6)))
    return rng.choice([f"<row>{cells}</row>", f'<row r="{rng.randint(1, 60)}">{cells}</row>',
                       f'<row r="{rng.randint(1, 60)}"/>', f'<!-- <row r="1"> --><row spans="1:3">{cells}</row>'])


@pytest.mark.parametrize("explicit", [False, True], ids=["some-cells-without-references", "every-cell-referenced"])
def test_the_positions_foreseen_are_calamines(tmp_path, explicit):
    """Random small sheets, every way of writing a cell mixed: the grid foreseen is the one calamine reads,
    and a sheet the block check passes as narrow (level 0) or as referenced (level 1) is within what it vouches."""
    import python_calamine

    rng = __import__("random").Random(7 if explicit else 5)
    for case in range(150):
        xml = worksheet("".join(_random_row(rng, explicit) for _ in range(rng.randint(1, 8))))
        path = write_raw_xlsx(tmp_path / f"random{case}.xlsx", {"S": xml})
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        try:
            end = workbook.get_sheet_by_name("S").end
        except python_calamine.CalamineError:
            continue  # calamine refuses the sheet: no grid is laid out
        finally:
            workbook.close()
        read = (end[0] + 1, end[1] + 1) if end else (0, 0)
        assert cell_positions._follow(xml.encode())[1:] == read, xml
        level = max(cell_positions._block_level(window, 6) for window in cell_positions._windows(iter([xml.encode()])))
        if level == 0:
            assert read[1] <= 26, xml
        if level <= 1:
            with zipfile.ZipFile(path) as archive:
                measured = cell_positions._grid(archive, archive.getinfo("xl/worksheets/sheet1.xml"))
            assert measured[0] >= read[0] and measured[1] >= read[1], xml


@pytest.mark.parametrize("writer", ["openpyxl", "openpyxl-write-only", "excel-rows"])
def test_ordinary_workbooks_are_vouched_for_by_the_block_check_alone(tmp_path, monkeypatch, writer):
    """The usual workbook (several blocks of it) never needs its references measured or calamine followed:
    that is what keeps the check cheap."""
    import openpyxl

    rows = [CONTACT_HEADERS] + [[f"SYN-{i}", dt.date(2025, 4, 3), "6"] for i in range(40_000)]
    path = tmp_path / f"{writer}.xlsx"
    if writer == "excel-rows":  # as Excel writes rows: r, then spans and a height in another namespace
        xml = re.sub(r'(<row r="\d+")', r'\1 spans="1:3" x14ac:dyDescent="0.25"', sheet_xml(rows))
        write_raw_xlsx(path, {"Contacts": xml})
    else:
        workbook = openpyxl.Workbook(write_only=writer == "openpyxl-write-only")
        sheet = workbook.create_sheet("Contacts")
        for row in rows:
            sheet.append(row)
        workbook.save(path)
    for slower in ("_grid", "_follow"):
        monkeypatch.setattr(cell_positions, slower, lambda *args: pytest.fail("the block check could not vouch"))
    with zipfile.ZipFile(path) as archive:
        info = max((i for i in archive.infolist() if i.filename.startswith("xl/worksheets/sheet")),
                   key=lambda i: i.file_size)
        assert info.file_size > 2 * cell_positions._BLOCK
        assert cell_positions.position_refusal(path, archive, info, Limits()) is None
    assert len(read_sheets(path)[-1].rows) == 40_001
