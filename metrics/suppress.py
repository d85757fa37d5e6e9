"""Small-number suppression for anything shown to the public (scrutiny members, published packs).

The official convention in England: counts 1 to 5 show as ``c`` (0 stays 0); a percentage or mean is
``c`` when its numerator or denominator is; where a suppressed count could be worked out from the total
and the other parts, the next smallest part is suppressed too. Only the display changes: every
calculation uses the unsuppressed figures. Other symbols: ``x`` unavailable, ``z`` not applicable
(a percentage of nothing), ``low`` rounds to 0 but is not 0.

Suppression holds in words too: where a figure is suppressed, its change, its comparison with a target or
baseline and any rating built from it are withheld as well, and the reader sees ``withheld_words`` instead
("fewer than 6 contacts: not shown"). ``metrics.summary`` applies that to everything scrutiny reads.

Each metric declares how it is suppressed (``metrics.registry.Metric``): whether its counts are of people
(``people``), which metric's total its parts add up to (``totals_from``) and what its counts are of
(``counted_in``). The cells themselves are written by ``metrics.display.format_shown``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from metrics.display import NOT_APPLICABLE, SUPPRESSED, format_shown
from metrics.display import missing as _missing
from metrics.registry import COUNTED_IN, Unit, get

TOTAL = "total"
# The columns that count people, per unit (a score's numerator is a sum of scores).
_COUNTED = {"count": ["numerator"], "%": ["numerator", "denominator"], "score": ["denominator"]}
# The largest count that is suppressed: 1 to 5 show as ``c``.
SMALL = 5
NOT_SHOWN = "not shown"


def counted_in(metric_id: str) -> str:
    """The noun a metric's counts are in: ``children``, ``contacts``, ``delegates``, ``sessions``… (declared
    with the metric, else its dataset's)."""
    metric = get(metric_id)
    return metric.counted_in if metric else COUNTED_IN.get(metric_id.split(".", 1)[0]) or "cases"


def fewer_than(*metric_ids: str, threshold: int = SMALL) -> str:
    """``fewer than 6 contacts`` (``… contacts or delegates`` for several metrics): why a figure is not shown,
    without giving anything away."""
    nouns = dict.fromkeys(counted_in(metric_id) for metric_id in metric_ids)
    return f"fewer than {threshold + 1} {' or '.join(nouns)}"


def withheld_words(metric_id: str, threshold: int = SMALL) -> str:
    """What scrutiny reads in place of a suppressed figure and everything derived from it."""
    return f"{fewer_than(metric_id, threshold=threshold)}: {NOT_SHOWN}"


def is_withheld(row: Mapping[str, object]) -> bool:
    """Whether a row of ``suppress_values`` output hides anything (its value, numerator or denominator,
    by primary or secondary suppression): then no change, comparison or rating may be built from it."""
    return any(row.get(f"{column}_shown") == SUPPRESSED for column in ("value", "numerator", "denominator"))


def _is_small(value: object, threshold: int) -> bool:
    return not _missing(value) and 1 <= float(value) <= threshold


def _protected(parts: list[object], total: object, threshold: int) -> list[bool]:
    """Which parts of one count column to hide: primary (1 to threshold) and secondary suppression."""
    hidden = [_is_small(v, threshold) for v in parts]
    if _missing(total) or _is_small(total, threshold):
        return hidden
    # One hidden part is recoverable as total minus the shown parts: hide the next smallest non-zero part.
    if sum(hidden) == 1:
        candidates = [(float(v), i) for i, v in enumerate(parts) if not hidden[i] and not _missing(v) and float(v) > 0]
        if candidates:
            hidden[min(candidates)[1]] = True
    return hidden


def _value_text(row: Mapping[str, object], unit: str, decimals: int) -> str:
    denominator = row.get("denominator")
    if unit != "count" and not _missing(denominator) and float(denominator) == 0:
        return NOT_APPLICABLE
    return format_shown(row.get("value"), decimals, unit)


def _shown(rows: list[dict], total: Mapping[str, object] | None, unit: str, decimals: int,
           threshold: int) -> list[dict[str, str]]:
    """Display strings for each part, then (when given) the total, as dicts of value/numerator/denominator."""
    rows = [dict(r) for r in rows] + ([dict(total)] if total is not None else [])
    for row in rows:
        row.setdefault("numerator", None)
        row.setdefault("denominator", None)
        if unit == "count":
            row.setdefault("value", row["numerator"])
        else:
            row.setdefault("value", None)
    parts = rows[:-1] if total is not None else rows
    hidden: dict[str, list[bool]] = {}
    for column in _COUNTED[unit]:
        total_value = total.get(column) if total is not None else None
        mask = _protected([r[column] for r in parts], total_value, threshold)
        if total is not None:
            mask.append(_is_small(total_value, threshold))
        hidden[column] = mask
    row_hidden = [any(masks[i] for masks in hidden.values()) for i in range(len(rows))]
    out = []
    for i, row in enumerate(rows):
        shown = {"value": SUPPRESSED if row_hidden[i] else _value_text(row, unit, decimals)}
        for column in ("numerator", "denominator"):
            if column == "denominator" and unit == "count":
                shown[column] = NOT_APPLICABLE
            elif column in hidden and hidden[column][i] or unit == "score" and column == "numerator" and row_hidden[i]:
                shown[column] = SUPPRESSED
            else:
                shown[column] = format_shown(row[column], decimals, "count")
        out.append(shown)
    return out


def suppress(parts: pd.DataFrame, total: Mapping[str, object] | pd.Series | None = None, *,
             unit: Unit = "count", decimals: int = 1, threshold: int = SMALL) -> pd.DataFrame:
    """Display strings for a breakdown and its total.

    ``parts``: one row per part with ``numerator`` (the count itself, for a count) and, for ``%`` and
    ``score``, ``denominator`` and ``value``. ``total``: the same fields for the whole, which the parts add
    up to; without it there is no secondary suppression (nothing to recover a part from).
    Returns string columns value, numerator, denominator indexed like ``parts``, plus a row ``"total"``.
    """
    shown = _shown(parts.to_dict("records"), dict(total) if total is not None else None, unit, decimals, threshold)
    index = list(parts.index) + ([TOTAL] if total is not None else [])
    return pd.DataFrame(shown, index=index, columns=["value", "numerator", "denominator"])


def suppress_values(frame: pd.DataFrame, decimals: int = 1, threshold: int = SMALL) -> pd.DataFrame:
    """``compute_all`` output with display strings added: value_shown, numerator_shown, denominator_shown.

    Each metric and quarter is suppressed as one breakdown: the overall row is the total, the groups its parts.
    """
    if frame.empty:
        return frame.assign(value_shown=None, numerator_shown=None, denominator_shown=None)
    records = frame.to_dict("records")
    groups: dict[tuple[str, str], list[int]] = {}
    for position, row in enumerate(records):
        groups.setdefault((row["metric"], row["period"]), []).append(position)
    overall_of = {key: next((p for p in positions if _missing(records[p]["group"])), None)
                  for key, positions in groups.items()}
    shown: list[dict[str, str] | None] = [None] * len(records)
    for (metric_id, period), positions in groups.items():
        metric = get(metric_id)
        unit = metric.unit if metric else "count"
        # Counts of things, not people (sessions), identify nobody: nothing is suppressed.
        limit = threshold if metric is None or metric.people else 0
        overall = overall_of[(metric_id, period)]
        # A breakdown without an overall value of its own adds up to another metric's (contacts by source).
        totals_from = metric.totals_from if metric else None
        total_at = overall_of.get((totals_from, period)) if totals_from else overall
        parts = [p for p in positions if p != overall]
        total = None
        if total_at is not None:
            total = {k: records[total_at][k] for k in ("value", "numerator", "denominator")}
        result = _shown([{k: records[p][k] for k in ("value", "numerator", "denominator")} for p in parts],
                        total, unit, decimals, limit)
        for p, display in zip(parts, result):
            shown[p] = display
        if overall is not None:
            shown[overall] = result[-1]
    out = frame.copy()
    for column in ("value", "numerator", "denominator"):
        out[f"{column}_shown"] = [s[column] for s in shown]
    return out
