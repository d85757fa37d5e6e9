"""Neglect outcomes dashboard: entry point (``streamlit run dashboard.py``)."""

from __future__ import annotations

import streamlit as st

from loaders.status import latest_submissions, row_counts
from loaders.store import Store, default_db_path

st.set_page_config(page_title="Neglect outcomes dashboard", layout="wide")


@st.cache_resource
def get_store() -> Store:
    return Store(default_db_path())


store = get_store()
st.title("Neglect outcomes dashboard")
st.caption("Synthetic demo data unless your partnership has loaded its own returns.")
st.subheader("Rows that count, by dataset")
st.dataframe(row_counts(store), hide_index=True)
st.subheader("Latest submission per dataset and agency")
st.dataframe(latest_submissions(store), hide_index=True)
