"""How we compare: each local measure that the DfE also publishes, beside the partnership's LA's published
figure, its ten statistical neighbours (median, range and how many had a value), its region and England,
the quartile band among all LAs in words, and a trend over the published years: one measure at a time, chosen
under the overview table, so the page draws one chart rather than one per measure (issue 12: drawn within a
second)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts.compare import comparison_trend as comparison_trend_chart
from metrics.benchmarks import PERIOD_NOTE
from metrics.display import format_number, missing
from ui.app import require
from ui.blocks import chart_block, meeting_scale, tidy
from ui.data import comparison_table, comparison_trend
from ui.literal import markdown_literal
from ui.tables import show_table

SOURCE = ("Published figures: Department for Education, children in need and child protection statistics (via "
          "the Local Authority Interactive Tool), statistical neighbours from the DfE's 2025 model, ONS mid-year "
          "population estimates. Open Government Licence v3.0.")

require("compare")
st.title("How we compare")
scale = meeting_scale()
table, la_name = comparison_table()
st.markdown(
    f"Each measure this dashboard shares with the Department for Education's published statistics, beside "
    f"**{markdown_literal(la_name)}**'s own published figure, its ten statistical neighbours (similar areas), "
    "its region and England.")


def _number(value: object, unit: str) -> str:
    return "no value" if missing(value) else format_number(value, unit)


def _neighbours(row: pd.Series) -> str:
    if not row["neighbours_count"]:
        return "no value"
    spread = f"{_number(row['neighbours_min'], row['unit'])} to {_number(row['neighbours_max'], row['unit'])}"
    return (f"{_number(row['neighbours_median'], row['unit'])} (range {spread}; "
            f"{row['neighbours_count']} of {row['neighbours_total']} with a value)")


def _overview(frame: pd.DataFrame) -> pd.DataFrame:
    rows = pd.DataFrame({
        "Measure": frame["title"],
        "Local figure": [_number(v, u) for v, u in zip(frame["local_value"], frame["unit"])],
        "Local period": frame["local_period"].fillna("no local data"),
        "Published year": frame["year"].fillna(""),
        f"{la_name} (published)": [_number(v, u) for v, u in zip(frame["la_value"], frame["unit"])],
        "Statistical neighbours (median)": [_neighbours(r) for _, r in frame.iterrows()],
        "Region": [_number(v, u) for v, u in zip(frame["region_value"], frame["unit"])],
        "England": [_number(v, u) for v, u in zip(frame["england_value"], frame["unit"])],
        "Among all local authorities": frame["band_words"].fillna("no band"),
        "DfE measure": frame["published_measure"],
    })
    return rows


st.subheader("All measures, latest published year")
show_table(_overview(table))
st.caption(markdown_literal(PERIOD_NOTE))


def _or(value: object, default: str) -> str:
    return default if missing(value) or not value else str(value)


def _measure(row: pd.Series) -> None:
    """One measure: its figures in a sentence, then its published years as a chart block."""
    unit = row["unit"]
    local = ("no local figure yet" if missing(row["local_value"])
             else f"{_number(row['local_value'], unit)} for {row['local_period']}")
    st.markdown(markdown_literal(
        f"Here: {local}. Published for {_or(row['year'], 'no year')}: {la_name} {_number(row['la_value'], unit)}, "
        f"statistical neighbours {_neighbours(row)}, {_or(row['region_name'], 'region')} "
        f"{_number(row['region_value'], unit)}, England {_number(row['england_value'], unit)}; "
        f"{la_name} is {_or(row['band_words'], 'not banded')}."))
    trend = comparison_trend(row["metric"])
    same_year = row["local_period"] == row["year"] and not missing(row["local_value"])
    point = (row["year"], float(row["local_value"])) if same_year else None
    fig = comparison_trend_chart(trend, row["title"], unit, local=point, scale=scale)
    data = tidy(trend.assign(value=trend["value"].round(1)), {"year": "Financial year", "area": "Area",
                                                               "value": "Published value"})
    note = _or(row["local_note"], "")
    note = f" {note}." if note else ""
    chart_block(fig, data, f"compare-{row['metric']}",
                caption=f"{SOURCE} DfE measure {row['published_measure']}.{note}")


st.subheader("One measure over the published years")
# Measure titles are the app's own (metrics.registry.PAIRS): nothing from a file to escape.
chosen = st.selectbox("Measure", list(table["title"]), key="compare_measure", persist_state="session", width=520,
                      help="Every measure is in the table above; choose one to see its published years.")
_measure(table[table["title"] == chosen].iloc[0])

st.caption(markdown_literal(PERIOD_NOTE))
