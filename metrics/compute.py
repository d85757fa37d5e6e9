"""Compute every metric for every financial quarter that has current rows, in DuckDB.

One query per dataset: conditional counts in a single pass over the rows, grouped by quarter and by
the breakdown (then rolled up to the quarter with GROUPING SETS over the small aggregate), unpivoted
to one row per metric, quarter and group. Python only stacks the few hundred result rows.
"""

from __future__ import annotations

import pandas as pd

from loaders.periods import quarter_label_sql
from loaders.store import Store
from metrics.registry import METRICS, THEME_PREFIX, Metric, theme_metric
from metrics.workdays import next_working_day_sql

COLUMNS = ["metric", "period", "group", "value", "numerator", "denominator"]

# Which aggregate column is each metric's numerator, and which its denominator (None for counts).
PARTS: dict[str, tuple[str, str | None]] = {
    "contacts.count": ("n", None),
    "contacts.decided_within_1wd": ("within_1wd", "decided"),
    "contacts.awaiting_decision": ("awaiting", None),
    "contacts.to_referral": ("to_referral", "with_outcome"),
    "contacts.neglect_identified": ("neglect_yes", "neglect_recorded"),
    "contacts.by_source": ("n", None),
    "referrals.count": ("n", None),
    "referrals.rereferral_12m": ("rereferrals", "n"),
    "referrals.nfa": ("nfa_yes", "nfa_recorded"),
    "cp_plans.started": ("n", None),
    "cp_plans.neglect_initial": ("neglect", "n"),
    "cp_plans.second_or_subsequent": ("previous", "previous_recorded"),
    "training.sessions": ("sessions", None),
    "training.attended": ("attended", None),
    "training.attendance_rate": ("attended", "booked"),
    "training.confidence_uplift": ("uplift_sum", "uplift_n"),
    "audits.count": ("n", None),
    "audits.good_or_better": ("good", "graded"),
}

_ORDER = {m.id: i for i, m in enumerate(METRICS)}


def _q(column: str) -> str:
    """The quarter of a date, as the first day of that quarter (calendar quarters align with financial ones)."""
    return f"CAST(date_trunc('quarter', {column}) AS DATE)"


def _rollup(inner: str, sums: list[str]) -> str:
    """Sum a per-(quarter, group) aggregate per quarter (group NULL) and per group."""
    columns = ", ".join(f"CAST(sum({c}) AS BIGINT) AS {c}" for c in sums)
    return f"WITH per AS ({inner}) SELECT q, grp, {columns} FROM per GROUP BY GROUPING SETS ((q), (q, grp))"


def _contacts_sql(store: Store) -> str | None:
    first, last = store.rows("SELECT min(contact_date), max(contact_date) FROM contacts WHERE is_current")[0]
    if first is None:
        return None
    inner = f"""
        SELECT {_q('c.contact_date')} AS q, coalesce(c.source_group, 'unknown') AS grp,
               count(*) AS n,
               count(c.decision_date) AS decided,
               count(*) FILTER (c.decision_date <= w.next_working_day) AS within_1wd,
               count(*) FILTER (c.decision_date IS NULL) AS awaiting,
               count(c.outcome) AS with_outcome,
               count(*) FILTER (c.outcome IN ('Referral', 'Strategy discussion')) AS to_referral,
               count(c.neglect) AS neglect_recorded,
               count(*) FILTER (c.neglect = 'Yes') AS neglect_yes
        FROM contacts c
        JOIN ({next_working_day_sql(first, last)}) w ON w.day = c.contact_date
        WHERE c.is_current
        GROUP BY ALL
    """
    return _rollup(inner, ["n", "decided", "within_1wd", "awaiting", "with_outcome", "to_referral",
                           "neglect_recorded", "neglect_yes"])


def _referrals_sql(store: Store) -> str:
    # ``previous`` is the child's latest referral day strictly before this one (the frame stops a day
    # before it), so a second referral on the same day is not a re-referral of the first. Days are
    # integers, and NFA a 1/0 flag, to keep the window's sort and payload small (ordering by DATE with an
    # INTERVAL frame makes DuckDB sort on timestamps).
    day = "CAST(referral_date - DATE '1900-01-01' AS INTEGER)"
    return f"""
        WITH flagged AS (
            SELECT {day} AS day, CAST(CASE nfa WHEN 'Yes' THEN 1 WHEN 'No' THEN 0 END AS TINYINT) AS nfa,
                   max({day}) OVER (PARTITION BY child_key ORDER BY {day}
                                    RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous
            FROM referrals WHERE is_current
        )
        SELECT {_q("DATE '1900-01-01' + day")} AS q, NULL AS grp, count(*) AS n,
               count(*) FILTER (previous >= day - 365) AS rereferrals,
               count(nfa) AS nfa_recorded, count(*) FILTER (nfa = 1) AS nfa_yes
        FROM flagged GROUP BY q
    """


def _cp_plans_sql(store: Store) -> str:
    return f"""
        SELECT {_q('plan_start')} AS q, NULL AS grp, count(*) AS n,
               count(*) FILTER (initial_category = 'Neglect') AS neglect,
               count(previous_plans) AS previous_recorded,
               count(*) FILTER (previous_plans >= 1) AS previous
        FROM cp_plans WHERE is_current GROUP BY q
    """


def _training_sql(store: Store) -> str:
    both = "attended = 'Yes' AND confidence_pre IS NOT NULL AND confidence_post IS NOT NULL"
    # A session is its ID, else its course and date; distinct counts do not add up, so no rollup here.
    return f"""
        SELECT {_q('session_date')} AS q, agency AS grp,
               count(DISTINCT CASE WHEN session_id IS NOT NULL THEN 'id:' || session_id
                                   ELSE 'cd:' || course || '|' || CAST(session_date AS VARCHAR) END) AS sessions,
               count(*) AS booked,
               count(*) FILTER (attended = 'Yes') AS attended,
               count(*) FILTER ({both}) AS uplift_n,
               CAST(coalesce(sum(CAST(confidence_post AS INTEGER) - confidence_pre) FILTER ({both}), 0)
                    AS BIGINT) AS uplift_sum
        FROM training WHERE is_current
        GROUP BY GROUPING SETS ((q), (q, agency))
    """


def _audits_sql(store: Store) -> str:
    inner = f"""
        SELECT {_q('audit_date')} AS q, agency AS grp, count(*) AS n,
               count(overall_grade) AS graded,
               count(*) FILTER (overall_grade IN ('Outstanding', 'Good')) AS good
        FROM audits WHERE is_current GROUP BY ALL
    """
    return _rollup(inner, ["n", "graded", "good"])


_AGGREGATES = {
    "contacts": _contacts_sql, "referrals": _referrals_sql, "cp_plans": _cp_plans_sql,
    "training": _training_sql, "audits": _audits_sql,
}


def _value_sql(unit: str, numerator: str, denominator: str | None) -> str:
    if denominator is None:
        return f"CAST({numerator} AS DOUBLE)"
    scale = "100.0 * " if unit == "%" else ""
    # 100 * num / den in that order, in doubles: 7 of 10 is exactly 70.0
    return f"CASE WHEN {denominator} > 0 THEN {scale}CAST({numerator} AS DOUBLE) / {denominator} END"


def _long_sql(aggregate: str, metrics: list[Metric]) -> str:
    """Unpivot the wide per-quarter aggregate into one row per metric, quarter and group."""
    selects = []
    for metric in metrics:
        num, den = PARTS[metric.id]
        rows = []
        if metric.overall:
            rows.append("grp IS NULL")
        if metric.groups:
            rows.append("grp IS NOT NULL")
        selects.append(
            f"SELECT {_ORDER[metric.id]} AS ord, '{metric.id}' AS metric, period, grp, "
            f"{_value_sql(metric.unit, num, den)} AS value, "
            f"{num} AS numerator, {den or 'NULL'} AS denominator FROM agg WHERE {' OR '.join(rows)}"
        )
    return f"""
        WITH agg AS MATERIALIZED (SELECT {quarter_label_sql('q')} AS period, * FROM ({aggregate}))
        SELECT metric, period, grp AS "group", value, CAST(numerator AS BIGINT) AS numerator,
               CAST(denominator AS BIGINT) AS denominator
        FROM ({' UNION ALL '.join(selects)})
        ORDER BY ord, period, "group" NULLS FIRST
    """


def _themes_sql() -> str:
    """Per quarter with audits, per theme found in current audits: Yes among Yes, Partly and No."""
    return f"""
        WITH a AS (
            SELECT submission_id, sheet, source_row, {_q('audit_date')} AS q FROM audits WHERE is_current
        ), j AS (
            SELECT a.q, t.theme_slug, t.judgement FROM audit_themes t JOIN a USING (submission_id, sheet, source_row)
        ), agg AS (
            SELECT q, theme_slug,
                   count(*) FILTER (judgement IN ('Yes', 'Partly', 'No')) AS judged,
                   count(*) FILTER (judgement = 'Yes') AS yes
            FROM j GROUP BY q, theme_slug
        ), quarters AS (SELECT DISTINCT q FROM a), themes AS (SELECT DISTINCT theme_slug FROM j)
        SELECT '{THEME_PREFIX}' || themes.theme_slug AS metric, {quarter_label_sql('quarters.q')} AS period,
               NULL AS "group",
               CASE WHEN agg.judged > 0 THEN 100.0 * CAST(agg.yes AS DOUBLE) / agg.judged END AS value,
               coalesce(agg.yes, 0) AS numerator, coalesce(agg.judged, 0) AS denominator
        FROM quarters CROSS JOIN themes
        LEFT JOIN agg ON agg.q = quarters.q AND agg.theme_slug = themes.theme_slug
        ORDER BY metric, period
    """


def _empty() -> pd.DataFrame:
    return pd.DataFrame({
        "metric": pd.Series(dtype=object), "period": pd.Series(dtype=object), "group": pd.Series(dtype=object),
        "value": pd.Series(dtype="float64"), "numerator": pd.Series(dtype="Int64"),
        "denominator": pd.Series(dtype="Int64"),
    })


def _tidy(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    if not frames:
        return _empty()
    frame = pd.concat(frames, ignore_index=True)
    out = pd.DataFrame({
        "metric": frame["metric"].astype(object),
        "period": frame["period"].astype(object),
        "group": frame["group"].astype(object).where(frame["group"].notna(), None),
        "value": frame["value"].astype("float64"),
        "numerator": frame["numerator"].astype("Int64"),
        "denominator": frame["denominator"].astype("Int64"),
    })
    return out


def _compute_dataset(store: Store, dataset: str) -> list[pd.DataFrame]:
    frames = []
    aggregate = _AGGREGATES[dataset](store)
    if aggregate is not None:
        frames.append(store.query(_long_sql(aggregate, [m for m in METRICS if m.dataset == dataset])))
    if dataset == "audits":
        frames.append(store.query(_themes_sql()))
    return frames


def compute_dataset(store: Store, dataset: str) -> pd.DataFrame:
    """Every metric of one dataset (contacts, referrals, cp_plans, training, audits), as in ``compute_all``."""
    return _tidy(_compute_dataset(store, dataset))


def compute_all(store: Store) -> pd.DataFrame:
    """Every metric for every quarter with rows: columns metric, period, group, value, numerator, denominator.

    ``group`` is None for the overall value; percentages are 0-100, unrounded; a value is NaN when its
    denominator is 0. Counts have no denominator. Rows are in registry order, then quarter, overall first.
    """
    return _tidy([frame for dataset in _AGGREGATES for frame in _compute_dataset(store, dataset)])


def compute(store: Store, metric_id: str) -> pd.DataFrame:
    """One metric's rows, as in ``compute_all``. Unknown ids raise KeyError."""
    if metric_id in PARTS:
        dataset = metric_id.split(".")[0]
    elif metric_id.startswith(THEME_PREFIX):
        dataset = "audits"
    else:
        raise KeyError(f"unknown metric {metric_id!r}")
    frame = _tidy(_compute_dataset(store, dataset))
    return frame[frame["metric"] == metric_id].reset_index(drop=True)


def theme_metrics(store: Store) -> list[Metric]:
    """One metric per audit theme present in current audits."""
    found = store.rows("""
        SELECT t.theme_slug, mode(t.theme)
        FROM audit_themes t JOIN audits a USING (submission_id, sheet, source_row)
        WHERE a.is_current GROUP BY t.theme_slug ORDER BY t.theme_slug
    """)
    return [theme_metric(slug, title) for slug, title in found]


def all_metrics(store: Store) -> list[Metric]:
    """The declared metrics followed by the audit theme metrics found in the data."""
    return [*METRICS, *theme_metrics(store)]
