"""Sudden jumps in a metric's latest quarter, explained from the data's own dates.

A chart whose last point leaps (51 contacts awaiting a decision after quarters of 3 or 4) alarms a meeting
unless it says why. Most such leaps are the data catching up: the return for the quarter was loaded while the
quarter was still running, or so soon after it that the records are still being completed. This module finds
the leap and builds the sentence from the quarter's dates and the date the latest return was loaded, never
from hand-written notes. Pure functions: no store, no Streamlit.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from loaders.periods import Quarter
from metrics.display import format_number

JUMP_FACTOR = 2.0  # the latest value at least twice, or at most half, the usual value
JUMP_FLOOR = 5.0  # and at least this far from it: 1 → 3 is not news
HISTORY = 4  # the usual value is the median of up to this many earlier quarters
SETTLING_DAYS = 30  # a return loaded within this many days of its quarter's end may still be being completed


@dataclass(frozen=True)
class Jump:
    """The latest quarter's value against the median of the quarters before it."""

    period: str
    value: float
    usual: float

    @property
    def up(self) -> bool:
        return self.value > self.usual


def sudden_jump(values: Sequence[tuple[str, float | None]], *, factor: float = JUMP_FACTOR,
                floor: float = JUMP_FLOOR, history: int = HISTORY) -> Jump | None:
    """The jump in the latest quarter of ``values`` (quarter label, value; any order), or None when the latest
    value is within ``factor`` of the median of up to ``history`` earlier quarters, or within ``floor`` of it,
    or when fewer than two earlier quarters have a value."""
    known = sorted(((Quarter.parse(p), float(v)) for p, v in values if v is not None and v == v),
                   key=lambda pair: pair[0].index)
    if len(known) < 3:
        return None
    (latest, value), earlier = known[-1], [v for _, v in known[-1 - history:-1]]
    usual = statistics.median(earlier)
    if abs(value - usual) < floor:
        return None
    if usual > 0 and 1 / factor < value / usual < factor:
        return None
    return Jump(latest.label, value, usual)


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def explain_jump(jump: Jump | None, *, noun: str, unit: str, loaded_on: dt.date | None,
                 data_up_to: dt.date | None = None, pending: str | None = None) -> str | None:
    """One sentence explaining ``jump`` from the dates, e.g. "51 contacts awaiting a decision in 2025-26 Q4
    (against a usual 0): the latest return was loaded on 9 Apr 2026 and runs to 31 Mar 2026, the quarter's
    last day, so decisions on its last contacts were still being recorded."

    ``noun`` names what is counted. ``pending`` says what is still being recorded for a metric that counts
    unfinished records (awaiting a decision): only then do a return that ends at the quarter's close
    (``data_up_to``, its last event date) or one loaded soon after it explain a jump. A return loaded before
    the quarter ended explains any jump. None when there is no jump, no load date, or the dates do not
    explain it."""
    if jump is None or loaded_on is None:
        return None
    end = Quarter.parse(jump.period).end
    lead = (f"{format_number(jump.value, unit)} {noun} in {jump.period} "
            f"(against a usual {format_number(jump.usual, unit)}): the latest return was loaded on {_day(loaded_on)}")
    if loaded_on <= end:
        return f"{lead}, before the quarter ended on {_day(end)}, so the quarter is not yet complete."
    if pending is None:
        return None
    if data_up_to is not None and end - dt.timedelta(days=SETTLING_DAYS) <= data_up_to <= end:
        last = "the quarter's last day" if data_up_to == end else f"{(end - data_up_to).days} days before the quarter ended"
        return f"{lead} and runs to {_day(data_up_to)}, {last}, so {pending}."
    # The loaded rows are as they stood on the load date, however long ago: a return taken soon after the
    # quarter closed holds records that were still being completed then.
    if loaded_on - end <= dt.timedelta(days=SETTLING_DAYS):
        return f"{lead}, {(loaded_on - end).days} days after the quarter ended, so {pending}."
    return None
