"""``metrics.compare_words``: the published comparison in words, one place for the Summary and the exports.
Rows are shaped like ``metrics.benchmarks.compare_table``'s; the shipped extract's rows are checked end to end
in tests/reports/test_compare_spc.py."""

from __future__ import annotations

import pandas as pd

from metrics.compare_words import comparison_sentence, local_sentence, published_sentence

ROW = {"metric": "referrals.rereferral_12m", "unit": "%", "year": "2024-25", "la_value": 18.7,
       "neighbours_median": 18.05, "neighbours_count": 9, "england_value": 22.6, "band_words": "better than 3 in 4 areas",
       "local_value": 23.38, "local_period": "2024-25"}


def test_the_published_sentence_is_the_summarys_and_the_band_only_when_asked() -> None:
    assert published_sentence(ROW, "Haringey") == (
        "Published for 2024-25: Haringey 18.7%, similar areas (median of 9) 18.1%, England 22.6%.")
    assert published_sentence(ROW, "Haringey", band=True) == (
        "Published for 2024-25: Haringey 18.7% (better than 3 in 4 areas), similar areas (median of 9) 18.1%, "
        "England 22.6%.")
    assert published_sentence({**ROW, "band_words": None}, "Haringey", band=True) == published_sentence(ROW, "Haringey")


def test_missing_published_values_say_no_value_and_no_year_no_sentence() -> None:
    row = {**ROW, "la_value": float("nan"), "neighbours_median": None, "neighbours_count": 0}
    assert published_sentence(row, "X") == ("Published for 2024-25: X no value, similar areas (median of 0) no value, "
                                            "England 22.6%.")
    assert published_sentence({**ROW, "year": None}, "X") is None
    assert comparison_sentence({**ROW, "year": None}, "X", local=True) is None


def test_the_local_sentence_says_how_its_period_differs() -> None:
    assert local_sentence(ROW) == "Here: 23.4% for 2024-25, the same financial year."
    rolling = {**ROW, "local_period": "12 months to 2025-26 Q2"}
    assert local_sentence(rolling) == "Here: 23.4% for the 12 months to 2025-26 Q2, not the published year (2024-25)."
    rate = {**ROW, "unit": "per 10,000", "local_value": 809.72, "la_value": 617.4}
    assert local_sentence(rate).startswith("Here: 809.7 per 10,000 for 2024-25")
    assert local_sentence({**ROW, "local_value": pd.NA}) is None


def test_the_exports_sentence_shows_the_local_figure_only_where_it_may_be_shown() -> None:
    both = comparison_sentence(ROW, "Haringey", local=True)
    assert both == f"{local_sentence(ROW)} {published_sentence(ROW, 'Haringey', band=True)}"
    assert comparison_sentence(ROW, "Haringey", local=False) == published_sentence(ROW, "Haringey", band=True)
    assert comparison_sentence({**ROW, "local_value": None}, "Haringey", local=True) == published_sentence(
        ROW, "Haringey", band=True)
