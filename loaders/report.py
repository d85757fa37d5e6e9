"""What a load found and did, in the shape the command line and the Upload page show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from loaders.volume import VolumeWarning

Status = Literal["accepted", "rejected", "duplicate", "checked"]


_WITHHELD = "a problem whose details were shown only to the person uploading"


def column_letter(position: int) -> str:
    """Excel's letter for a 0-based column position: 0 is A, 26 is AA."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class Issue:
    """One error or warning, located as a person would find it in Excel.

    It has two forms. The first five fields are for the person uploading (on screen, in the command
    line's output): the sheet's name, the header as written, the value and a message that may quote
    them. Nothing of that form is ever written to disk, because a cell, a header that was really a data
    row or a sheet name can hold personal data. ``stored()`` is the only form the store keeps: the sheet
    by its position, the Excel row, the column by letter and as declared in ``loaders/datasets.py``, and
    ``kind`` — what kind of problem, in words that hold no value. An issue made without a ``kind`` is
    stored as a problem whose details were withheld, so a new message can never leak by default."""

    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    message: str
    sheet_number: int | None = None
    declared: str | None = None
    letter: str | None = None
    kind: str | None = None

    def __str__(self) -> str:
        where = ", ".join(
            part for part in (
                f"sheet '{self.sheet}'" if self.sheet else "",
                f"row {self.row}" if self.row else "",
                f"column '{self.column}'" if self.column else "",
            ) if part
        )
        value = f" value {self.value!r}:" if self.value is not None else ""
        return f"{where}:{value} {self.message}" if where else self.message

    def stored(self) -> str:
        """The value-free form: where (sheet position, row, column) and what kind of problem."""
        column = ""
        if self.letter and self.declared:
            column = f"column {self.letter} ('{self.declared}')"
        elif self.declared or self.letter:
            column = f"column '{self.declared}'" if self.declared else f"column {self.letter}"
        where = ", ".join(part for part in (
            f"sheet {self.sheet_number}" if self.sheet_number else "",
            f"row {self.row}" if self.row else "",
            column,
        ) if part)
        what = self.kind or _WITHHELD
        return f"{where}: {what}" if where else what

    def to_json(self) -> dict:
        """The person's form, as the command line's ``--json`` prints it."""
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "value": self.value,
                "message": self.message}


@dataclass(frozen=True)
class Unrecognised:
    """A distinct value of a code-like column that matched no accepted code, for the uploader to map.

    Held in memory for the person uploading only (it quotes a cell): never stored. ``column_key`` is the
    declared column's key, or ``judgement`` for an audit theme (one mapping serves every theme); ``header``
    is the column as written; ``rows`` the first Excel rows holding it (at most 20)."""

    dataset: str
    column_key: str
    header: str
    value: str
    count: int
    rows: tuple[int, ...]
    sheet: str = ""


@dataclass
class SheetSummary:
    sheet: str  # the name as typed in the workbook: shown to the person, never stored
    dataset: str | None
    header_row: int | None = None
    rows_read: int = 0
    rows_valid: int = 0
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    columns_mapped: dict[str, str] = field(default_factory=dict)
    columns_not_used: list[str] = field(default_factory=list)
    columns_dropped: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    number: int = 1  # the sheet's position in the workbook (a CSV is sheet 1)

    @property
    def label(self) -> str:
        """How the store names the sheet: by position, since a sheet's name is typed by a person."""
        return f"Sheet {self.number}"


@dataclass
class LoadReport:
    file: str
    status: Status = "rejected"
    agency: str | None = None
    sha256: str | None = None
    submission_id: int | None = None
    datasets: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_skipped: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    dropped_columns: list[str] = field(default_factory=list)
    sheets: list[SheetSummary] = field(default_factory=list)
    sheets_not_used: list[str] = field(default_factory=list)
    skip_invalid_rows: bool = False
    # In memory only, for the person uploading: each unrecognised code-like value (see ``Unrecognised``),
    # and alias id -> cells its value mapping changed (ids and counts hold no cell text).
    unrecognised: list[Unrecognised] = field(default_factory=list)
    aliases_applied: dict[int, int] = field(default_factory=dict)
    # Quarters far from the agency's usual volume (``loaders.volume``): counts, no cell text.
    volume_warnings: list[VolumeWarning] = field(default_factory=list)
    message: str = ""  # the outcome in one line, holding no value from the file: it may be stored

    def stored_summary(self) -> str | None:
        """What the upload log and audit trail keep: the first error's value-free form, else the message."""
        return self.errors[0].stored() if self.errors else (self.message or None)

    @property
    def ok(self) -> bool:
        return self.status in ("accepted", "duplicate", "checked")

    def to_json(self) -> dict:
        """The command line's ``--json`` object."""
        return {
            "file": self.file,
            "datasets": self.datasets,
            # A dry run that passes reports "accepted" (it would be) with no submission id: nothing was written.
            "status": "accepted" if self.status == "checked" else self.status,
            "submission_id": self.submission_id,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_skipped": self.rows_skipped,
            "errors": [issue.to_json() for issue in self.errors],
            "warnings": [issue.to_json() for issue in self.warnings],
            "dropped_columns": self.dropped_columns,
            # Value mappings applied: alias id (a JSON key is text) -> cells it changed.
            "aliases_applied": {str(alias_id): cells for alias_id, cells in sorted(self.aliases_applied.items())},
            "volume_warnings": [warning.to_json() for warning in self.volume_warnings],
        }
