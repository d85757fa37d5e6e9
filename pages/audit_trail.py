"""Audit trail (administrators): every upload, withdrawal, decision, action plan load, backup and value
mapping, and every refusal; whether the trail's hash chain is intact; and a backup of the store to download."""

from __future__ import annotations

import streamlit as st

from access import writes
from access.permissions import check_audit_trail
from loaders.audit import AuditAction, AuditOutcome, verify_chain
from loaders.backup import backup_file_name
from ui.app import require
from ui.data import audit_rows
from ui.store import get_store
from ui.tables import show_table

# The trail's columns as a person reads them, in this order.
COLUMNS = {"audit_id": "No.", "logged_at": "When (UTC)", "who": "Who", "role": "Role", "agency": "Agency",
           "action": "Action", "target": "What it acted on", "outcome": "Outcome", "detail": "Detail"}


def readable(rows):
    """The trail with readable headings, actions and outcomes in words (no underscores), times to the
    second, and empty cells blank rather than "None"."""
    table = rows[list(COLUMNS)].copy()
    for column in ("action", "outcome"):
        table[column] = table[column].map(lambda v: "" if v is None else str(v).replace("_", " "))
    table["logged_at"] = table["logged_at"].map(lambda v: "" if v is None or v != v else f"{v:%Y-%m-%d %H:%M:%S}")
    for column in ("who", "role", "agency", "target", "detail"):
        table[column] = table[column].map(lambda v: "" if v is None or v != v else str(v))
    return table.rename(columns=COLUMNS)


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
action = filters[1].selectbox("Action", ["", *map(str, AuditAction)], key="audit_action") or None
outcome = filters[2].selectbox("Outcome", ["", *map(str, AuditOutcome)], key="audit_outcome") or None
rows = audit_rows(person, who=who, action=action, outcome=outcome)
if rows.empty:
    st.info("Nothing matches.")
else:
    show_table(readable(rows))

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
