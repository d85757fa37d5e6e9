"""The "How we compare" trend: the LA's published figure, its statistical neighbours' median, its region and
England, one line each across the published financial years."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts import PALETTE, SYMBOLS, _axis_title, _layout
from metrics.display import unit_display
from ui.literal import chart_literal


def comparison_trend(data: pd.DataFrame, title: str, unit: str, *, local: tuple[str, float] | None = None,
                     scale: float = 1.0) -> go.Figure:
    """``data``: year, area, value (long). ``local``: (its period's year, value) drawn as one marked point."""
    fig = go.Figure()
    years = sorted(set(data["year"]))
    suffix = unit_display(unit).sign
    for index, area in enumerate(dict.fromkeys(data["area"])):
        part = data[data["area"] == area].set_index("year").reindex(years).reset_index()
        fig.add_trace(go.Scatter(
            x=part["year"], y=part["value"], name=chart_literal(area), mode="lines+markers",
            line={"color": PALETTE[index % len(PALETTE)], "width": 3 if index == 0 else 2},
            marker={"symbol": SYMBOLS[index % len(SYMBOLS)], "size": 8},
            hovertemplate="%{x}: %{y:.1f}" + suffix + "<extra>%{fullData.name}</extra>"))
    if local is not None:
        fig.add_trace(go.Scatter(
            x=[local[0]], y=[local[1]], name=chart_literal("Local figure (this dashboard's data)"), mode="markers",
            marker={"symbol": "star", "size": 14, "color": "#0b0c0c"},
            hovertemplate="%{x}: %{y:.1f}" + suffix + "<extra>local</extra>"))
    fig.update_xaxes(categoryorder="array", categoryarray=years, title="Financial year")
    fig.update_yaxes(rangemode="tozero", ticksuffix=suffix)
    fig.update_layout(showlegend=True)
    return _layout(fig, title + unit_display(unit).suffix, _axis_title(unit, None), scale)
