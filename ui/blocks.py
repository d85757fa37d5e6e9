"""What the pages draw the same way: a chart with its table and CSV download (the chart block), the empty
state, captions with each metric's description and polarity, action targets, one metric by quarter, and the
breakdowns narrowed to the chosen quarters. Layout helpers only: the SQL lives in ``metrics``.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from charts import bar_by_group, line_by_quarter, stacked_by_quarter
from charts.export import safe_csv
from charts.ratings_svg import SvgChart
from loaders.periods import Quarter
from metrics.breakdowns import pool_by_group
from metrics.display import rounded
from metrics.registry import Metric
from ui.data import all_audit_grades, all_confidence_sums, all_contact_outcomes, counts, metrics_registry, ratings
from ui.filters import in_range, meeting_mode, period_range, pooled_period, series
from ui.literal import markdown_literal
from ui.tables import show_table


def contact_outcomes() -> pd.DataFrame:
    """Contacts per quarter, source group and outcome, within the chosen quarters."""
    return in_range(all_contact_outcomes()).reset_index(drop=True)


def audit_grades() -> pd.DataFrame:
    """Audit rows per quarter, agency and grade, within the chosen quarters."""
    return in_range(all_audit_grades()).reset_index(drop=True)


def confidence_sums() -> pd.DataFrame:
    """Confidence sums per quarter, agency and course, within the chosen quarters."""
    return in_range(all_confidence_sums()).reset_index(drop=True)


def meeting_scale() -> float:
    return 1.5 if meeting_mode() else 1.0


def chart_block(fig: go.Figure | SvgChart, data: pd.DataFrame, name: str, *, caption: str | None = None,
                width: int | str = "stretch") -> None:
    """A chart, its data as a table, and a CSV download of exactly that data. ``caption`` is plain text.
    ``width`` in pixels draws the chart that wide (a chart that must print whole on A4: at most 640). ``fig``
    is a plotly figure, or a chart a builder in ``charts/`` drew as SVG (an image with its words as alt text)."""
    if isinstance(fig, SvgChart):
        with st.container(key=f"chart-{name}"):
            st.image(fig.svg, width=fig.width, alt=fig.alt)
    else:
        # theme=None keeps our own colours: Streamlit's chart theme greys axis text below AA contrast.
        st.plotly_chart(fig, key=f"chart-{name}", config={"displaylogo": False}, theme=None, width=width)
    if caption:  # plain text, often naming themes or actions from the returns
        st.caption(markdown_literal(caption))
    with st.expander("View as table"):
        show_table(data)
    st.download_button(
        "Download CSV", safe_csv(data), file_name=f"{name}.csv", mime="text/csv", key=f"csv-{name}",
        help="The data behind this chart",
    )


def empty_state(what: str) -> None:
    st.info(f"No data yet. {what} Managers can load returns on the **Upload** page.", icon=":material/upload_file:")


def tidy(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Keep and rename columns for a table or CSV a person reads."""
    return frame[list(columns)].rename(columns=columns).reset_index(drop=True)


def latest_period(periods: pd.Series) -> str | None:
    labels = list(set(periods))
    return max(labels, key=lambda label: Quarter.parse(label).index) if labels else None


def intro(text: str, *, agency: str | None = None) -> None:
    """A page's opening paragraph, saying which quarters (and agency) the charts show."""
    shown = range_label()
    st.markdown(
        text
        + (f" Quarters shown: **{shown}** (change them in the sidebar)." if shown else "")
        + (f" Agency: **{markdown_literal(agency)}**." if agency else "")
    )


def range_label(periods: pd.Series | list | None = None) -> str:
    """``2025-26 Q1 to 2025-26 Q4`` for the chosen quarters (or those present in ``periods``)."""
    if periods is not None and len(periods):
        labels = sorted(set(periods), key=lambda label: Quarter.parse(label).index)
        first, last = labels[0], labels[-1]
    else:
        chosen = period_range()
        if chosen is None:
            return ""
        first, last = chosen
    return first if first == last else f"{first} to {last}"


def metric_caption(metric_id: str, extra: str | None = None) -> str:
    """The metric's plain-English description and polarity, in one line under its chart."""
    metric = metrics_registry().get(metric_id)
    if metric is None:
        return extra or ""
    return " ".join(p for p in (metric.description, metric.direction.caption, extra) if p)


def action_target(metric_id: str) -> tuple[float, str] | None:
    """The target of the first action in the plan measured by this metric, with a label naming the action
    (``Target, action 1.1``), or None when no action measures it with a target."""
    rated = ratings()
    if rated.empty:
        return None
    rows = rated[(rated["measure"] == metric_id) & rated["target"].notna()]
    if rows.empty:
        return None
    first = rows.iloc[0]
    return float(first["target"]), f"Target, action {first['action_id']}"


def has_rows(dataset: str) -> bool:
    """Whether the dataset has any current rows (so a page can show its empty state instead)."""
    rows = counts()
    found = rows[rows["dataset"] == dataset]
    return bool(len(found)) and int(found["current_rows"].iloc[0]) > 0


def metric_table(rows: pd.DataFrame, metric: Metric, value_name: str) -> pd.DataFrame:
    """A metric's rows as a person reads them: quarter, value, and its numerator and denominator in words."""
    columns = {"period": "Quarter", "value": value_name}
    if metric.denominator:
        columns |= {"numerator": metric.numerator, "denominator": metric.denominator}
    return tidy(rows, columns)


def metric_chart(metric_id: str, name: str, empty: str, *, agency: str | None = None,
                 note: str | None = None, target: bool = True) -> None:
    """One registered metric by quarter (overall, or one agency's), against its action's target if any,
    as a chart block with the metric's description and polarity; ``empty`` says what to upload."""
    metric = metrics_registry().get(metric_id)
    rows = series(metric_id, agency=agency) if metric else pd.DataFrame()
    if metric is None or rows.empty or not rows["value"].notna().any():
        empty_state(empty)
        return
    title = metric.title + (f": {agency}" if agency else "") + metric.display.suffix
    goal = action_target(metric_id) if target else None
    data = rounded(rows, metric.unit)
    fig = line_by_quarter(data, title, metric.unit, target=goal[0] if goal else None,
                          target_label=goal[1] if goal else "Target", scale=meeting_scale())
    chart_block(fig, metric_table(data, metric, title), name, caption=metric_caption(metric_id, note))


def lazy_tabs(sections: dict[str, Callable[[], None]], key: str) -> None:
    """A page's sections as tabs, of which only the open one is built and sent to the browser: a page draws
    what is open, not every chart it has (issue 12: each page drawn within a second). Choosing another tab
    reruns the page from the cached reads. On paper only the open tab prints (the Summary has no tabs)."""
    tabs = st.tabs(list(sections), key=key, on_change="rerun")
    for draw, tab in zip(sections.values(), tabs):
        if tab.open:
            with tab:
                draw()


def columns_for_charts(n: int = 2) -> list:
    """Side-by-side columns for charts; one column (full width) in meeting mode."""
    if meeting_mode():
        return [st.container() for _ in range(n)]
    return list(st.columns(n, gap="large"))


def mix_chart(mix: pd.DataFrame, *, title: str, group: str, count: str, order: list[str], name: str,
              caption: str) -> None:
    """Stacked bars of a breakdown by quarter (e.g. MASH outcomes, audit grades), with each part's share."""
    label = count.capitalize()
    fig = stacked_by_quarter(mix, title, "count", group=group, value=count, group_order=order, y_label=label,
                             scale=meeting_scale())
    table = tidy(rounded(mix, "%", column="share"),
                 {"period": "Quarter", group: group.capitalize(), count: label,
                  "share": f"Share of the quarter's {count} (%)"})
    chart_block(fig, table, name, caption=caption)


def rate_by_agency(metric_id: str, *, title: str, counted: str, y_label: str, value_header: str, pooled: str,
                   name: str, empty: str, agency: str | None) -> None:
    """A rate by agency for the latest quarter (as on the Summary) or the quarters shown pooled, with its
    period and n in the title, the action's target as a line and the pooling said in the caption: e.g.
    training attendance and audits good or better. ``counted`` names the denominator ("delegates booked"),
    ``pooled`` how quarters pool ("attended over booked")."""
    metric = metrics_registry()[metric_id]
    rows, period_text, pooling = pooled_period(metric_id, f"{name}-period")
    data = pool_by_group(rows, "%", groups=[agency] if agency else None)
    data = data[data["denominator"].fillna(0) > 0]
    if data.empty:
        empty_state(empty)
        return
    total = int(data["denominator"].sum())
    goal = action_target(metric_id)
    data = rounded(data, "%")
    fig = bar_by_group(data, f"{title}, {period_text} (%, {total:,} {counted})", "%", category="group",
                       target=goal[0] if goal else None, y_label=y_label, scale=meeting_scale())
    table = tidy(data.assign(period=period_text),
                 {"period": "Quarters", "group": "Agency", "value": value_header,
                  "numerator": metric.numerator, "denominator": metric.denominator})
    how = (f"The quarters shown are pooled: {pooled}." if pooling else
           "The latest quarter, as on the Summary; choose all quarters shown to pool them.")
    chart_block(fig, table, name, caption=metric_caption(
        metric_id, f"{period_text}, {total:,} {counted}. {how}" + (f" {goal[1]}: {goal[0]:.0f}%." if goal else "")))

