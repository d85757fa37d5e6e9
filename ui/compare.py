"""The comparison with published figures where a page shows a paired measure: a compact panel for area pages
and one sentence for the Summary. The full comparison is the "How we compare" page (``pages/compare.py``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import compare_words
from metrics.benchmarks import PERIOD_NOTE
from metrics.compare_words import figure_text
from metrics.display import missing
from ui.data import comparison_table
from ui.literal import markdown_literal
from ui.tables import show_table


def comparison_panel(datasets: tuple[str, ...]) -> None:
    """A table of the paired measures of ``datasets``: local figure and period, the LA's published figure,
    neighbours' median (with how many had a value), England and the band. Nothing when none is paired.
    For pages partners and above see (the local figures are not suppressed)."""
    table, la_name = comparison_table()
    rows = table[table["metric"].str.split(".").str[0].isin(datasets)]
    if rows.empty:
        return
    st.subheader("How we compare")
    show_table(pd.DataFrame({
        "Measure": rows["title"],
        "Local figure": [f"{figure_text(v, u)} ({p})" if not missing(v) else "no local data"
                         for v, u, p in zip(rows["local_value"], rows["unit"], rows["local_period"])],
        "Published year": rows["year"].fillna(""),
        f"{la_name} (published)": [figure_text(v, u) for v, u in zip(rows["la_value"], rows["unit"])],
        "Statistical neighbours (median)": [f"{figure_text(v, u)} ({n} of {t})" for v, u, n, t in zip(
            rows["neighbours_median"], rows["unit"], rows["neighbours_count"], rows["neighbours_total"])],
        "England": [figure_text(v, u) for v, u in zip(rows["england_value"], rows["unit"])],
        "Among all local authorities": rows["band_words"].fillna("no band"),
    }))
    st.caption(markdown_literal(PERIOD_NOTE + " More on the How we compare page."))


def published_sentence(metric_id: str) -> str | None:
    """One plain sentence of published figures only (no local value, so nothing to suppress), for a headline
    measure that has a pair: "Published for 2024-25: Haringey 18.7%, similar areas 18.1%, England 22.6%.".
    The words are the exports' too (``metrics.compare_words``)."""
    table, la_name = comparison_table()
    rows = table[table["metric"] == metric_id]
    return None if rows.empty else compare_words.published_sentence(rows.iloc[0].to_dict(), la_name)
