"""The SPC chart builder (issue 15): special-cause months marked by colour AND shape with their words, the
mean and limits drawn, trial limits labelled, the reading under the title."""

from __future__ import annotations

import datetime as dt

from charts.spc import MARKS, TRIAL_LABEL, spc_chart
from charts.spc_icons import ICONS, contrast
from metrics.spc import compute_spc


def _months(values: list[float | None], start: int = 2024) -> list[tuple[dt.date, float | None]]:
    return [(dt.date(start + i // 12, i % 12 + 1, 1), v) for i, v in enumerate(values)]


def _traces(fig) -> dict[str, object]:
    return {trace.name: trace for trace in fig.data}


def test_special_cause_months_marked_by_colour_and_shape():
    # 12 steady months, then one far above the upper limit (improvement, higher is better) and one far below.
    steady = [50.0, 52.0, 49.0, 51.0, 50.0, 48.0, 52.0, 50.0, 51.0, 49.0, 50.0, 52.0]
    result = compute_spc(_months(steady + [90.0, 10.0]), "higher", target=95.0)
    fig = spc_chart(result, "Decisions within 1 working day", "%", target=95.0)
    traces = _traces(fig)
    improvement, concern, common = (traces[MARKS[k][0]] for k in
                                    ("special_cause_improvement", "special_cause_concern", "common_cause"))
    assert list(improvement.x) == ["2025-01"] and list(concern.x) == ["2025-02"]
    assert len(common.x) == 12
    # Colour and shape both differ, so neither carries the meaning alone.
    assert improvement.marker.color != concern.marker.color != common.marker.color
    assert len({improvement.marker.symbol, concern.marker.symbol, common.marker.symbol}) == 3
    assert "Mean" in traces and "Process limits" in traces and TRIAL_LABEL not in traces
    assert any(name.startswith("Target 95") for name in traces)
    upper, lower = (t for t in fig.data if t.name == "Process limits")
    assert list(upper.y) == [p.upper for p in result.points] and list(lower.y) == [p.lower for p in result.points]
    assert upper.showlegend is not False and lower.showlegend is False  # one legend entry for both
    # The reading is the page's line above the chart (ui/spc.py), not text that could sit on the legend.
    assert not fig.layout.annotations


def test_fewer_than_12_months_are_labelled_trial_limits_and_gaps_stay_gaps():
    result = compute_spc(_months([5.0, 6.0, None, 7.0, 5.0, 6.0]), "lower")
    fig = spc_chart(result, "Awaiting a decision", "count", near_band=True)
    traces = _traces(fig)
    assert TRIAL_LABEL in traces and "Process limits" not in traces
    assert "(trial limits)" in fig.layout.title.text
    assert "Near the limits" in traces
    assert list(fig.layout.xaxis.categoryarray) == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
    marked = [x for name, t in traces.items() if name in {w for w, _, _ in MARKS.values()} for x in t.x]
    assert "2024-03" not in marked and len(marked) == 5


def test_chart_marks_share_the_icons_colours_and_shapes():
    # A chart's special-cause months look like the variation icon beside it: one declaration of the Making Data
    # Count colours (charts.spc_icons), each with 4.5:1 contrast against the white plot.
    assert MARKS["special_cause_improvement"][1:] == (ICONS["improvement_high"].colour, ICONS["improvement_low"].shape)
    assert MARKS["special_cause_concern"][1:] == (ICONS["concern_high"].colour, ICONS["concern_low"].shape)
    assert MARKS["special_cause_neutral_high"][1:] == (ICONS["neutral_high"].colour, "triangle-up")
    assert MARKS["special_cause_neutral_low"][1:] == (ICONS["neutral_low"].colour, "triangle-down")
    assert MARKS["common_cause"][1] == ICONS["common_cause"].colour
    assert all(contrast(colour) >= 4.5 for _, colour, _ in MARKS.values())
