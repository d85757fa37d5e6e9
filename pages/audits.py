"""Case audits, one tab at a time: grades by quarter and good-or-better against the action's target (by quarter
and by agency); a heatmap of theme results (% Yes) by quarter. Then the monthly SPC view, behind its toggle."""

from __future__ import annotations

import streamlit as st

from charts import heatmap
from metrics.breakdowns import GRADE_ORDER, NOT_GRADED, grade_mix
from metrics.display import rounded
from metrics.registry import DIRECTIONS, THEME_PREFIX
from ui.app import require
from ui.blocks import (
    audit_grades,
    chart_block,
    columns_for_charts,
    empty_state,
    has_rows,
    intro,
    lazy_tabs,
    meeting_scale,
    metric_chart,
    mix_chart,
    rate_by_agency,
    tidy,
)
from ui.data import metric_values, metrics_registry
from ui.filters import agency_filter, in_range
from ui.literal import markdown_literal
from ui.spc import spc_view

UPLOAD = ("Upload the multi-agency case audit return (one row per audited case per agency, with the overall grade "
          "and a column per theme) to see {what}.")

def _grade_mix() -> None:
    mix = grade_mix(audit_grades(), agency)
    if mix.empty:
        empty_state(UPLOAD.format(what=f"audit grades{' for ' + markdown_literal(agency) if agency else ''}"))
        return
    order = [g for g in (*GRADE_ORDER, NOT_GRADED) if (mix["grade"] == g).any()]
    mix_chart(mix, title="Audit grades by quarter" + (f": {agency}" if agency else "") + " (number of audits)",
              group="grade", count="audits", order=order, name="audit-grades", caption=(
        "Each agency's audit of a case counts once, graded Outstanding, Good, Requires improvement or "
        "Inadequate. More Outstanding and Good is better."))


def _good_or_better_by_agency() -> None:
    rate_by_agency("audits.good_or_better", title="Audits graded good or better, by agency",
                   counted="audits graded", y_label="Per cent of graded audits", value_header="Good or better (%)",
                   pooled="good or better over graded", name="audits-good-or-better-by-agency",
                   empty=UPLOAD.format(what="audits graded good or better by agency"), agency=agency)


def _grades() -> None:
    """Grades by quarter, good or better by quarter against the target, and good or better by agency."""
    left, right = columns_for_charts()
    with left:
        _grade_mix()
    with right:
        metric_chart("audits.good_or_better", "audits-good-or-better",
                     UPLOAD.format(what="audits graded good or better"), agency=agency)
    _good_or_better_by_agency()


def _themes() -> None:
    """A heatmap of each theme's share judged Yes, by quarter."""
    values, registry = metric_values(), metrics_registry()
    themes = in_range(values[values["metric"].str.startswith(THEME_PREFIX) & values["group"].isna()])
    themes = themes[themes["value"].notna()]
    if themes.empty:
        empty_state(UPLOAD.format(what="the theme results (the return needs a column per theme, judged Yes, "
                                       "Partly, No or N/A)"))
        return
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

# One section at a time: only the open tab's charts are built and drawn (ui/blocks.py lazy_tabs).
lazy_tabs({"Grades": _grades, "Themes": _themes}, "audits-section")

spc_view(("audits",), "audits")  # monthly SPC charts, behind a toggle (ui/spc.py)
