"""Where a worksheet's cells would land, found before calamine lays its grid out in memory.

calamine places a cell where its ``r`` reference says, whatever the sheet's dimension claims, and a cell
without a reference where it falls: the row's ``r`` (or the row after the last), the column after the
previous cell. It then allocates every cell of the grid, last row by last column: a few bytes such as
``<c r="XFD1048576">``, or ``<row r="999999">`` followed by thousands of cells without references, would ask
for billions of cells and end the process.

A part is checked in three steps, each only when the one before cannot vouch for it:

1. every block of the inflated part is checked with numpy (which runs without the interpreter's lock,
   beside the inflating): every cell starts ``<c r="`` with one column letter and at most as many row
   digits as stay under the row limit, and no other ``r`` attribute says otherwise. Excel, LibreOffice
   and openpyxl write every narrow sheet so; its grid is then small by construction.
2. when every cell has its reference but some are wider or longer (columns past Z, written oddly), every
   reference in the part is measured.
3. when some cell has no reference (or is not written ``<c r=``), calamine's reading is followed tag by tag
   (comments, CDATA and quoted ">" understood as calamine understands them). This is slower, a few seconds
   for 100,000 rows, and holds the part in memory: it is for writers that leave references out.

The sheet's declared dimension is not read: calamine lays the grid out from the cells, so a dimension that
claims too much or too little changes nothing.

Refusals never quote a cell: a sheet's rows and columns are counted, nothing more.
"""

from __future__ import annotations

import contextlib
import queue
import re
import struct
import threading
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import numpy as np

_BLOCK = 1 << 20  # inflated bytes checked at a time
_INPUT = 1 << 16  # compressed bytes read at a time
_MARGIN = 16  # bytes of context each side of a position (the longest pattern looked at is 12 bytes long)
_WHITESPACE = b" \t\r\n"
# A row's or cell's reference, <row r="12"> or <c r="AB12">, in a part with its whitespace taken out (so
# spaces around "=" do not matter), written any way calamine accepts it: either quote, lower case, zeros.
_CELL_REF = re.compile(rb'r=["\']([A-Za-z]*)(\d+)["\']')
_REF = re.compile(rb"([A-Za-z]*)(\d+)")
_ATTRIBUTE = re.compile(rb"""([^\s=/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# One step of calamine's reading: whatever it skips (text, comments, CDATA, processing instructions,
# declarations, other elements, ends of cells), then a row, cell or sheetData tag, or the end of the part.
_NAME = rb"(?:[^\s/>:!?]+:)?"  # an optional namespace prefix: calamine matches local names
_QUOTED_REST = rb"""(?:[^>"']|"[^"]*"|'[^']*')*"""
_STEP = re.compile(
    rb"(?:[^<]++|<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<![A-Za-z]" + rb"""(?:[^>"'\[]|"[^"]*"|'[^']*'|\[.*?\])*>"""
    + rb"|</?(?!" + _NAME + rb"(?:row|c|sheetData)[\s/>])[^\s/>!?]+" + _QUOTED_REST + rb">"
    + rb"|</" + _NAME + rb"c\s*>)*+"
    + rb"(?:<(/?)" + _NAME + rb"(row|c|sheetData)((?:[\s/]" + _QUOTED_REST + rb")?)>|\Z)",
    re.S)


class SheetLimits(Protocol):
    max_rows: int
    max_cells: int


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def grid_refusal(last_row: int, last_column: int, limits: SheetLimits) -> str | None:
    if last_row <= limits.max_rows and last_row * last_column > limits.max_cells:
        return (f"a sheet spans {last_row:,} rows by {last_column:,} columns, more than the "
                f"{limits.max_cells:,} cells allowed")
    return None


def rows_refusal(last_row: int, limits: SheetLimits) -> str | None:
    if last_row > limits.max_rows:
        return f"a sheet has {last_row:,} rows, more than the {limits.max_rows:,} allowed"
    return None


def position_refusal(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: SheetLimits) -> str | None:
    """Why the worksheet part ``info`` would make too large a grid, or None when it would not.

    A damaged part raises what zipfile and zlib raise (``zipfile.BadZipFile``, ``zlib.error``...)."""
    digits = _narrow_digits(limits)
    scratch = _Scratch(_BLOCK + 2 * _MARGIN)
    level = 2 if digits == 0 else max(
        (_block_level(block, digits, scratch) for block in _windows(_crc_checked(_prefetched(_inflated(
            path, archive, info)), info))), default=0)
    if level == 0:
        return None
    if level == 1:
        last_row, last_column = _grid(archive, info)
        return rows_refusal(last_row, limits) or grid_refusal(last_row, last_column, limits)
    return _followed_refusal(archive.read(info), limits)


def _narrow_digits(limits: SheetLimits) -> int:
    """The most row digits a narrow sheet (columns A to Z) may have with its grid surely within the limits."""
    digits = min(len(str(limits.max_rows)) - 1, 6)
    while digits and 26 * (10**digits - 1) > limits.max_cells:
        digits -= 1
    return digits


# --- step 1: the inflated part, block by block ------------------------------------------------------------

def _inflated(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes, inflated with zlib straight from the file (zipfile's reader costs a third more),
    checked against the size the archive declares (and the CRC by ``_crc_checked``, beside the inflating)."""
    if info.compress_type != zipfile.ZIP_DEFLATED:
        with archive.open(info) as part:  # stored (or another method zipfile reads): zipfile checks it
            while block := part.read(_BLOCK):
                yield block
        return
    size = 0
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    with open(path, "rb") as handle:
        remaining = _seek_data(handle, info)
        while remaining and not inflater.eof:
            data = handle.read(min(_INPUT, remaining))
            if not data:
                break
            remaining -= len(data)
            while data:
                block = inflater.decompress(data, _BLOCK)
                data = inflater.unconsumed_tail
                size += len(block)
                if size > info.file_size:
                    raise zipfile.BadZipFile("a part holds more than it declares")
                if block:
                    yield block
    if not inflater.eof or size != info.file_size:
        raise zipfile.BadZipFile("a part's data does not match its header")


def _crc_checked(blocks: Iterator[bytes], info: zipfile.ZipInfo) -> Iterator[bytes]:
    crc = 0
    for block in blocks:
        crc = zlib.crc32(block, crc)
        yield block
    if crc != info.CRC:
        raise zipfile.BadZipFile("a part's data does not match its CRC")


def _prefetched(blocks: Iterator[bytes]) -> Iterator[bytes]:
    """The same blocks, made by a thread of their own one or two ahead of the caller: zlib inflates
    without the interpreter's lock (as numpy checks), so on two cores the inflating costs no time.
    An error in the thread is raised here; stopping early stops the thread."""
    handoff: queue.Queue = queue.Queue(maxsize=2)
    stop = threading.Event()
    end = object()

    def produce() -> None:
        try:
            for block in blocks:
                if stop.is_set():
                    return
                handoff.put(block)
            handoff.put(end)
        except BaseException as exc:  # handed to the caller, who raises it
            handoff.put(exc)

    worker = threading.Thread(target=produce, name="inflate", daemon=True)
    worker.start()
    try:
        while (item := handoff.get()) is not end:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting to hand a block over
            with contextlib.suppress(queue.Empty):
                handoff.get(timeout=0.01)
        worker.join()


def _seek_data(handle, info: zipfile.ZipInfo) -> int:
    """Move to the part's compressed data (after its local header); the compressed size."""
    handle.seek(info.header_offset)
    header = handle.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local file header")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    return info.compress_size


def _windows(blocks: Iterator[bytes]) -> Iterator[bytes]:
    """The blocks, each carrying the previous one's last 2 margins (padded with spaces at the start and
    end of the part), so each position from one margin in to one margin from the end is looked at once,
    with a margin of context either side."""
    carry = b" " * (2 * _MARGIN)
    for block in blocks:
        window = carry + block
        yield window
        carry = window[-2 * _MARGIN:]
    yield carry + b" " * (2 * _MARGIN)


# Eight bytes read as one little-endian number: byte i is (word >> 8 * i) & 0xFF.
_ONES = 0x0101010101010101
_CELL_PLAIN = int.from_bytes(b' r="', "little")  # bytes 2 to 5 of a plainly written cell: <c r="
_CELL_OPEN = int.from_bytes(b"<c ", "little")


class _Scratch:
    """Two flag arrays, written over block after block: numpy's fresh arrays of a block's size would each
    cost the machine new pages, several times the comparison itself."""

    def __init__(self, size: int) -> None:
        self.one = np.empty(size, bool)
        self.two = np.empty(size, bool)


def _block_level(window: bytes, digits: int, scratch: _Scratch | None = None) -> int:
    """0: every cell and r attribute here is narrow and written plainly; 1: every cell has its reference
    first, but some reference is wide, long or written oddly, or some cell has a second r attribute
    (calamine takes the last); 2: some cell has no reference first, or a namespace prefix.

    numpy finds each "r=" in the block, and the eight bytes from three before each are read as one
    number: when every "<c" of the block starts one of them, written <c r=", every cell is written plainly
    (the usual case, a single search). Otherwise each "<c" is looked at."""
    n = len(window)
    lo, hi = _MARGIN, n - _MARGIN
    scratch = scratch or _Scratch(n)
    a = np.frombuffer(window, np.uint8)
    words = np.ndarray((n - 7,), dtype="<u8", buffer=window, strides=(1,))
    references = _pairs(window, b"r=", lo + 3, hi + 3, scratch)  # so that a cell's "<c" is within lo to hi
    around = words[references - 3]  # bytes: 3 before the r, 2 before, 1 before, "r", "=", the quote
    plain = ((around & 0xFFFFFF) == _CELL_OPEN) & (((around >> 40) & 0xFF) == 34)
    if _count_pairs(window, b"<c", lo, hi, scratch) != np.count_nonzero(plain):
        return _block_level_each(window, digits, scratch)
    previous, gap = (around >> 8) & 0xFF, (around >> 16) & 0xFF
    if ((gap <= 32) & ((previous == 34) | (previous == 39) | (previous <= 32))).any() or _spaced_equals(a, scratch):
        return 1  # a second r attribute, or one that could hide from the search
    if np.equal(a[lo:hi], 58, out=scratch.one[:hi - lo]).any() and _prefixed_cell(window, words, lo, hi, scratch):
        return 2
    return 0 if _narrow(words[references[plain] + 3], digits).all() else 1


def _count_pairs(window: bytes, pair: bytes, lo: int, hi: int, scratch: _Scratch) -> int:
    value, count = int.from_bytes(pair, "little"), (hi - lo + 1) // 2
    even = np.equal(np.frombuffer(window, "<u2", count=count, offset=lo), value, out=scratch.one[:count])
    odd = np.equal(np.frombuffer(window, "<u2", count=count, offset=lo + 1), value, out=scratch.two[:count])
    return int(np.count_nonzero(even)) + int(np.count_nonzero(odd))


def _spaced_equals(a: np.ndarray, scratch: _Scratch) -> bool:
    """Whether an attribute has whitespace before its "=" (an r attribute written so hides from "r=")."""
    lo, hi = _MARGIN, len(a) - _MARGIN
    equals = np.equal(a[lo:hi], 61, out=scratch.one[:hi - lo])
    return bool(np.logical_and(equals, np.less_equal(a[lo - 1:hi - 1], 32, out=scratch.two[:hi - lo]),
                               out=equals).any())


def _prefixed_cell(window: bytes, words: np.ndarray, lo: int, hi: int, scratch: _Scratch) -> bool:
    third = (words[_pairs(window, b":c", lo, hi, scratch)] >> 16) & 0xFF
    return bool(((third <= 32) | (third == 62) | (third == 47)).any())  # <x:c ...>: calamine matches local names


def _block_level_each(window: bytes, digits: int, scratch: _Scratch) -> int:
    """``_block_level``, looking at each "<c" (a block with columns, formatting rules... or odd cells)."""
    n = len(window)
    lo, hi = _MARGIN, n - _MARGIN
    a = np.frombuffer(window, np.uint8)
    words = np.ndarray((n - 7,), dtype="<u8", buffer=window, strides=(1,))
    cells = _pairs(window, b"<c", lo, hi, scratch)
    head = words[cells]
    third = (head >> 16) & 0xFF
    named = (third <= 32) | (third == 62) | (third == 47)  # "<c" then whitespace, ">" or "/": a cell
    if (named & (((head >> 16) & 0xFFFFFFFF) != _CELL_PLAIN)).any():
        return 2
    if np.equal(a[lo:hi], 58, out=scratch.one[:hi - lo]).any() and _prefixed_cell(window, words, lo, hi, scratch):
        return 2  # ":" is rare but for Excel's row spans
    if _odd_equals(window, a, words, scratch) or not _narrow(words[cells[named] + 6], digits).all():
        return 1
    return 0


def _pairs(window: bytes, pair: bytes, lo: int, hi: int, scratch: _Scratch) -> np.ndarray:
    """Where the two bytes ``pair`` start, from ``lo`` to ``hi`` (and perhaps at ``hi``): read as 16-bit
    numbers from ``lo``, then from the place after it."""
    value, count = int.from_bytes(pair, "little"), (hi - lo + 1) // 2
    even = np.equal(np.frombuffer(window, "<u2", count=count, offset=lo), value, out=scratch.one[:count])
    odd = np.equal(np.frombuffer(window, "<u2", count=count, offset=lo + 1), value, out=scratch.two[:count])
    return np.concatenate((np.flatnonzero(even) * 2 + lo, np.flatnonzero(odd) * 2 + (lo + 1)))


def _odd_equals(window: bytes, a: np.ndarray, words: np.ndarray, scratch: _Scratch) -> bool:
    """Whether an attribute has whitespace before its "=" (so an r attribute could hide from the search
    for "r="), or an r attribute follows another attribute (the only way a cell written <c r="..."> can
    hold a second reference)."""
    lo, hi = _MARGIN, len(window) - _MARGIN
    if _spaced_equals(a, scratch):
        return True
    # as in _block_level, "r=" from 3 places on, so that each is looked at in one block or the next
    before = words[_pairs(window, b"r=", lo + 3, hi + 3, scratch) - 2]  # bytes: 2 before the r, 1 before, "r", "="
    previous, gap = before & 0xFF, (before >> 8) & 0xFF
    return bool(((gap <= 32) & ((previous == 34) | (previous == 39) | (previous <= 32))).any())


def _narrow(values: np.ndarray, digits: int) -> np.ndarray:
    """For each reference's first eight bytes: one capital letter, then one to ``digits`` digits (at most 6)."""
    shifted = values ^ (0x30 * _ONES)  # digits become 0 to 9 in their byte
    not_digit = (shifted & (0xF0 * _ONES)) | (((shifted & (0x0F * _ONES)) + 0x06 * _ONES) & (0x10 * _ONES))
    first = values & 0xFF
    after_letter = sum(0xFF << (8 * i) for i in range(1, digits + 2))
    return ((first >= 65) & (first <= 90) & ((not_digit & 0xFF00) == 0)
            & ((not_digit & after_letter) != 0))


# --- step 2: every reference measured ----------------------------------------------------------------------

def _part_chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A part's bytes without whitespace, 4 MB at a time, each chunk starting with the previous one's last
    64 bytes, so a reference cut by a chunk boundary is whole in the next one."""
    with archive.open(info) as part:
        carry = b""
        while block := part.read(4 << 20):
            chunk = carry + block.translate(None, _WHITESPACE)
            yield chunk
            carry = chunk[-64:]


def _grid(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int]:
    """The last row and the last column any reference in the part names (a row's or a cell's)."""
    last_row = last_column = 0
    for chunk in _part_chunks(archive, info):
        references = _CELL_REF.findall(chunk)
        if references:
            last_row = max(last_row, max(int(row) for _, row in references))
            last_column = max(last_column, max(map(column_number, {letters for letters, _ in references})))
    return last_row, last_column


# --- step 3: calamine's reading followed -------------------------------------------------------------------

def _followed_refusal(xml: bytes, limits: SheetLimits) -> str | None:
    """Refuse a part whose references name rows past the limit, or whose grid, with every cell placed
    where calamine would place it, holds too many cells. A sheet past the row limit only through cells
    without references, with a grid within the limits, is left to the reading, which names the sheet."""
    referenced_row, last_row, last_column = _follow(xml)
    refusal = rows_refusal(referenced_row, limits)
    if refusal is None and last_row * last_column > limits.max_cells:
        refusal = (f"a sheet spans {last_row:,} rows by {last_column:,} columns, more than the "
                   f"{limits.max_cells:,} cells allowed")
    return refusal


def _follow(xml: bytes) -> tuple[int, int, int]:
    """(the last row any reference names, the last row and the last column of a cell) as calamine reads
    the part: inside sheetData, a row's r sets the row, the end of a row moves to the next and back to
    column A; a cell's r places it (and the next cell after it), a cell without one goes where it falls."""
    referenced = last_row = last_column = 0
    row = column = 0  # where a cell without a reference goes, counted from 0
    inside = False
    position = 0
    while (step := _STEP.match(xml, position)) is not None and step[2] is not None:
        position = step.end()
        closing, name, attributes = step[1] == b"/", step[2], step[3] or b""
        empty = attributes.rstrip().endswith(b"/")
        if name == b"sheetData":
            if inside or closing or empty:
                break
            inside = True
        elif not inside:
            continue
        elif name == b"row":
            if not closing:
                reference = _reference(attributes)
                if reference is not None:
                    row = reference[0] - 1
                    referenced = max(referenced, reference[0])
            if closing or empty:
                row, column = row + 1, 0
        elif not closing:  # a cell
            reference = _reference(attributes)
            if reference is not None and reference[1]:
                referenced = max(referenced, reference[0])
                cell_row, column = reference[0] - 1, reference[1] - 1
            else:
                cell_row = row
            last_row, last_column = max(last_row, cell_row + 1), max(last_column, column + 1)
            column += 1
    if step is None:
        raise zipfile.BadZipFile("a worksheet's XML cannot be read")
    return referenced, last_row, last_column


def _reference(attributes: bytes) -> tuple[int, int] | None:
    """(row, column) counted from 1 (column 0 when it has no letters) of the element's last r attribute."""
    if b"r" not in attributes:
        return None
    value = None
    for match in _ATTRIBUTE.finditer(attributes):
        if match[1] == b"r":
            value = match[2] if match[2] is not None else match[3]
    written = _REF.fullmatch(value) if value is not None else None
    if written is None:
        return None  # calamine refuses the sheet: it reads nothing to lay out
    return int(written[2]), column_number(written[1])
