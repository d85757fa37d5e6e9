import datetime as dt

import pytest

from metrics.decisions import DecisionError, current_status, current_statuses, decision_history, record_decision
from tests.metrics.helpers import action, add_rows


@pytest.fixture
def plan(store):
    add_rows(store, "actions", [action("1.1", status="In progress"), action("2.1", status=None)],
             agency="Safeguarding partnership")
    return store


def test_current_status_is_the_plan_status_until_a_decision(plan):
    assert current_statuses(plan) == {"1.1": "In progress", "2.1": None}


def test_decisions_are_appended_and_the_latest_wins(plan):
    first = record_decision(plan, "1.1", "Evidence submitted", "audit report tabled", "MASH lead",
                            on=dt.date(2025, 9, 1))
    second = record_decision(plan, "1.1", "agreed complete", "evidence accepted, agreed complete", "Chair",
                             on=dt.date(2025, 10, 1))
    # Minutes typed up late: recorded last but decided earlier, so not the current status.
    record_decision(plan, "1.1", "In progress", "earlier meeting", "Chair", on=dt.date(2025, 8, 1))
    assert second > first
    assert current_status(plan, "1.1") == "Agreed complete"
    history = decision_history(plan, "1.1")
    assert history["status"].tolist() == ["In progress", "Evidence submitted", "Agreed complete"]
    assert list(history.columns) == ["decision_id", "action_id", "status", "note", "decided_by", "decided_on",
                                     "recorded_at"]
    assert len(decision_history(plan)) == 3 and decision_history(plan, "2.1").empty


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"action_id": "9.9"}, "not in the current action plan"),
    ({"status": "Done"}, "is not one of"),
    ({"by": " "}, "who made the decision"),
    ({"note": ""}, "add a note"),
    ({"on": dt.date.today() + dt.timedelta(days=1)}, "in the future"),
])
def test_refused_decisions_write_nothing(plan, kwargs, message):
    args = {"action_id": "1.1", "status": "Agreed complete", "note": "ok", "by": "Chair", **kwargs}
    with pytest.raises(DecisionError, match=message):
        record_decision(plan, args.pop("action_id"), args.pop("status"), args.pop("note"), args.pop("by"), **args)
    assert decision_history(plan).empty


def test_an_action_dropped_from_a_newer_plan_cannot_be_decided(plan):
    plan.con.execute("UPDATE actions SET is_current = false WHERE action_id = '2.1'")
    with pytest.raises(DecisionError):
        record_decision(plan, "2.1", "In progress", "started", "Chair")
