"""Action plan, for partnership meetings: every action's rating with its reason, trajectory, commentary and
decisions. One action is open at a time (the current action), and only the open one draws its chart: an
expander's content is built only while it is open (``on_change`` state tracking), so the page costs one chart,
not one per action. Meeting mode shows the current action alone, on one projector screen."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from access import writes
from access.permissions import can_comment, can_decide
from charts import trajectory
from loaders.agencies import agency_names
from loaders.codes import ACTION_STATUSES
from metrics.commentary import MAX_CHARS, CommentaryError, commentary_history
from metrics.decisions import DecisionError
from metrics.display import format_number
from metrics.ratings import ORDER as RATING_ORDER
from ui.app import require
from ui.blocks import chart_block, empty_state, meeting_scale
from ui.data import data_changed, decisions, metric_values, metrics_registry, ratings
from ui.exports import exports_section
from ui.filters import quarters_available
from ui.literal import markdown_literal as md
from ui.literal import option_literal
from ui.people import current_person
from ui.rating import rating_line
from ui.spc import action_spc_line, action_spc_table
from ui.store import get_store
from ui.tables import show_table

CURRENT = "current_action"  # the open action's id; "" when the reader closed it (outside meeting mode)
COMPLETE = "Agreed complete"
MEETING_CHART_PX = 500  # the tallest chart that leaves room for the rest of the action on a 1080-pixel screen

require("actions")
st.title("Action plan")
plan = ratings()
if plan.empty:
    empty_state("Upload the partnership's action plan (one row per action) to see progress against each action.")
    st.stop()

registry = metrics_registry()
values = metric_values()
history = decisions()
person = current_person()
meeting = bool(st.session_state.get("meeting_mode"))


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _filters() -> pd.DataFrame:
    """The actions matching the page's filters (aim, lead agency, rating), in plan order."""
    filters = st.columns(3)
    # Aims and agencies come from the action plan: a multiselect draws its options as plain text (ui.literal).
    aims = filters[0].multiselect("Aim", list(dict.fromkeys(plan["priority_area"])), key="actions_aim",
                                  persist_state="session", format_func=option_literal)
    leads = filters[1].multiselect("Lead agency", sorted(set(plan["lead_agency"])), key="actions_lead",
                                   persist_state="session", format_func=option_literal)
    rags = filters[2].multiselect("Rating", [r for r in RATING_ORDER if r in set(plan["rag"])], key="actions_rag",
                                  persist_state="session")
    keep = pd.Series(True, index=plan.index)
    for column, chosen in (("priority_area", aims), ("lead_agency", leads), ("rag", rags)):
        if chosen:
            keep &= plan[column].isin(chosen)
    return plan[keep].reset_index(drop=True)


def _current(ids: list[str]) -> str | None:
    """The current action, kept while it still matches the filters (a filter never moves the meeting on to
    another action it did not ask for); else the first that matches. Outside meeting mode an action the reader
    closed stays closed. The choice itself is kept, so clearing the filter returns to it."""
    chosen = st.session_state.get(CURRENT)
    if chosen in ids:
        return chosen
    if chosen == "" and not meeting:
        return None
    return ids[0]


def _measure_title(measure: str) -> str:
    metric = registry.get(measure)
    return md(f"{metric.title} ({measure})" if metric else f"{measure} (not a known measure)")


def _numbers(action: pd.Series) -> str:
    """``**Measure:** …  **Baseline → latest → target:** …`` (Markdown, plan values shown literally)."""
    measure = _text(action["measure"])
    if not measure:
        return "**Measure:** none (a qualitative action, rated by its status)"
    metric = registry.get(measure)
    unit = metric.unit if metric else "%"
    return (f"**Measure:** {_measure_title(measure)}  \n"
            f"**Baseline → latest → target:** {format_number(action['baseline'], unit)} "
            f"({md(_text(action['baseline_period']))})"
            f" → {format_number(action['latest_value'], unit)} ({md(_text(action['latest_period'])) or 'no data'})"
            f" → {format_number(action['target'], unit)} ({md(_text(action['due_period']))})")


def _chart(action: pd.Series) -> None:
    """The measure's trajectory chart, with its table and download; nothing for an action without a measure.
    In meeting mode it is capped in height and its description left to the About page: one screen holds all."""
    measure = _text(action["measure"])
    if not measure:
        return
    metric = registry.get(measure)
    unit = metric.unit if metric else "%"
    actual = values[(values["metric"] == measure) & values["group"].isna()][["period", "value"]]
    fig = trajectory(actual, title=f"{action['action_id']}: {metric.title if metric else measure} ({unit})",
                     unit=unit, baseline=None if pd.isna(action["baseline"]) else float(action["baseline"]),
                     baseline_period=_text(action["baseline_period"]) or None,
                     target=None if pd.isna(action["target"]) else float(action["target"]),
                     due_period=_text(action["due_period"]) or None, scale=meeting_scale())
    if meeting:
        fig.update_layout(height=min(fig.layout.height or MEETING_CHART_PX, MEETING_CHART_PX))
    chart_block(fig, actual.rename(columns={"period": "Quarter", "value": "Actual"}),
                f"action-{action['action_id']}", caption=None if meeting or not metric else metric.description)


def _saved_message(action_id: str) -> None:
    """The confirmation of a decision or commentary just saved, beside the action's (new) rating."""
    saved = st.session_state.get("action_saved")
    if saved and saved[0] == action_id:
        st.session_state.pop("action_saved")
        st.success(saved[1], icon=":material/check_circle:")


def _lead_line(action: pd.Series) -> str:
    officer = f" — {md(action['lead_officer'])}" if _text(action["lead_officer"]) else ""
    return (f"**Lead:** {md(action['lead_agency'])}{officer}  \n"
            f"**Status:** {md(_text(action['status'])) or 'not set'}"
            f"  \n**Due:** {md(_text(action['due_period'])) or 'not set'}")


def _show_action(action: pd.Series) -> None:
    # Every value from the action plan (titles, names, evidence), a decision or commentary is shown literally (md).
    rating_line(action)
    action_spc_line(action["action_id"])  # real change or noise, beside the rating (ui/spc.py)
    _saved_message(action["action_id"])
    left, right = st.columns(2)
    left.markdown(_lead_line(action))
    right.markdown(_numbers(action))
    _chart(action)
    _details(action)


def _details(action: pd.Series) -> None:
    """Evidence, sustainability, commentary and decisions, with the forms the person may use."""
    st.markdown(f"**Evidence:** {md(_text(action['evidence'])) or 'none recorded'}  \n"
                f"**Sustainability plan:** {md(_text(action['sustainability_plan'])) or 'none recorded'}")
    _commentary(action)
    past = history[history["action_id"] == action["action_id"]]
    st.markdown("**Decision history**")
    if past.empty:
        st.caption("No decisions recorded yet.")
    else:
        table = past.assign(present=past["present"].map(lambda names: ", ".join(names)))
        show_table(table[["decided_on", "meeting_date", "present", "status", "note", "decided_by"]].rename(columns={
            "decided_on": "Date", "meeting_date": "Meeting", "present": "Present", "status": "Status",
            "note": "Note", "decided_by": "Recorded by"}))
    if can_decide(person):
        _decision_form(action)


def _comment_line(row: pd.Series) -> str:
    return (f"**Commentary, {md(row['period'])}** ({md(row['written_by'])}, {row['written_at']:%d/%m/%Y}):  \n"
            f"{md(row['text'])}")


def _commentary(action: pd.Series) -> None:
    """The latest commentary, the earlier ones on request, and the form for those who may write it."""
    action_id = action["action_id"]
    notes = commentary_history(get_store(), action_id)
    if notes.empty:
        st.markdown("**Commentary:** none written yet.")
    else:
        st.markdown(_comment_line(notes.iloc[0]))
        if len(notes) > 1 and st.toggle(f"Earlier commentary ({len(notes) - 1})", key=f"comments-{action_id}"):
            show_table(notes.iloc[1:][["period", "text", "written_by", "written_at"]].rename(columns={
                "period": "Quarter", "text": "Commentary", "written_by": "Written by", "written_at": "Written"}))
    if can_comment(person, _text(action["lead_agency"])):
        _comment_form(action_id)


def _comment_form(action_id: str) -> None:
    quarters = quarters_available() or [""]
    with st.form(key=f"comment-{action_id}", clear_on_submit=True):
        st.markdown(f"**Write commentary on {md(action_id)}**")
        period = st.selectbox("Quarter", quarters, index=len(quarters) - 1, key=f"comment-quarter-{action_id}")
        text = st.text_area(f"Commentary (plain text, at most {MAX_CHARS:,} characters)",
                            key=f"comment-text-{action_id}")
        if st.form_submit_button("Save commentary"):
            try:
                writes.comment(get_store(), person, action_id, period, text)
            except (CommentaryError, PermissionError) as exc:
                st.error(md(exc))
            else:
                st.session_state["action_saved"] = (action_id, md(f"Commentary on {action_id} saved for {period}."))
                st.session_state[CURRENT] = action_id
                st.rerun()


def _decision_form(action: pd.Series) -> None:
    action_id = action["action_id"]
    with st.form(key=f"decide-{action_id}", clear_on_submit=True):
        st.markdown(f"**Record the meeting's decision on {md(action_id)}**")
        current = _text(action["status"])
        status = st.selectbox("New status", ACTION_STATUSES,
                              index=ACTION_STATUSES.index(current) if current in ACTION_STATUSES else 0,
                              key=f"decide-status-{action_id}")
        note = st.text_area("Note (what was decided and why)", key=f"decide-note-{action_id}")
        left, right = st.columns(2)
        met = left.date_input("Meeting date", value=dt.date.today(), max_value=dt.date.today(),
                              format="DD/MM/YYYY", key=f"decide-meeting-{action_id}")
        present = right.multiselect("Agencies present", agency_names(), key=f"decide-present-{action_id}",
                                    format_func=option_literal)
        by = left.text_input("Recorded by", value=person.name or person.email, key=f"decide-by-{action_id}")
        on = right.date_input("Date of the decision", value=dt.date.today(), max_value=dt.date.today(),
                              format="DD/MM/YYYY", key=f"decide-on-{action_id}")
        sure = st.checkbox(f"Confirm: the partnership agreed this action complete (needed for “{COMPLETE}”)",
                           key=f"decide-confirm-{action_id}")
        if st.form_submit_button("Record decision", type="primary"):
            _record(action_id, status, note, by, on, met, present, sure)


def _record(action_id: str, status: str, note: str, by: str, on: dt.date, met: dt.date, present: list[str],
            sure: bool) -> None:
    if status == COMPLETE and not sure:
        st.error(f"Tick the confirmation to record “{COMPLETE}”: it closes the action.")
        return
    try:
        writes.decide(get_store(), person, action_id, status, note, by, on, meeting_date=met, present=present)
    except (DecisionError, PermissionError) as exc:
        st.error(md(exc))
    else:
        data_changed()
        st.session_state["action_saved"] = (action_id, md(f"Decision on {action_id} recorded: {status}."))
        st.session_state[CURRENT] = action_id  # the action stays open, showing its new rating
        st.rerun()


def _opened(action_id: str) -> None:
    st.session_state[CURRENT] = action_id if st.session_state.get(f"open-{action_id}") else ""


def _all_actions(shown: pd.DataFrame, current: str | None) -> None:
    """Every matching action by aim; only the current one is open and drawn."""
    for aim, actions in shown.groupby("priority_area", sort=False):
        st.header(md(aim))
        for _, action in actions.iterrows():
            action_id = action["action_id"]
            key = f"open-{action_id}"
            st.session_state[key] = action_id == current  # one open at a time: opening another closes this
            box = st.expander(f"**{action['rag']}** · {md(action_id)} · {md(action['action'])}", key=key,
                              on_change=_opened, args=(action_id,))
            if box.open:
                with box:
                    _show_action(action)


def _go(action_id: str) -> None:
    st.session_state[CURRENT] = action_id


def _latest_word(action_id: str) -> str:
    """Meeting mode's last line: the latest commentary, else the latest decision."""
    notes = commentary_history(get_store(), action_id)
    if not notes.empty:
        return _comment_line(notes.iloc[0])
    past = history[history["action_id"] == action_id]
    if past.empty:
        return "**Commentary and decisions:** none recorded yet."
    last = past.iloc[-1]
    return (f"**Latest decision** ({last['decided_on']:%d/%m/%Y}): {md(last['status'])}. "
            f"{md(last['note'])}")


def _meeting(shown: pd.DataFrame, current: str, row: list) -> None:
    """One action on one screen: title, rating, reason, numbers, latest word and chart; Previous/Next (also the
    keyboard's left and right arrows); the rest of the action on request."""
    ids = shown["action_id"].tolist()
    position = ids.index(current)
    back, where, forward = row
    back.button("◀ Previous", disabled=position == 0, key="meeting_previous", width="stretch", shortcut="Left",
                on_click=_go, args=(ids[max(position - 1, 0)],), help="Previous action (left arrow key)")
    where.markdown(f"<p style='text-align:center'>Action {position + 1} of {len(ids)}</p>", unsafe_allow_html=True)
    forward.button("Next ▶", disabled=position >= len(ids) - 1, key="meeting_next", width="stretch",
                   shortcut="Right", on_click=_go, args=(ids[min(position + 1, len(ids) - 1)],),
                   help="Next action (right arrow key)")
    action = shown.iloc[position]
    st.header(md(f"{action['action_id']} · {action['action']}"))
    words, chart = st.columns([2, 3], gap="large")
    with words:
        st.caption(md(action["priority_area"]))
        rating_line(action)
        action_spc_line(action["action_id"])
        _saved_message(action["action_id"])
        st.markdown(_lead_line(action))
        st.markdown(_numbers(action))
        st.markdown(_latest_word(action["action_id"]))
    with chart:
        _chart(action)
    more = st.expander("Evidence, commentary and decisions", key=f"meeting-more-{current}", on_change="rerun")
    if more.open:
        with more:
            _details(action)


if meeting:  # the filters fold away beside Previous/Next: the screen is for the action
    *row, choose = st.columns([2, 3, 2, 1], vertical_alignment="center")
    with choose.popover("Filters", width="stretch"):
        shown = _filters()
else:
    shown = _filters()
if shown.empty:
    st.info("No action matches these filters.")
    st.stop()
current = _current(shown["action_id"].tolist())
if meeting:  # one screen: the SPC table and the exports wait until the meeting is over
    _meeting(shown, current, row)
else:
    _all_actions(shown, current)
    action_spc_table()  # each measured action's SPC variation and assurance beside its rating (ui/spc.py)
    exports_section()  # the downloads this person may have (ui/exports.py)
