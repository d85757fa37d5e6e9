"""The decisions log for the minutes: every decision the partnership recorded on an action, oldest first, as a
CSV (safe to open in Excel: ``charts.export.safe_csv``) or a Word table. The rows come from
``metrics.decisions`` (``decisions_log`` where it exists: with the meeting date and who was present), never
from SQL here. Every value is written as text: python-docx and the CSV writer interpret nothing."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import pandas as pd

from charts.export import safe_csv
from loaders.store import Store
from metrics import decisions as decision_rows

FORMATS = (".csv", ".docx")
EMPTY = "No decisions have been recorded yet."
# The log's columns, in the order the minutes show them: stored name -> heading. Columns a store does not
# have yet (meeting date and who was present, before migration 6) are left out rather than shown empty.
COLUMNS = {
    "action_id": "Action",
    "action": "Action title",
    "meeting_date": "Meeting date",
    "present": "Present",
    "status": "Status",
    "note": "Decision",
    "decided_by": "Recorded by",
    "decided_on": "Date decided",
}


class ExportError(ValueError):
    """An export asked for in a format it is not written in; the message says which ones it is."""


def decisions_table(store: Store) -> pd.DataFrame:
    """The decisions log as the minutes show it: one row per decision, oldest first, headed in words."""
    log = getattr(decision_rows, "decisions_log", None)
    rows = log(store) if log is not None else decision_rows.decision_history(store)
    keep = [column for column in COLUMNS if column in rows.columns]
    table = rows[keep].rename(columns=COLUMNS).astype(object)
    return table.map(_cell)


def _cell(value: object) -> str:
    """Every cell as the text a reader sees: dates as 31/12/2025, lists of agencies joined, blanks empty."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return ", ".join(str(item) for item in list(value))
    if value is None or pd.isna(value):
        return ""
    if isinstance(value, (dt.date, pd.Timestamp)):
        return f"{value:%d/%m/%Y}"
    return str(value)


def decisions_csv(store: Store) -> bytes:
    """The log as UTF-8 CSV; text a spreadsheet would run as a formula starts with an apostrophe. With no
    decisions the file holds the header row only."""
    return safe_csv(decisions_table(store))


def decisions_docx(store: Store, made_on: dt.date | None = None) -> bytes:
    """The log as a Word document: a heading, when it was made, and one table row per decision."""
    from docx import Document  # imported when used: only the export needs python-docx

    table = decisions_table(store)
    document = Document()
    document.add_heading("Decisions log", level=1)
    document.add_paragraph(f"Made from the dashboard on {made_on or dt.date.today():%d/%m/%Y}. "
                           "Each row is one decision recorded at a partnership meeting, oldest first.")
    if table.empty:
        document.add_paragraph(EMPTY)
    else:
        grid = document.add_table(rows=1, cols=len(table.columns))
        grid.style = "Table Grid"
        for cell, heading in zip(grid.rows[0].cells, table.columns):
            cell.text = str(heading)
        for values in table.itertuples(index=False):
            for cell, value in zip(grid.add_row().cells, values):
                cell.text = value  # plain text: nothing in it is read as formatting
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def decisions_bytes(store: Store, suffix: str) -> bytes:
    """The log in the format named by ``suffix`` (".csv" or ".docx")."""
    if suffix.lower() == ".csv":
        return decisions_csv(store)
    if suffix.lower() == ".docx":
        return decisions_docx(store)
    raise ExportError(f"the decisions log is written as {' or '.join(FORMATS)}, not {suffix or 'a file without one'}")


def write_file(out: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``out``. A path that cannot be written raises ``OSError``, which the command line
    (``reports.__main__``) turns into its one-line "cannot write …" message."""
    out = Path(out)
    out.write_bytes(data)
    return out


def write_decisions(store: Store, out: Path | str) -> Path:
    """Write the decisions log to ``out``; its extension (.csv or .docx) chooses the format."""
    out = Path(out)
    return write_file(out, decisions_bytes(store, out.suffix))
