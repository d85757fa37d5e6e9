"""The SPC (XmR) chart of one monthly series, drawn the "Making Data Count" way (issue 15; the rules are in
``metrics.spc``).

Months in order; the mean as a solid line; the process limits dashed (named "Trial process limits" while they
rest on fewer than 12 months); optionally the near-limit band dotted; the target, when an action sets one.
Special-cause months are marked by colour AND shape, each kind its own legend entry in words: improvement
blue diamonds, concern orange squares, neither better nor worse purple triangles (up for high, down for low),
common cause grey circles. Making Data Count's colours are blue for improvement, orange for concern and purple
for neither; the shades are the variation icons' (``charts.spc_icons.POINT_STYLES``: Okabe-Ito blue, and an
orange, purple and grey dark enough for 4.5:1 against white), so a chart and its icon agree.
"""

from __future__ import annotations

import plotly.graph_objects as go

from charts import TEXT, _layout
from charts.spc_icons import POINT_STYLES
from metrics.display import format_number, unit_display
from metrics.spc import SpcResult
from ui.literal import chart_literal

_WORDS = {
    "common_cause": "Common cause",
    "special_cause_improvement": "Special cause: improvement",
    "special_cause_concern": "Special cause: concern",
    "special_cause_neutral_high": "Special cause: higher, neither better nor worse",
    "special_cause_neutral_low": "Special cause: lower, neither better nor worse",
}
# point type -> (legend words, colour, marker symbol); colour and symbol are the icons' (charts.spc_icons).
MARKS: dict[str, tuple[str, str, str]] = {kind: (words, *POINT_STYLES[kind]) for kind, words in _WORDS.items()}
TRIAL_LABEL = "Trial process limits (fewer than 12 months)"


def _line(fig: go.Figure, xs: list[str], ys: list[float], name: str, dash: str, width: float = 2,
          color: str = "#505a5f", legend: bool = True) -> None:
    fig.add_trace(go.Scatter(x=xs, y=ys, name=chart_literal(name), mode="lines", showlegend=legend,
                             line={"color": color, "dash": dash, "width": width}, hoverinfo="skip"))


def spc_chart(result: SpcResult, title: str, unit: str, *, target: float | None = None,
              near_band: bool = False, scale: float = 1.0) -> go.Figure:
    """The XmR chart of ``result``: every month with its point type marked, the mean, the limits (trial limits
    labelled as such), the near-limit band when asked and the target."""
    xs = [p.period.strftime("%Y-%m") for p in result.points]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=xs, y=[p.value for p in result.points], name="Monthly value", mode="lines",
                             line={"color": "#b1b4b6", "width": 2}, showlegend=False, hoverinfo="skip"))
    for kind, (words, colour, symbol) in MARKS.items():
        months = [(x, p.value) for x, p in zip(xs, result.points) if p.point_type == kind]
        if not months:
            continue
        fig.add_trace(go.Scatter(
            x=[m for m, _ in months], y=[v for _, v in months], name=chart_literal(words), mode="markers",
            marker={"color": colour, "symbol": symbol, "size": 11, "line": {"color": TEXT, "width": 1}},
            hovertemplate="%{x}: %{y}<extra>%{fullData.name}</extra>"))
    _line(fig, xs, [p.mean for p in result.points], "Mean", "solid", 2.5, TEXT)
    limits = TRIAL_LABEL if result.trial else "Process limits"
    _line(fig, xs, [p.upper for p in result.points], limits, "dash")
    _line(fig, xs, [p.lower for p in result.points], limits, "dash", legend=False)
    if near_band:
        _line(fig, xs, [p.near_upper for p in result.points], "Near the limits", "dot", 1)
        _line(fig, xs, [p.near_lower for p in result.points], "Near the limits", "dot", 1, legend=False)
    if target is not None:
        _line(fig, xs, [target] * len(xs), f"Target {format_number(target, unit)}", "dashdot", 2.5, "#D55E00")
    # The reading in words is not drawn into the figure: every page puts it, with its icons, right above the
    # chart (ui/spc.py), and text under the plot collided with a legend that grows with a target line.
    fig.update_layout(xaxis={"categoryorder": "array", "categoryarray": xs, "title": {"text": "Month"}},
                      yaxis={"ticksuffix": unit_display(unit).sign})
    return _layout(fig, title + (" (trial limits)" if result.trial else ""), unit_display(unit).axis, scale,
                   height=420)
