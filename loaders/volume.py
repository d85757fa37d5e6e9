"""Is this the whole return? A file's rows per quarter against what the same agency usually sends.

When a quarter of a file holds under half, or over twice, the median of that agency's last four quarters of
the dataset (from the rows that count now), the preview says so plainly and the uploader confirms before
loading; the command line reports it. With fewer than two earlier quarters there is nothing to compare with,
so no check. The earlier quarters are those before the file's first quarter: the quarters a load of this file
would supersede are never compared with themselves, and the answer is the same before and after the load.

Counting is done in DuckDB: the file's event dates (an Arrow table, nothing written) and the store's rows.
The warning holds counts, a quarter and an agency, never a cell: it may be shown, printed and logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import pyarrow as pa

from loaders.datasets import DATASETS
from loaders.periods import Quarter
from loaders.store import Store

if TYPE_CHECKING:
    from loaders.submit import Prepared

EARLIER_QUARTERS = 4  # the agency's last four quarters make the usual volume
MIN_EARLIER_QUARTERS = 2  # fewer: no check
LOW, HIGH = 0.5, 2.0  # under half, over twice the median
NOUNS = {"contacts": "contacts", "referrals": "referrals", "cp_plans": "child protection plans",
         "training": "training places", "audits": "audited cases"}


def _quarter_index(date_sql: str) -> str:
    """SQL for ``Quarter.index`` of a DATE: financial year * 4 + quarter - 1 (April starts the year)."""
    return f"((year({date_sql}) - CASE WHEN month({date_sql}) < 4 THEN 1 ELSE 0 END) * 4 + (month({date_sql}) + 8) % 12 // 3)"


@dataclass(frozen=True)
class VolumeWarning:
    """One quarter of a file much smaller or larger than the agency's usual."""

    dataset: str
    agency: str
    quarter: Quarter
    rows: int
    median: float
    earlier_quarters: int
    direction: Literal["low", "high"]

    @property
    def months(self) -> str:
        """``April to June 2026``: the quarter as a person says it."""
        start, end = self.quarter.start, self.quarter.end
        first = f"{start:%B}" if start.year == end.year else f"{start:%B %Y}"
        return f"{first} to {end:%B %Y}"

    @property
    def message(self) -> str:
        noun = NOUNS.get(self.dataset, f"{self.dataset} rows")
        noun = noun[:-1] if self.rows == 1 else noun  # "1 contact"
        median = f"{self.median:,.0f}" if self.median == int(self.median) else f"{self.median:,.1f}"
        last = "last four quarters" if self.earlier_quarters == EARLIER_QUARTERS else \
            f"last {self.earlier_quarters} quarters"
        question = ("Is this the whole return?" if self.direction == "low"
                    else "Does it repeat rows, or hold another period's or another agency's?")
        return (f"This return has {self.rows:,} {noun} for {self.months}; {self.agency}'s {last} had a median of "
                f"{median}. {question}")

    def to_json(self) -> dict:
        return {"dataset": self.dataset, "agency": self.agency, "quarter": self.quarter.label, "rows": self.rows,
                "median": self.median, "earlier_quarters": self.earlier_quarters, "direction": self.direction,
                "message": self.message}


def volume_warnings(store: Store, prepared: Prepared) -> list[VolumeWarning]:
    """The quarters of ``prepared`` (its valid rows, by event date) far from the agency's usual volume."""
    agency = prepared.report.agency
    by_dataset: dict[str, list[pa.Array]] = {}
    for parsed in prepared.parsed:
        dataset = parsed.dataset
        if dataset.event_date and parsed.table is not None and parsed.table.num_rows:
            by_dataset.setdefault(dataset.name, []).append(parsed.table.column(dataset.event_date))
    if not agency:
        return []
    warnings = []
    for name, columns in by_dataset.items():
        dates = pa.table({"day": pa.chunked_array([c for column in columns for c in column.chunks], pa.date32())})
        warnings.extend(_check(store, name, agency, dates))
    return warnings


def _check(store: Store, dataset: str, agency: str, dates: pa.Table) -> list[VolumeWarning]:
    event = DATASETS[dataset].event_date
    sql = f"""
        WITH file AS (
            SELECT {_quarter_index('day')} AS quarter, count(*) AS n FROM file_dates WHERE day IS NOT NULL GROUP BY 1
        ), earlier AS (
            SELECT {_quarter_index(event)} AS quarter, count(*) AS n FROM {dataset}
            WHERE is_current AND submitter_agency = $agency AND {event} IS NOT NULL
            GROUP BY 1 HAVING quarter < (SELECT min(quarter) FROM file)
            ORDER BY quarter DESC LIMIT {EARLIER_QUARTERS}
        )
        SELECT f.quarter, f.n, (SELECT median(n) FROM earlier), (SELECT count(*) FROM earlier)
        FROM file f ORDER BY f.quarter"""
    cursor = store.con.cursor()  # its own cursor: registering the file's dates touches no other query
    try:
        cursor.register("file_dates", dates)
        rows = cursor.execute(sql, {"agency": agency}).fetchall()
    finally:
        cursor.close()
    warnings = []
    for quarter, count, median, earlier in rows:
        if earlier < MIN_EARLIER_QUARTERS or not median:
            continue
        direction = "low" if count < LOW * median else "high" if count > HIGH * median else None
        if direction:
            warnings.append(VolumeWarning(dataset, agency, Quarter.from_index(int(quarter)), int(count),
                                          float(median), int(earlier), direction))
    return warnings
