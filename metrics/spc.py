"""Statistical process control for monthly series: XmR charts read the "Making Data Count" way (issue 15).

A pure calculation engine: no store, no streamlit, no plotly. Give it an ordered series of
``(period, value)`` months, the measure's polarity (``higher`` / ``lower`` / ``neither`` is better) and an
optional target; it returns each month's centre line, process limits, near-limit band and point type, the
series' variation and assurance (the two icons, as names) and a reading in plain English.

Sources, followed rule by rule and cited at each one below and in ``metrics.spc_rules`` (the four rules on flat
arrays), our own code, nobody's copied:

- [PTD] NHSRplotthedots, the NHS-R community's reference implementation of Making Data Count XmR charts,
  https://github.com/nhs-r-community/NHSRplotthedots : ``R/ptd_spc_standard.R`` (limits),
  ``R/ptd_calculate_point_type.R`` (special-cause rules and point types), ``R/ptd_calculate_assurance_type.R``
  (assurance), ``R/geom_ptd_icon.R`` (``ptd_get_icons``: which icon), ``R/ptd_add_short_group_warnings.R``
  (trial limits under 12 points), ``R/ptd_add_rebase_column.R`` (rebasing).
- [MDC] NHS England, "Making Data Count: strengthening your decisions" (2019),
  https://www.england.nhs.uk/wp-content/uploads/2019/12/making-data-count-strengthening-your-decisions.pdf :
  the four special-cause rules, the variation icons (common cause; improvement, concern or neither, by high
  or low values) and the assurance icons (pass, fail, hit and miss).

Where we differ from [PTD], and why:

- No outlier screening of moving ranges (``ptd_spc`` screens by default): issue 15 asks for limits from all
  points shown, with no screening.
- Missing months. [PTD] expects no gaps ("There should be no gaps in the time series"); its limits already skip
  a missing value (the mean drops it, and a moving range next to it is missing, so no range is taken across a
  gap) and we do the same. Its rules would pass the missing value on (or stop with an error in the trend
  rule); here a gap simply breaks every run, trend and 2-of-3 window, as a missing month is not a point.
  Months skipped in the input are filled in as gaps.
- Points, not rows: fixing the limits after N points and the 12-point threshold for trial limits count months
  with a value. Trial limits are limits that rest on fewer than 12 values ([PTD] warns per rebase group of
  under 12 rows), so limits fixed after 6 points stay "trial".
- Assurance is withheld while the latest limits are trial (issue 15); [PTD] gives it at any length.
- The direction of a point in a trend is that of the trend it belongs to; where a point ends one trend and
  starts the next (a peak), the later trend's, as [PTD] ("use right side"). [PTD] reads the next step
  whenever the next point is in any trend, which labels the last point of a rise "decreasing" when an
  unrelated fall starts straight after it.
- The variation icon is the last month *with a value* ([PTD] takes the last row, whose point type would be
  empty after a trailing gap); a note then says which month the reading is from.

Worked by hand, the whole method: centre = mean of the values; average moving range (AMR) = mean of
|xᵢ − xᵢ₋₁| over consecutive months; limits = centre ± 2.66 × AMR; near-limit band = centre ± (2 × 2.66 / 3)
× AMR. A series whose values are all equal has AMR 0: the limits sit on the centre, nothing divides by it,
and every month is common cause (a value on the centre is on neither side of it).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from numbers import Integral
from typing import Any, Literal

import numpy as np

from metrics.spc_rules import flag_runs, flag_trends, flag_two_in_three, run_ids

Polarity = Literal["higher", "lower", "neither"]

# [PTD] ptd_spc_standard: ``limit <- 2.66; limitclose <- 2 * (limit / 3)`` (written the same way, so the same
# floating-point band).
LIMIT = 2.66
NEAR_LIMIT = 2 * (LIMIT / 3)
# [PTD] ptd_add_short_group_warnings (tests use 12: "it does not warn when a group is equal to the threshold").
MIN_STABLE_POINTS = 12
DEFAULT_RUN_LENGTH = 7
DEFAULT_TREND_LENGTH = 7

POINT_TYPES = ("common_cause", "special_cause_improvement", "special_cause_concern",
               "special_cause_neutral_high", "special_cause_neutral_low")
RULES = ("outside_limits", "trend", "two_in_three", "run")
# The Making Data Count icon set, as names with the words shown beside each ([MDC]; [PTD] icon files).
VARIATION_ICONS = {
    "common_cause": "Common cause variation",
    "improvement_high": "Special cause improvement (higher values)",
    "improvement_low": "Special cause improvement (lower values)",
    "concern_high": "Special cause concern (higher values)",
    "concern_low": "Special cause concern (lower values)",
    "neutral_high": "Special cause variation (higher, neither better nor worse)",
    "neutral_low": "Special cause variation (lower, neither better nor worse)",
}
ASSURANCE_ICONS = {
    "pass": "The target will reliably be met",
    "fail": "The target will not be met without change",
    "hit_and_miss": "The target may or may not be met (hit and miss)",
}
_POLARITY_SIGN = {"higher": 1, "lower": -1, "neither": 0}
_TRIAL_NOTE = f"Trial limits (fewer than {MIN_STABLE_POINTS} months)"
_COMMON_WORDS = "Common cause variation: no sign of real change"
# Rule codes in the engine's arrays, in order of precedence (0: none).
_OUTSIDE, _TREND, _TWO_IN_THREE, _RUN = 1, 2, 3, 4


class SpcError(ValueError):
    """A series the engine cannot chart; the message is one line a person can act on."""


@dataclass(frozen=True, slots=True)
class SpcPoint:
    """One month of an XmR chart. ``value`` is None for a missing month (a gap), which then has no point type
    or rule, but keeps its segment's lines so a chart draws them through."""

    period: dt.date  # the first of the month
    value: float | None
    mean: float
    lower: float
    upper: float
    near_lower: float
    near_upper: float
    point_type: str | None  # one of POINT_TYPES; None for a gap
    rule: str | None  # the rule that made it special cause (one of RULES), else None
    trial: bool  # its limits rest on fewer than 12 values


@dataclass(frozen=True, slots=True)
class SpcResult:
    """An XmR chart of one series: its points, the variation and assurance icons (names) and the reading."""

    metric: str
    polarity: str
    target: float | None
    points: tuple[SpcPoint, ...]
    variation: str  # a key of VARIATION_ICONS, from the last month with a value
    assurance: str | None  # a key of ASSURANCE_ICONS, or None (no target, no polarity, or trial limits)
    variation_words: str
    assurance_words: str  # empty without a target
    notes: tuple[str, ...]  # trial limits, rebase, fixed limits, no variation, a trailing gap

    @property
    def trial(self) -> bool:
        """Whether the latest limits are trial limits (fewer than 12 values)."""
        return self.points[-1].trial

    @property
    def words(self) -> str:
        """The whole reading as sentences: variation, then assurance, then the notes."""
        parts = [self.variation_words, self.assurance_words, *self.notes]
        return " ".join(f"{part}." for part in parts if part)

    @property
    def reading(self) -> str:
        """The reading shown beside the two icons, which carry their own words: what the variation is (the
        rule and months), the assurance only when no icon gives it, then the notes."""
        assurance = "" if self.assurance else self.assurance_words
        parts = [self.variation_words, assurance, *self.notes]
        return " ".join(f"{part}." for part in parts if part)

    def to_records(self) -> list[dict[str, Any]]:
        """One row per month, ``{metric, period: 'YYYY-MM', value, mean, lower, upper, point_type}``."""
        return [{"metric": self.metric, "period": p.period.strftime("%Y-%m"), "value": p.value, "mean": p.mean,
                 "lower": p.lower, "upper": p.upper, "point_type": p.point_type} for p in self.points]

    def summary(self) -> dict[str, Any]:
        """The series-level reading, e.g. for the CLI's final line."""
        return {"metric": self.metric, "variation": self.variation, "assurance": self.assurance,
                "trial": self.trial, "words": self.words}


@dataclass(frozen=True)
class SpcInput:
    """One series to chart, with its options (see ``compute_spc``)."""

    points: Sequence[tuple[Any, Any]]
    polarity: str
    target: float | None = None
    rebase: Sequence[Any] = ()
    fix_after: int | None = None
    run_length: int = DEFAULT_RUN_LENGTH
    trend_length: int = DEFAULT_TREND_LENGTH
    metric: str = ""


def compute_spc(points: Iterable[tuple[Any, Any]], polarity: str, target: float | None = None, *,
                rebase: Sequence[Any] = (), fix_after: int | None = None, run_length: int = DEFAULT_RUN_LENGTH,
                trend_length: int = DEFAULT_TREND_LENGTH, metric: str = "") -> SpcResult:
    """The XmR chart of one monthly series.

    ``points``: ``(period, value)`` pairs; a period is a date, datetime, pandas Timestamp or Period, or a
    ``'YYYY-MM'`` string; a value of None or NaN is a missing month. ``rebase``: months from which the limits
    are recalculated (each segment its own limits). ``fix_after``: limits from the first N values of each
    segment only. ``run_length`` / ``trend_length``: points needed for a run or a trend (7 each).
    Raises ``SpcError`` (one line) for a series that cannot be charted.
    """
    spec = SpcInput(list(points), polarity, target, tuple(rebase), fix_after, run_length, trend_length, metric)
    result = compute_spc_many([spec])[0]
    if isinstance(result, SpcError):
        raise result
    return result


def compute_spc_many(specs: Sequence[SpcInput]) -> list[SpcResult | SpcError]:
    """Many series in one vectorised pass (the series end to end, each boundary a break). A series that
    cannot be charted gives its ``SpcError`` in its place, so one bad series does not stop the others."""
    prepared: list[_Prepared | SpcError] = []
    for spec in specs:
        try:
            prepared.append(_prepare(spec))
        except SpcError as error:
            prepared.append(error)
    good = [p for p in prepared if isinstance(p, _Prepared)]
    built = iter(_run_engine(good) if good else [])
    return [p if isinstance(p, SpcError) else next(built) for p in prepared]


def assurance_for(target: float | None, lower: float, upper: float, polarity: str) -> str | None:
    """Assurance of a target against process limits ([PTD] ptd_calculate_assurance_type, strict inequalities):
    a target beyond the limit on the worse side is met by every expected value (``pass``); beyond the limit on
    the better side, by none (``fail``); anywhere between or on a limit, ``hit_and_miss``. None without a
    target or a better direction."""
    sign = _POLARITY_SIGN.get(polarity, 0)
    if target is None or sign == 0 or math.isnan(target):
        return None
    if target > upper:
        return "fail" if sign > 0 else "pass"
    if target < lower:
        return "pass" if sign > 0 else "fail"
    return "hit_and_miss"


# --- preparing a series --------------------------------------------------------------------------------

@dataclass
class _Prepared:
    spec: SpcInput
    first_month: int  # months since year 0 of the first period
    values: list[float]  # NaN for a gap; one per month, no month skipped
    segment: list[int]  # 0, 1, ... per month (rebase segments)
    sign: int  # polarity: +1 higher, -1 lower, 0 neither
    target: float | None


def _month_index(period: Any) -> int:
    """Months since year 0 of a date, datetime, Timestamp, Period or 'YYYY-MM[-DD]' string."""
    if isinstance(period, str):
        try:
            year, month = (int(part) for part in period.strip()[:7].split("-"))
        except ValueError:
            raise SpcError(f"period {period!r} is not a month (YYYY-MM)") from None
    else:
        year, month = getattr(period, "year", None), getattr(period, "month", None)
    if not isinstance(year, int) or not isinstance(month, int) or not 1 <= month <= 12:
        raise SpcError(f"period {period!r} is not a month (YYYY-MM)")
    return year * 12 + month - 1


def _value(value: Any) -> float:
    """A value as a float; None, NaN and pandas' NA are a missing month."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return math.nan
    if isinstance(value, bool | str):
        raise SpcError(f"value {value!r} is not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SpcError(f"value {value!r} is not a number") from None
    if math.isinf(number):
        raise SpcError(f"value {value!r} is not a finite number")
    return number


def _prepare(spec: SpcInput) -> _Prepared:
    """Validate one series, put it in month order and fill skipped months as gaps."""
    target = _check_options(spec)
    by_month: dict[int, float] = {}
    for period, value in spec.points:
        month = _month_index(period)
        if month in by_month:
            raise SpcError(f"{month_label(month, short=True)} appears twice in the series")
        by_month[month] = _value(value)
    if not by_month:
        raise SpcError("no points: the series is empty")
    first, last = min(by_month), max(by_month)
    values = [by_month.get(m, math.nan) for m in range(first, last + 1)]
    if all(math.isnan(v) for v in values):
        raise SpcError("no values: every month in the series is missing")
    rebases = sorted({_month_index(r) for r in spec.rebase})
    for month in rebases:
        if not first <= month <= last:
            raise SpcError(f"rebase {month_label(month, short=True)} is outside the series "
                           f"({month_label(first, short=True)} to {month_label(last, short=True)})")
    segment, current, pending = [], 0, [m for m in rebases if m > first]
    for month in range(first, last + 1):
        if pending and month == pending[0]:
            current, pending = current + 1, pending[1:]
        segment.append(current)
    return _Prepared(spec, first, values, segment, _POLARITY_SIGN[spec.polarity], target)


def _check_options(spec: SpcInput) -> float | None:
    """Refuse options that make no sense; the target as a float (None when absent or NaN)."""
    if spec.polarity not in _POLARITY_SIGN:
        raise SpcError(f"polarity {spec.polarity!r} is not one of higher, lower, neither")
    for name in ("run_length", "trend_length", "fix_after"):
        length = getattr(spec, name)
        if name == "fix_after" and length is None:
            continue
        if isinstance(length, bool) or not isinstance(length, Integral) or length < 2:
            raise SpcError(f"{name} must be a whole number of at least 2, not {length!r}")
    if spec.target is None:
        return None
    target = _value(spec.target)
    return None if math.isnan(target) else target


def month_label(month: int, short: bool = False) -> str:
    """'June 2025' (or '2025-06' when ``short``) for a month index (months since year 0)."""
    year, index = divmod(month, 12)
    return f"{year:04d}-{index + 1:02d}" if short else f"{calendar.month_name[index + 1]} {year}"


# --- the engine: every series at once ------------------------------------------------------------------

@dataclass
class _Arrays:
    """The engine's per-point arrays over every series end to end."""

    x: np.ndarray
    seg: np.ndarray  # global segment id
    starts: np.ndarray  # first month of a segment
    mean: np.ndarray
    amr: np.ndarray
    base_count: np.ndarray  # per segment: values the limits rest on
    value_count: np.ndarray  # per segment: values
    mr_count: np.ndarray  # per segment: moving ranges the limits rest on
    rule: np.ndarray
    direction: np.ndarray
    run_first: np.ndarray  # per point: index where its same-side run began
    trend_first: np.ndarray  # per point: index where the rising/falling run of steps ending at it began


def _run_engine(series: list[_Prepared]) -> list[SpcResult | SpcError]:
    sizes = [len(p.values) for p in series]
    seg_offsets = np.cumsum([0] + [p.segment[-1] + 1 for p in series])
    x = np.fromiter((v for p in series for v in p.values), dtype=float, count=sum(sizes))
    seg = np.fromiter((s + seg_offsets[i] for i, p in enumerate(series) for s in p.segment), dtype=np.int64,
                      count=len(x))
    per_point = np.repeat(np.arange(len(series)), sizes)
    fix = np.array([p.spec.fix_after or len(x) + 1 for p in series])[per_point]
    arrays = _limits(x, seg, fix)
    run_len = np.array([p.spec.run_length for p in series])[per_point]
    trend_len = np.array([p.spec.trend_length for p in series])[per_point]
    _classify(arrays, run_len, trend_len)
    results: list[SpcResult | SpcError] = []
    start = 0
    for i, p in enumerate(series):
        segs = range(seg_offsets[i], seg_offsets[i + 1])
        error = _too_few(p, arrays, segs)
        results.append(error or _build(p, arrays, start, segs))
        start += sizes[i]
    return results


def _limits(x: np.ndarray, seg: np.ndarray, fix: np.ndarray) -> _Arrays:
    """Centre and average moving range per segment ([PTD] ptd_spc_standard): from every value of the segment,
    or its first ``fix`` values; a moving range only between two consecutive months both in that base."""
    n, nseg = len(x), int(seg[-1]) + 1
    starts = np.ones(n, dtype=bool)
    starts[1:] = seg[1:] != seg[:-1]
    valid = ~np.isnan(x)
    seen = np.cumsum(valid)
    before = (seen - valid)[np.flatnonzero(starts)]  # values seen before each segment
    rank = seen - before[seg]
    base = valid & (rank <= fix)
    base_count = np.bincount(seg, weights=base, minlength=nseg)
    mr_ok = np.zeros(n, dtype=bool)
    mr_ok[1:] = base[1:] & base[:-1] & ~starts[1:]
    moving = np.zeros(n)
    moving[1:] = np.abs(np.diff(np.where(valid, x, 0.0)))
    mr_count = np.bincount(seg, weights=mr_ok, minlength=nseg)
    with np.errstate(invalid="ignore", divide="ignore"):  # a segment with none is refused in _too_few
        mean = np.bincount(seg, weights=np.where(base, x, 0.0), minlength=nseg) / base_count
        amr = np.bincount(seg, weights=np.where(mr_ok, moving, 0.0), minlength=nseg) / mr_count
    value_count = np.bincount(seg, weights=valid, minlength=nseg)
    empty = np.zeros(0)
    return _Arrays(x, seg, starts, mean, amr, base_count, value_count, mr_count, empty, empty, empty, empty)


def _classify(a: _Arrays, run_len: np.ndarray, trend_len: np.ndarray) -> None:
    """Each point's special-cause rule, in [PTD]'s order of precedence (ptd_special_cause_type's
    ``case_when``): outside the limits, trend, 2 of 3 near a limit, run; and its direction."""
    mean, amr = a.mean[a.seg], a.amr[a.seg]
    with np.errstate(invalid="ignore"):
        upper, lower = mean + LIMIT * amr, mean - LIMIT * amr
        # Rule 1 ([MDC] a point beyond a process limit; [PTD] ptd_spc_standard's ``outside_limits = y > upl |
        # y < lpl``): strict, so a point exactly on a limit is inside.
        outside = (a.x > upper) | (a.x < lower)
        sides = np.nan_to_num(np.sign(a.x - mean)).astype(np.int8)
        # [PTD]: ``close_to_limits = !outside_limits & (y < nlpl | y > nupl)`` (strict).
        close = ~outside & ((a.x > mean + NEAR_LIMIT * amr) | (a.x < mean - NEAR_LIMIT * amr))
    trend, trend_dir = flag_trends(a.x, trend_len, a.starts)
    two_in_three = flag_two_in_three(close, sides, a.starts)
    run = flag_runs(sides, run_len, a.starts)
    a.rule = np.select([outside, trend, two_in_three, run], [_OUTSIDE, _TREND, _TWO_IN_THREE, _RUN], 0)
    a.direction = np.where(a.rule == _TREND, trend_dir, np.where(a.rule > 0, sides, 0))
    ids, first, _ = run_ids(sides, a.starts)
    a.run_first = first[ids]
    # Where the rising (or falling) steps ending at each point began: the trend's first point is one before.
    steps = np.zeros(len(a.x), dtype=np.int8)
    with np.errstate(invalid="ignore"):
        steps[1:] = np.where(a.starts[1:], 0, np.nan_to_num(np.sign(np.diff(a.x))))
    ids, first, _ = run_ids(steps, a.starts)
    a.trend_first = np.maximum(first[ids] - 1, 0)


def _too_few(p: _Prepared, a: _Arrays, segs: range) -> SpcError | None:
    """Limits need at least one moving range: two consecutive months with values in the base."""
    for number, s in enumerate(segs):
        if a.mr_count[s] == 0:
            values = int(a.base_count[s])
            where = "" if number == 0 else f" after the rebase at {_segment_start(p, number)}"
            return SpcError(f"too few points{where}: {values} month{'s' if values != 1 else ''} with a value; "
                            "the limits need at least 2 consecutive months with values")
    return None


def _segment_start(p: _Prepared, number: int) -> str:
    return month_label(p.first_month + p.segment.index(number), short=True)


# --- building the result ---------------------------------------------------------------------------------

_TYPE_OF = {(1, 1): "special_cause_improvement", (1, -1): "special_cause_concern",
            (-1, 1): "special_cause_concern", (-1, -1): "special_cause_improvement",
            (1, 0): "special_cause_neutral_high", (-1, 0): "special_cause_neutral_low"}
_RULE_NAMES = {_OUTSIDE: "outside_limits", _TREND: "trend", _TWO_IN_THREE: "two_in_three", _RUN: "run"}


def point_type(direction: int, polarity: str) -> str:
    """A special-cause point's type from its direction (+1 above / rising, -1 below / falling) and the
    polarity ([PTD] ptd_point_type): improvement when that way is better, concern when worse, neutral high /
    low when neither is; 0 is common cause."""
    if direction == 0:
        return "common_cause"
    return _TYPE_OF[(1 if direction > 0 else -1, _POLARITY_SIGN[polarity])]


def _build(p: _Prepared, a: _Arrays, start: int, segs: range) -> SpcResult:
    stop = start + len(p.values)
    seg = a.seg[start:stop]
    mean, amr = a.mean[seg], a.amr[seg]
    trial = (a.base_count[seg] < MIN_STABLE_POINTS).tolist()
    rows = zip(p.values, mean.tolist(), (mean - LIMIT * amr).tolist(), (mean + LIMIT * amr).tolist(),
               (mean - NEAR_LIMIT * amr).tolist(), (mean + NEAR_LIMIT * amr).tolist(),
               a.rule[start:stop].tolist(), a.direction[start:stop].tolist(), trial)
    points = []
    for offset, (value, centre, low, high, near_low, near_high, rule, direction, is_trial) in enumerate(rows):
        year, month = divmod(p.first_month + offset, 12)
        if value != value:  # NaN: a gap has no point type
            value, kind, rule_name = None, None, None
        elif rule:
            kind, rule_name = point_type(direction, p.spec.polarity), _RULE_NAMES[rule]
        else:
            kind, rule_name = "common_cause", None
        points.append(SpcPoint(dt.date(year, month + 1, 1), value, centre, low, high, near_low, near_high, kind,
                               rule_name, is_trial))
    last = max(i for i, v in enumerate(p.values) if v == v)
    variation = _variation(points[last].point_type, p.spec.polarity)
    assurance = None if points[-1].trial else assurance_for(p.target, points[-1].lower, points[-1].upper,
                                                            p.spec.polarity)
    return SpcResult(p.spec.metric, p.spec.polarity, p.target, tuple(points), variation, assurance,
                     _variation_words(p, a, start, last, points[last]), _assurance_words(p, assurance),
                     _notes(p, a, segs, points, last))


def _variation(kind: str | None, polarity: str) -> str:
    """The variation icon from the last point's type ([PTD] ptd_get_icons): improvement / concern become
    high or low by the polarity (higher is better: improvement_high, concern_low)."""
    if kind is None or kind == "common_cause":
        return "common_cause"
    if kind.startswith("special_cause_neutral_"):
        return kind.removeprefix("special_cause_")
    good, bad = ("high", "low") if polarity == "higher" else ("low", "high")
    return f"improvement_{good}" if kind == "special_cause_improvement" else f"concern_{bad}"


def _variation_words(p: _Prepared, a: _Arrays, start: int, last: int, point: SpcPoint) -> str:
    """'Special cause improvement: 8 months above the average since June 2025', from the rule and run that
    flag the last month with a value; common cause otherwise."""
    rule = point.rule
    if rule is None:
        return _COMMON_WORDS
    head = {"special_cause_improvement": "Special cause improvement", "special_cause_concern": "Special cause concern",
            "special_cause_neutral_high": "Special cause variation (higher, neither better nor worse)",
            "special_cause_neutral_low": "Special cause variation (lower, neither better nor worse)"}[point.point_type]
    here = p.first_month + last
    high = int(a.direction[start + last]) > 0
    if rule == "outside_limits":
        detail = f"{month_label(here)} is {'above the upper' if high else 'below the lower'} limit"
    elif rule == "trend":
        first = int(a.trend_first[start + last]) - start
        detail = (f"{last - first + 1} months in a row {'rising' if high else 'falling'} "
                  f"since {month_label(p.first_month + first)}")
    elif rule == "two_in_three":
        near = sum(a.x[start + i] > point.near_upper or a.x[start + i] < point.near_lower
                   for i in range(last - 2, last + 1))
        detail = f"{near} of the last 3 months near the {'upper' if high else 'lower'} limit"
    else:
        first = int(a.run_first[start + last]) - start
        detail = (f"{last - first + 1} months {'above' if high else 'below'} the average "
                  f"since {month_label(p.first_month + first)}")
    return f"{head}: {detail}"


def _assurance_words(p: _Prepared, assurance: str | None) -> str:
    if p.target is None:
        return ""
    if assurance is not None:
        return ASSURANCE_ICONS[assurance]
    if p.sign == 0:
        return "No assurance against the target: neither direction is better for this measure"
    return f"No assurance against the target yet: it needs limits from {MIN_STABLE_POINTS} months"


def _notes(p: _Prepared, a: _Arrays, segs: range, points: list[SpcPoint], last: int) -> tuple[str, ...]:
    notes = []
    if points[-1].trial:
        notes.append(_TRIAL_NOTE)
    if p.segment[-1] > 0:
        notes.append(f"Limits recalculated from {month_label(p.first_month + p.segment.index(p.segment[-1]))}")
    if a.base_count[segs[-1]] < a.value_count[segs[-1]]:
        notes.append(f"Limits fixed from the first {p.spec.fix_after} months")
    if a.amr[segs[-1]] == 0:
        notes.append("No variation: the months the limits are set from all have the same value, "
                     "so the limits sit on the average")
    if last < len(points) - 1:
        notes.append(f"No value for {month_label(p.first_month + len(points) - 1)}: "
                     f"the reading is from {month_label(p.first_month + last)}")
    return tuple(notes)
