"""The sidebar's shared filters (quarters shown, agency, meeting mode), which persist across pages, and the
reads narrowed by them."""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd
import streamlit as st

from access.pages import AGENCY, MEETING, QUARTERS
from loaders.agencies import agency_names
from loaders.periods import Quarter
from ui.data import metric_values
from ui.literal import option_literal

ALL_AGENCIES = "All agencies"


def quarters_available() -> list[str]:
    values = metric_values()
    if values.empty:
        return []
    return sorted(set(values["period"]), key=lambda label: Quarter.parse(label).index)


def period_range() -> tuple[str, str] | None:
    """The quarters chosen in the sidebar (first, last), or None when there is no data."""
    quarters = quarters_available()
    if not quarters:
        return None
    chosen = st.session_state.get("period_range")
    if not chosen or chosen[0] not in quarters or chosen[1] not in quarters:
        return quarters[0], quarters[-1]
    return chosen[0], chosen[1]


def agency_filter() -> str | None:
    agency = st.session_state.get("agency_filter", ALL_AGENCIES)
    return None if agency in (None, ALL_AGENCIES) else agency


def meeting_mode() -> bool:
    return bool(st.session_state.get("meeting_mode"))


def in_range(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of a metric frame inside the chosen quarters."""
    chosen = period_range()
    if chosen is None or frame.empty:
        return frame
    first, last = Quarter.parse(chosen[0]).index, Quarter.parse(chosen[1]).index
    index = frame["period"].map(lambda label: Quarter.parse(label).index)
    return frame[(index >= first) & (index <= last)]


def series(metric_id: str, *, by_group: bool = False, agency: str | None = None) -> pd.DataFrame:
    """One metric's rows within the chosen quarters: overall, all groups, or one agency's."""
    values = metric_values()
    rows = values[values["metric"] == metric_id]
    if agency:
        rows = rows[rows["group"] == agency]
    elif by_group:
        rows = rows[rows["group"].notna()]
    else:
        rows = rows[rows["group"].isna()]
    return in_range(rows).reset_index(drop=True)


def draw_filters(shown: Collection[str] = (QUARTERS, AGENCY, MEETING)) -> None:
    """The filters the page declares (``access.pages.AppPage.filters``), in the sidebar (the caller opens
    it). A filter not drawn keeps its choice for the pages that use it (the widgets persist per session)."""
    quarters = quarters_available() if QUARTERS in shown else []
    if len(quarters) > 1:  # quarter labels are the app's own ("2025-26 Q1"): nothing to escape
        st.select_slider("Quarters shown", options=quarters, value=(quarters[0], quarters[-1]),
                         key="period_range", persist_state="session")
    if AGENCY in shown:
        st.selectbox("Agency", [ALL_AGENCIES, *agency_names()], key="agency_filter", persist_state="session",
                     format_func=option_literal, help="Breaks this page's charts down to one agency.")
    if MEETING in shown:
        st.toggle("Meeting mode", key="meeting_mode", persist_state="session",
                  help="Bigger type and charts for a projector; the action plan shows one action at a time.")


LATEST, ALL_SHOWN = "Latest quarter", "All quarters shown"


def pooled_period(metric_id: str, key: str) -> tuple[pd.DataFrame, str, bool]:
    """A metric's rows by group for a bar chart that pools quarters: by default the latest quarter only (the
    quarter the Summary shows), or every quarter shown if the reader chooses. Returns the rows, the period in
    words and whether several quarters are pooled."""
    rows = series(metric_id, by_group=True)
    if rows.empty:
        return rows, "", False
    order = sorted(set(rows["period"]), key=lambda label: Quarter.parse(label).index)
    choice = st.radio("Period", [LATEST, ALL_SHOWN], key=key, horizontal=True,
                      help="The latest quarter matches the Summary; all quarters shown pools them.")
    if choice == ALL_SHOWN and len(order) > 1:
        return rows, f"{order[0]} to {order[-1]}", True
    return rows[rows["period"] == order[-1]].reset_index(drop=True), order[-1], False
