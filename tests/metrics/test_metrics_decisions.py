import datetime as dt

import pytest

from metrics.decisions import (
    DecisionError,
    current_status,
    current_statuses,
    decision_history,
    decisions_log,
    record_decision,
)
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
                                     "recorded_at", "meeting_date", "present"]
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


def test_a_decision_records_its_meeting_date_and_the_agencies_present(plan):
    record_decision(plan, "1.1", "In progress", "reviewed", "Chair", on=dt.date(2025, 9, 3),
                    meeting_date=dt.date(2025, 9, 2), present=["Police", " Health ", "Police", ""])
    record_decision(plan, "2.1", "Not started", "no lead yet", "Chair", on=dt.date(2025, 9, 3))
    log = decisions_log(plan)
    assert log["action_id"].tolist() == ["1.1", "2.1"]
    first, second = log.to_dict("records")
    assert (first["meeting_date"].date(), first["present"]) == (dt.date(2025, 9, 2), ["Police", "Health"])
    # Without a meeting date the decision's own date is the meeting's; nobody recorded as present.
    assert (second["meeting_date"].date(), second["present"]) == (dt.date(2025, 9, 3), [])
    assert first["action"] and list(log.columns)[:4] == ["action_id", "action", "meeting_date", "present"]
    detail = plan.scalar("SELECT detail FROM audit_log WHERE action = 'decision' ORDER BY audit_id LIMIT 1")
    assert "meeting of 02/09/2025" in detail and "present: Police, Health" in detail


def test_a_meeting_date_in_the_future_is_refused(plan):
    with pytest.raises(DecisionError, match="meeting date"):
        record_decision(plan, "1.1", "In progress", "x", "Chair", meeting_date=dt.date.today() + dt.timedelta(days=1))
    assert decision_history(plan).empty
