"""One chart specification, two renderers: the app's plotly trajectory and the exports' matplotlib picture draw
exactly the series, target and due quarter of ``charts.spec.trajectory_spec``; titles are drawn literally."""

from __future__ import annotations

import math

import pandas as pd

from charts import trajectory
from charts.spec import trajectory_spec
from reports import static_charts

ACTUAL = pd.DataFrame({"period": ["2024-25 Q3", "2024-25 Q4", "2025-26 Q1"], "value": [70.0, float("nan"), 82.5]})
ARGS = dict(unit="%", baseline=70.0, baseline_period="2024-25 Q3", target=90.0, due_period="2025-26 Q3")


def _spec(title: str = "MASH decisions (%)"):
    return trajectory_spec(ACTUAL, title=title, **ARGS)


def test_spec_holds_actual_trajectory_target_and_due() -> None:
    spec = _spec()
    assert spec.categories == ("2024-25 Q3", "2024-25 Q4", "2025-26 Q1", "2025-26 Q2", "2025-26 Q3")
    actual, planned, target = spec.series
    assert actual.values == (70.0, None, 82.5, None, None)
    assert planned.values == (70.0, 75.0, 80.0, 85.0, 90.0) and planned.dash == "dash"
    assert (target.periods, target.values, target.label) == (("2025-26 Q3",), (90.0,), "Target 90.0%")
    assert spec.due_period == "2025-26 Q3"
    assert spec.alt == ("Line chart of MASH decisions (%) by financial quarter. Actual: 70.0% in 2024-25 Q3, "
                        "82.5% in 2025-26 Q1. 1 quarter without a figure shown. Planned trajectory from 70.0% in "
                        "2024-25 Q3 to the target of 90.0% by 2025-26 Q3.")


def test_plotly_draws_the_spec() -> None:
    spec = _spec()
    fig = trajectory(ACTUAL, title=spec.title, **ARGS)
    assert [t.name for t in fig.data] == [s.name for s in spec.series]
    for trace, series in zip(fig.data, spec.series, strict=True):
        assert list(trace.x) == list(series.periods)
        assert [None if v is None or math.isnan(v) else v for v in trace.y] == list(series.values)
        assert trace.line.color == series.colour or trace.marker.color == series.colour
    assert fig.layout.xaxis.categoryarray == spec.categories
    assert fig.layout.annotations[0].text == "Due 2025-26 Q3"


def test_matplotlib_draws_the_spec() -> None:
    spec = _spec()
    ax = static_charts._draw(spec, 8, 4.5).axes[0]
    lines = [line for line in ax.get_lines() if line.get_label() in {s.name for s in spec.series}]
    assert [line.get_label() for line in lines] == [s.name for s in spec.series]
    position = {p: i for i, p in enumerate(spec.categories)}
    for line, series in zip(lines, spec.series, strict=True):
        shown = [(position[p], v) for p, v in zip(series.periods, series.values, strict=True) if v is not None]
        assert list(zip(line.get_xdata(), line.get_ydata(), strict=True)) == shown
        assert line.get_color() == series.colour
    assert [t.get_text() for t in ax.get_xticklabels()] == list(spec.categories)
    assert ax.get_title(loc="left") == spec.title


def test_text_is_drawn_literally() -> None:
    title = "$x^2$ <b>bold</b> & **Markdown**"
    spec = _spec(title)
    fig = trajectory(ACTUAL, title=title, **ARGS)
    assert fig.layout.title.text == "$x^2$ &lt;b&gt;bold&lt;/b&gt; &amp; **Markdown**"
    svg = static_charts.svg(spec, "c1")
    assert "<title id=\"c1-title\">$x^2$ &lt;b&gt;bold&lt;/b&gt; &amp; **Markdown**</title>" in svg
    assert "<b>" not in svg and svg.count("$x^2$ &lt;b&gt;bold&lt;/b&gt; &amp; **Markdown**") >= 2  # title and text
    assert static_charts.png(spec).startswith(b"\x89PNG")


def test_empty_spec_still_draws() -> None:
    spec = trajectory_spec(pd.DataFrame(columns=["period", "value"]), title="Nothing yet", unit="count",
                           baseline=None, baseline_period=None, target=None, due_period=None)
    assert spec.empty and spec.series == () and spec.alt.endswith("No actual figures to show.")
    assert "No figures to show" in static_charts.svg(spec, "e")
