"""The action plan page on the demo data: recording a meeting's decision through the form puts it in the
action's history at once and changes the action's rating; a decision that cannot be recorded writes nothing."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from loaders.store import Store
from metrics.brag import rate_actions
from metrics.decisions import decision_history
from tests.pages.helpers import rendered, table_snapshot

ACTION = "1.5"   # measured, In progress and behind its trajectory in the demo: Amber
NOTE = "The meeting agreed early help is now offered at first contact in every locality."


def _expander(at: AppTest, action_id: str):
    found = [e for e in at.expander if f"{action_id} · " in rendered(e.label)]
    assert len(found) == 1, [e.label for e in at.expander]
    return found[0]


def _other_actions(at: AppTest) -> list[str]:
    """The labels (with their ratings) of every action but ours."""
    return [rendered(e.label) for e in at.expander if " · " in e.label and f"{ACTION} · " not in rendered(e.label)]


def _badge(expander) -> str:
    """The rating the action's own text states (its expander's label is only a summary of it)."""
    [line] = [m.value for m in expander.markdown if m.value.startswith("**Rating:**")]
    return line


def _rating(store: Store, action_id: str) -> tuple[str, str, str]:
    plan = rate_actions(store).set_index("action_id")
    return plan.at[action_id, "status"], plan.at[action_id, "rag"], plan.at[action_id, "reason"]


def _submit(at: AppTest, action_id: str) -> AppTest:
    [button] = [b for b in at.form_submit_button if b.form_id == f"decide-{action_id}"]
    button.click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_recorded_decision_shows_in_the_history_and_turns_the_action_blue(open_app, demo_copy):
    with Store(demo_copy) as store:
        status, rag, _ = _rating(store, ACTION)
        assert (status, rag) == ("In progress", "Amber")
        assert decision_history(store, ACTION).empty

    at = open_app(demo_copy, "actions")
    before = _expander(at, ACTION)
    assert "Amber" in before.label and "Blue" not in before.label
    assert _badge(before).startswith("**Rating:** :orange-badge[Amber] ")
    assert "No decisions recorded yet." in [c.value for c in before.caption]
    assert at.selectbox(key=f"decide-status-{ACTION}").value == "In progress"
    assert at.text_input(key=f"decide-by-{ACTION}").value == "Local administrator"

    others_before = _other_actions(at)
    assert len(others_before) == 13

    at.selectbox(key=f"decide-status-{ACTION}").set_value("Agreed complete")
    at.text_area(key=f"decide-note-{ACTION}").input(NOTE)
    _submit(at, ACTION)

    assert [rendered(s.value) for s in at.main.success] == [f"Decision on {ACTION} recorded: Agreed complete."]
    after = _expander(at, ACTION)
    assert "Blue" in after.label and "Amber" not in after.label
    assert _badge(after) == "**Rating:** :blue-badge[Blue] Agreed complete by the partnership"
    history = [t.value for t in after.dataframe if "Recorded by" in t.value.columns]
    assert len(history) == 1
    assert history[0].to_dict("records") == [{"Date": history[0]["Date"].iloc[0], "Status": "Agreed complete",
                                             "Note": NOTE, "Recorded by": "Local administrator"}]
    assert history[0]["Date"].iloc[0].date() == dt.date.today()
    assert at.selectbox(key=f"decide-status-{ACTION}").value == "Agreed complete"   # the form starts from it

    with Store(demo_copy) as store:
        assert _rating(store, ACTION) == ("Agreed complete", "Blue", "Agreed complete by the partnership")
        assert decision_history(store, ACTION)[["status", "note", "decided_by"]].to_dict("records") == [
            {"status": "Agreed complete", "note": NOTE, "decided_by": "Local administrator"}]
        assert store.rows("SELECT who, role, action, target, outcome FROM audit_log WHERE action = 'decision'") == [
            ("local-admin", "admin", "decision", ACTION, "done")]
    assert _other_actions(at) == others_before   # every other action keeps its rating


def test_decision_without_a_note_is_refused_and_writes_nothing(open_app, demo_copy):
    at = open_app(demo_copy, "actions")
    with Store(demo_copy) as store:
        before = table_snapshot(store)
        audit_rows = store.scalar("SELECT count(*) FROM audit_log")

    at.selectbox(key=f"decide-status-{ACTION}").set_value("Agreed complete")
    _submit(at, ACTION)
    assert not at.main.success
    assert [e.value for e in at.main.error] == ["add a note saying what was decided"]
    assert _badge(_expander(at, ACTION)).startswith("**Rating:** :orange-badge[Amber] ")
    with Store(demo_copy) as store:
        assert table_snapshot(store) == before
        assert store.scalar("SELECT count(*) FROM audit_log") == audit_rows
