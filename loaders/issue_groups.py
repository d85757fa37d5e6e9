"""Repeated problems said once: "'LA services' in Contact source, 40 rows: 10, 11, 15, …".

A local label repeated row by row makes forty errors of one cause. Grouping by sheet, column, value and
message gives the person one line per cause, with how many rows and which come first; the full list stays
available (the Upload page on request, the command line's ``--json``). A pure function of the issues: the
groups quote values, so, like the issues' own person form, they are shown and never stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from loaders.report import Issue

FIRST_ROWS = 10  # rows named in a group's line


@dataclass(frozen=True)
class IssueGroup:
    """Every issue with the same sheet, column, value and message; ``rows`` are their Excel rows, in order."""

    sheet: str | None
    column: str | None
    value: str | None
    message: str
    rows: tuple[int, ...]
    count: int

    def first_rows(self, limit: int = FIRST_ROWS) -> str:
        """The first ``limit`` rows, then an ellipsis when there are more: ``10, 11, 15, …``."""
        shown = ", ".join(str(row) for row in self.rows[:limit])
        return shown + (", …" if len(self.rows) > limit else "")

    def where(self) -> str:
        """``'LA services' in Contact source``: the value (or "blank") and the column as written."""
        value = "blank" if self.value == "" else (repr(self.value) if self.value is not None else "")
        column = f"in {self.column}" if self.column else ""
        return " ".join(part for part in (value, column) if part)

    def line(self, with_sheet: bool = False) -> str:
        """One line for a person: where, how many rows and which first, then what is wrong."""
        where = self.where()
        if with_sheet and self.sheet:
            where = f"{where} (sheet '{self.sheet}')" if where else f"sheet '{self.sheet}'"
        if self.rows:
            rows = f"{len(self.rows)} rows: {self.first_rows()}" if len(self.rows) > 1 else f"row {self.rows[0]}"
            where = f"{where}, {rows}" if where else rows
        return f"{where}: {self.message}" if where else self.message


def group_issues(issues: Iterable[Issue]) -> list[IssueGroup]:
    """The issues grouped by sheet, column, value and message: the largest group first, then by first row.

    An issue without a row (about the whole file or sheet) is a group of its own kind like any other."""
    grouped: dict[tuple, list[Issue]] = {}
    for issue in issues:
        grouped.setdefault((issue.sheet, issue.column, issue.value, issue.message), []).append(issue)
    groups = []
    for (sheet, column, value, message), members in grouped.items():
        rows = tuple(sorted({issue.row for issue in members if issue.row is not None}))
        groups.append(IssueGroup(sheet, column, value, message, rows, len(members)))
    order = {key: index for index, key in enumerate(grouped)}
    return sorted(groups, key=lambda g: (-g.count, g.rows[:1] or (0,),
                                         order[(g.sheet, g.column, g.value, g.message)]))
