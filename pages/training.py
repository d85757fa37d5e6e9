"""Workforce training, one tab at a time: sessions held, delegates attending by agency and attendance rate by
agency; then delegates' confidence (its rise by quarter, and before, straight after and 6-8 weeks after the
course, by agency and by course)."""

from __future__ import annotations

import streamlit as st

from charts import grouped_bars, stacked_by_quarter
from metrics.breakdowns import STAGES, confidence_means
from metrics.display import rounded
from ui.app import require
from ui.blocks import (
    chart_block,
    columns_for_charts,
    confidence_sums,
    empty_state,
    has_rows,
    intro,
    lazy_tabs,
    meeting_scale,
    metric_caption,
    metric_chart,
    range_label,
    rate_by_agency,
    tidy,
)
from ui.filters import agency_filter, series
from ui.literal import markdown_literal

UPLOAD = "Upload the multi-agency training register (one row per delegate per session) to see {what}."
CONFIDENCE_NOTE = ("Average confidence on a scale of 1 (low) to 5 (high), of delegates who attended and scored "
                   "themselves both before and straight after the course; the 6-8 weeks bar is those of them who "
                   "also answered the follow-up. Higher is better.")


def _attended_by_agency() -> None:
    attended = series("training.attended", by_group=True)
    if attended.empty:
        empty_state(UPLOAD.format(what="delegates attending by agency"))
        return
    totals = attended.groupby("group")["value"].sum().sort_values(ascending=False)
    title = "Delegates who attended training, by agency (number)"
    fig = stacked_by_quarter(attended, title, "count", group="group", group_order=list(totals.index),
                             y_label="Delegates", scale=scale)
    table = tidy(attended.astype({"numerator": "Int64"}),
                 {"period": "Quarter", "group": "Agency", "numerator": "Delegates who attended"})
    chart_block(fig, table, "training-attended-by-agency", caption=metric_caption("training.attended"))


def _attendance_rate() -> None:
    rate_by_agency("training.attendance_rate", title="Attendance rate by agency", counted="delegates booked",
                   y_label="Per cent of delegates booked", value_header="Attendance rate (%)",
                   pooled="attended over booked", name="training-attendance-rate",
                   empty=UPLOAD.format(what="the attendance rate by agency"), agency=agency)


def _sessions_and_attendance() -> None:
    left, right = columns_for_charts()
    with left:
        metric_chart("training.sessions", "training-sessions", UPLOAD.format(what="sessions held"),
                     note="Sessions are counted for the whole partnership, whatever agency is chosen."
                     if agency else None)
    with right:
        if agency:
            metric_chart("training.attended", "training-attended",
                         UPLOAD.format(what=f"delegates from {markdown_literal(agency)}"), agency=agency)
        else:
            _attended_by_agency()
    left, _ = columns_for_charts()
    with left:
        _attendance_rate()


def _confidence() -> None:
    """The rise in confidence by quarter, then confidence before and after by agency and by course."""
    left, _ = columns_for_charts()
    with left:
        metric_chart("training.confidence_uplift", "training-confidence-uplift",
                     UPLOAD.format(what="the rise in confidence (the register needs pre- and post-course "
                                        "confidence)"), agency=agency)
    sums = confidence_sums()
    if agency and not sums.empty:
        sums = sums[sums["agency"] == agency]
    period_text = range_label(sums["period"]) if not sums.empty else ""
    for by, heading in (("agency", "agency"), ("course", "course")):
        means = confidence_means(sums, by)
        if means.empty:
            empty_state(UPLOAD.format(what=f"confidence before and after training by {heading} (the register "
                                            "needs pre- and post-course confidence scores)"))
            continue
        data = rounded(means, "score", column="mean")
        follow = ", after and 6-8 weeks later" if (data["stage"] == STAGES[2]).any() else " and after"
        title = f"Confidence before{follow}, by {heading}, {period_text} (average score 1 to 5)"
        fig = grouped_bars(data, title, "score", category=by, series="stage", value="mean", series_order=STAGES,
                           x_label="Average confidence (1 low to 5 high)", x_range=(0, 5.6), scale=scale)
        table = tidy(data.assign(period=period_text),
                     {"period": "Quarters", by: heading.capitalize(), "stage": "When asked",
                      "mean": "Average confidence (1 to 5)", "delegates": "Delegates"})
        chart_block(fig, table, f"training-confidence-by-{by}", caption=CONFIDENCE_NOTE)


require("training")
st.title("Workforce training")
scale = meeting_scale()
agency = agency_filter()
intro("Multi-agency training on neglect: how many sessions ran, who came, and whether delegates felt more "
      "confident afterwards, and still did 6-8 weeks later.", agency=agency)

if not has_rows("training"):
    empty_state(UPLOAD.format(what="sessions held, attendance and attendance rate by agency, and delegates' "
                                   "confidence before and after training"))
    st.stop()

# One section at a time: only the open tab's charts are built and drawn (ui/blocks.py lazy_tabs).
lazy_tabs({"Sessions and attendance": _sessions_and_attendance,
           "Confidence before and after training": _confidence}, "training-section")
