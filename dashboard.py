"""Neglect outcomes dashboard: page config, navigation and the shared filters.

Run with ``make run`` (or ``streamlit run dashboard.py``). Each page is a file in ``pages/``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from access.permissions import pages_for
from loaders.agencies import agency_names
from pages import gate
from pages.common import (
    ALL_AGENCIES,
    auth_mode,
    current_person,
    entry_script,
    quarters_available,
    session_expired,
    store_available,
)
from ui.literal import markdown_literal

# A local icon: a material icon as favicon would be fetched from an outside font server.
FAVICON = Path(__file__).resolve().parent / "data" / "favicon.png"
st.set_page_config(page_title="Neglect outcomes dashboard", page_icon=str(FAVICON), layout="wide")

STYLE = """
<style>
@media print {
  section[data-testid="stSidebar"], header[data-testid="stHeader"], [data-testid="stToolbar"],
  .stButton, .stDownloadButton, [data-testid="stExpander"], [data-testid="stSidebarCollapsedControl"],
  .stSelectbox, .stToggle, .stCheckbox, .stSelectSlider { display: none !important; }
  .main .block-container, [data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 0 !important; }
  .js-plotly-plot { max-width: 17cm !important; break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
}
</style>
"""
MEETING_STYLE = """
<style>
[data-testid="stMainBlockContainer"] p, [data-testid="stMainBlockContainer"] li,
[data-testid="stMainBlockContainer"] td { font-size: 1.35rem !important; }
[data-testid="stMainBlockContainer"] h1 { font-size: 3rem !important; }
[data-testid="stMainBlockContainer"] h2, [data-testid="stMainBlockContainer"] h3 { font-size: 2.2rem !important; }
</style>
"""

PAGES = {
    "summary": st.Page("pages/summary.py", title="Summary", icon=":material/summarize:", default=True),
    "actions": st.Page("pages/actions.py", title="Action plan", icon=":material/checklist:"),
    "mash": st.Page("pages/mash.py", title="MASH and referrals", icon=":material/call_received:"),
    "training": st.Page("pages/training.py", title="Workforce training", icon=":material/school:"),
    "audits": st.Page("pages/audits.py", title="Case audits", icon=":material/fact_check:"),
    "upload": st.Page("pages/upload.py", title="Upload", icon=":material/upload_file:"),
    "about": st.Page("pages/about.py", title="About the data", icon=":material/info:"),
    "audit_trail": st.Page("pages/audit_trail.py", title="Audit trail", icon=":material/history:"),
}

mode = auth_mode()
person = current_person()
st.html(STYLE)

# The navigation is built from the person's role: a page they may not see is never registered,
# so its URL shows nothing.
if mode == "none":
    navigation = st.navigation([st.Page(gate.not_configured, title="Sign-in not configured", default=True)],
                               position="hidden")
elif person is None and (not st.user.get("is_logged_in") or session_expired()):
    navigation = st.navigation([st.Page(gate.sign_in, title="Sign in", default=True)], position="hidden")
elif person is None:
    navigation = st.navigation([st.Page(gate.no_access, title="No access", default=True)], position="hidden")
elif not store_available():
    navigation = st.navigation([st.Page(gate.store_busy, title="Data store busy", default=True)], position="hidden")
else:
    navigation = st.navigation([PAGES[name] for name in pages_for(person)])
    with st.sidebar:
        if mode == "local":
            st.warning("Local mode: no sign-in, you are the administrator. For use on this computer only.",
                       icon=":material/warning:")
        else:
            st.caption(f"Signed in as {markdown_literal(person.label)}")
            st.button("Sign out", on_click=st.logout, key="sign_out")
        if person.role != "scrutiny":
            quarters = quarters_available()
            if len(quarters) > 1:
                st.select_slider("Quarters shown", options=quarters, value=(quarters[0], quarters[-1]),
                                 key="period_range", persist_state="session")
            st.selectbox("Agency", [ALL_AGENCIES, *agency_names()], key="agency_filter", persist_state="session",
                         format_func=markdown_literal,
                         help="Breaks charts down to one agency where the data has agencies (training, audits).")
            st.toggle("Meeting mode", key="meeting_mode", persist_state="session",
                      help="Bigger type and charts for a projector; the action plan shows one action at a time.")
    if st.session_state.get("meeting_mode"):
        st.html(MEETING_STYLE)

with entry_script():
    navigation.run()
