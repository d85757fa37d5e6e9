"""What every page shares: the store, cached reads, the shared filters, and the chart block
(chart, "view as table", CSV download). Layout helpers only: no SQL here."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from access.people import LOCAL_ADMIN, Person
from charts import line_by_quarter
from charts.export import safe_csv
from loaders.periods import Quarter
from loaders.status import latest_submissions, row_counts
from loaders.store import Store, default_db_path
from loaders.submit import submission_history
from metrics import breakdowns
from metrics.brag import rate_actions
from metrics.compute import all_metrics, compute_all
from metrics.decisions import decision_history
from metrics.registry import Metric

ALL_AGENCIES = "All agencies"


@st.cache_resource(show_spinner=False)
def _open_store(path: str) -> Store:
    return Store(path)


def get_store() -> Store:
    """This process's one connection to the database named by ``DASHBOARD_DB``."""
    return _open_store(str(default_db_path()))


def _db() -> str:
    return str(get_store().path)


@st.cache_data(show_spinner=False)
def _metric_values(db: str) -> pd.DataFrame:
    return compute_all(get_store())


@st.cache_data(show_spinner=False)
def _ratings(db: str) -> pd.DataFrame:
    return rate_actions(get_store(), values=_metric_values(db))


@st.cache_data(show_spinner=False)
def _decisions(db: str) -> pd.DataFrame:
    return decision_history(get_store())


@st.cache_data(show_spinner=False)
def _history(db: str) -> pd.DataFrame:
    return submission_history(get_store())


@st.cache_data(show_spinner=False)
def _freshness(db: str) -> pd.DataFrame:
    return latest_submissions(get_store())


@st.cache_data(show_spinner=False)
def _counts(db: str) -> pd.DataFrame:
    return row_counts(get_store())


@st.cache_data(show_spinner=False)
def _metrics(db: str) -> dict:
    return {m.id: m for m in all_metrics(get_store())}


def metric_values() -> pd.DataFrame:
    """Every metric value: metric, period, group, value, numerator, denominator."""
    return _metric_values(_db())


def ratings() -> pd.DataFrame:
    return _ratings(_db())


def decisions() -> pd.DataFrame:
    return _decisions(_db())


def history() -> pd.DataFrame:
    return _history(_db())


def freshness() -> pd.DataFrame:
    return _freshness(_db())


def counts() -> pd.DataFrame:
    return _counts(_db())


def metrics_registry() -> dict:
    """Metric id -> Metric, including the audit themes found in the data."""
    return _metrics(_db())


def data_changed() -> None:
    """Call after every load, withdrawal or decision: every page reads afresh."""
    st.cache_data.clear()


# --- shared filters ---------------------------------------------------------------------------

def quarters_available() -> list[str]:
    values = metric_values()
    if values.empty:
        return []
    return sorted(set(values["period"]), key=lambda label: Quarter.parse(label).index)


def period_range() -> tuple[str, str] | None:
    """The quarters chosen in the sidebar (first, last), or None when there is no data."""
    quarters = quarters_available()
    if not quarters:
        return None
    chosen = st.session_state.get("period_range")
    if not chosen or chosen[0] not in quarters or chosen[1] not in quarters:
        return quarters[0], quarters[-1]
    return chosen[0], chosen[1]


def agency_filter() -> str | None:
    agency = st.session_state.get("agency_filter", ALL_AGENCIES)
    return None if agency in (None, ALL_AGENCIES) else agency


def in_range(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of a metric frame inside the chosen quarters."""
    chosen = period_range()
    if chosen is None or frame.empty:
        return frame
    first, last = Quarter.parse(chosen[0]).index, Quarter.parse(chosen[1]).index
    index = frame["period"].map(lambda label: Quarter.parse(label).index)
    return frame[(index >= first) & (index <= last)]


def series(metric_id: str, *, by_group: bool = False, agency: str | None = None) -> pd.DataFrame:
    """One metric's rows within the chosen quarters: overall, all groups, or one agency's."""
    values = metric_values()
    rows = values[values["metric"] == metric_id]
    if agency:
        rows = rows[rows["group"] == agency]
    elif by_group:
        rows = rows[rows["group"].notna()]
    else:
        rows = rows[rows["group"].isna()]
    return in_range(rows).reset_index(drop=True)


# --- display pieces ---------------------------------------------------------------------------

def meeting_scale() -> float:
    return 1.5 if st.session_state.get("meeting_mode") else 1.0


def chart_block(fig: go.Figure, data: pd.DataFrame, name: str, *, caption: str | None = None) -> None:
    """A chart, its data as a table, and a CSV download of exactly that data."""
    st.plotly_chart(fig, key=f"chart-{name}", config={"displaylogo": False})
    if caption:
        st.caption(caption)
    with st.expander("View as table"):
        st.dataframe(data, hide_index=True)
    st.download_button(
        "Download CSV", safe_csv(data), file_name=f"{name}.csv", mime="text/csv", key=f"csv-{name}",
        help="The data behind this chart",
    )


def empty_state(what: str) -> None:
    st.info(f"No data yet. {what} Managers can load returns on the **Upload** page.", icon=":material/upload_file:")


def tidy(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Keep and rename columns for a table or CSV a person reads."""
    return frame[list(columns)].rename(columns=columns).reset_index(drop=True)


def fmt(value: object, unit: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return "no value"
    if unit == "%":
        return f"{float(value):.1f}%"
    if unit == "score":
        return f"{float(value):.2f}"
    return f"{float(value):,.0f}"


def current_person() -> Person:
    """The signed-in person (local mode: the local administrator)."""
    return st.session_state.get("person") or LOCAL_ADMIN


# --- data pages (MASH, training, audits): breakdowns and captions -----------------------------

POLARITY_WORDS = {"higher": "Higher is better.", "lower": "Lower is better.",
                  "neither": "Neither higher nor lower is better in itself."}


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
    parts = [metric.description, POLARITY_WORDS.get(metric.polarity, "")]
    if extra:
        parts.append(extra)
    return " ".join(p for p in parts if p)


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


UNIT_SUFFIX = {"%": " (%)", "count": " (number)", "score": " (average score)"}
DECIMALS = {"%": 1, "count": 0, "score": 2}


def has_rows(dataset: str) -> bool:
    """Whether the dataset has any current rows (so a page can show its empty state instead)."""
    rows = counts()
    found = rows[rows["dataset"] == dataset]
    return bool(len(found)) and int(found["current_rows"].iloc[0]) > 0


def rounded(frame: pd.DataFrame, unit: str, column: str = "value") -> pd.DataFrame:
    """Values rounded as they are shown, so the chart and its table/CSV hold exactly the same figures."""
    if frame.empty:
        return frame
    return frame.assign(**{column: frame[column].astype("float64").round(DECIMALS.get(unit, 1))})


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


def record_decision_as(person: Person, action_id: str, status: str, note: str, by: str, on) -> int:
    """Record a partnership decision for this person (the sign-in issue adds the role check and audit)."""
    from metrics.decisions import record_decision

    return record_decision(get_store(), action_id, status, note, by, on)
