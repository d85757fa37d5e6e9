"""Action plan, for partnership meetings: every action's rating with its reason, trajectory and decisions."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from charts import BRAG_ORDER, trajectory
from loaders.codes import ACTION_STATUSES
from metrics.decisions import DecisionError
from metrics.registry import format_number
from pages.common import (
    chart_block,
    current_person,
    data_changed,
    decisions,
    empty_state,
    meeting_scale,
    metric_values,
    metrics_registry,
    ratings,
    record_decision_as,
    require,
)
from ui.literal import markdown_literal as md
from ui.tables import show_table

BADGE = {"Blue": "blue", "Green": "green", "Amber": "orange", "Red": "red", "No data": "gray"}

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


filters = st.columns(3)
# Options render Markdown too: aims and agencies come from the action plan, so they are shown literally.
aims = filters[0].multiselect("Aim", list(dict.fromkeys(plan["priority_area"])), key="actions_aim",
                              persist_state="session", format_func=md)
leads = filters[1].multiselect("Lead agency", sorted(set(plan["lead_agency"])), key="actions_lead",
                               persist_state="session", format_func=md)
rags = filters[2].multiselect("Rating", [r for r in BRAG_ORDER if r in set(plan["rag"])], key="actions_rag",
                              persist_state="session")
keep = pd.Series(True, index=plan.index)
for column, chosen in (("priority_area", aims), ("lead_agency", leads), ("rag", rags)):
    if chosen:
        keep &= plan[column].isin(chosen)
shown = plan[keep].reset_index(drop=True)
if shown.empty:
    st.info("No action matches these filters.")
    st.stop()


def _measure_title(measure: str) -> str:
    metric = registry.get(measure)
    return md(f"{metric.title} ({measure})" if metric else f"{measure} (not a known measure)")


def _show_action(action: pd.Series) -> None:
    # Every value from the action plan (titles, names, evidence) or a decision is shown literally (md).
    rag = action["rag"]
    st.markdown(f"**Rating:** :{BADGE.get(rag, 'gray')}-badge[{rag}] {md(action['reason'])}")
    left, right = st.columns(2)
    officer = f" — {md(action['lead_officer'])}" if _text(action["lead_officer"]) else ""
    left.markdown(f"**Lead:** {md(action['lead_agency'])}{officer}  \n"
                  f"**Status:** {md(_text(action['status'])) or 'not set'}"
                  f"  \n**Due:** {md(_text(action['due_period'])) or 'not set'}")
    measure = _text(action["measure"])
    if measure:
        metric = registry.get(measure)
        unit = metric.unit if metric else "%"
        right.markdown(
            f"**Measure:** {_measure_title(measure)}  \n"
            f"**Baseline → latest → target:** {format_number(action['baseline'], unit)} "
            f"({md(_text(action['baseline_period']))})"
            f" → {format_number(action['latest_value'], unit)} ({md(_text(action['latest_period'])) or 'no data'})"
            f" → {format_number(action['target'], unit)} ({md(_text(action['due_period']))})"
        )
        actual = values[(values["metric"] == measure) & values["group"].isna()][["period", "value"]]
        fig = trajectory(actual, title=f"{action['action_id']}: {metric.title if metric else measure} ({unit})",
                         unit=unit, baseline=None if pd.isna(action["baseline"]) else float(action["baseline"]),
                         baseline_period=_text(action["baseline_period"]) or None,
                         target=None if pd.isna(action["target"]) else float(action["target"]),
                         due_period=_text(action["due_period"]) or None, scale=meeting_scale())
        chart_block(fig, actual.rename(columns={"period": "Quarter", "value": "Actual"}),
                    f"action-{action['action_id']}", caption=metric.description if metric else None)
    else:
        right.markdown("**Measure:** none (a qualitative action, rated by its status)")
    st.markdown(f"**Evidence:** {md(_text(action['evidence'])) or 'none recorded'}  \n"
                f"**Sustainability plan:** {md(_text(action['sustainability_plan'])) or 'none recorded'}")
    past = history[history["action_id"] == action["action_id"]]
    st.markdown("**Decision history**")
    if past.empty:
        st.caption("No decisions recorded yet.")
    else:
        show_table(past[["decided_on", "status", "note", "decided_by"]].rename(columns={
            "decided_on": "Date", "status": "Status", "note": "Note", "decided_by": "Recorded by"}))
    if person.role in ("chair", "admin"):
        _decision_form(action)


def _decision_form(action: pd.Series) -> None:
    action_id = action["action_id"]
    with st.form(key=f"decide-{action_id}", clear_on_submit=True):
        st.markdown(f"**Record the meeting's decision on {md(action_id)}**")
        current = _text(action["status"])
        status = st.selectbox("New status", ACTION_STATUSES,
                              index=ACTION_STATUSES.index(current) if current in ACTION_STATUSES else 0,
                              key=f"decide-status-{action_id}")
        note = st.text_area("Note (what was decided and why)", key=f"decide-note-{action_id}")
        by = st.text_input("Recorded by", value=person.name or person.email, key=f"decide-by-{action_id}")
        on = st.date_input("Date of the decision", value=dt.date.today(), max_value=dt.date.today(),
                           format="DD/MM/YYYY", key=f"decide-on-{action_id}")
        if st.form_submit_button("Record decision", type="primary"):
            try:
                record_decision_as(person, action_id, status, note, by, on)
            except (DecisionError, PermissionError) as exc:
                st.error(md(exc))
            else:
                data_changed()
                st.session_state["decision_saved"] = md(f"Decision on {action_id} recorded: {status}.")
                st.rerun()


if saved := st.session_state.pop("decision_saved", None):
    st.success(saved, icon=":material/check_circle:")

if meeting:
    position = min(st.session_state.get("meeting_action", 0), len(shown) - 1)
    back, where, forward = st.columns([1, 2, 1])
    if back.button("◀ Previous", disabled=position == 0, key="meeting_previous", width="stretch"):
        st.session_state["meeting_action"] = position - 1
        st.rerun()
    where.markdown(f"<p style='text-align:center'>Action {position + 1} of {len(shown)}</p>", unsafe_allow_html=True)
    if forward.button("Next ▶", disabled=position >= len(shown) - 1, key="meeting_next", width="stretch"):
        st.session_state["meeting_action"] = position + 1
        st.rerun()
    action = shown.iloc[position]
    st.header(md(f"{action['action_id']} · {action['action']}"))
    st.caption(md(action["priority_area"]))
    _show_action(action)
else:
    for aim, actions in shown.groupby("priority_area", sort=False):
        st.header(md(aim))
        for _, action in actions.iterrows():
            with st.expander(f"**{action['rag']}** · {md(action['action_id'])} · {md(action['action'])}"):
                _show_action(action)
