"""metrics.display: every number and change the dashboard shows, one rounding rule (halves up) throughout."""

import math

import pandas as pd

from metrics.display import (
    change_words,
    format_number,
    format_shown,
    format_value,
    rounded,
    shown_or_number,
    unit_display,
)


def test_a_figure_on_a_page_has_its_units_fixed_decimals():
    assert format_number(87.0, "%") == "87.0%"
    assert format_number(1.5, "score") == "1.50"
    assert format_number(4044, "count") == "4,044"
    assert format_number(None, "%") == format_number(math.nan, "count") == format_number(pd.NA, "score") == "no value"


def test_a_figure_in_a_sentence_drops_needless_decimals():
    assert format_value(95.0, "%") == "95%"
    assert format_value(1.5, "score") == "1.5"
    assert format_value(1204.0, "count") == "1,204"


def test_halves_round_up_in_every_display():
    # 23.25 and 0.125 are exact in binary, where Python's own rounding would give 23.2 and 0.12.
    assert format_number(23.25, "%") == "23.3%"
    assert format_value(23.25, "%") == "23.3%"
    assert format_shown(23.25, 1, "%") == "23.3"
    assert format_number(0.125, "score") == "0.13"
    assert rounded(pd.DataFrame({"value": [23.25, None]}), "%")["value"].tolist()[0] == 23.3
    assert change_words(50.0, 26.75, "%", "higher") == "▲ up 23.3 points, better"


def test_a_cell_of_a_suppressed_table():
    assert format_shown(None, 1, "%") == "x"
    assert format_shown(0.03, 1, "%") == "low"
    assert format_shown(0.0, 1, "%") == "0.0"
    assert format_shown(2500000, 1, "count") == "2500000"


def test_the_suppression_symbol_else_the_figure():
    assert [shown_or_number(3.0, s, "count") for s in ("c", "x", "z")] == ["c", "x", "z"]
    assert shown_or_number(87.04, "87.0", "%") == "87.0%"


def test_rounded_keeps_chart_and_table_equal_and_counts_whole():
    frame = pd.DataFrame({"value": [12.0, None], "other": ["a", "b"]})
    out = rounded(frame, "count")
    assert str(out["value"].dtype) == "Int64" and out["value"].tolist()[0] == 12 and out["value"].isna().tolist()[1]
    assert rounded(pd.DataFrame({"mean": [3.14159]}), "score", column="mean")["mean"].tolist() == [3.14]


def test_change_words_say_direction_and_whether_it_is_better():
    assert change_words(10, 10, "count", "higher") == "no change"
    assert change_words(1200, 1000, "count", "lower") == "▲ up 200, worse"
    assert change_words(1.0, 1.5, "score", "higher") == "▼ down 0.50, worse"
    assert change_words(40.0, 30.0, "%", "neither") == "▲ up 10.0 points, neither better nor worse"


def test_each_unit_declares_how_it_is_shown():
    assert (unit_display("%").decimals, unit_display("%").suffix, unit_display("%").axis) == (1, " (%)", "Per cent")
    assert (unit_display("count").decimals, unit_display("count").suffix) == (0, " (number)")
    assert (unit_display("score").decimals, unit_display("score").axis) == (2, "Score")
