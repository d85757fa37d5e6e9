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

from charts.spec import GREY, ChartSpec, trajectory_spec
from loaders.periods import Quarter
from metrics.display import format_number, unit_display
from ui.literal import chart_literal

# Set once: naming the template on every figure costs ~75 ms per chart in validation.
pio.templates.default = "plotly_white"

TEXT = "#0b0c0c"
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "cross", "triangle-down", "star"]


def _quarters(periods: Sequence[str]) -> list[str]:
    return sorted(set(periods), key=lambda label: Quarter.parse(label).index)


# Okabe-Ito first, then Tol's muted colours: up to 13 categories each get their own colour, and every bar
# segment also carries its own pattern, so no two categories look alike even in greyscale.
CATEGORY_COLOURS = [*PALETTE, "#882255", "#44AA99", "#999933", "#332288", "#661100"]
PATTERNS = ["", "/", ".", "x", "-", "|", "+", "\\", "/", ".", "x", "-", "|"]
# Grades are ordered, so their colours are too: dark blue (best) through light blue and orange to vermilion.
GRADE_COLOURS = {"Outstanding": "#08306B", "Good": "#56B4E9", "Requires improvement": "#E69F00",
                 "Inadequate": "#D55E00", "Not graded": "#BABABA"}
TITLE_CHARS = 48  # about what fits across half the page at 1366 px in 18 px type: longer titles wrap
LEGEND_ROW_PX = 22
TARGET_LINE = {"color": "#0b0c0c", "dash": "dot", "width": 2}
# Labels never lie over the data, a target or a star: values and targets are written in a column just right of
# the plot (the margin grows to hold them), a due quarter's label in a band kept clear above the highest value.
LABEL_GAP_PX = 6
HEADROOM = 0.3  # the band above the data, as a share of the values' span: room for a label over a star


def _text_px(text: str, size: float) -> int:
    """A generous width of ``text`` at ``size`` px, so a margin sized by it always holds the text: at least its
    width in Arial (digits 0.56 em) or in DejaVu Sans, a wider fallback (digits 0.64 em, % 0.95 em)."""
    return round(sum(1.0 if ch in "%@MWmw" else 0.66 for ch in str(text)) * size) + 2


def _edge_labels(fig: go.Figure, labels: Sequence[tuple[object, str]], scale: float) -> None:
    """Write each (y, text) in a column just right of the plot area, level with ``y``, and widen the right
    margin to hold the longest: outside the plot, no bar, line, marker or target can run through them."""
    if not labels:
        return
    size = round(13 * scale)
    fig.update_layout(
        annotations=[*fig.layout.annotations, *({
            "xref": "paper", "x": 1, "xanchor": "left", "xshift": LABEL_GAP_PX, "yref": "y", "y": y,
            "text": chart_literal(text), "showarrow": False, "font": {"color": TEXT, "size": size},
        } for y, text in labels)],
        margin={"r": 20 + LABEL_GAP_PX + max(_text_px(text, size) for _, text in labels)})


def _wrap(text: str, width: int = TITLE_CHARS) -> list[str]:
    """Words into lines of at most ``width`` characters (a longer single word keeps its own line)."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _legend_rows(names: list[str]) -> int:
    """How many rows a long legend below the plot takes, so the figure can grow to hold them and the plot keeps
    its height: a legend never scrolls. In a half-page chart at 1366 px plotly.js lays such a legend out one
    entry to a row, so that is what is allowed for."""
    return len(names)


def _layout(fig: go.Figure, title: str, y_title: str, scale: float = 1.0, height: int = 380) -> go.Figure:
    shown = [trace.name or "" for trace in fig.data if trace.showlegend is not False]
    few = len(shown) <= 3
    lines = _wrap(title)
    extra_title = (len(lines) - 1) * round(22 * scale)
    # A long legend goes below the plot in rows (the figure grows to hold them): at the side it would squeeze
    # the plot, and taller than the plot plotly would put it in a scroll box.
    rows = 0 if few or fig.layout.showlegend is False else _legend_rows(shown)
    below = round(rows * LEGEND_ROW_PX * scale)
    fig.update_layout(
        title={"text": "<br>".join(chart_literal(line) for line in lines), "x": 0, "xanchor": "left",
               "font": {"size": round(18 * scale)}},
        font={"size": round(13 * scale), "family": "Arial, Helvetica, sans-serif", "color": "#0b0c0c"},
        height=round(height * scale) + extra_title + below,
        margin={"l": 60, "r": 20, "t": 60 + extra_title + round(10 * scale) + (round(28 * scale) if few else 0),
                "b": 50 + round(20 * scale) * (rows > 0)},  # plotly adds the legend's own height
        # Never over the data: a short legend sits in a row above the plot, a long one in rows below it.
        legend=({"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "xanchor": "left"} if few else
                {"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "xref": "container", "x": 0,
                 "xanchor": "left", "traceorder": "normal"}),  # in reading order (plotly reverses a stack's legend by default)
        hoverlabel={"font_size": round(13 * scale)},
        # One update: every separate update_* call costs plotly a full validation pass.
        xaxis={"type": "category", "tickfont": {"color": TEXT}, "title": {"font": {"color": TEXT}}},
        yaxis={"title": {"text": chart_literal(y_title), "font": {"color": TEXT}}, "tickfont": {"color": TEXT}},
    )
    return fig


def _category_colour(name: str, index: int) -> str:
    """A grade's place on the ordered scale, else the category's own colour."""
    return GRADE_COLOURS.get(name) or CATEGORY_COLOURS[index % len(CATEGORY_COLOURS)]


def _axis_title(unit: str, label: str | None) -> str:
    return label or unit_display(unit).axis


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
    for index, name in enumerate(names):
        part = data[data[group] == name].set_index("period").reindex(order)
        fig.add_trace(go.Bar(
            x=order, y=part[value].fillna(0), name=chart_literal(name),
            marker={"color": _category_colour(name, index), "pattern": {"shape": PATTERNS[index % len(PATTERNS)]}},
            hovertemplate="%{x}<br>%{fullData.name}: %{y}<extra></extra>",
        ))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(categoryorder="array", categoryarray=order, title="Financial quarter")
    return _layout(fig, title, _axis_title(unit, y_label), scale)


def bar_by_group(
    data: pd.DataFrame, title: str, unit: str, *, category: str, value: str = "value",
    target: float | None = None, y_label: str | None = None, scale: float = 1.0,
) -> go.Figure:
    """Horizontal bars for categories (e.g. agencies), each labelled with its value in a column just right of the
    plot; a target is a dotted line across the bars, named in the legend."""
    data = data.sort_values(value, ascending=True)
    names = list(data[category].map(chart_literal))
    fig = go.Figure(go.Bar(
        y=names, x=data[value], orientation="h", marker={"color": PALETTE[0]}, showlegend=False,
        hovertemplate="%{y}: %{x:.1f}<extra></extra>",
    ))
    if target is not None:
        # The line crosses every bar, so its words go in the legend (a dotted swatch), never beside the line.
        fig.add_vline(x=target, line=TARGET_LINE)
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=TARGET_LINE, hoverinfo="skip",
                                 name=chart_literal(f"Target {format_number(target, unit)}")))
    fig.update_layout(showlegend=target is not None)
    fig.update_yaxes(type="category", title="")
    fig.update_xaxes(title=chart_literal(_axis_title(unit, y_label)), rangemode="tozero",
                     ticksuffix=unit_display(unit).sign)
    layout = _layout(fig, title, "", scale, height=max(300, 60 + 34 * len(data)))
    layout.update_xaxes(type="linear")
    # Each bar's value in the column right of the plot, level with its bar: a target line never runs through it.
    _edge_labels(layout, [(name, format_number(v, unit)) for name, v in zip(names, data[value], strict=True)],
                 scale)
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
    the target star (its words right of the plot, level with it) and the due quarter marked. What it shows is
    ``charts.spec.trajectory_spec``, which the exports' static pictures draw too."""
    spec = trajectory_spec(actual, title=title, unit=unit, baseline=baseline, baseline_period=baseline_period,
                           target=target, due_period=due_period)
    return from_spec(spec, scale=scale)


def from_spec(spec: ChartSpec, *, scale: float = 1.0) -> go.Figure:
    """The plotly figure of a chart specification (``charts.spec``)."""
    fig = go.Figure()
    order = list(spec.categories)
    edge: list[tuple[float, str]] = []  # the points' labels ("Target 90.0%"), right of the plot at their height
    for series in spec.series:
        if series.kind == "points":
            fig.add_trace(go.Scatter(
                x=list(series.periods), y=list(series.values), name=chart_literal(series.name), mode="markers",
                marker={"symbol": series.marker or "circle", "size": 16, "color": series.colour},
            ))
            edge += [(v, series.label) for v in series.values if series.label and v is not None]
            continue
        fig.add_trace(go.Scatter(
            x=list(series.periods), y=list(series.values), name=chart_literal(series.name),
            mode="lines+markers" if series.marker else "lines", connectgaps=True,
            line={"color": series.colour, "width": series.width, "dash": series.dash},
            **({"marker": {"size": 10, "symbol": series.marker}} if series.marker else {}),
        ))
    shapes, notes = [], []
    if spec.due_period:
        due = order.index(spec.due_period)
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": due, "x1": due, "y0": 0, "y1": 1,
                       "line": {"color": GREY, "dash": "dot"}})
        # At the top of the due line, in the band kept clear above the data (_headroom), on the side of the line
        # with more room, a few pixels off it.
        left = due >= len(order) / 2
        notes.append({"xref": "x", "yref": "paper", "x": due, "y": 1, "text": chart_literal(f"Due {spec.due_period}"),
                      "showarrow": False, "xanchor": "right" if left else "left", "yanchor": "top",
                      "xshift": -LABEL_GAP_PX if left else LABEL_GAP_PX})
    fig.update_layout(shapes=shapes, annotations=notes, xaxis={"categoryorder": "array", "categoryarray": order,
                      "title": {"text": spec.x_title}},
                      yaxis={"ticksuffix": spec.suffix, **_headroom(spec, bool(spec.due_period))})
    fig = _layout(fig, spec.title, spec.y_title, scale)
    _edge_labels(fig, edge, scale)
    return fig


def _headroom(spec: ChartSpec, needed: bool) -> dict:
    """The y axis reaches HEADROOM of the values' span above the highest value, so a label at the top of the
    plot (the due quarter's) has a band no line, marker or star reaches."""
    values = [v for s in spec.series for v in s.values if v is not None]
    if not needed or not values:
        return {}
    low, high = min(values), max(values)
    span = (high - low) or abs(high) or 1.0
    return {"autorangeoptions": {"include": [high + HEADROOM * span]}}


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
    patterns = PATTERNS
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
    layout.update_xaxes(type="linear", title=chart_literal(_axis_title(unit, x_label)), ticksuffix=unit_display(unit).sign)
    if x_range is not None:
        layout.update_xaxes(range=list(x_range))
    else:
        layout.update_xaxes(rangemode="tozero")
    # A label sits just past its bar's end: the longest bar's may run past the plot, so the margin holds it.
    texts = [format_number(v, unit) for v in data[value] if not pd.isna(v)]
    if texts:
        layout.update_layout(margin={"r": 20 + LABEL_GAP_PX + max(_text_px(t, round(13 * scale)) for t in texts)})
    return layout

