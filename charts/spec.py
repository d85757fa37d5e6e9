"""One chart specification, read by every renderer: the app's plotly figure (``charts.trajectory``) and the
exports' static pictures (``reports.static_charts``, matplotlib, no browser). What a chart shows (its series,
target, trajectory, labels, colours and alt text) is decided here once, so the two can never drift.

A specification holds plain text: each renderer makes it literal in its own way (plotly through
``ui.literal.chart_literal``, matplotlib by turning off its mathtext, SVG by escaping).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from loaders.periods import Quarter
from metrics.display import format_number, missing, unit_display

TEXT = "#0b0c0c"
GREY = "#505a5f"
# Okabe-Ito, colour-blind safe; charts.PALETTE is this list.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442")
X_TITLE = "Financial quarter"


@dataclass(frozen=True)
class Series:
    """One thing drawn: a line (``kind="line"``) or marked points with a text label (``kind="points"``)."""

    name: str
    periods: tuple[str, ...]
    values: tuple[float | None, ...]
    colour: str
    kind: str = "line"
    dash: str = "solid"  # solid | dash | dot
    marker: str | None = None  # circle | star | None
    width: float = 3.0
    label: str | None = None  # text drawn beside a point (the target's "Target 95%")


@dataclass(frozen=True)
class ChartSpec:
    title: str
    unit: str
    x_title: str
    y_title: str
    categories: tuple[str, ...]  # the quarters along the x axis, in order
    series: tuple[Series, ...]
    due_period: str | None = None  # a dotted vertical line, labelled "Due …"
    alt: str = ""  # what the chart shows, in words, for a screen reader

    @property
    def suffix(self) -> str:
        return unit_display(self.unit).sign

    @property
    def empty(self) -> bool:
        return not any(v is not None for s in self.series for v in s.values)


def _order(periods: Sequence[str]) -> list[str]:
    return sorted(set(periods), key=lambda label: Quarter.parse(label).index)


def _number(value: object) -> float | None:
    return None if missing(value) else float(value)


def trajectory_spec(actual: pd.DataFrame, *, title: str, unit: str, baseline: float | None,
                    baseline_period: str | None, target: float | None, due_period: str | None) -> ChartSpec:
    """An action's progress: actual values (``actual``: period, value; a missing value is a gap), the planned
    straight line from baseline to target, the target marked at the due quarter, and the due quarter."""
    labels = set(actual["period"]) if len(actual) else set()
    if baseline_period and due_period:
        start, end = Quarter.parse(baseline_period), Quarter.parse(due_period)
        labels |= {(start + i).label for i in range(0, max(end.index - start.index, 0) + 1)}
    order = tuple(_order(list(labels)))
    series: list[Series] = []
    if len(actual):
        by_period = dict(zip(actual["period"], actual["value"], strict=True))
        series.append(Series("Actual", order, tuple(_number(by_period.get(p)) for p in order), PALETTE[0],
                             marker="circle"))
    planned = None not in (baseline, target, baseline_period, due_period)
    if planned:
        start, end = Quarter.parse(baseline_period), Quarter.parse(due_period)
        steps = max(end.index - start.index, 1)
        xs = tuple((start + i).label for i in range(steps + 1))
        ys = tuple(baseline + (target - baseline) * i / steps for i in range(steps + 1))
        series.append(Series("Planned trajectory", xs, ys, PALETTE[1], dash="dash"))
        shown = format_number(target, unit)
        series.append(Series(f"Target {shown} by {due_period}", (due_period,), (float(target),), PALETTE[5],
                             kind="points", marker="star", label=f"Target {shown}"))
    y_title = unit_display(unit).axis
    spec = ChartSpec(title, unit, X_TITLE, y_title, order, tuple(series),
                     due_period if due_period and due_period in order else None)
    gaps = int(actual["value"].isna().sum()) if len(actual) else 0
    alt = trajectory_alt(spec, baseline, baseline_period, target, due_period, gaps)
    return ChartSpec(**{**spec.__dict__, "alt": alt})


def trajectory_alt(spec: ChartSpec, baseline: float | None, baseline_period: str | None, target: float | None,
                   due_period: str | None, gaps: int = 0) -> str:
    """'Line chart of … by financial quarter. Actual: 62.0% in 2025-26 Q1, … Planned trajectory from …'.
    ``gaps``: how many quarters of ``actual`` have no figure shown."""
    parts = [f"Line chart of {spec.title} by financial quarter."]
    actual = next((s for s in spec.series if s.name == "Actual"), None)
    points = [(p, v) for p, v in zip(actual.periods, actual.values, strict=True) if v is not None] if actual else []
    if points:
        shown = ", ".join(f"{format_number(v, spec.unit)} in {p}" for p, v in points)
        parts.append(f"Actual: {shown}.")
    else:
        parts.append("No actual figures to show.")
    if gaps:
        # Quarters with data whose figure is not shown (suppressed, or no denominator).
        parts.append(f"{gaps} quarter{'s' if gaps != 1 else ''} without a figure shown.")
    if None not in (baseline, target, baseline_period, due_period):
        parts.append(f"Planned trajectory from {format_number(baseline, spec.unit)} in {baseline_period} "
                     f"to the target of {format_number(target, spec.unit)} by {due_period}.")
    return " ".join(parts)
