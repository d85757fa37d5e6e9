"""What a load found and did, in the shape the command line and the Upload page show."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Literal

Status = Literal["accepted", "rejected", "duplicate", "checked"]


@dataclass(frozen=True)
class Issue:
    """One error or warning, located as a person would find it in Excel."""

    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    message: str

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


@dataclass
class SheetSummary:
    sheet: str
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
    message: str = ""

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
            "errors": [asdict(issue) for issue in self.errors],
            "warnings": [asdict(issue) for issue in self.warnings],
            "dropped_columns": self.dropped_columns,
        }
