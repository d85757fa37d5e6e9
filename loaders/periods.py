"""Financial quarters as councils write them: ``2025-26 Q1`` is April to June 2025."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_PERIOD = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{2}|\d{4})\s*q\s*([1-4])\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Quarter:
    """A financial quarter; ``year`` is the calendar year the financial year starts in."""

    year: int
    number: int

    @property
    def label(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d} Q{self.number}"

    @property
    def index(self) -> int:
        """Quarters counted from a fixed origin, so differences count quarters."""
        return self.year * 4 + self.number - 1

    @property
    def start(self) -> dt.date:
        month = 4 + 3 * (self.number - 1)
        year = self.year + (month > 12)
        return dt.date(year, (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> dt.date:
        return (self + 1).start - dt.timedelta(days=1)

    @property
    def words(self) -> str:
        """The months in words: ``January to March 2026`` (a range across years names both)."""
        start, end = self.start, self.end
        first = f"{start:%B}" if start.year == end.year else f"{start:%B %Y}"
        return f"{first} to {end:%B %Y}"

    @property
    def long(self) -> str:
        """A first mention: ``January to March 2026 (2025-26 Q4)``; later mentions use ``label``."""
        return f"{self.words} ({self.label})"

    def __add__(self, quarters: int) -> Quarter:
        return Quarter.from_index(self.index + quarters)

    def __str__(self) -> str:
        return self.label

    @classmethod
    def from_index(cls, index: int) -> Quarter:
        return cls(index // 4, index % 4 + 1)

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        year = day.year if day.month >= 4 else day.year - 1
        return cls(year, (day.month - 4) % 12 // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Read ``2025-26 Q1`` (also ``2025/26 Q1``, ``2025-2026 q1``); raise ValueError otherwise."""
        match = _PERIOD.match(str(text))
        if not match:
            raise ValueError(f"not a financial quarter like '2025-26 Q1': {text!r}")
        start, end, number = int(match[1]), int(match[2]), int(match[3])
        if end % 100 != (start + 1) % 100:
            raise ValueError(f"financial year must be consecutive years: {text!r}")
        return cls(start, number)


def quarter_label_sql(date_expr: str) -> str:
    """SQL expression giving the ``2025-26 Q1`` label of a DATE expression (used by metrics)."""
    fy = f"(year({date_expr}) - CASE WHEN month({date_expr}) < 4 THEN 1 ELSE 0 END)"
    q = f"((month({date_expr}) + 8) % 12 // 3 + 1)"
    return f"(CAST({fy} AS VARCHAR) || '-' || lpad(CAST(({fy} + 1) % 100 AS VARCHAR), 2, '0') || ' Q' || CAST({q} AS VARCHAR))"
