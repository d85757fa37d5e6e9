"""Audit trail (administrators): every upload, withdrawal, decision and action plan load, and every refusal."""

from __future__ import annotations

import streamlit as st

from pages.common import audit_rows, current_person, require

require("audit_trail")
st.title("Audit trail")
st.markdown("Every change made through the dashboard or the command line, newest first. "
            "It can be read here but not edited or deleted.")
filters = st.columns(3)
who = filters[0].text_input("Who (e-mail)", key="audit_who").strip() or None
action = filters[1].selectbox("Action", ["", "upload", "action plan load", "withdraw", "decision"],
                              key="audit_action") or None
outcome = filters[2].selectbox("Outcome", ["", "accepted", "duplicate", "rejected", "refused", "done"],
                               key="audit_outcome") or None
rows = audit_rows(current_person(), who=who, action=action, outcome=outcome)
if rows.empty:
    st.info("Nothing matches.")
else:
    st.dataframe(rows, hide_index=True)
