"""The action plan page on the demo data: one action open at a time (only it draws a chart); recording a
meeting's decision (confirmed before "Agreed complete", with the meeting date and the agencies present) puts it
in the action's history at once, keeps the action open and changes its rating; a decision that cannot be
recorded writes nothing; filters keep the current action while it matches; commentary (who may write it, its
length, shown literally, its history and its audit rows)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from streamlit.testing.v1 import AppTest

from loaders.store import Store
from metrics.brag import rate_actions
from metrics.commentary import commentary_history
from metrics.decisions import decision_history
from tests.pages.helpers import page_text, rendered, table_snapshot

ACTION = "1.5"   # measured, In progress and behind its trajectory in the demo: Amber; led by Early help
NOTE = "The meeting agreed early help is now offered at first contact in every locality."
OPEN = {"current_action": ACTION}
HOSTILE = "**Bold** <b>tag</b> [link](http://example.org) :red-badge[Red] # heading\nsecond line"


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


def _submit(at: AppTest, form: str) -> AppTest:
    [button] = [b for b in at.form_submit_button if b.form_id == form]
    button.click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_only_the_current_action_is_open_and_drawn(open_app, demo_db):
    at = open_app(demo_db, "actions", state=OPEN)
    assert len(at.get("plotly_chart")) == 1   # one chart on the page, not one per action
    assert _badge(_expander(at, ACTION)).startswith("**Rating:** :orange-badge[Amber] ")
    for other in ("1.1", "3.4"):
        assert not list(_expander(at, other).markdown)   # closed: nothing built inside it
    at = open_app(demo_db, "actions", state={"current_action": "3.4"})
    # The baseline quarter is the latest: the reason says when the first reading comes, not "no value".
    assert _badge(_expander(at, "3.4")).endswith("first progress reading due after it")
    assert "baseline set in " in _badge(_expander(at, "3.4"))


def test_agreed_complete_needs_confirming_then_records_meeting_and_present(open_app, demo_copy):
    with Store(demo_copy) as store:
        assert _rating(store, ACTION)[:2] == ("In progress", "Amber")
        assert decision_history(store, ACTION).empty
    at = open_app(demo_copy, "actions", state=OPEN)
    assert "No decisions recorded yet." in [c.value for c in _expander(at, ACTION).caption]
    assert at.text_input(key=f"decide-by-{ACTION}").value == "Local administrator"
    others_before = _other_actions(at)
    assert len(others_before) == 13

    at.selectbox(key=f"decide-status-{ACTION}").set_value("Agreed complete")
    at.text_area(key=f"decide-note-{ACTION}").input(NOTE)
    _submit(at, f"decide-{ACTION}")
    assert [e.value for e in at.main.error] == ["Tick the confirmation to record “Agreed complete”: it closes the "
                                                "action."]
    with Store(demo_copy) as store:
        assert decision_history(store, ACTION).empty

    meeting = dt.date.today() - dt.timedelta(days=2)
    at.selectbox(key=f"decide-status-{ACTION}").set_value("Agreed complete")
    at.text_area(key=f"decide-note-{ACTION}").input(NOTE)
    at.date_input(key=f"decide-meeting-{ACTION}").set_value(meeting)
    at.multiselect(key=f"decide-present-{ACTION}").set_value(["Police", "Early help"])
    at.checkbox(key=f"decide-confirm-{ACTION}").check()
    _submit(at, f"decide-{ACTION}")

    after = _expander(at, ACTION)   # still open, showing the new rating and the confirmation beside it
    assert [rendered(s.value) for s in after.success] == [f"Decision on {ACTION} recorded: Agreed complete."]
    assert _badge(after) == "**Rating:** :blue-badge[Blue] Agreed complete by the partnership"
    [table] = [t.value for t in after.dataframe if "Recorded by" in t.value.columns]
    assert table[["Present", "Status", "Note", "Recorded by"]].to_dict("records") == [
        {"Present": "Police, Early help", "Status": "Agreed complete", "Note": NOTE,
         "Recorded by": "Local administrator"}]
    assert table["Meeting"].iloc[0].date() == meeting and table["Date"].iloc[0].date() == dt.date.today()
    assert at.selectbox(key=f"decide-status-{ACTION}").value == "Agreed complete"   # the form starts from it
    with Store(demo_copy) as store:
        assert _rating(store, ACTION) == ("Agreed complete", "Blue", "Agreed complete by the partnership")
        [row] = decision_history(store, ACTION).to_dict("records")
        assert (row["meeting_date"].date(), row["present"]) == (meeting, ["Police", "Early help"])
        assert store.rows("SELECT who, role, action, target, outcome FROM audit_log WHERE action = 'decision'") == [
            ("local-admin", "admin", "decision", ACTION, "done")]
    assert _other_actions(at) == others_before   # every other action keeps its rating


def test_decision_without_a_note_is_refused_and_writes_nothing(open_app, demo_copy):
    at = open_app(demo_copy, "actions", state=OPEN)
    with Store(demo_copy) as store:
        before = table_snapshot(store)
        audit_rows = store.scalar("SELECT count(*) FROM audit_log")
    at.selectbox(key=f"decide-status-{ACTION}").set_value("In progress")
    _submit(at, f"decide-{ACTION}")
    assert not at.main.success
    assert [e.value for e in at.main.error] == ["add a note saying what was decided"]
    assert _badge(_expander(at, ACTION)).startswith("**Rating:** :orange-badge[Amber] ")
    with Store(demo_copy) as store:
        assert table_snapshot(store) == before
        assert store.scalar("SELECT count(*) FROM audit_log") == audit_rows


def _meeting_title(at: AppTest) -> str:
    [header] = [rendered(h.value) for h in at.main.header]
    return header.split(" · ")[0]


def test_filters_keep_the_current_action_while_it_matches(open_app, demo_db):
    at = open_app(demo_db, "actions", state={"meeting_mode": True, "current_action": "1.3"})
    assert _meeting_title(at) == "1.3"
    rag = rate_actions_for(demo_db)["1.3"]
    at.multiselect(key="actions_rag").set_value([rag]).run()
    assert _meeting_title(at) == "1.3"   # still matches: the meeting stays on it
    other = next(r for r in ("Green", "Amber", "Red", "Blue", "No data") if r != rag)
    at.multiselect(key="actions_rag").set_value([other]).run()
    first = next(a for a, r in rate_actions_for(demo_db).items() if r == other)
    assert _meeting_title(at) == first
    at.multiselect(key="actions_rag").set_value([]).run()
    assert _meeting_title(at) == "1.3"   # the choice is kept: clearing the filter returns to it
    at.button(key="meeting_next").click().run()
    assert _meeting_title(at) == "1.4"
    at.button(key="meeting_previous").click().run()
    assert _meeting_title(at) == "1.3"
    assert len(at.get("plotly_chart")) == 1


def rate_actions_for(db: Path) -> dict[str, str]:
    with Store(db) as store:
        return dict(zip(*[rate_actions(store)[c] for c in ("action_id", "rag")], strict=True))


def test_commentary_is_literal_appended_kept_and_audited(open_app, demo_copy):
    at = open_app(demo_copy, "actions", state=OPEN)
    assert "**Commentary:** none written yet." in [m.value for m in _expander(at, ACTION).markdown]
    at.text_area(key=f"comment-text-{ACTION}").input("First quarter's commentary.")
    _submit(at, f"comment-{ACTION}")
    at.text_area(key=f"comment-text-{ACTION}").input(HOSTILE)
    _submit(at, f"comment-{ACTION}")
    box = _expander(at, ACTION)
    [latest] = [rendered(m.value) for m in box.markdown if m.value.startswith("**Commentary, ")]
    assert latest.endswith(HOSTILE)   # shown as typed: no bold, tag, link, badge or heading made from it
    assert "Local administrator" in latest
    at.toggle(key=f"comments-{ACTION}").set_value(True).run()
    [earlier] = [t.value for t in _expander(at, ACTION).dataframe if "Commentary" in t.value.columns]
    assert earlier["Commentary"].tolist() == ["First quarter's commentary."]

    at.text_area(key=f"comment-text-{ACTION}").input("x" * 1501)
    _submit(at, f"comment-{ACTION}")
    assert [rendered(e.value) for e in at.main.error] == ["commentary is 1,501 characters; at most 1,500 are kept"]
    with Store(demo_copy) as store:
        assert commentary_history(store, ACTION)["text"].tolist() == [HOSTILE, "First quarter's commentary."]
        assert store.rows("SELECT who, action, target, outcome FROM audit_log WHERE action = 'commentary'") == [
            ("local-admin", "commentary", ACTION, "done")] * 2


ROLES = """
[users."eh.manager@example.org"]
role = "manager"
agency = "Early help"
[users."police.manager@example.org"]
role = "manager"
agency = "Police"
[users."partner@example.org"]
role = "partner"
"""


def test_only_the_lead_agency_manager_chair_or_admin_may_comment(open_app, demo_db, tmp_path):
    roles = tmp_path / "roles.toml"
    roles.write_text(ROLES)
    for email, may in (("eh.manager@example.org", True), ("police.manager@example.org", False),
                       ("partner@example.org", False)):
        at = open_app(demo_db, "actions", local=False, auth=True, roles=roles, state=OPEN,
                      user={"is_logged_in": True, "email": email})
        forms = {b.form_id for b in at.form_submit_button}
        assert (f"comment-{ACTION}" in forms) == may, email
        assert f"decide-{ACTION}" not in forms   # decisions stay the chair's and administrator's
        assert "Commentary" in page_text(at)
