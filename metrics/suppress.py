"""Small-number suppression for anything shown to the public (scrutiny members, published packs).

The official convention in England: counts 1 to 5 show as ``c`` (0 stays 0); a percentage or mean is
``c`` when its numerator or denominator is; where a suppressed count could be worked out from the total
and the other parts, the next smallest part is suppressed too. Only the display changes: every
calculation uses the unsuppressed figures. Other symbols: ``x`` unavailable, ``z`` not applicable
(a percentage of nothing), ``low`` rounds to 0 but is not 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from metrics.registry import BY_ID, Unit, get

SUPPRESSED, UNAVAILABLE, NOT_APPLICABLE, LOW = "c", "x", "z", "low"
TOTAL = "total"
# The columns that count people, per unit (a score's numerator is a sum of scores).
_COUNTED = {"count": ["numerator"], "%": ["numerator", "denominator"], "score": ["denominator"]}
# A breakdown whose parts add up to another metric's overall value rather than its own.
TOTALS_FROM = {"contacts.by_source": "contacts.count"}
# Counts of things, not people: nobody can be identified from them.
NOT_PEOPLE = {"training.sessions"}


def _is_small(value: object, threshold: int) -> bool:
    return value is not None and not pd.isna(value) and 1 <= float(value) <= threshold


def _protected(parts: pd.Series, total: object, threshold: int) -> pd.Series:
    """Which parts of one count column to hide: primary (1 to threshold) and secondary suppression."""
    hidden = parts.map(lambda v: _is_small(v, threshold)).astype(bool)
    if total is None or pd.isna(total) or _is_small(total, threshold):
        return hidden
    # One hidden part is recoverable as total minus the shown parts: hide the next smallest non-zero part.
    numbers = parts.astype("Float64").astype("float64")
    if hidden.sum() == 1:
        candidates = numbers[~hidden & (numbers > 0)]
        if not candidates.empty:
            hidden[candidates.idxmin()] = True
    return hidden


def _number(value: object, decimals: int, unit: str) -> str:
    if value is None or pd.isna(value):
        return UNAVAILABLE
    value = float(value)
    if unit == "count":
        return f"{value:.0f}"
    text = f"{Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP):f}"
    if value != 0 and float(text) == 0:
        return LOW
    return text


def suppress(parts: pd.DataFrame, total: Mapping[str, object] | pd.Series | None = None, *,
             unit: Unit = "count", decimals: int = 1, threshold: int = 5) -> pd.DataFrame:
    """Display strings for a breakdown and its total.

    ``parts``: one row per part with ``numerator`` (the count itself, for a count) and, for ``%`` and
    ``score``, ``denominator`` and ``value``. ``total``: the same fields for the whole, which the parts add
    up to; without it there is no secondary suppression (nothing to recover a part from).
    Returns string columns value, numerator, denominator indexed like ``parts``, plus a row ``"total"``.
    """
    frame = parts.copy()
    if total is not None:
        frame = pd.concat([frame, pd.DataFrame([dict(total)], index=[TOTAL])])
    for column in ("numerator", "denominator", "value"):
        if column not in frame:
            frame[column] = frame["numerator"] if column == "value" and unit == "count" else None
    in_parts = frame.index != TOTAL if total is not None else [True] * len(frame)

    hidden: dict[str, pd.Series] = {}
    for column in _COUNTED[unit]:
        total_value = frame.at[TOTAL, column] if total is not None else None
        mask = _protected(frame.loc[in_parts, column], total_value, threshold).reindex(frame.index, fill_value=False)
        if total is not None:
            mask[TOTAL] = _is_small(total_value, threshold)
        hidden[column] = mask
    row_hidden = pd.concat(hidden.values(), axis=1).any(axis=1)

    out = pd.DataFrame(index=frame.index)
    out["value"] = [SUPPRESSED if row_hidden[key] else _value_text(row, unit, decimals)
                    for key, row in frame.iterrows()]
    for column in ("numerator", "denominator"):
        if column == "denominator" and unit == "count":
            out[column] = NOT_APPLICABLE
            continue
        texts = frame[column].map(lambda v: _number(v, decimals, "count"))
        # A score's numerator is a sum of scores, not people: it is hidden with its row.
        if column in hidden:
            texts = texts.mask(hidden[column], SUPPRESSED)
        elif unit == "score" and column == "numerator":
            texts = texts.mask(row_hidden, SUPPRESSED)
        out[column] = texts
    return out


def _value_text(row: pd.Series, unit: str, decimals: int) -> str:
    if unit != "count" and not pd.isna(row["denominator"]) and float(row["denominator"]) == 0:
        return NOT_APPLICABLE
    return _number(row["value"], decimals, unit)


def suppress_values(frame: pd.DataFrame, decimals: int = 1, threshold: int = 5) -> pd.DataFrame:
    """``compute_all`` output with display strings added: value_shown, numerator_shown, denominator_shown.

    Each metric and quarter is suppressed as one breakdown: the overall row is the total, the groups its parts.
    """
    pieces = []
    for (metric_id, period), rows in frame.groupby(["metric", "period"], sort=False):
        metric = BY_ID.get(metric_id) or get(metric_id)
        unit = metric.unit if metric else "count"
        limit = 0 if metric_id in NOT_PEOPLE else threshold
        overall = rows[rows["group"].isna()]
        total_rows = overall
        if metric_id in TOTALS_FROM:
            total_rows = frame[(frame["metric"] == TOTALS_FROM[metric_id]) & (frame["period"] == period)
                               & frame["group"].isna()]
        parts = rows[rows["group"].notna()]
        total = total_rows.iloc[0][["value", "numerator", "denominator"]] if len(total_rows) else None
        shown = suppress(parts[["value", "numerator", "denominator"]], total, unit=unit, decimals=decimals,
                         threshold=limit)
        display = shown.drop(index=TOTAL) if total is not None else shown
        if len(overall):
            display = pd.concat([shown.loc[[TOTAL]].set_axis(overall.index), display])
        pieces.append(rows.join(display.add_suffix("_shown")))
    if not pieces:
        return frame.assign(value_shown=None, numerator_shown=None, denominator_shown=None)
    return pd.concat(pieces).loc[frame.index]

