"""Chart builders read at a glance (issue 12): many categories each get their own colour and pattern, grades
sit on an ordered scale, long titles wrap instead of being cut off, a long legend goes below the plot in
as many rows as it needs (the figure grows for them) rather than into a scroll box, and no label can lie over a
target line, a star or another label."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib import font_manager
from PIL import ImageFont

from charts import (
    GRADE_COLOURS,
    _legend_rows,
    _text_px,
    bar_by_group,
    grouped_bars,
    line_by_quarter,
    stacked_by_quarter,
    trajectory,
)
from metrics.breakdowns import GRADE_ORDER, NOT_GRADED, SOURCE_GROUP_LABELS

QUARTERS = ["2025-26 Q1", "2025-26 Q2"]


def _mix(names: list[str]) -> pd.DataFrame:
    return pd.DataFrame([{"period": q, "group": n, "value": 3 + i} for i, n in enumerate(names) for q in QUARTERS])


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_every_contact_source_has_its_own_colour_and_pattern():
    names = list(SOURCE_GROUP_LABELS.values())
    assert len(names) > 8
    fig = stacked_by_quarter(_mix(names), "Contacts received, by source (number)", "count", group="group")
    pairs = [(t.marker.color, t.marker.pattern.shape) for t in fig.data]
    assert len({colour for colour, _ in pairs}) == len(names)
    assert len(set(pairs)) == len(names)


def test_grades_use_an_ordered_scale_from_outstanding_to_inadequate():
    names = [*GRADE_ORDER, NOT_GRADED]
    fig = stacked_by_quarter(_mix(list(reversed(names))), "Audit grades", "count", group="group",
                             group_order=names)
    colours = {t.name: t.marker.color for t in fig.data}
    assert colours == {name: GRADE_COLOURS[name] for name in names}
    outstanding, good, requires, inadequate = (GRADE_COLOURS[g] for g in GRADE_ORDER)

    def blue(colour: str) -> bool:
        return int(colour[5:7], 16) > int(colour[1:3], 16)

    # Good-or-better grades are blues, the others warm; each side deepens towards its end of the scale.
    assert blue(outstanding) and blue(good) and not blue(requires) and not blue(inadequate)
    assert _luminance(outstanding) < _luminance(good)
    assert _luminance(inadequate) < _luminance(requires)


def test_a_long_title_wraps_and_the_top_margin_makes_room():
    short = line_by_quarter(_mix(["a"]), "Referrals (number)", "count")
    title = "Contacts leading to a referral to social care, by source, 2025-26 Q4 (%)"
    wrapped = line_by_quarter(_mix(["a"]), title, "count")
    lines = wrapped.layout.title.text.split("<br>")
    assert len(lines) == 2 and all(len(line) <= 48 for line in lines)
    assert " ".join(lines) == title
    assert wrapped.layout.margin.t > short.layout.margin.t


def test_a_long_legend_goes_below_the_plot_and_the_figure_grows_for_it():
    names = list(SOURCE_GROUP_LABELS.values())
    fig = stacked_by_quarter(_mix(names), "Contacts received, by source (number)", "count", group="group")
    few = stacked_by_quarter(_mix(names[:2]), "Contacts received, by source (number)", "count", group="group")
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.yref == "container"
    rows = _legend_rows(names)
    assert rows >= 3
    assert fig.layout.height >= few.layout.height + rows * 22
    assert few.layout.legend.y == 1.02  # two entries: one row above the plot


# Labels never overlap targets, stars or each other (issue 12): what the browser test checks on the demo pages,
# here for the figures' positions whatever the data.

def _dejavu_px(text: str, size: int) -> float:
    """The width of ``text`` in DejaVu Sans (matplotlib's own font, wider than Arial, always installed)."""
    return ImageFont.truetype(font_manager.findfont("DejaVu Sans"), size).getlength(text)


def test_label_widths_are_never_underestimated():
    for text in ["100.0%", "93.8%", "Target 100.0%", "Target 15.0%", "4.75", "1,234,567", "WWW mmm"]:
        for size in (13, 20):
            assert _text_px(text, size) >= _dejavu_px(text, size), (text, size)


def test_bar_values_sit_right_of_the_plot_and_the_target_is_named_in_the_legend():
    data = pd.DataFrame({"group": ["Police", "Health", "Education"], "value": [93.8, 86.2, 100.0]})
    fig = bar_by_group(data, "Attendance rate by agency (%)", "%", category="group", target=92.0)
    bar, target = fig.data
    assert bar.text is None and bar.showlegend is False       # nothing beside the bars, where the target line runs
    notes = fig.layout.annotations
    assert sorted((n.y, n.text) for n in notes) == [("Education", "100.0%"), ("Health", "86.2%"), ("Police", "93.8%")]
    for note in notes:  # level with its bar, in a column just right of the plot area: no line or bar reaches it
        assert (note.xref, note.x, note.xanchor, note.yref) == ("paper", 1, "left", "y") and note.xshift > 0
        assert fig.layout.margin.r >= note.xshift + _text_px(note.text, note.font.size)
    line, = fig.layout.shapes
    assert (line.x0, line.x1, line.line.dash) == (92.0, 92.0, "dot")
    assert (target.name, target.line.dash, target.mode) == ("Target 92.0%", "dot", "lines")
    assert fig.layout.showlegend is True and bar.x.tolist() == [86.2, 93.8, 100.0]


def test_a_bar_chart_without_a_target_has_no_legend_and_still_labels_every_bar():
    data = pd.DataFrame({"group": ["Police", "Health"], "value": [12.0, 30.5]})
    fig = bar_by_group(data, "Conversion (%)", "%", category="group")
    assert len(fig.data) == 1 and fig.layout.showlegend is False and not fig.layout.shapes
    assert sorted(n.text for n in fig.layout.annotations) == ["12.0%", "30.5%"]


def test_a_long_bar_label_has_room_in_the_margin():
    data = pd.DataFrame({"agency": ["Police", "Police"], "stage": ["Before", "After"], "mean": [2.5, 4.75]})
    fig = grouped_bars(data, "Confidence (score)", "score", category="agency", series="stage", value="mean")
    longest = max((t for trace in fig.data for t in trace.text), key=len)
    assert fig.layout.margin.r >= _text_px(longest, 13)


def _plot_px(fig) -> float:
    return fig.layout.height - fig.layout.margin.t - fig.layout.margin.b


@pytest.mark.parametrize("target, due", [(90.0, "2025-26 Q3"), (60.0, "2025-26 Q3"), (95.0, "2024-25 Q4")])
def test_the_targets_label_is_right_of_the_plot_and_the_due_label_in_a_clear_band(target, due):
    actual = pd.DataFrame({"period": ["2024-25 Q3", "2024-25 Q4", "2025-26 Q1", "2025-26 Q2", "2025-26 Q3"],
                           "value": [70.0, 75.0, 82.5, 88.0, 92.0]})
    fig = trajectory(actual, title="MASH decisions (%)", unit="%", baseline=70.0, baseline_period="2024-25 Q3",
                     target=target, due_period=due)
    star = next(t for t in fig.data if t.marker.symbol == "star")
    assert star.mode == "markers"                                        # no text beside the star
    due_note, target_note = fig.layout.annotations
    label = f"Target {target:.1f}%"
    assert (target_note.text, target_note.xref, target_note.x, target_note.xanchor) == (label, "paper", 1, "left")
    assert target_note.yref == "y" and target_note.y == target and target_note.xshift > 0
    assert fig.layout.margin.r >= target_note.xshift + _text_px(label, 13)
    # The due label hangs from the top of the plot, a few pixels beside its line, on the side with more room.
    assert (due_note.text, due_note.yref, due_note.y, due_note.yanchor) == (f"Due {due}", "paper", 1, "top")
    late = due == "2025-26 Q3"
    assert (due_note.xanchor, due_note.xshift < 0) == (("right", True) if late else ("left", False))
    # The y axis reaches far enough above every value (and the star) that the label's band is clear of them.
    values = [v for t in fig.data for v in t.y if v is not None and v == v]
    top = fig.layout.yaxis.autorangeoptions.include[0]
    band = (top - max(values)) / (top - min(values)) * 0.9             # allowing for plotly's own padding
    assert band * _plot_px(fig) >= 1.3 * 13 + 8                         # a line of text over a 16 px star
