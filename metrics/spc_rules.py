"""The four special-cause rules of an XmR chart on flat arrays (issue 15), for ``metrics.spc``'s engine.

Every series of a batch lies end to end in one array; ``starts`` marks where a series, a rebase segment or a
run after a gap begins, and nothing crosses a start. Sources as in ``metrics.spc``: [MDC] NHS England's
"Making Data Count", [PTD] NHSRplotthedots (``R/ptd_calculate_point_type.R``).
"""

from __future__ import annotations

import numpy as np


def run_ids(keys: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Maximal runs of equal keys not crossing a start: each element's run id, each run's first index and
    length."""
    boundary = starts.copy()
    boundary[1:] |= keys[1:] != keys[:-1]
    boundary[0] = True
    first = np.flatnonzero(boundary)
    ids = np.cumsum(boundary) - 1
    return ids, first, np.diff(np.append(first, len(keys)))


def flag_runs(sides: np.ndarray, length: int | np.ndarray, starts: np.ndarray | None = None) -> np.ndarray:
    """Rule 4, a shift ([MDC]; [PTD] ptd_seven_point_one_side_mean + ptd_part_of_seven_trend): every point of
    ``length`` or more consecutive points on the same side of the mean. ``sides`` is -1/0/+1; a point on the
    mean (0), a gap (0) or a start breaks the run. "Part of" means all the points of the run, the first too."""
    sides = np.asarray(sides)
    starts = _starts(starts, len(sides))
    if not len(sides):
        return np.zeros(0, dtype=bool)
    ids, _, lengths = run_ids(sides, starts)
    return (sides != 0) & (lengths[ids] >= length)


def flag_trends(values: np.ndarray, length: int | np.ndarray,
                starts: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Rule 2, a trend ([MDC]; [PTD] ptd_seven_point_trend + ptd_part_of_seven_trend): ``length`` points each
    higher (or each lower) than the one before, i.e. ``length - 1`` steps the same way; all ``length`` points
    are part of it, the first too. An equal step, a gap or a start breaks it. Returns the flags and each
    flagged point's direction (+1 rising, -1 falling; a point shared by two trends takes the later one)."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    starts = _starts(starts, n)
    steps = np.zeros(n, dtype=np.int8)
    if n > 1:
        with np.errstate(invalid="ignore"):
            steps[1:] = np.nan_to_num(np.sign(values[1:] - values[:-1])).astype(np.int8)
    steps[starts] = 0
    if not n:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=np.int8)
    ids, _, lengths = run_ids(steps, starts)
    step_in_trend = (steps != 0) & (lengths[ids] >= np.asarray(length) - 1)
    next_in_trend = np.append(step_in_trend[1:], False)
    flags = step_in_trend | next_in_trend
    next_step = np.append(steps[1:], 0)
    direction = np.where(next_in_trend, next_step, np.where(step_in_trend, steps, 0)).astype(np.int8)
    return flags, direction


def flag_two_in_three(close: np.ndarray, sides: np.ndarray, starts: np.ndarray | None = None) -> np.ndarray:
    """Rule 3 ([MDC]; [PTD] ptd_two_in_three + ptd_part_of_two_in_three): a point in the near-limit band is
    special cause when some 3 consecutive points containing it hold 2 or 3 in the band and all 3 lie on the
    same side of the mean. Only whole windows count (not across a gap or a start); a point outside the limits
    is not "in the band" ([PTD] ``close_to_limits = !outside_limits & ...``)."""
    close = np.asarray(close, dtype=bool)
    sides = np.asarray(sides)
    n = len(close)
    starts = _starts(starts, n)
    window = np.zeros(n, dtype=bool)  # window[j]: points j, j+1, j+2 qualify
    if n >= 3:
        count = close[:-2].astype(int) + close[1:-1] + close[2:]
        same_side = np.abs(sides[:-2].astype(int) + sides[1:-1] + sides[2:]) == 3
        whole = ~starts[1:-1] & ~starts[2:]
        window[:-2] = (count >= 2) & same_side & whole
    covered = window.copy()
    covered[1:] |= window[:-1]
    covered[2:] |= window[:-2]
    return close & covered


def _starts(starts: np.ndarray | None, n: int) -> np.ndarray:
    if starts is None:
        starts = np.zeros(n, dtype=bool)
        if n:
            starts[0] = True
    return np.asarray(starts, dtype=bool)
