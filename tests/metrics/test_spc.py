"""The XmR / Making Data Count engine (metrics/spc.py), on hand-worked synthetic series.

Each series is worked by hand in its comments: centre = mean, AMR = mean moving range, limits = centre ±
2.66 AMR, near band = centre ± 1.7733 AMR. Three groups reproduce published NHSRplotthedots tests exactly
(cited where they are).
"""

from __future__ import annotations

import datetime as dt
import math
import warnings

import numpy as np
import pandas as pd
import pytest

from metrics.spc import (
    ASSURANCE_ICONS,
    LIMIT,
    NEAR_LIMIT,
    POINT_TYPES,
    VARIATION_ICONS,
    SpcError,
    SpcInput,
    assurance_for,
    compute_spc,
    compute_spc_many,
    flag_runs,
    flag_trends,
    flag_two_in_three,
)


def monthly(values, start: str = "2024-01") -> list[tuple[str, float | None]]:
    """Consecutive months from ``start`` ('YYYY-MM'), one per value."""
    year, month = (int(part) for part in start.split("-"))
    out = []
    for value in values:
        out.append((f"{year:04d}-{month:02d}", value))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def spc(values, polarity="higher", target=None, start="2024-01", **options):
    return compute_spc(monthly(values, start), polarity, target, metric="test.metric", **options)


def types(result) -> list[str | None]:
    return [p.point_type for p in result.points]


def rules(result) -> list[str | None]:
    return [p.rule for p in result.points]


COMMON = "common_cause"
UP, DOWN = "special_cause_improvement", "special_cause_concern"

# Alternating 9, 11 for 12 months: centre 10, every moving range 2 (AMR 2), limits 10 ± 5.32, near band
# 10 ± 3.5467. No point near a limit, sides alternate (no run), steps alternate (no trend).
STABLE = [9.0, 11.0] * 6


# --- limits ------------------------------------------------------------------------------------------------

def test_limits_worked_by_hand():
    # 10, 12, 11, 13: centre 46/4 = 11.5; moving ranges 2, 1, 2 -> AMR 5/3.
    result = spc([10, 12, 11, 13])
    amr = 5 / 3
    first = result.points[0]
    assert first.mean == pytest.approx(11.5)
    assert first.upper == pytest.approx(11.5 + 2.66 * amr)  # 15.933
    assert first.lower == pytest.approx(11.5 - 2.66 * amr)  # 7.067
    assert first.near_upper == pytest.approx(11.5 + (2 * 2.66 / 3) * amr)  # 14.456
    assert first.near_lower == pytest.approx(11.5 - (2 * 2.66 / 3) * amr)
    assert all(p.mean == first.mean and p.upper == first.upper for p in result.points)
    assert types(result) == [COMMON] * 4
    assert first.trial and result.trial


def test_constants_are_the_method():
    assert LIMIT == 2.66
    assert round(NEAR_LIMIT, 5) == 1.77333


def test_stable_series_is_common_cause_with_stable_limits():
    result = spc(STABLE)
    assert {p.mean for p in result.points} == {10.0}
    assert result.points[0].upper == pytest.approx(15.32)
    assert result.points[0].lower == pytest.approx(4.68)
    assert types(result) == [COMMON] * 12 and rules(result) == [None] * 12
    assert result.variation == "common_cause" and not result.trial
    assert result.words == "Common cause variation: no sign of real change."


# --- rule 1: outside the limits, and the direction of each point per polarity ------------------------------

# 8, 12 alternating for 11 months then 30: centre (48 + 60 + 30) / 12 = 11.5; moving ranges ten 4s and 22
# -> AMR 62/11 = 5.636; upper 11.5 + 14.99 = 26.49 < 30. 8 and 12 sit either side of 11.5, 4 from it, inside
# the near band (± 9.99). Only December is special.
SPIKE_UP = [8.0, 12.0] * 5 + [8.0, 30.0]
# The same with -10: centre 98/12 = 8.1667; moving ranges ten 4s and 18 -> AMR 58/11 = 5.273; lower
# 8.1667 - 14.03 = -5.86 > -10.
SPIKE_DOWN = [8.0, 12.0] * 5 + [8.0, -10.0]


@pytest.mark.parametrize(("values", "polarity", "point_type", "variation"), [
    (SPIKE_UP, "higher", "special_cause_improvement", "improvement_high"),
    (SPIKE_UP, "lower", "special_cause_concern", "concern_high"),
    (SPIKE_UP, "neither", "special_cause_neutral_high", "neutral_high"),
    (SPIKE_DOWN, "higher", "special_cause_concern", "concern_low"),
    (SPIKE_DOWN, "lower", "special_cause_improvement", "improvement_low"),
    (SPIKE_DOWN, "neither", "special_cause_neutral_low", "neutral_low"),
])
def test_outside_the_limits_each_direction_per_polarity(values, polarity, point_type, variation):
    result = spc(values, polarity)
    last = result.points[-1]
    assert (last.value > last.upper) if values is SPIKE_UP else (last.value < last.lower)
    assert types(result) == [COMMON] * 11 + [point_type]
    assert rules(result) == [None] * 11 + ["outside_limits"]
    assert result.variation == variation
    assert variation in VARIATION_ICONS and point_type in POINT_TYPES


def test_the_reading_beside_the_icons_does_not_repeat_the_assurance_icons_words():
    assured = spc(SPIKE_UP, target=-100.0)  # far below the lower limit: every month meets it
    assert assured.assurance == "pass" and ASSURANCE_ICONS["pass"] in assured.words
    assert assured.reading == assured.variation_words + "."  # the icon carries "will reliably be met"
    trial = spc(STABLE[:6], target=10.0)  # no assurance on trial limits: the reading must say why
    assert trial.assurance is None
    assert trial.reading == (f"{trial.variation_words}. No assurance against the target yet: it needs limits from "
                             "12 months. Trial limits (fewer than 12 months).")


def test_outside_words():
    assert spc(SPIKE_UP).variation_words == "Special cause improvement: December 2024 is above the upper limit"
    assert spc(SPIKE_DOWN).variation_words == "Special cause concern: December 2024 is below the lower limit"
    assert spc(SPIKE_UP, "neither").variation_words == (
        "Special cause variation (higher, neither better nor worse): December 2024 is above the upper limit")


def test_a_point_exactly_on_a_limit_is_inside():
    # NHSRplotthedots: ``y > upl | y < lpl`` and ``y > nupl`` (strict). Limits fixed on 10, 12, 10, 12, 10, 12
    # (centre 11, AMR 2) do not move with the months after, so a month can sit exactly on a limit.
    base = [10.0, 12.0] * 3
    fixed = spc(base + [11.0], fix_after=6).points[0]
    on_upper = spc(base + [fixed.upper], fix_after=6)
    assert on_upper.points[-1].value == on_upper.points[-1].upper and on_upper.points[-1].rule is None
    assert spc(base + [math.nextafter(fixed.upper, math.inf)], fix_after=6).points[-1].rule == "outside_limits"
    on_lower = spc(base + [fixed.lower], fix_after=6)
    assert on_lower.points[-1].rule is None
    assert spc(base + [math.nextafter(fixed.lower, -math.inf)], fix_after=6).points[-1].rule == "outside_limits"
    # Two months on the near limit are not in the band; just beyond it they are 2 of 3.
    assert rules(spc(base + [fixed.near_upper] * 2, fix_after=6))[-2:] == [None, None]
    beyond = math.nextafter(fixed.near_upper, math.inf)
    assert rules(spc(base + [beyond] * 2, fix_after=6))[-2:] == ["two_in_three"] * 2


# --- rule 2: trends ----------------------------------------------------------------------------------------

# 10, 14 alternating for 8 months, then 10.6 rising by 0.6 for 7 months (6 rises) to 14.2. Centre
# (96 + 86.8) / 15 = 12.187; moving ranges seven 4s, 3.4, six 0.6s -> AMR 35/14 = 2.5; limits 12.19 ± 6.65,
# near band ± 4.43 (7.75 to 16.62): nothing near or beyond. The trend crosses the centre (10.6 to 11.8 below,
# 12.4 up above), so no run either. The trend's first point (September, 10.6) is part of it.
TREND_7 = [10.0, 14.0] * 4 + [10.6, 11.2, 11.8, 12.4, 13.0, 13.6, 14.2]
TREND_6 = TREND_7[:-1]


def test_seven_point_trend_every_point_counts_the_first_too():
    result = spc(TREND_7)
    assert rules(result) == [None] * 8 + ["trend"] * 7
    # A rising trend is improvement when higher is better, below the centre as well (NHSRplotthedots #171).
    assert types(result) == [COMMON] * 8 + [UP] * 7
    assert result.points[8].value < result.points[8].mean
    assert result.variation == "improvement_high"
    assert result.variation_words == "Special cause improvement: 7 months in a row rising since September 2024"


def test_six_points_are_not_a_trend():
    # Centre 168.6/14 = 12.04, AMR 34.4/13 = 2.65: still nothing near a limit, no run.
    assert types(spc(TREND_6)) == [COMMON] * 14


def test_trend_length_option():
    assert rules(spc(TREND_6, trend_length=6))[8:] == ["trend"] * 6
    assert types(spc(TREND_7, trend_length=8)) == [COMMON] * 15


def test_falling_trend_per_polarity():
    falling = [14.0, 10.0] * 4 + [13.6, 13.0, 12.4, 11.8, 11.2, 10.6, 10.0]
    assert types(spc(falling, "lower"))[8:] == [UP] * 7
    assert types(spc(falling, "higher"))[8:] == [DOWN] * 7
    assert types(spc(falling, "neither"))[8:] == ["special_cause_neutral_low"] * 7


def test_an_equal_step_breaks_a_trend():
    flat_step = TREND_7[:11] + [TREND_7[10]] + TREND_7[11:]  # 10.6 .. 12.4, 12.4, 13.0 .. 14.2
    assert "trend" not in rules(spc(flat_step))


def test_outside_takes_precedence_over_a_trend():
    # 10, 18 alternating for 8 months, then 11, 12, 13, 14, 15, 16, 40 (each higher than the one before).
    # Centre (112 + 121) / 15 = 15.53; moving ranges seven 8s, 7, five 1s, 24 -> AMR 92/14 = 6.571;
    # upper 15.53 + 17.48 = 33.01 < 40; near band 3.88 to 27.19 holds every other point; sides 11..15 below,
    # 16 and 40 above: no run of 7.
    result = spc([10.0, 18.0] * 4 + [11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 40.0])
    assert rules(result) == [None] * 8 + ["trend"] * 6 + ["outside_limits"]
    assert types(result) == [COMMON] * 8 + [UP] * 7


def test_a_peak_shared_by_two_trends_takes_the_later_one():
    # 0, 6 alternating for 8 months, then 1 .. 7 (a rise of 7) and 7 .. 1 (a fall of 7) sharing the 7.
    # Centre 73/21 = 3.476; moving ranges seven 6s, 5, twelve 1s -> AMR 59/20 = 2.95; near band -1.76 to 8.71
    # holds every point. 4, 5, 6, 7, 6, 5, 4 are a run of 7 above the centre, but trend comes first.
    result = spc([0.0, 6.0] * 4 + [1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1])
    assert rules(result) == [None] * 8 + ["trend"] * 13
    assert types(result) == [COMMON] * 8 + [UP] * 6 + [DOWN] * 7


def test_the_end_of_a_rise_followed_by_another_rise_stays_rising():
    # 1 .. 7 then straight away 0 .. 6: the 7 ends a rise; the drop to 0 is one step, no trend of its own.
    # (NHSRplotthedots reads the next step here and would call the 7 "decreasing".) Centre 73/22 = 3.318,
    # moving ranges seven 6s, 5, six 1s, 7, six 1s -> AMR 66/21 = 3.143, near band -2.26 to 8.89.
    result = spc([0.0, 6.0] * 4 + [1, 2, 3, 4, 5, 6, 7] + [0, 1, 2, 3, 4, 5, 6])
    assert rules(result) == [None] * 8 + ["trend"] * 14
    assert types(result) == [COMMON] * 8 + [UP] * 14


# --- rule 3: 2 of 3 near a limit ---------------------------------------------------------------------------

def two_in_three_series(middle: float, high: float = 30.0) -> list[float]:
    """5, -5 alternating for 15 months with months 13 and 15 replaced by ``high`` and month 14 by ``middle``."""
    values = [5.0, -5.0] * 7 + [5.0]
    values[12], values[13], values[14] = high, middle, high
    return values


def test_two_of_three_near_the_upper_limit():
    # middle 6: centre (60 + 6) / 15 = 4.4; moving ranges eleven 10s, 35, 24, 24 -> AMR 193/14 = 13.786;
    # near band 4.4 ± 24.45 (up to 28.85), limits 4.4 ± 36.67 (up to 41.07): 30 is in the band, twice in 13-15,
    # and 30, 6, 30 are all above 4.4. The 6 is in the window but not in the band: common cause.
    result = spc(two_in_three_series(6.0))
    point = result.points[12]
    assert point.near_upper < point.value < point.upper
    assert rules(result) == [None] * 12 + ["two_in_three", None, "two_in_three"]
    assert types(result) == [COMMON] * 12 + [UP, COMMON, UP]
    assert result.variation == "improvement_high"
    assert result.variation_words == "Special cause improvement: 2 of the last 3 months near the upper limit"


def test_two_of_three_must_be_on_one_side_of_the_centre():
    # 40, -6, 40: centre 74/15 = 4.93, AMR (110 + 45 + 46 + 46) / 14 = 17.64, near band up to 4.93 + 31.29 =
    # 36.22, upper 51.86: 40 is in the band twice, but -6 sits below the centre, so the window is not all on
    # one side: common cause.
    result = spc(two_in_three_series(-6.0, high=40.0))
    assert result.points[12].value > result.points[12].near_upper
    assert types(result) == [COMMON] * 15


# --- rule 4: runs on one side of the centre ----------------------------------------------------------------

def shift(values: list[float]) -> list[float]:
    """12 months of 5, -5 (sum 0, moving ranges of 10) and then ``values``."""
    return [5.0, -5.0] * 6 + values


def test_seven_points_above_the_centre_are_a_run():
    # 3, 4, 3, 4, 3, 4, 3: centre 24/19 = 1.263; moving ranges eleven 10s, 8, six 1s -> AMR 124/18 = 6.889;
    # near band 1.26 ± 12.22: nothing near. -5 before them is below: the run is exactly 7.
    result = spc(shift([3.0, 4.0, 3.0, 4.0, 3.0, 4.0, 3.0]))
    assert rules(result) == [None] * 12 + ["run"] * 7
    assert types(result) == [COMMON] * 12 + [UP] * 7
    assert result.variation_words == "Special cause improvement: 7 months above the average since January 2025"


def test_six_points_are_not_a_run_and_run_length_changes_it():
    six = shift([3.0, 4.0, 3.0, 4.0, 3.0, 4.0])
    assert types(spc(six)) == [COMMON] * 18
    assert rules(spc(six, run_length=6))[12:] == ["run"] * 6
    assert types(spc(shift([3.0, 4.0, 3.0, 4.0, 3.0, 4.0, 3.0]), run_length=8)) == [COMMON] * 19


def test_a_point_on_the_centre_breaks_a_run():
    # 3, 3, 3, 1, 3, 3, 3: sum 19 over 19 months: the centre is exactly 1.0, so the 1 is on it.
    on_centre = spc(shift([3.0, 3.0, 3.0, 1.0, 3.0, 3.0, 3.0]))
    assert on_centre.points[15].value == on_centre.points[15].mean == 1.0
    assert types(on_centre) == [COMMON] * 19
    # With 2 instead the centre is 20/19 = 1.05 and the 2 is above it: a run of 7.
    assert rules(spc(shift([3.0, 3.0, 3.0, 2.0, 3.0, 3.0, 3.0])))[12:] == ["run"] * 7


def test_run_words_as_the_issue_writes_them():
    # From June 2024: 12 months of 5, -5, then 8 months of 3, 4 from June 2025. Centre 28/20 = 1.4, AMR
    # (110 + 8 + 7) / 19 = 6.58, near band 1.4 ± 11.67: only the run.
    result = spc(shift([3.0, 4.0] * 4), start="2024-06")
    assert result.variation_words == "Special cause improvement: 8 months above the average since June 2025"
    assert result.words == "Special cause improvement: 8 months above the average since June 2025."
    # Mirrored (-5, 5 then -3, -4): centre -1.4, the last 5 above it, 8 months below.
    below = spc([-5.0, 5.0] * 6 + [-3.0, -4.0] * 4, "lower", start="2024-06")
    assert below.variation_words == "Special cause improvement: 8 months below the average since June 2025"
    assert below.variation == "improvement_low"


def test_two_of_three_takes_precedence_over_a_run():
    # 12 months of 5, -5, then 4, 4, 24, 4, 24, 4, 4, 4: centre 72/20 = 3.6; moving ranges eleven 10s, 9, 0,
    # four 20s, 0, 0 -> AMR 199/19 = 10.474; near band up to 3.6 + 18.57 = 22.17, upper 3.6 + 27.86 = 31.46.
    # The 8 months are all above 3.6 (a run); 24, 4, 24 holds two in the band, all above: 2 of 3 for the 24s.
    values = shift([4.0, 4.0, 24.0, 4.0, 24.0, 4.0, 4.0, 4.0])
    result = spc(values)
    assert result.points[14].near_upper < 24 < result.points[14].upper
    assert rules(result)[12:] == ["run", "run", "two_in_three", "run", "two_in_three", "run", "run", "run"]
    assert types(result)[12:] == [UP] * 8


# --- gaps ---------------------------------------------------------------------------------------------------

def test_a_gap_breaks_a_run():
    # Seven months above the centre but a missing month among them: two runs of 3 and 4.
    result = spc(shift([3.0, 4.0, 3.0, None, 4.0, 3.0, 4.0, 3.0]))
    assert types(result)[:15] + types(result)[16:] == [COMMON] * 19
    assert result.points[15].value is None and result.points[15].point_type is None
    assert result.points[15].rule is None


def test_a_gap_breaks_a_trend():
    result = spc([0.0, 6.0] * 4 + [1, 2, 3, None, 4, 5, 6, 7])
    assert "trend" not in rules(result)
    # The same months without the gap: 1 .. 7 is a trend.
    assert rules(spc([0.0, 6.0] * 4 + [1, 2, 3, 4, 5, 6, 7]))[8:] == ["trend"] * 7


def test_a_gap_breaks_a_two_in_three_window():
    values = two_in_three_series(6.0)
    values[13] = None  # 30, gap, 30: no 3 consecutive months
    # Centre 60/14 = 4.29; moving ranges eleven 10s and 35 (none across the gap) -> AMR 145/12 = 12.08;
    # near band up to 25.71, upper 36.43: both 30s are in the band, but no whole window holds them.
    result = spc(values)
    assert result.points[12].near_upper < 30 < result.points[12].upper
    assert types(result) == [COMMON] * 13 + [None, COMMON]


def test_no_moving_range_across_a_gap():
    # 10, 12, gap, 20, 21: moving ranges 2 and 1 only (not |20 - 12|) -> AMR 1.5; centre 63/4 = 15.75.
    result = spc([10.0, 12.0, None, 20.0, 21.0])
    assert result.points[0].mean == pytest.approx(15.75)
    assert result.points[0].upper == pytest.approx(15.75 + 2.66 * 1.5)
    assert result.points[2].value is None and result.points[2].mean == pytest.approx(15.75)


def test_a_skipped_month_is_a_gap_not_a_zero():
    given = compute_spc([("2024-01", 10), ("2024-02", 12), ("2024-04", 20), ("2024-05", 21)], "higher")
    assert [p.period for p in given.points] == [dt.date(2024, m, 1) for m in range(1, 6)]
    assert given.points[2].value is None and given.points[2].point_type is None
    explicit = spc([10.0, 12.0, None, 20.0, 21.0])
    assert given.to_records() == [dict(r, metric="") for r in explicit.to_records()]


def test_nan_and_pandas_na_are_gaps():
    for missing in (None, math.nan, pd.NA, np.nan):
        result = spc([10.0, 12.0, missing, 20.0, 21.0])
        assert result.points[2].value is None
        assert result.points[0].mean == pytest.approx(15.75)


def test_a_trailing_gap_reads_from_the_last_month_with_a_value():
    result = spc(SPIKE_UP + [None])
    assert result.variation == "improvement_high"
    assert result.points[-1].point_type is None
    assert "No value for January 2025: the reading is from December 2024" in result.notes


# --- rebase and fixed limits --------------------------------------------------------------------------------

def test_rebase_gives_each_segment_its_own_limits():
    # 10, 12 for six months then 20, 22 for six, rebased at July: centres 11 and 21, each AMR 2 (the jump
    # 12 -> 20 is not a moving range of either segment): limits 11 ± 5.32 and 21 ± 5.32.
    result = spc([10.0, 12.0] * 3 + [20.0, 22.0] * 3, rebase=["2024-07"])
    assert [p.mean for p in result.points] == [11.0] * 6 + [21.0] * 6
    assert result.points[0].upper == pytest.approx(16.32)
    assert result.points[6].lower == pytest.approx(15.68)
    assert types(result) == [COMMON] * 12
    assert all(p.trial for p in result.points)
    assert "Limits recalculated from July 2024" in result.notes
    # Without the rebase: one centre of 16, the jump counted.
    assert {p.mean for p in spc([10.0, 12.0] * 3 + [20.0, 22.0] * 3).points} == {16.0}


def test_several_rebases_and_rebase_as_dates():
    values = [10.0, 12.0] * 2 + [20.0, 22.0] * 2 + [30.0, 32.0] * 2
    result = spc(values, rebase=[dt.date(2024, 5, 1), pd.Period("2024-09", freq="M")])
    assert [p.mean for p in result.points] == [11.0] * 4 + [21.0] * 4 + [31.0] * 4


def test_a_rebase_breaks_a_trend():
    values = [0.0, 6.0] * 4 + [1, 2, 3, 4, 5, 6, 7] + [0.0, 6.0] * 2
    assert rules(spc(values))[8:15] == ["trend"] * 7
    assert "trend" not in rules(spc(values, rebase=["2024-12"]))  # between the 3 and the 4
    # Rebased between the 1 and the 2: 2 .. 7 are 6 points, and the 1 before is another segment's.
    assert "trend" not in rules(spc(values, rebase=["2024-10"]))


def test_rebase_at_the_first_month_changes_nothing_and_outside_is_refused():
    assert spc(STABLE, rebase=["2024-01"]).to_records() == spc(STABLE).to_records()
    with pytest.raises(SpcError, match="rebase 2025-06 is outside the series"):
        spc(STABLE, rebase=["2025-06"])


def test_a_rebase_leaving_one_month_is_too_few():
    with pytest.raises(SpcError, match="too few points after the rebase at 2024-12: 1 month"):
        spc(STABLE, rebase=["2024-12"])


def test_fix_limits_after_n_points():
    # Limits from the first 6 values (10, 12 -> centre 11, AMR 2, upper 16.32); the 30s after are outside, and
    # the 12 before them starts a run of 7 above the centre with them.
    result = spc([10.0, 12.0] * 3 + [30.0] * 6, fix_after=6)
    assert {p.mean for p in result.points} == {11.0}
    assert result.points[0].upper == pytest.approx(16.32)
    assert rules(result) == [None] * 5 + ["run"] + ["outside_limits"] * 6
    assert result.trial  # limits from 6 values are trial limits
    assert "Limits fixed from the first 6 months" in result.notes
    # Unfixed, the centre is (66 + 180) / 12 = 20.5.
    assert spc([10.0, 12.0] * 3 + [30.0] * 6).points[0].mean == 20.5


def test_fix_after_counts_months_with_values():
    # A gap among the first months: the 6 values are 10, 12, 10, (gap), 12, 10, 12 -> centre 11.
    result = spc([10.0, 12.0, 10.0, None, 12.0, 10.0, 12.0, 30.0, 30.0], fix_after=6)
    assert result.points[0].mean == 11.0
    # Moving ranges 2, 2 and 2, 2, 2 (none across the gap): AMR 2.
    assert result.points[0].upper == pytest.approx(16.32)


def test_fix_after_each_segment():
    values = [10.0, 12.0, 10.0, 50.0, 20.0, 22.0, 20.0, 90.0]
    result = spc(values, rebase=["2024-05"], fix_after=3)
    assert [p.mean for p in result.points] == pytest.approx([32 / 3] * 4 + [62 / 3] * 4)


# --- too few points, no variation, bad input ---------------------------------------------------------------

@pytest.mark.parametrize(("points", "message"), [
    ([], "no points: the series is empty"),
    ([("2024-01", None), ("2024-02", None)], "no values: every month in the series is missing"),
    ([("2024-01", 7.0)], "too few points: 1 month with a value; the limits need at least 2 consecutive months"),
    ([("2024-01", 7.0), ("2024-03", 8.0)], "too few points: 2 months with a value"),
    ([("2024-01", 7.0), ("2024-01", 8.0)], "2024-01 appears twice"),
    ([("January", 7.0)], "period 'January' is not a month"),
    ([("2024-13", 7.0)], "is not a month"),
    ([("2024-01", "seven")], "value 'seven' is not a number"),
    ([("2024-01", math.inf), ("2024-02", 1.0)], "is not a finite number"),
])
def test_bad_input_gives_one_clear_line(points, message):
    with pytest.raises(SpcError, match=message) as caught:
        compute_spc(points, "higher")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("options", [
    {"polarity": "up"}, {"run_length": 1}, {"trend_length": 0}, {"fix_after": 1}, {"run_length": 7.5},
])
def test_bad_options_are_refused(options):
    arguments = {"polarity": "higher", **options}
    polarity = arguments.pop("polarity")
    with pytest.raises(SpcError):
        compute_spc(monthly(STABLE), polarity, **arguments)


def test_two_consecutive_points_chart_with_trial_limits():
    result = spc([4.0, 6.0])
    assert result.points[0].mean == 5.0 and result.points[0].upper == pytest.approx(5 + 2.66 * 2)
    assert result.trial and result.words.endswith("Trial limits (fewer than 12 months).")


def test_every_value_equal_never_divides_by_zero():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = spc([7.0] * 14, "higher", target=7.0)
    assert {(p.mean, p.lower, p.upper, p.near_lower, p.near_upper) for p in result.points} == {(7.0,) * 5}
    assert types(result) == [COMMON] * 14
    assert result.variation == "common_cause"
    assert result.assurance == "hit_and_miss"  # the target is on both limits
    assert any(note.startswith("No variation") for note in result.notes)
    assert spc([7.0] * 14, "higher", target=8.0).assurance == "fail"
    assert spc([7.0] * 14, "higher", target=6.0).assurance == "pass"


def test_periods_in_any_month_form_and_any_order():
    dates = [dt.date(2024, m, 1) for m in range(1, 13)]
    forms = [
        list(zip(dates, STABLE)),
        list(zip([dt.datetime(d.year, d.month, 15) for d in dates], STABLE)),
        list(zip([pd.Timestamp(d) for d in dates], STABLE)),
        list(zip([pd.Period(d, freq="M") for d in dates], STABLE)),
        list(zip([d.isoformat() for d in dates], STABLE)),
        list(reversed(monthly(STABLE))),
    ]
    expected = spc(STABLE).to_records()
    for points in forms:
        assert compute_spc(points, "higher", metric="test.metric").to_records() == expected


# --- assurance ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("polarity", "target", "assurance"), [
    ("higher", 3.0, "pass"),  # below the lower limit 4.68: every expected value is above it
    ("higher", 16.0, "fail"),  # above the upper limit 15.32: no expected value reaches it
    ("higher", 10.0, "hit_and_miss"),
    ("lower", 3.0, "fail"),
    ("lower", 16.0, "pass"),
    ("lower", 10.0, "hit_and_miss"),
    ("neither", 3.0, None),
    ("higher", None, None),
])
def test_assurance_against_a_target(polarity, target, assurance):
    result = spc(STABLE, polarity, target)
    assert result.assurance == assurance
    if assurance:
        assert result.assurance_words == ASSURANCE_ICONS[assurance]


def test_assurance_words():
    assert spc(STABLE, "higher", 3.0).words == (
        "Common cause variation: no sign of real change. The target will reliably be met.")
    assert spc(STABLE, "higher", 16.0).assurance_words == "The target will not be met without change"
    assert spc(STABLE, "higher", 10.0).assurance_words == "The target may or may not be met (hit and miss)"
    assert spc(STABLE, "higher").assurance_words == ""
    assert spc(STABLE, "neither", 3.0).assurance_words.startswith("No assurance against the target")


@pytest.mark.parametrize("polarity", ["higher", "lower"])
def test_a_target_exactly_on_a_limit_is_hit_and_miss(polarity):
    limits = spc(STABLE).points[-1]
    assert spc(STABLE, polarity, limits.upper).assurance == "hit_and_miss"
    assert spc(STABLE, polarity, limits.lower).assurance == "hit_and_miss"
    assert spc(STABLE, polarity, math.nextafter(limits.upper, math.inf)).assurance == (
        "fail" if polarity == "higher" else "pass")
    assert spc(STABLE, polarity, math.nextafter(limits.lower, -math.inf)).assurance == (
        "pass" if polarity == "higher" else "fail")


def test_no_assurance_under_twelve_points():
    eleven = spc(STABLE[:11], "higher", 3.0)
    assert eleven.trial and eleven.assurance is None
    assert eleven.assurance_words == "No assurance against the target yet: it needs limits from 12 months"
    assert "Trial limits (fewer than 12 months)" in eleven.notes
    twelve = spc(STABLE, "higher", 3.0)
    assert not twelve.trial and twelve.assurance == "pass"
    assert not any(p.trial for p in twelve.points)


def test_assurance_uses_the_latest_segment():
    # First segment 9, 11 (limits 4.68-15.32), then 29, 31 from January 2025 (24.68-35.32): a target of 20 is
    # beyond the latest lower limit: met by every expected value.
    result = spc(STABLE + [29.0, 31.0] * 6, "higher", 20.0, rebase=["2025-01"])
    assert result.assurance == "pass"


# --- NHSRplotthedots' own worked examples, reproduced -------------------------------------------------------

def test_ptd_spc_standard_two_in_three_opposite_sides():
    """NHSRplotthedots tests/testthat/test-ptd_spc_standard.R, "it only reports special cause for 2of3 points
    close to limits when they are on the same side of the mean": 1, -1 for 16 days, the 15th 5.5 and the 16th
    -5.5; the last two points are common cause."""
    values = [1.0, -1.0] * 8
    values[14], values[15] = 5.5, -5.5
    result = spc(values)
    # Centre 0; moving ranges thirteen 2s, 6.5, 11 -> AMR 2.9; near band ± 5.14, limits ± 7.71: both in the band.
    assert result.points[0].mean == 0.0
    assert result.points[14].near_upper < 5.5 < result.points[14].upper
    assert types(result)[-2:] == [COMMON, COMMON]


@pytest.mark.parametrize(("polarity", "expected"), [
    ("higher", ["fail", "pass", "hit_and_miss"]),
    ("lower", ["pass", "fail", "hit_and_miss"]),
    ("neither", [None, None, None]),
])
def test_ptd_calculate_assurance_type(polarity, expected):
    """NHSRplotthedots tests/testthat/test-ptd_calculate_assurance_type.R: target 4 against limits 1-3, 5-7 and
    1-5, for improvement_direction increase, decrease and neutral."""
    assert [assurance_for(4, lower, upper, polarity) for lower, upper in [(1, 3), (5, 7), (1, 5)]] == expected
    assert assurance_for(None, 1, 3, "higher") is None


def test_ptd_calculate_point_type_rule_vectors():
    """NHSRplotthedots tests/testthat/test-ptd_calculate_point_type.R: ptd_seven_point_trend with
    ptd_part_of_seven_trend, ptd_seven_point_one_side_mean, ptd_two_in_three with ptd_part_of_two_in_three."""
    def trend(values):
        return flag_trends(np.array(values, dtype=float), 7)

    flags, direction = trend(range(1, 8))
    assert flags.tolist() == [True] * 7 and direction.tolist() == [1] * 7
    assert not trend([1, 2, 3, 3, 4, 5, 6])[0].any()
    assert trend([2, *range(1, 8), 3])[0].tolist() == [False] + [True] * 7 + [False]
    flags, direction = trend(range(7, 0, -1))
    assert flags.all() and direction.tolist() == [-1] * 7
    assert not trend(range(1, 7))[0].any()

    def run(sides):
        return flag_runs(np.array(sides), 7).tolist()

    assert run([1] * 6) == [False] * 6
    assert run([1] * 6 + [-1]) == [False] * 7
    assert run([1] * 8 + [-1]) == [True] * 8 + [False]
    assert run([-1] * 8 + [1]) == [True] * 8 + [False]

    def two_of_three(close, sides):
        return flag_two_in_three(np.array(close, dtype=bool), np.array(sides)).astype(int).tolist()

    assert two_of_three([1, 0, 1], [1, 1, 1]) == [1, 0, 1]
    assert two_of_three([0, 1, 1], [1, 1, 1]) == [0, 1, 1]
    assert two_of_three([0, 0, 1, 0, 1, 0, 0], [1] * 7) == [0, 0, 1, 0, 1, 0, 0]
    assert two_of_three([0, 0, 1, 1, 0, 0, 0], [1] * 7) == [0, 0, 1, 1, 0, 0, 0]
    assert two_of_three([1, 0, 0, 1], [1] * 4) == [0, 0, 0, 0]
    assert two_of_three([1, 0, 0, 1, 1], [1] * 5) == [0, 0, 0, 1, 1]
    assert two_of_three([1, 0, 1], [1, -1, 1]) == [0, 0, 0]
    assert two_of_three([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1]) == [0] * 7


# --- output and batches --------------------------------------------------------------------------------------

def test_to_records_and_summary():
    result = spc(SPIKE_UP + [None], "higher", 40.0)
    records = result.to_records()
    assert len(records) == 13
    assert set(records[0]) == {"metric", "period", "value", "mean", "lower", "upper", "point_type"}
    assert records[0]["period"] == "2024-01" and records[0]["metric"] == "test.metric"
    assert records[11]["point_type"] == UP and records[11]["value"] == 30.0
    assert records[12] == {"metric": "test.metric", "period": "2025-01", "value": None, "mean": records[0]["mean"],
                           "lower": records[0]["lower"], "upper": records[0]["upper"], "point_type": None}
    assert result.summary() == {"metric": "test.metric", "variation": "improvement_high", "assurance": "fail",
                                "trial": False, "words": result.words}


def random_series(rng: np.random.Generator, count: int, months: int = 36) -> list[SpcInput]:
    specs = []
    for i in range(count):
        values = rng.normal(50, 5, months) + np.linspace(0, rng.normal(0, 10), months)
        points = [(dt.date(2023 + m // 12, m % 12 + 1, 1), float(v)) for m, v in enumerate(values)]
        specs.append(SpcInput(points, ("higher", "lower", "neither")[i % 3], 50.0, metric=f"m{i}"))
    return specs


def test_a_batch_equals_each_series_alone():
    # End to end in one pass, a series never runs into the next: a rise ending one series and a rise starting
    # the next (4 + 3 points) are no trend, and every result matches the series charted alone.
    rise_end = SpcInput(monthly([0.0, 6.0] * 4 + [1, 2, 3, 4]), "higher")
    rise_start = SpcInput(monthly([5, 6, 7] + [0.0, 6.0] * 4), "higher")
    # Likewise 4 months above the centre ending one series and 4 (3, 4, 3, 5) starting the next.
    above_end = SpcInput(monthly([5.0, -5.0] * 6 + [3, 4, 3, 4]), "higher")
    above_start = SpcInput(monthly([3, 4, 3] + [5.0, -5.0] * 6), "higher")
    specs = [rise_end, rise_start, SpcInput(monthly([1.0]), "higher"), above_end, above_start,
             *random_series(np.random.default_rng(7), 30)]
    batch = compute_spc_many(specs)
    assert isinstance(batch[2], SpcError)
    assert "trend" not in rules(batch[0]) + rules(batch[1])
    assert "run" not in rules(batch[3]) + rules(batch[4])
    for spec, result in zip(specs[3:], batch[3:]):
        alone = compute_spc(spec.points, spec.polarity, spec.target, metric=spec.metric)
        assert result == alone


def test_a_thousand_series_in_one_batch():
    # How fast is measured by bench/bench_metrics.py (metrics.spc_engine_1000_series); here only that a batch
    # of a thousand comes back whole, in order.
    specs = random_series(np.random.default_rng(2026), 1000)
    results = compute_spc_many(specs)
    assert len(results) == 1000 and all(len(r.points) == 36 for r in results)
    assert [r.metric for r in results] == [s.metric for s in specs]
