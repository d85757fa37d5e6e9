"""Workforce training: sessions held, delegates attending by agency, attendance rate by agency, and
delegates' confidence before, straight after and 6-8 weeks after the course, by agency and by course."""

from __future__ import annotations

import streamlit as st

from charts import bar_by_group, grouped_bars, stacked_by_quarter
from metrics.breakdowns import STAGES, confidence_means, pool_by_group
from metrics.display import rounded
from ui.app import require
from ui.blocks import (
    action_target,
    chart_block,
    columns_for_charts,
    confidence_sums,
    empty_state,
    has_rows,
    intro,
    meeting_scale,
    metric_caption,
    metric_chart,
    range_label,
    tidy,
)
from ui.data import metrics_registry
from ui.filters import agency_filter, pooled_period, series
from ui.literal import markdown_literal

UPLOAD = "Upload the multi-agency training register (one row per delegate per session) to see {what}."
CONFIDENCE_NOTE = ("Average confidence on a scale of 1 (low) to 5 (high), of delegates who attended and scored "
                   "themselves both before and straight after the course; the 6-8 weeks bar is those of them who "
                   "also answered the follow-up. Higher is better.")

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

registry = metrics_registry()

# --- Sessions and attendance ---------------------------------------------------------------------
st.subheader("Sessions and attendance")
left, right = columns_for_charts()
with left:
    metric_chart("training.sessions", "training-sessions", UPLOAD.format(what="sessions held"),
                 note="Sessions are counted for the whole partnership, whatever agency is chosen." if agency else None)
with right:
    if agency:
        metric_chart("training.attended", "training-attended", UPLOAD.format(what=f"delegates from {markdown_literal(agency)}"),
                     agency=agency)
    else:
        attended = series("training.attended", by_group=True)
        if attended.empty:
            empty_state(UPLOAD.format(what="delegates attending by agency"))
        else:
            totals = attended.groupby("group")["value"].sum().sort_values(ascending=False)
            title = "Delegates who attended training, by agency (number)"
            fig = stacked_by_quarter(attended, title, "count", group="group", group_order=list(totals.index),
                                     y_label="Delegates", scale=scale)
            table = tidy(attended.astype({"numerator": "Int64"}),
                         {"period": "Quarter", "group": "Agency", "numerator": "Delegates who attended"})
            chart_block(fig, table, "training-attended-by-agency", caption=metric_caption("training.attended"))

left, right = columns_for_charts()
with left:
    rate = registry["training.attendance_rate"]
    rows, period_text, pooling = pooled_period("training.attendance_rate", "training-attendance-period")
    pooled = pool_by_group(rows, "%", groups=[agency] if agency else None)
    pooled = pooled[pooled["denominator"].fillna(0) > 0]
    if pooled.empty:
        empty_state(UPLOAD.format(what="the attendance rate by agency"))
    else:
        booked = int(pooled["denominator"].sum())
        title = f"Attendance rate by agency, {period_text} (%, {booked:,} delegates booked)"
        goal = action_target("training.attendance_rate")
        data = rounded(pooled, "%")
        fig = bar_by_group(data, title, "%", category="group", target=goal[0] if goal else None,
                           y_label="Per cent of delegates booked", scale=scale)
        table = tidy(data.assign(period=period_text),
                     {"period": "Quarters", "group": "Agency", "value": "Attendance rate (%)",
                      "numerator": rate.numerator, "denominator": rate.denominator})
        how = ("The quarters shown are pooled: attended over booked." if pooling else
               "The latest quarter, as on the Summary; choose all quarters shown to pool them.")
        chart_block(fig, table, "training-attendance-rate", caption=metric_caption(
            "training.attendance_rate", f"{period_text}, {booked:,} delegates booked. {how}"))
with right:
    metric_chart("training.confidence_uplift", "training-confidence-uplift",
                 UPLOAD.format(what="the rise in confidence (the register needs pre- and post-course confidence)"),
                 agency=agency)

# --- Confidence ----------------------------------------------------------------------------------
st.subheader("Confidence before and after training")
sums = confidence_sums()
if agency and not sums.empty:
    sums = sums[sums["agency"] == agency]
period_text = range_label(sums["period"]) if not sums.empty else ""
for by, heading in (("agency", "agency"), ("course", "course")):
    means = confidence_means(sums, by)
    if means.empty:
        empty_state(UPLOAD.format(what=f"confidence before and after training by {heading} (the register needs "
                                        "pre- and post-course confidence scores)"))
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
