"""Commentary on actions: who may write it, its length, append-only history and the audit trail (real DuckDB)."""

import pytest

from access import writes
from access.people import Person
from access.permissions import NotAllowed, can_comment
from loaders.audit import audit_trail, verify_chain
from metrics.commentary import MAX_CHARS, CommentaryError, add_comment, commentary_history, latest_commentary
from tests.metrics.helpers import action, add_rows

CSC = "Children's social care"
MANAGER = Person(email="m@csc.example", role="manager", agency=CSC, name="CSC manager")
POLICE_MANAGER = Person(email="m@police.example", role="manager", agency="Police")
CHAIR = Person(email="chair@example", role="chair", name="Chair")
PARTNER = Person(email="p@example", role="partner", agency=CSC)


@pytest.fixture
def plan(store):
    add_rows(store, "actions", [action("1.1"), {**action("2.1"), "lead_agency": "Police"}],
             agency="Safeguarding partnership")
    return store


def test_who_may_comment():
    assert can_comment(MANAGER, CSC) and not can_comment(MANAGER, "Police")
    assert can_comment(CHAIR, "Police") and can_comment(Person(email="a", role="admin"), None)
    assert not can_comment(PARTNER, CSC) and not can_comment(Person(email="s", role="scrutiny"), CSC)
    assert not can_comment(Person(email="x", role="manager", agency=None), None)


def test_history_is_appended_and_the_latest_quarter_wins(plan):
    first = add_comment(plan, "1.1", "2025-26 Q2", "Audit sample agreed.", "CSC manager")
    second = add_comment(plan, "1.1", "2025/26 q3", "Step-down plans piloted.", "Chair")
    late = add_comment(plan, "1.1", "2025-26 Q1", "Written late, for an earlier quarter.", "Chair")
    add_comment(plan, "2.1", "2025-26 Q3", "Police training booked.", "Chair")
    history = commentary_history(plan, "1.1")
    assert history["comment_id"].tolist() == [late, second, first]  # newest written first
    assert history["period"].tolist() == ["2025-26 Q1", "2025-26 Q3", "2025-26 Q2"]
    latest = latest_commentary(plan).set_index("action_id")
    assert latest.loc["1.1", "text"] == "Step-down plans piloted."  # the newest quarter, not the newest row
    assert latest.loc["1.1", "written_by"] == "Chair" and len(latest) == 2


def test_length_empty_quarter_and_action_are_checked(plan):
    add_comment(plan, "1.1", "2025-26 Q2", "x" * MAX_CHARS, "Chair")  # exactly the limit is kept
    for args, message in (
        (("1.1", "2025-26 Q2", "x" * (MAX_CHARS + 1)), "1,501 characters; at most 1,500"),
        (("1.1", "2025-26 Q2", "   "), "empty"),
        (("1.1", "next spring", "text"), "not a financial quarter"),
        (("9.9", "2025-26 Q2", "text"), "not in the current action plan"),
    ):
        with pytest.raises(CommentaryError, match=message):
            add_comment(plan, *args, "Chair")
    assert len(commentary_history(plan)) == 1


def test_writes_check_the_lead_agency_and_audit_both_outcomes(plan):
    comment_id = writes.comment(plan, MANAGER, "1.1", "2025-26 Q2", "**Bold** <b>html</b> [link](http://x)")
    assert commentary_history(plan)["text"].tolist() == ["**Bold** <b>html</b> [link](http://x)"]  # kept as typed
    with pytest.raises(NotAllowed):
        writes.comment(plan, MANAGER, "2.1", "2025-26 Q2", "Not my agency's action")
    with pytest.raises(NotAllowed):
        writes.comment(plan, PARTNER, "1.1", "2025-26 Q2", "Partners read only")
    trail = audit_trail(plan, action="commentary")
    assert sorted(trail["outcome"]) == ["done", "refused", "refused"]
    done = trail[trail["outcome"] == "done"].iloc[0]
    assert done["target"] == "1.1" and f"commentary {comment_id} for 2025-26 Q2" in done["detail"]
    assert "Bold" not in " ".join(trail["detail"].astype(str))  # the text itself is not in the audit trail
    assert len(commentary_history(plan)) == 1 and verify_chain(plan).intact


def test_the_command_line_writes_commentary_and_refuses_bad_text(plan, tmp_path, capsys):
    from metrics.__main__ import main

    db = str(tmp_path / "dashboard.duckdb")
    assert main(["comment", "1.1", "--quarter", "2025-26 Q2", "--text", "Dip sample done.", "--by", "Chair",
                 "--db", db]) == 0
    assert "Recorded commentary 1 on action 1.1" in capsys.readouterr().out
    assert main(["comment", "1.1", "--quarter", "2025-26 Q2", "--text", "x" * 1501, "--by", "Chair", "--db", db]) == 1
    assert "commentary refused: commentary is 1,501 characters" in capsys.readouterr().err
    assert commentary_history(plan)["text"].tolist() == ["Dip sample done."]
    assert audit_trail(plan, action="commentary")["role"].tolist() == ["admin (command line)"]
