"""The BRAG rule, step by step, in the order the issue gives it."""

import datetime as dt

import pytest

from metrics.brag import rate, rate_actions
from metrics.decisions import record_decision
from metrics.display import format_value
from metrics.registry import get
from tests.metrics.helpers import action, add_rows, contact

HIGHER = get("contacts.decided_within_1wd")  # higher is better
LOWER = get("referrals.rereferral_12m")  # lower is better
NEITHER = get("contacts.to_referral")
TODAY = dt.date(2025, 11, 1)  # 2025-26 Q3


def rated(values, metric=HIGHER, today=TODAY, **fields):
    plan = action(measure=metric.id, **fields)
    return rate(plan, values, metric, today)


def test_blue_when_agreed_complete_with_or_without_measure():
    assert rated({"2025-26 Q2": 10.0}, status="Agreed complete").rag == "Blue"
    assert rate(action(measure=None, status="Agreed complete"), {}, None, TODAY).rag == "Blue"


def test_no_data_when_nothing_after_the_baseline_period():
    rating = rated({"2024-25 Q3": 50.0, "2024-25 Q4": 60.0, "2025-26 Q2": float("nan")})
    assert rating.rag == "No data"
    assert rating.reason == "No value for contacts.decided_within_1wd after the baseline period 2025-26 Q1"


def test_baseline_in_the_latest_quarter_says_when_progress_is_first_read():
    # The chart has points up to the baseline quarter: not "no value", but "the first reading is next quarter".
    rating = rated({"2024-25 Q4": 50.0, "2025-26 Q1": 60.0, "2025-26 Q2": float("nan")})
    assert rating.rag == "No data"
    assert rating.reason == "baseline set in 2025-26 Q1; first progress reading due after it"


def test_green_when_target_met_higher_and_lower():
    rating = rated({"2025-26 Q2": 90.0})
    assert (rating.rag, rating.latest_period, rating.latest_value) == ("Green", "2025-26 Q2", 90.0)
    assert rating.reason == "90% in 2025-26 Q2 meets the target of 90% due by 2026-27 Q1"
    assert rated({"2025-26 Q2": 18.0}, LOWER, baseline=25.0, target=18.0).rag == "Green"
    assert "meets the target" not in rated({"2025-26 Q2": 18.1}, LOWER, baseline=25.0, target=18.0).reason


def test_latest_quarter_with_a_value_is_used():
    rating = rated({"2025-26 Q2": 95.0, "2025-26 Q3": 71.0, "2025-26 Q4": float("nan")})
    assert (rating.latest_period, rating.latest_value) == ("2025-26 Q3", 71.0)


def test_red_when_past_due_and_target_not_met():
    rating = rated({"2025-26 Q4": 89.0}, due_period="2025-26 Q3")
    assert rating.rag == "Red"
    assert rating.reason == "89% in 2025-26 Q4 has not met the target of 90%, which was due by 2025-26 Q3"
    assert rated({"2025-26 Q3": 89.0}, due_period="2025-26 Q3").rag != "Red"  # due this quarter: not past due


def test_red_when_exactly_on_or_worse_than_baseline():
    rating = rated({"2025-26 Q2": 70.0})
    assert rating.rag == "Red"
    assert rating.reason == "70% in 2025-26 Q2 is no better than the baseline of 70% in 2025-26 Q1"
    assert rated({"2025-26 Q2": 69.0}).rag == "Red"
    assert rated({"2025-26 Q2": 25.0}, LOWER, baseline=25.0, target=18.0).rag == "Red"
    assert rated({"2025-26 Q2": 26.0}, LOWER, baseline=25.0, target=18.0).rag == "Red"


def test_trajectory_higher_is_better():
    # 70 in 2025-26 Q1 to 90 by 2026-27 Q1: 4 quarters, so 80 at 2025-26 Q3.
    on = rated({"2025-26 Q3": 80.0})
    assert (on.rag, on.trajectory_value) == ("Green", 80.0)
    assert on.reason == "80% in 2025-26 Q3 against a trajectory of 80% towards 90% by 2026-27 Q1"
    below = rated({"2025-26 Q3": 79.9})
    assert below.rag == "Amber"
    assert below.reason == "79.9% in 2025-26 Q3 against a trajectory of 80% towards 90% by 2026-27 Q1"


def test_trajectory_lower_is_better():
    # 25 in 2025-26 Q1 to 17 by 2026-27 Q1: 23 at 2025-26 Q2.
    assert rated({"2025-26 Q2": 23.0}, LOWER, baseline=25.0, target=17.0).rag == "Green"
    assert rated({"2025-26 Q2": 22.0}, LOWER, baseline=25.0, target=17.0).rag == "Green"
    assert rated({"2025-26 Q2": 24.0}, LOWER, baseline=25.0, target=17.0).rag == "Amber"


def test_exactly_on_a_trajectory_with_float_noise_is_green():
    # 61.625 + (95 - 61.625) / 5 is 68.3 in decimals but not exactly in binary floating point.
    values = {"2025-26 Q2": 68.3}
    rating = rated(values, baseline=61.625, target=95.0, due_period="2026-27 Q2")
    assert rating.rag == "Green"
    assert rating.trajectory_value == pytest.approx(68.3)


def test_the_issue_example_reason():
    rating = rated({"2025-26 Q2": 73.4}, baseline=61.625, target=95.0, due_period="2026-27 Q2")
    assert rating.reason == "73.4% in 2025-26 Q2 against a trajectory of 68.3% towards 95% by 2026-27 Q2"


def test_neither_polarity_takes_direction_from_baseline_to_target():
    assert rated({"2025-26 Q2": 30.0}, NEITHER, baseline=40.0, target=30.0).rag == "Green"
    assert rated({"2025-26 Q2": 45.0}, NEITHER, baseline=40.0, target=30.0).rag == "Red"


@pytest.mark.parametrize(("status", "due", "rag"), [
    ("Not started", "2025-26 Q2", "Red"),     # past due (now 2025-26 Q3)
    ("Not started", "2025-26 Q3", "Amber"),
    ("Not started", None, "Amber"),
    (None, "2025-26 Q1", "Red"),
    ("In progress", "2024-25 Q1", "Amber"),
    ("Evidence submitted", "2025-26 Q1", "Green"),
    ("Agreed complete", "2024-25 Q1", "Blue"),
])
def test_unmeasured_action_by_status(status, due, rag):
    plan = action(measure=None, baseline=None, baseline_period=None, target=None, due_period=due, status=status)
    rating = rate(plan, {}, None, TODAY)
    assert rating.rag == rag
    assert rating.reason


def test_measure_without_target_is_rated_by_status():
    rating = rated({"2025-26 Q2": 99.0}, target=None, status="In progress")
    assert rating.rag == "Amber" and "no target" in rating.reason


def test_format_value():
    assert format_value(95.0, "%") == "95%"
    assert format_value(73.44, "%") == "73.4%"
    assert format_value(1204, "count") == "1,204"
    assert format_value(1.25, "score") == "1.25"
    assert format_value(23.25, "%") == "23.3%"  # halves round up, as people expect


def test_rate_actions_from_the_store_uses_the_latest_decision(store):
    add_rows(store, "actions", [
        action("1.1", baseline=50.0, target=90.0, due_period="2026-27 Q1"),
        action("1.2", measure=None, baseline=None, baseline_period=None, target=None, due_period=None,
               status="Evidence submitted"),
        action("1.3", measure="contacts.nonsense"),
    ], agency="Safeguarding partnership")
    add_rows(store, "contacts", [contact("2025-07-07", "2025-07-08"), contact("2025-07-07", "2025-07-08")])
    frame = rate_actions(store, today=TODAY)
    assert frame["action_id"].tolist() == ["1.1", "1.2", "1.3"]
    first = frame.iloc[0]
    assert (first["rag"], first["latest_period"], first["latest_value"]) == ("Green", "2025-26 Q2", 100.0)
    assert frame.iloc[1]["rag"] == "Green"
    assert "not a known metric" in frame.iloc[2]["reason"]

    record_decision(store, "1.2", "Agreed complete", "evidence accepted, agreed complete", "Chair",
                    on=dt.date(2025, 10, 1))
    frame = rate_actions(store, today=TODAY)
    second = frame.iloc[1]
    assert (second["plan_status"], second["status"], second["rag"]) == ("Evidence submitted", "Agreed complete", "Blue")
