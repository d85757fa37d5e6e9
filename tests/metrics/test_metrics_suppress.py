import pandas as pd

from metrics.compute import compute_all
from metrics.suppress import suppress, suppress_values
from tests.metrics.helpers import add_rows, contact


def test_counts_one_to_five_are_c_and_zero_stays_zero():
    parts = pd.DataFrame({"numerator": [0, 1, 5, 6, 20]}, index=list("abcde"))
    shown = suppress(parts)  # no total: nothing can be recovered, so no secondary suppression
    assert shown["value"].tolist() == ["0", "c", "c", "6", "20"]


def test_secondary_suppression_hides_the_next_smallest_part():
    parts = pd.DataFrame({"numerator": [3, 12, 40, 0, 9]}, index=["police", "health", "education", "housing", "other"])
    shown = suppress(parts, {"numerator": 64})
    # police (3) alone would be 64 - 12 - 40 - 0 - 9: so other (9), the next smallest non-zero part, goes too.
    assert shown["value"].to_dict() == {"police": "c", "health": "12", "education": "40", "housing": "0",
                                        "other": "c", "total": "64"}


def test_no_secondary_suppression_when_two_parts_are_already_hidden():
    parts = pd.DataFrame({"numerator": [3, 4, 40]}, index=list("abc"))
    assert suppress(parts, {"numerator": 47})["value"].tolist() == ["c", "c", "40", "47"]


def test_small_total_is_suppressed():
    parts = pd.DataFrame({"numerator": [2, 0]}, index=list("ab"))
    assert suppress(parts, {"numerator": 2})["value"].tolist() == ["c", "0", "c"]


def test_percentage_with_a_suppressed_numerator_or_denominator():
    parts = pd.DataFrame({"numerator": [4, 30, 10], "denominator": [50, 40, 4], "value": [8.0, 75.0, 250.0]},
                         index=list("abc"))
    shown = suppress(parts, unit="%")
    assert shown["value"].tolist() == ["c", "75.0", "c"]
    assert shown["numerator"].tolist() == ["c", "30", "10"]
    assert shown["denominator"].tolist() == ["50", "40", "c"]


def test_percentage_secondary_suppression_on_each_count():
    parts = pd.DataFrame({"numerator": [3, 20, 30], "denominator": [10, 25, 60],
                          "value": [30.0, 80.0, 50.0]}, index=list("abc"))
    total = {"numerator": 53, "denominator": 95, "value": 5300 / 95}
    shown = suppress(parts, total, unit="%")
    assert shown["numerator"].tolist() == ["c", "c", "30", "53"]
    assert shown["value"].tolist() == ["c", "c", "50.0", "55.8"]


def test_percentage_of_nothing_and_rounding():
    parts = pd.DataFrame({"numerator": [0, 0, 7], "denominator": [0, 3000, 8], "value": [None, 0.0, 87.5]},
                         index=list("abc"))
    assert suppress(parts, unit="%", decimals=0)["value"].tolist() == ["z", "0", "88"]
    parts = pd.DataFrame({"numerator": [6], "denominator": [20000], "value": [0.03]})
    assert suppress(parts, unit="%")["value"].tolist() == ["low"]


def test_score_is_hidden_with_its_delegate_count():
    parts = pd.DataFrame({"numerator": [6, 40], "denominator": [4, 20], "value": [1.5, 2.0]}, index=list("ab"))
    shown = suppress(parts, unit="score", decimals=2)
    assert shown.loc["a"].tolist() == ["c", "c", "c"]
    assert shown.loc["b"].tolist() == ["2.00", "40", "20"]


def test_calculations_keep_the_unsuppressed_figures(store):
    add_rows(store, "contacts", [contact("2025-04-07", source="6")] * 3 + [contact("2025-04-07", source="3A")] * 10
             + [contact("2025-04-07", source="2A")] * 20)
    frame = compute_all(store)
    shown = suppress_values(frame)
    pd.testing.assert_frame_equal(shown[frame.columns], frame)  # the figures themselves are untouched
    by_source = shown[shown["metric"] == "contacts.by_source"].set_index("group")
    # police (3) is primary; health (10) is secondary because contacts.count (33) is shown.
    assert by_source["value_shown"].to_dict() == {"education": "20", "health": "c", "police": "c"}
    count = shown[shown["metric"] == "contacts.count"]
    assert count["value_shown"].tolist() == ["33"]
