"""Audit trail (administrators): every upload, withdrawal, decision, action plan load, backup and value
mapping, and every refusal; whether the trail's hash chain is intact; and a backup of the store to download."""

from __future__ import annotations

import streamlit as st

from access import writes
from access.permissions import check_audit_trail
from loaders.aliases import AUDIT_ACTIONS
from loaders.audit import verify_chain
from loaders.backup import backup_file_name
from pages.common import audit_rows, get_store, require
from ui.tables import show_table

person = require("audit_trail")
st.title("Audit trail")
st.markdown("Every change made through the dashboard or the command line, newest first. "
            "It can be read here but not edited or deleted.")

check_audit_trail(person)
# Checked on every visit, never cached: a stored "intact" would hide a change made since.
chain = verify_chain(get_store())
if chain.intact:
    st.markdown(f":material/verified: Checked just now: all {chain.rows} rows link up. None has been changed, "
                "removed or inserted since it was written.")
    if chain.last_hash:
        st.caption(f"Newest link: {chain.last_hash}. Noting it in the minutes lets a later check show that "
                   "no rows were removed from the end.")
else:
    st.error(f"The audit trail does not check: {chain.message}. Keep the database as it is and tell the "
             "partnership's information governance lead.", icon=":material/gpp_bad:")

filters = st.columns(3)
who = filters[0].text_input("Who (e-mail)", key="audit_who").strip() or None
action = filters[1].selectbox("Action", ["", "upload", "action plan load", "withdraw", "decision", "backup",
                                         *AUDIT_ACTIONS], key="audit_action") or None
outcome = filters[2].selectbox("Outcome", ["", "accepted", "duplicate", "rejected", "refused", "done"],
                               key="audit_outcome") or None
rows = audit_rows(person, who=who, action=action, outcome=outcome)
if rows.empty:
    st.info("Nothing matches.")
else:
    show_table(rows)

st.subheader("Backup")
st.markdown("A copy of the whole store as one file: every submission, decision and this audit trail. It is "
            "made when you click, and each download is recorded here. Keep several, somewhere other than this "
            "server. The backup does not contain the secret that makes the pseudonyms: keep that apart from it, "
            "safely.")
name = backup_file_name()
store = get_store()
# The data is made only on the click (a callable), outside the script run: it uses no Streamlit calls.
st.download_button("Download a backup", data=lambda: writes.backup_download(store, person, name), file_name=name,
                   mime="application/octet-stream", on_click="ignore", key="backup_download",
                   icon=":material/download:")
