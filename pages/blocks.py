"""Shared pieces of the data pages (MASH and referrals, workforce training, case audits): cached breakdowns,
captions with each metric's description and polarity, action targets, and one metric by quarter as a chart
block. Layout helpers only: the SQL lives in ``metrics.breakdowns``; no page imports duckdb.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts import line_by_quarter, stacked_by_quarter
from loaders.periods import Quarter
from metrics import breakdowns
from metrics.registry import Metric
from pages.common import (
    chart_block,
    counts,
    empty_state,
    get_store,
    in_range,
    meeting_scale,
    metrics_registry,
    period_range,
    ratings,
    series,
    tidy,
)
from ui.literal import markdown_literal

POLARITY_WORDS = {"higher": "Higher is better.", "lower": "Lower is better.",
                  "neither": "Neither higher nor lower is better in itself."}
UNIT_SUFFIX = {"%": " (%)", "count": " (number)", "score": " (average score)"}
DECIMALS = {"%": 1, "count": 0, "score": 2}


def _db() -> str:
    return str(get_store().path)


@st.cache_data(show_spinner=False)
def _contact_outcomes(db: str) -> pd.DataFrame:
    return breakdowns.contact_outcomes(get_store())


@st.cache_data(show_spinner=False)
def _audit_grades(db: str) -> pd.DataFrame:
    return breakdowns.audit_grades(get_store())


@st.cache_data(show_spinner=False)
def _confidence_sums(db: str) -> pd.DataFrame:
    return breakdowns.confidence_sums(get_store())


def contact_outcomes() -> pd.DataFrame:
    """Contacts per quarter, source group and outcome, within the chosen quarters."""
    return in_range(_contact_outcomes(_db())).reset_index(drop=True)


def audit_grades() -> pd.DataFrame:
    """Audit rows per quarter, agency and grade, within the chosen quarters."""
    return in_range(_audit_grades(_db())).reset_index(drop=True)


def confidence_sums() -> pd.DataFrame:
    """Confidence sums per quarter, agency and course, within the chosen quarters."""
    return in_range(_confidence_sums(_db())).reset_index(drop=True)


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
    return " ".join(p for p in (metric.description, POLARITY_WORDS.get(metric.polarity, ""), extra) if p)


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


def rounded(frame: pd.DataFrame, unit: str, column: str = "value") -> pd.DataFrame:
    """Values rounded as they are shown, so the chart and its table/CSV hold exactly the same figures."""
    if frame.empty:
        return frame
    values = frame[column].astype("float64").round(DECIMALS.get(unit, 1))
    if unit == "count":
        values = values.astype("Int64")
    return frame.assign(**{column: values})


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
    title = metric.title + (f": {agency}" if agency else "") + UNIT_SUFFIX.get(metric.unit, "")
    goal = action_target(metric_id) if target else None
    data = rounded(rows, metric.unit)
    fig = line_by_quarter(data, title, metric.unit, target=goal[0] if goal else None,
                          target_label=goal[1] if goal else "Target", scale=meeting_scale())
    chart_block(fig, metric_table(data, metric, title), name, caption=metric_caption(metric_id, note))


def columns_for_charts(n: int = 2) -> list:
    """Side-by-side columns for charts; one column (full width) in meeting mode."""
    if st.session_state.get("meeting_mode"):
        return [st.container() for _ in range(n)]
    return list(st.columns(n, gap="large"))


def mix_chart(mix: pd.DataFrame, *, title: str, group: str, count: str, order: list[str], name: str,
              caption: str) -> None:
    """Stacked bars of a breakdown by quarter (e.g. MASH outcomes, audit grades), with each part's share."""
    label = count.capitalize()
    fig = stacked_by_quarter(mix, title, "count", group=group, value=count, group_order=order, y_label=label,
                             scale=meeting_scale())
    table = tidy(mix.assign(share=mix["share"].round(1)),
                 {"period": "Quarter", group: group.capitalize(), count: label,
                  "share": f"Share of the quarter's {count} (%)"})
    chart_block(fig, table, name, caption=caption)
