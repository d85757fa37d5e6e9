"""Case audits: grades by quarter, good-or-better against the action's target (by quarter and by agency),
and a heatmap of theme results (% Yes) by quarter."""

from __future__ import annotations

import streamlit as st

from charts import bar_by_group, heatmap
from metrics.breakdowns import GRADE_ORDER, NOT_GRADED, grade_mix, pool_by_group
from metrics.display import rounded
from metrics.registry import DIRECTIONS, THEME_PREFIX
from ui.app import require
from ui.blocks import (
    action_target,
    audit_grades,
    chart_block,
    columns_for_charts,
    empty_state,
    has_rows,
    intro,
    meeting_scale,
    metric_caption,
    metric_chart,
    mix_chart,
    tidy,
)
from ui.data import metric_values, metrics_registry
from ui.filters import agency_filter, in_range, pooled_period
from ui.literal import markdown_literal
from ui.spc import spc_view

UPLOAD = ("Upload the multi-agency case audit return (one row per audited case per agency, with the overall grade "
          "and a column per theme) to see {what}.")

require("audits")
st.title("Case audits")
scale = meeting_scale()
agency = agency_filter()
intro("Multi-agency audits of children's cases, graded on Ofsted's scale, and how often each theme of good "
      "practice (such as neglect recognised or the voice of the child) was found.", agency=agency)

if not has_rows("audits"):
    empty_state(UPLOAD.format(what="grades by quarter, audits graded good or better by agency and the theme "
                                   "results"))
    st.stop()

registry = metrics_registry()

# --- Grades --------------------------------------------------------------------------------------
st.subheader("Grades")
left, right = columns_for_charts()
with left:
    mix = grade_mix(audit_grades(), agency)
    if mix.empty:
        empty_state(UPLOAD.format(what=f"audit grades{' for ' + markdown_literal(agency) if agency else ''}"))
    else:
        order = [g for g in (*GRADE_ORDER, NOT_GRADED) if (mix["grade"] == g).any()]
        mix_chart(mix, title="Audit grades by quarter" + (f": {agency}" if agency else "") + " (number of audits)",
                  group="grade", count="audits", order=order, name="audit-grades", caption=(
            "Each agency's audit of a case counts once, graded Outstanding, Good, Requires improvement or "
            "Inadequate. More Outstanding and Good is better."))
with right:
    metric_chart("audits.good_or_better", "audits-good-or-better", UPLOAD.format(what="audits graded good or better"),
                 agency=agency)

with st.container():
    metric = registry["audits.good_or_better"]
    rows, period_text, pooling = pooled_period("audits.good_or_better", "audits-good-or-better-period")
    pooled = pool_by_group(rows, "%", groups=[agency] if agency else None)
    pooled = pooled[pooled["denominator"].fillna(0) > 0]
    if pooled.empty:
        empty_state(UPLOAD.format(what="audits graded good or better by agency"))
    else:
        graded = int(pooled["denominator"].sum())
        title = f"Audits graded good or better, by agency, {period_text} (%, {graded:,} graded)"
        goal = action_target("audits.good_or_better")
        data = rounded(pooled, "%")
        fig = bar_by_group(data, title, "%", category="group", target=goal[0] if goal else None,
                           y_label="Per cent of graded audits", scale=scale)
        table = tidy(data.assign(period=period_text),
                     {"period": "Quarters", "group": "Agency", "value": "Good or better (%)",
                      "numerator": metric.numerator, "denominator": metric.denominator})
        how = ("The quarters shown are pooled: good or better over graded." if pooling else
               "The latest quarter, as on the Summary; choose all quarters shown to pool them.")
        chart_block(fig, table, "audits-good-or-better-by-agency", caption=metric_caption(
            "audits.good_or_better", f"{period_text}, {graded:,} audits graded. {how}"
            + (f" {goal[1]}: {goal[0]:.0f}%." if goal else "")))

# --- Themes --------------------------------------------------------------------------------------
st.subheader("Themes")
values = metric_values()
themes = in_range(values[values["metric"].str.startswith(THEME_PREFIX) & values["group"].isna()])
themes = themes[themes["value"].notna()]
if themes.empty:
    empty_state(UPLOAD.format(what="the theme results (the return needs a column per theme, judged Yes, Partly, No "
                                   "or N/A)"))
else:
    titles = {m: registry[m].title.removeprefix("Audits: ") if m in registry else m for m in set(themes["metric"])}
    data = rounded(themes.assign(theme=themes["metric"].map(titles)), "%")
    fig = heatmap(data, "Audit themes: share of audits judged Yes, by quarter (%)", row="theme", scale=scale)
    table = tidy(data.sort_values(["theme", "period"]),
                 {"theme": "Theme", "period": "Quarter", "value": "Judged Yes (%)", "numerator": "Judged Yes",
                  "denominator": "Judged Yes, Partly or No"})
    caption = ("For each theme, of the audits where auditors judged it, the share judged Yes. 'Partly' counts as "
               "not yet; N/A and blank are left out. " + DIRECTIONS["higher"].caption)
    if agency:
        caption += " Themes are shown for all agencies together."
    chart_block(fig, table, "audit-themes", caption=caption)

spc_view(("audits",), "audits")  # monthly SPC charts, behind a toggle (ui/spc.py)
