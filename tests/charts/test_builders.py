"""Chart builders read at a glance (issue 12): many categories each get their own colour and pattern, grades
sit on an ordered scale, long titles wrap instead of being cut off, and a long legend goes below the plot in
as many rows as it needs (the figure grows for them) rather than into a scroll box."""

from __future__ import annotations

import pandas as pd

from charts import GRADE_COLOURS, _legend_rows, line_by_quarter, stacked_by_quarter
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
