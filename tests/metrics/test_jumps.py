"""Sudden jumps in the latest quarter and their explanation from the data's own dates (``metrics.jumps``)."""

from __future__ import annotations

import datetime as dt

from metrics.jumps import Jump, explain_jump, sudden_jump

STEADY = [("2025-26 Q1", 4.0), ("2025-26 Q2", 3.0), ("2025-26 Q3", 5.0)]


def test_a_leap_in_the_latest_quarter_is_a_jump_against_the_median_of_earlier_quarters():
    jump = sudden_jump([*STEADY, ("2025-26 Q4", 51.0)])
    assert jump == Jump("2025-26 Q4", 51.0, 4.0) and jump.up


def test_order_of_rows_does_not_matter_and_a_fall_is_a_jump_too():
    rows = [("2025-26 Q4", 10.0), ("2025-26 Q1", 60.0), ("2025-26 Q3", 50.0), ("2025-26 Q2", 40.0)]
    jump = sudden_jump(rows)
    assert jump == Jump("2025-26 Q4", 10.0, 50.0) and not jump.up


def test_ordinary_variation_small_numbers_and_short_series_are_not_jumps():
    assert sudden_jump([*STEADY, ("2025-26 Q4", 7.0)]) is None           # under twice the usual
    assert sudden_jump([("2025-26 Q1", 1.0), ("2025-26 Q2", 1.0), ("2025-26 Q3", 1.0), ("2025-26 Q4", 4.0)]) is None
    assert sudden_jump([("2025-26 Q3", 4.0), ("2025-26 Q4", 51.0)]) is None  # one earlier quarter is no pattern
    assert sudden_jump([*STEADY, ("2025-26 Q4", None)]) is None           # no latest value: the Q3 value is not a leap


def test_only_the_four_quarters_before_the_latest_make_the_usual_value():
    old = [("2024-25 Q1", 500.0), ("2024-25 Q2", 500.0), ("2024-25 Q3", 500.0)]
    rows = [*old, ("2024-25 Q4", 40.0), *[(p, 40.0) for p, _ in STEADY], ("2025-26 Q4", 45.0)]
    assert sudden_jump(rows) is None


PENDING = "decisions on its last contacts were still being recorded"


def test_a_return_loaded_soon_after_the_quarter_explains_the_jump_with_its_dates():
    jump = Jump("2025-26 Q4", 51.0, 4.0)  # January to March 2026: ends 31 Mar 2026
    text = explain_jump(jump, noun="contacts awaiting a decision", unit="count", loaded_on=dt.date(2026, 4, 9),
                        pending=PENDING)
    assert text == ("51 contacts awaiting a decision in 2025-26 Q4 (against a usual 4): the latest return was "
                    "loaded on 9 Apr 2026, 9 days after the quarter ended, so decisions on its last contacts were "
                    "still being recorded.")


def test_a_return_that_ends_with_the_quarter_explains_a_backlog_however_late_it_was_loaded():
    jump = Jump("2025-26 Q4", 51.0, 0.0)
    text = explain_jump(jump, noun="contacts awaiting a decision", unit="count", loaded_on=dt.date(2026, 12, 2),
                        data_up_to=dt.date(2026, 3, 31), pending=PENDING)
    assert text == ("51 contacts awaiting a decision in 2025-26 Q4 (against a usual 0): the latest return was "
                    "loaded on 2 Dec 2026 and runs to 31 Mar 2026, the quarter's last day, so decisions on its last "
                    "contacts were still being recorded.")
    early = explain_jump(jump, noun="contacts", unit="count", loaded_on=dt.date(2026, 12, 2),
                         data_up_to=dt.date(2026, 3, 21), pending=PENDING)
    assert "runs to 21 Mar 2026, 10 days before the quarter ended" in early


def test_a_return_loaded_before_the_quarter_ended_says_the_quarter_is_incomplete():
    jump = Jump("2025-26 Q4", 51.0, 4.0)
    text = explain_jump(jump, noun="contacts awaiting a decision", unit="count", loaded_on=dt.date(2026, 3, 2))
    assert "loaded on 2 Mar 2026, before the quarter ended on 31 Mar 2026" in text
    assert "not yet complete" in text


def test_dates_that_do_not_explain_it_say_nothing():
    jump = Jump("2025-26 Q4", 51.0, 4.0)
    late = {"loaded_on": dt.date(2026, 6, 30), "data_up_to": dt.date(2026, 6, 30)}
    assert explain_jump(jump, noun="contacts", unit="count", pending=PENDING, **late) is None
    # Without a pending reason, a return ending at the quarter's close explains nothing.
    assert explain_jump(jump, noun="referrals", unit="count", loaded_on=dt.date(2026, 4, 2),
                        data_up_to=dt.date(2026, 3, 31)) is None
    assert explain_jump(None, noun="contacts", unit="count", loaded_on=dt.date(2026, 4, 2)) is None
    assert explain_jump(jump, noun="contacts", unit="count", loaded_on=None, pending=PENDING) is None
