"""How numbers and changes are shown: the one place for units, decimals and rounding (no streamlit).

Which function to use:

- ``format_number``: a figure on a page, a chart label or a headline: the unit's fixed decimals
  (``87.0%``, ``1.50``, ``4,044``; ``no value`` when missing).
- ``format_value``: a figure inside a sentence (an action's rating reason): whole numbers without decimals
  (``95%``, ``1,204``, ``73.4%``, ``1.25``).
- ``format_shown``: a cell of a suppressed table (``metrics.suppress``): ``x`` when missing, ``low`` when it
  rounds to 0 but is not 0, no thousands separators.
- ``shown_or_number``: a figure scrutiny reads: the suppression symbol where there is one, else ``format_number``.
- ``rounded``: a DataFrame column rounded as it is shown, so a chart and its table/CSV hold the same figures.
- ``change_words``: the change between two shown figures, with its direction and whether that is better.

Every rounding is half up (``23.25`` -> ``23.3``), as people expect, through ``round_half_up``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

# The symbols of the official small-number convention that ``format_shown`` produces or passes through.
SUPPRESSED, UNAVAILABLE, NOT_APPLICABLE, LOW = "c", "x", "z", "low"
NO_VALUE = "no value"


@dataclass(frozen=True)
class UnitDisplay:
    """How one unit is shown."""

    decimals: int  # places shown on pages and in tables
    sign: str  # written after the number: ``%`` or nothing
    suffix: str  # after a chart's title: `` (%)``
    axis: str  # the value axis's title when a chart gives none
    change: str = ""  # the word after the size of a change (``3.5 points``); empty: the number alone


UNITS: dict[str, UnitDisplay] = {
    "%": UnitDisplay(1, "%", " (%)", "Per cent", change="points"),
    "count": UnitDisplay(0, "", " (number)", "Number"),
    "score": UnitDisplay(2, "", " (average score)", "Score"),
    "per 10,000": UnitDisplay(1, "", " (per 10,000 children)", "Per 10,000 children aged 0-17"),
}


def unit_display(unit: str) -> UnitDisplay:
    """The unit's display; an unknown unit shows like a count, with its own name on the axis."""
    return UNITS.get(unit) or UnitDisplay(UNITS["count"].decimals, "", "", unit)


def format_day(day: dt.date) -> str:
    """A date in words, as the readers write it: "2 December 2025"."""
    return f"{day.day} {day:%B %Y}"


def missing(value: object) -> bool:
    """None, NaN and pandas' NA: no figure."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def round_half_up(value: float, decimals: int) -> Decimal:
    """``value`` to ``decimals`` places, halves away from zero: the one rounding rule of every display."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_number(value: object, unit: str) -> str:
    """A figure as pages, charts and headlines show it: ``87.0%``, ``1.50``, ``4,044``; ``no value`` when missing."""
    if missing(value):
        return NO_VALUE
    display = unit_display(unit)
    return f"{round_half_up(float(value), display.decimals):,f}{display.sign}"


def format_value(value: float, unit: str) -> str:
    """A figure inside a sentence: ``73.4%``, ``95%``, ``1,204``, ``1.25``, ``1.5``: whole numbers without
    decimals, a score's trailing zeros dropped."""
    if float(value).is_integer():
        text = f"{value:,.0f}"
    else:
        text = f"{round_half_up(value, 2 if unit == 'score' else 1):,f}"
        if unit == "score":
            text = text.rstrip("0")
    return text + unit_display(unit).sign


def format_shown(value: object, decimals: int, unit: str) -> str:
    """A cell of a suppressed table: ``x`` when missing; a count as a whole number; else ``decimals`` places,
    and ``low`` when that rounds to 0 but the figure is not 0. No thousands separators, no sign."""
    if missing(value):
        return UNAVAILABLE
    value = float(value)
    if unit == "count":
        return f"{round_half_up(value, 0):f}"
    text = f"{round_half_up(value, decimals):f}"
    if value != 0 and float(text) == 0:
        return LOW
    return text


def shown_or_number(value: float | None, shown: str | None, unit: str) -> str:
    """The suppression symbol where the display (``value_shown``) is one, else the figure as pages show it."""
    if shown in (SUPPRESSED, UNAVAILABLE, NOT_APPLICABLE):
        return shown
    return format_number(value, unit)


def rounded(frame: pd.DataFrame, unit: str, column: str = "value") -> pd.DataFrame:
    """``frame`` with ``column`` rounded as it is shown, so a chart and its table/CSV hold exactly the same
    figures; counts become whole numbers (``Int64``)."""
    if frame.empty:
        return frame
    decimals = unit_display(unit).decimals
    values = frame[column].astype("float64").map(
        lambda v: float("nan") if missing(v) else float(round_half_up(v, decimals)))
    if unit == "count":
        values = values.astype("Int64")
    return frame.assign(**{column: values})


def change_words(now: float, before: float, unit: str, polarity: str) -> str:
    """'▲ up 3.5 points, better': the arrow shows the direction, the word whether that is good.
    Only for two figures that are both shown (``metrics.summary`` withholds the change otherwise)."""
    display = unit_display(unit)
    difference = now - before
    # A change smaller than the display's precision, or between figures that are shown the same, is
    # "no change", never "up 0.0 points, worse".
    if round_half_up(abs(difference), display.decimals) == 0 or \
            round_half_up(now, display.decimals) == round_half_up(before, display.decimals):
        return "no change"
    arrow = "▲ up" if difference > 0 else "▼ down"
    if display.change:
        size = f"{round_half_up(abs(difference), display.decimals):f} {display.change}"
    else:
        size = format_number(abs(difference), unit)
    if polarity == "neither":
        judgement = "neither better nor worse"
    else:
        better = (difference > 0) == (polarity == "higher")
        judgement = "better" if better else "worse"
    return f"{arrow} {size}, {judgement}"
