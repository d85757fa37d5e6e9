"""Chart builders: plain functions from tidy DataFrames to plotly figures, shared by every page.

Every chart has a plain-English title with its unit, quarters labelled ``2025-26 Q1`` in order,
a colour-blind-safe palette (Okabe-Ito), and never carries meaning by colour alone: lines have
distinct marker symbols, bars carry their labels, ratings their words.

Every string a builder puts into a figure (title, axis titles, category values, trace names, annotations)
goes through ``ui.literal.chart_literal`` here, so text from uploads is drawn as itself: pages pass plain
text. Hover templates never embed text, only ``%{...}`` references to values already escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from loaders.periods import Quarter
from metrics.registry import format_number
from ui.literal import chart_literal

# Set once: naming the template on every figure costs ~75 ms per chart in validation.
pio.templates.default = "plotly_white"

TEXT = "#0b0c0c"
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "cross", "triangle-down", "star"]
BRAG_COLOURS = {"Blue": "#1d70b8", "Green": "#00703c", "Amber": "#f47738", "Red": "#d4351c", "No data": "#505a5f"}
BRAG_ORDER = ["Red", "Amber", "Green", "Blue", "No data"]
UNIT_AXIS = {"%": "Per cent", "count": "Number", "score": "Score"}


def _quarters(periods: Sequence[str]) -> list[str]:
    return sorted(set(periods), key=lambda label: Quarter.parse(label).index)


def _layout(fig: go.Figure, title: str, y_title: str, scale: float = 1.0, height: int = 380) -> go.Figure:
    few = sum(1 for trace in fig.data if trace.showlegend is not False) <= 3
    fig.update_layout(
        title={"text": chart_literal(title), "x": 0, "xanchor": "left", "font": {"size": round(18 * scale)}},
        font={"size": round(13 * scale), "family": "Arial, Helvetica, sans-serif", "color": "#0b0c0c"},
        height=round(height * scale),
        margin={"l": 60, "r": 20, "t": 60 + round(10 * scale) + (round(28 * scale) if few else 0), "b": 50},
        # Never over the data: a short legend sits in a row above the plot, a long one in a column to the
        # right (plotly widens the margin for it).
        legend=({"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "xanchor": "left"} if few else
                {"orientation": "v", "yanchor": "top", "y": 1, "x": 1.02, "xanchor": "left"}),
        hoverlabel={"font_size": round(13 * scale)},
        # One update: every separate update_* call costs plotly a full validation pass.
        xaxis={"type": "category", "tickfont": {"color": TEXT}, "title": {"font": {"color": TEXT}}},
        yaxis={"title": {"text": chart_literal(y_title), "font": {"color": TEXT}}, "tickfont": {"color": TEXT}},
    )
    return fig


def _axis_title(unit: str, label: str | None) -> str:
    return label or UNIT_AXIS.get(unit, unit)


def line_by_quarter(
    data: pd.DataFrame,
    title: str,
    unit: str,
    *,
    value: str = "value",
    group: str | None = None,
    target: float | None = None,
    target_label: str = "Target",
    y_label: str | None = None,
    scale: float = 1.0,
) -> go.Figure:
    """One line per group (or one line) across quarters, with an optional target line."""
    fig = go.Figure()
    order = _quarters(data["period"]) if len(data) else []
    groups = [None] if group is None else list(dict.fromkeys(data[group]))
    for index, name in enumerate(groups):
        part = data if name is None else data[data[group] == name]
        part = part.set_index("period").reindex(order).reset_index()
        fig.add_trace(go.Scatter(
            x=part["period"], y=part[value], name=chart_literal(name if name is not None else title),
            mode="lines+markers", line={"color": PALETTE[index % len(PALETTE)], "width": 3},
            marker={"symbol": SYMBOLS[index % len(SYMBOLS)], "size": 9},
            hovertemplate="%{x}: %{y:.1f}" + (" %" if unit == "%" else "") + "<extra>%{fullData.name}</extra>",
        ))
    if target is not None and order:
        fig.add_trace(go.Scatter(
            x=order, y=[target] * len(order), name=chart_literal(f"{target_label} ({format_number(target, unit)})"),
            mode="lines",
            line={"color": "#0b0c0c", "dash": "dot", "width": 2}, hoverinfo="skip",
        ))
    fig.update_xaxes(categoryorder="array", categoryarray=order, title="Financial quarter")
    if unit == "%":
        fig.update_yaxes(rangemode="tozero", ticksuffix="%")
    else:
        fig.update_yaxes(rangemode="tozero")
    fig.update_layout(showlegend=group is not None or target is not None)
    return _layout(fig, title, _axis_title(unit, y_label), scale)


def stacked_by_quarter(
    data: pd.DataFrame, title: str, unit: str, *, group: str, value: str = "value", y_label: str | None = None,
    group_order: Sequence[str] | None = None, scale: float = 1.0,
) -> go.Figure:
    """Stacked bars: one bar per quarter, one segment per group (named in the legend and on hover)."""
    fig = go.Figure()
    order = _quarters(data["period"]) if len(data) else []
    names = list(group_order) if group_order else list(dict.fromkeys(data[group]))
    patterns = ["", "/", ".", "x", "-", "|", "+", "\\"]
    for index, name in enumerate(names):
        part = data[data[group] == name].set_index("period").reindex(order)
        fig.add_trace(go.Bar(
            x=order, y=part[value].fillna(0), name=chart_literal(name),
            marker={"color": PALETTE[index % len(PALETTE)], "pattern": {"shape": patterns[index % len(patterns)]}},
            hovertemplate="%{x}<br>%{fullData.name}: %{y}<extra></extra>",
        ))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(categoryorder="array", categoryarray=order, title="Financial quarter")
    return _layout(fig, title, _axis_title(unit, y_label), scale)


def bar_by_group(
    data: pd.DataFrame, title: str, unit: str, *, category: str, value: str = "value",
    target: float | None = None, y_label: str | None = None, scale: float = 1.0,
) -> go.Figure:
    """Horizontal bars for categories (e.g. agencies), each labelled with its value."""
    data = data.sort_values(value, ascending=True)
    fig = go.Figure(go.Bar(
        y=data[category].map(chart_literal), x=data[value], orientation="h", marker={"color": PALETTE[0]},
        text=[format_number(v, unit) for v in data[value]], textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x:.1f}<extra></extra>",
    ))
    if target is not None:
        fig.add_vline(x=target, line={"color": "#0b0c0c", "dash": "dot", "width": 2},
                      annotation_text=chart_literal(f"Target {format_number(target, unit)}"),
                      annotation_position="top")
    fig.update_yaxes(type="category", title="")
    fig.update_xaxes(title=chart_literal(_axis_title(unit, y_label)), rangemode="tozero",
                     ticksuffix="%" if unit == "%" else "")
    layout = _layout(fig, title, "", scale, height=max(300, 60 + 34 * len(data)))
    layout.update_xaxes(type="linear")
    return layout


def trajectory(
    actual: pd.DataFrame,
    *,
    title: str,
    unit: str,
    baseline: float | None,
    baseline_period: str | None,
    target: float | None,
    due_period: str | None,
    scale: float = 1.0,
) -> go.Figure:
    """An action's progress: actual values, the planned straight line from baseline to target (dashed),
    the target marker and the due quarter marked."""
    labels = set(actual["period"]) if len(actual) else set()
    if baseline_period and due_period:
        start, end = Quarter.parse(baseline_period), Quarter.parse(due_period)
        labels |= {(start + i).label for i in range(0, max(end.index - start.index, 0) + 1)}
    order = _quarters(list(labels))
    fig = go.Figure()
    if len(actual):
        ordered = actual.set_index("period").reindex(order).reset_index()
        fig.add_trace(go.Scatter(
            x=ordered["period"], y=ordered["value"], name="Actual", mode="lines+markers",
            line={"color": PALETTE[0], "width": 3}, marker={"size": 10, "symbol": "circle"}, connectgaps=True,
        ))
    if None not in (baseline, target, baseline_period, due_period):
        start, end = Quarter.parse(baseline_period), Quarter.parse(due_period)
        steps = max(end.index - start.index, 1)
        xs = [(start + i).label for i in range(steps + 1)]
        ys = [baseline + (target - baseline) * i / steps for i in range(steps + 1)]
        fig.add_trace(go.Scatter(x=xs, y=ys, name="Planned trajectory", mode="lines",
                                 line={"color": PALETTE[1], "dash": "dash", "width": 3}))
        fig.add_trace(go.Scatter(
            x=[due_period], y=[target], name=chart_literal(f"Target {format_number(target, unit)} by {due_period}"),
            mode="markers+text", text=[chart_literal(f"Target {format_number(target, unit)}")],
            textposition="top center",
            marker={"symbol": "star", "size": 16, "color": PALETTE[5]},
        ))
    shapes, notes = [], []
    if due_period and due_period in order:
        due = order.index(due_period)
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": due, "x1": due, "y0": 0, "y1": 1,
                       "line": {"color": "#505a5f", "dash": "dot"}})
        notes.append({"xref": "x", "yref": "paper", "x": due, "y": 0, "text": chart_literal(f"Due {due_period}"),
                      "showarrow": False, "xanchor": "right", "yanchor": "bottom"})
    fig.update_layout(shapes=shapes, annotations=notes, xaxis={"categoryorder": "array", "categoryarray": order,
                      "title": {"text": "Financial quarter"}}, yaxis={"ticksuffix": "%" if unit == "%" else ""})
    return _layout(fig, title, _axis_title(unit, None), scale)


def heatmap(data: pd.DataFrame, title: str, *, row: str, value: str = "value", scale: float = 1.0) -> go.Figure:
    """Rows (e.g. audit themes) by quarter, each cell showing its value as text as well as shade."""
    order = _quarters(data["period"]) if len(data) else []
    table = data.pivot_table(index=row, columns="period", values=value, aggfunc="first").reindex(columns=order)
    fig = go.Figure(go.Heatmap(
        z=table.values, x=order, y=[chart_literal(r) for r in table.index], colorscale="Blues", zmin=0, zmax=100,
        text=[[("" if pd.isna(v) else f"{v:.0f}%") for v in r] for r in table.values], texttemplate="%{text}",
        colorbar={"title": "% Yes", "ticksuffix": "%"}, hovertemplate="%{y}, %{x}: %{z:.1f}%<extra></extra>",
    ))
    fig.update_xaxes(title="Financial quarter")
    return _layout(fig, title, "", scale, height=max(300, 120 + 45 * len(table)))


def brag_bar(counts: pd.DataFrame, title: str, *, scale: float = 1.0) -> go.Figure:
    """Counts of actions per rating: each bar labelled with its rating's word and count."""
    fig = go.Figure(go.Bar(
        x=counts["rag"], y=counts["count"], text=[f"{r}: {c}" for r, c in zip(counts["rag"], counts["count"])],
        textposition="outside", marker={"color": [BRAG_COLOURS.get(r, "#505a5f") for r in counts["rag"]]},
        cliponaxis=False, hovertemplate="%{x}: %{y}<extra></extra>",
    ))
    fig.update_xaxes(categoryorder="array", categoryarray=BRAG_ORDER, title="Rating")
    return _layout(fig, title, "Number of actions", scale, height=320)


def grouped_bars(
    data: pd.DataFrame, title: str, unit: str, *, category: str, series: str, value: str = "value",
    series_order: Sequence[str] | None = None, x_label: str | None = None, x_range: tuple[float, float] | None = None,
    scale: float = 1.0,
) -> go.Figure:
    """Horizontal bars grouped by category (e.g. agency), one bar per series (e.g. before / after), each
    series with its own colour and pattern and every bar labelled with its value."""
    categories = list(dict.fromkeys(data[category].astype(str)))
    names = list(series_order) if series_order else list(dict.fromkeys(data[series]))
    names = [n for n in names if (data[series] == n).any()]
    patterns = ["", "/", ".", "x", "-", "|", "+", "\\"]
    fig = go.Figure()
    # Plotly draws a group's first trace at the bottom: add them in reverse so the first series is on top,
    # and reverse the legend back to reading order.
    shown = [chart_literal(c) for c in categories]
    for index, name in reversed(list(enumerate(names))):
        part = data[data[series] == name].assign(_c=lambda d: d[category].astype(str)).set_index("_c")
        part = part.reindex(categories)
        fig.add_trace(go.Bar(
            y=shown, x=part[value], name=chart_literal(name), orientation="h",
            marker={"color": PALETTE[index % len(PALETTE)], "pattern": {"shape": patterns[index % len(patterns)]}},
            text=[("" if pd.isna(v) else format_number(v, unit)) for v in part[value]], textposition="outside",
            cliponaxis=False, hovertemplate="%{y}<br>%{fullData.name}: %{x:.2f}<extra></extra>",
        ))
    fig.update_layout(barmode="group", showlegend=True)
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=shown[::-1], title="")
    layout = _layout(fig, title, "", scale, height=max(320, 130 + 18 * len(categories) * max(len(names), 1)))
    layout.update_layout(legend={"traceorder": "reversed"})
    layout.update_xaxes(type="linear", title=chart_literal(_axis_title(unit, x_label)), ticksuffix="%" if unit == "%" else "")
    if x_range is not None:
        layout.update_xaxes(range=list(x_range))
    else:
        layout.update_xaxes(rangemode="tozero")
    return layout

