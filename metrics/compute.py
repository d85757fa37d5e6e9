"""Compute every metric for every financial quarter that has current rows, in DuckDB.

One query per dataset: conditional counts in a single pass over the rows, grouped by quarter and by
the breakdown (then rolled up to the quarter with GROUPING SETS over the small aggregate), unpivoted
to one row per metric, quarter and group. Python only stacks the few hundred result rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import pandas as pd

from loaders.codes import GOOD_GRADES, JUDGED, REFERRAL_OUTCOMES, sql_list
from loaders.periods import quarter_label_sql
from loaders.store import Store
from metrics import registry
from metrics.registry import THEME_PREFIX, Metric, theme_metric
from metrics.workdays import next_working_day_sql, working_day_index_sql

COLUMNS = ["metric", "period", "group", "value", "numerator", "denominator"]

_BOTH_SCORES = "attended = 'Yes' AND confidence_pre IS NOT NULL AND confidence_post IS NOT NULL"

# Each dataset's aggregate columns: name -> a DuckDB aggregate over the current rows of one quarter (and
# group), in the terms of that dataset's query below (contacts as ``c`` beside its next working day ``w``;
# referrals with each one's ``day``, ``previous`` referral day and ``nfa`` flag). A metric's ``parts``
# (metrics/registry.py) name its numerator and denominator among these: a new metric needs a new entry
# here only when no existing column counts what it counts.
AGGREGATES: dict[str, dict[str, str]] = {
    "contacts": {
        "n": "count(*)",
        "decided": "count(c.decision_date)",
        "within_1wd": "count(*) FILTER (c.decision_date <= w.next_working_day)",
        "awaiting": "count(*) FILTER (c.decision_date IS NULL)",
        "with_outcome": "count(c.outcome)",
        "to_referral": f"count(*) FILTER (c.outcome IN ({sql_list(REFERRAL_OUTCOMES)}))",
        "neglect_recorded": "count(c.neglect)",
        "neglect_yes": "count(*) FILTER (c.neglect = 'Yes')",
    },
    "referrals": {
        "n": "count(*)",
        "rereferrals": "count(*) FILTER (previous >= day - 365)",
        "nfa_recorded": "count(nfa)",
        "nfa_yes": "count(*) FILTER (nfa = 1)",
        "from_police": "count(*) FILTER (source_code = '6')",
        "from_health": "count(*) FILTER (source_code IN ('3A', '3B', '3C', '3D', '3E', '3F'))",
        "from_schools": "count(*) FILTER (source_code = '2A')",
    },
    "cp_plans": {
        "n": "count(*)",
        "neglect": "count(*) FILTER (initial_category = 'Neglect')",
        "previous_recorded": "count(previous_plans)",
        "previous": "count(*) FILTER (previous_plans >= 1)",
    },
    # Annex A list 4: each assessment once, in the quarter of its authorisation (``wd_taken``: working days
    # from its start to its authorisation).
    "assessments": {
        "authorised": "count(*)",
        "within_45wd": "count(*) FILTER (wd_taken <= 45)",
    },
    # Annex A list 5: each enquiry in the quarter of its strategy discussion (``kind`` 's47') and, when an ICPC
    # was held, again in the quarter of the ICPC (``kind`` 'icpc', with ``wd_taken`` from the discussion).
    "s47_enquiries": {
        "started": "count(*) FILTER (kind = 's47')",
        "concluded": "count(*) FILTER (kind = 's47' AND (icpc_date IS NOT NULL OR icpc_unnecessary = 'Yes'))",
        "to_icpc": "count(*) FILTER (kind = 's47' AND icpc_date IS NOT NULL)",
        "icpcs": "count(*) FILTER (kind = 'icpc')",
        "icpc_within_15wd": "count(*) FILTER (kind = 'icpc' AND wd_taken <= 15)",
        "icpc_outcome": "count(*) FILTER (kind = 'icpc' AND icpc_plan IS NOT NULL)",
        "icpc_to_plan": "count(*) FILTER (kind = 'icpc' AND icpc_plan = 'Yes')",
    },
    "training": {
        # A session is its ID, else its course and date.
        "sessions": "count(DISTINCT CASE WHEN session_id IS NOT NULL THEN 'id:' || session_id "
                    "ELSE 'cd:' || course || '|' || CAST(session_date AS VARCHAR) END)",
        "booked": "count(*)",
        "attended": "count(*) FILTER (attended = 'Yes')",
        "uplift_n": f"count(*) FILTER ({_BOTH_SCORES})",
        "uplift_sum": "CAST(coalesce(sum(CAST(confidence_post AS INTEGER) - confidence_pre) "
                      f"FILTER ({_BOTH_SCORES}), 0) AS BIGINT)",
    },
    "audits": {
        "n": "count(*)",
        "graded": "count(overall_grade)",
        "good": f"count(*) FILTER (overall_grade IN ({sql_list(GOOD_GRADES)}))",
    },
}


def _aggregates(dataset: str) -> str:
    return ", ".join(f"{sql} AS {name}" for name, sql in AGGREGATES[dataset].items())


# The period every query groups by: 'quarter' (financial quarters, the default) or 'month' (calendar months,
# for SPC charts, issue 15). It is the ONLY difference between the two, so the monthly series comes from the
# same declarations and SQL as the quarterly one, and a dataset query added above gets months for free as
# long as it groups by ``_q(...)``. A context variable rather than a parameter of every query function, so
# each function keeps its ``(store)`` signature; ``_periods("month")`` sets it for one computation.
_GRAIN: ContextVar[str] = ContextVar("grain", default="quarter")
GRAINS = ("quarter", "month")


@contextmanager
def _periods(grain: str) -> Iterator[None]:
    if grain not in GRAINS:
        raise ValueError(f"period {grain!r} is not one of {', '.join(GRAINS)}")
    token = _GRAIN.set(grain)
    try:
        yield
    finally:
        _GRAIN.reset(token)


def _q(column: str) -> str:
    """The period of a date, as its first day: the quarter (calendar quarters align with financial ones) or,
    inside ``_periods("month")``, the calendar month."""
    return f"CAST(date_trunc('{_GRAIN.get()}', {column}) AS DATE)"


def _label(date_expr: str) -> str:
    """The period's label: ``2025-26 Q1`` for a quarter, ``2025-06`` for a month."""
    if _GRAIN.get() == "month":
        return f"strftime({date_expr}, '%Y-%m')"
    return quarter_label_sql(date_expr)


def _rollup(inner: str, dataset: str) -> str:
    """Sum a per-(quarter, group) aggregate per quarter (group NULL) and per group."""
    columns = ", ".join(f"CAST(sum({c}) AS BIGINT) AS {c}" for c in AGGREGATES[dataset])
    return f"WITH per AS ({inner}) SELECT q, grp, {columns} FROM per GROUP BY GROUPING SETS ((q), (q, grp))"


def _contacts_sql(store: Store) -> str | None:
    first, last = store.rows("SELECT min(contact_date), max(contact_date) FROM contacts WHERE is_current")[0]
    if first is None:
        return None
    inner = f"""
        SELECT {_q('c.contact_date')} AS q, coalesce(c.source_group, 'unknown') AS grp, {_aggregates("contacts")}
        FROM contacts c
        JOIN ({next_working_day_sql(first, last)}) w ON w.day = c.contact_date
        WHERE c.is_current
        GROUP BY ALL
    """
    return _rollup(inner, "contacts")


def _referrals_sql(store: Store) -> str:
    # ``previous`` is the child's latest referral day strictly before this one (the frame stops a day
    # before it), so a second referral on the same day is not a re-referral of the first. Days are
    # integers, and NFA a 1/0 flag, to keep the window's sort and payload small (ordering by DATE with an
    # INTERVAL frame makes DuckDB sort on timestamps).
    day = "CAST(referral_date - DATE '1900-01-01' AS INTEGER)"
    return f"""
        WITH flagged AS (
            SELECT {day} AS day, CAST(CASE nfa WHEN 'Yes' THEN 1 WHEN 'No' THEN 0 END AS TINYINT) AS nfa, source_code,
                   max({day}) OVER (PARTITION BY child_key ORDER BY {day}
                                    RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous
            FROM referrals WHERE is_current
        )
        SELECT {_q("DATE '1900-01-01' + day")} AS q, NULL AS grp, {_aggregates("referrals")}
        FROM flagged GROUP BY q
    """


def _cp_plans_sql(store: Store) -> str:
    return f"""
        SELECT {_q('plan_start')} AS q, NULL AS grp, {_aggregates("cp_plans")}
        FROM cp_plans WHERE is_current GROUP BY q
    """


def _training_sql(store: Store) -> str:
    # Distinct sessions do not add up, so no rollup here: each grouping set counts them afresh.
    return f"""
        SELECT {_q('session_date')} AS q, agency AS grp, {_aggregates("training")}
        FROM training WHERE is_current
        GROUP BY GROUPING SETS ((q), (q, agency))
    """


def _audits_sql(store: Store) -> str:
    inner = f"""
        SELECT {_q('audit_date')} AS q, agency AS grp, {_aggregates("audits")}
        FROM audits WHERE is_current GROUP BY ALL
    """
    return _rollup(inner, "audits")


def _days_sql(store: Store, table: str, start: str, end: str) -> str | None:
    """The working-day index over every date of ``start`` and ``end`` in the table's current rows."""
    first, last = store.rows(f"SELECT least(min({start}), min({end})), greatest(max({start}), max({end})) "
                             f"FROM {table} WHERE is_current")[0]
    return None if first is None else working_day_index_sql(first, last)


def _assessments_sql(store: Store) -> str | None:
    days = _days_sql(store, "assessments", "assessment_start", "authorised_date")
    if days is None:
        return None
    return f"""
        WITH wd AS ({days})
        SELECT {_q('a.authorised_date')} AS q, NULL AS grp, {_aggregates("assessments")}
        FROM (SELECT a.authorised_date, e.wd - s.wd AS wd_taken FROM assessments a
              JOIN wd s ON s.day = a.assessment_start JOIN wd e ON e.day = a.authorised_date
              WHERE a.is_current) a
        GROUP BY q
    """


def _s47_sql(store: Store) -> str | None:
    days = _days_sql(store, "s47_enquiries", "strategy_date", "icpc_date")
    if days is None:
        return None
    return f"""
        WITH wd AS ({days}),
        events AS (
            SELECT strategy_date AS day, 's47' AS kind, icpc_date, icpc_unnecessary, icpc_plan, NULL AS wd_taken
            FROM s47_enquiries WHERE is_current
            UNION ALL
            SELECT x.icpc_date, 'icpc', x.icpc_date, x.icpc_unnecessary, x.icpc_plan, e.wd - s.wd
            FROM s47_enquiries x JOIN wd s ON s.day = x.strategy_date JOIN wd e ON e.day = x.icpc_date
            WHERE x.is_current)
        SELECT {_q('day')} AS q, NULL AS grp, {_aggregates("s47_enquiries")}
        FROM events GROUP BY q
    """


# Each dataset's query: one row per quarter and group (group NULL for the quarter), one column per aggregate.
_QUERIES = {
    "contacts": _contacts_sql, "referrals": _referrals_sql, "cp_plans": _cp_plans_sql,
    "training": _training_sql, "audits": _audits_sql, "assessments": _assessments_sql, "s47_enquiries": _s47_sql,
}


def _value_sql(unit: str, numerator: str, denominator: str | None) -> str:
    if denominator is None:
        return f"CAST({numerator} AS DOUBLE)"
    scale = "100.0 * " if unit == "%" else ""
    # 100 * num / den in that order, in doubles: 7 of 10 is exactly 70.0
    return f"CASE WHEN {denominator} > 0 THEN {scale}CAST({numerator} AS DOUBLE) / {denominator} END"


def _long_sql(aggregate: str, metrics: list[Metric]) -> str:
    """Unpivot the wide per-quarter aggregate into one row per metric, quarter and group."""
    order = {m.id: i for i, m in enumerate(registry.METRICS)}
    selects = []
    for metric in metrics:
        num, den = _parts(metric)
        rows = []
        if metric.overall:
            rows.append("grp IS NULL")
        if metric.groups:
            rows.append("grp IS NOT NULL")
        selects.append(
            f"SELECT {order[metric.id]} AS ord, '{metric.id}' AS metric, period, grp, "
            f"{_value_sql(metric.unit, num, den)} AS value, "
            f"{num} AS numerator, {den or 'NULL'} AS denominator FROM agg WHERE {' OR '.join(rows)}"
        )
    return f"""
        WITH agg AS MATERIALIZED (SELECT {_label('q')} AS period, * FROM ({aggregate}))
        SELECT metric, period, grp AS "group", value, CAST(numerator AS BIGINT) AS numerator,
               CAST(denominator AS BIGINT) AS denominator
        FROM ({' UNION ALL '.join(selects)})
        ORDER BY ord, period, "group" NULLS FIRST
    """


def _parts(metric: Metric) -> tuple[str, str | None]:
    """The metric's numerator and denominator columns, checked against its dataset's aggregates."""
    columns = AGGREGATES.get(metric.dataset, {})
    if metric.parts is None or any(p is not None and p not in columns for p in metric.parts):
        raise KeyError(f"metric {metric.id!r}: parts {metric.parts!r} are not aggregate columns of "
                       f"{metric.dataset!r} ({', '.join(columns)}); see metrics.compute.AGGREGATES")
    return metric.parts


def _themes_sql() -> str:
    """Per quarter with audits, per theme found in current audits: Yes among Yes, Partly and No."""
    return f"""
        WITH a AS (
            SELECT submission_id, sheet, source_row, {_q('audit_date')} AS q FROM audits WHERE is_current
        ), j AS (
            SELECT a.q, t.theme_slug, t.judgement FROM audit_themes t JOIN a USING (submission_id, sheet, source_row)
        ), agg AS (
            SELECT q, theme_slug,
                   count(*) FILTER (judgement IN ({sql_list(JUDGED)})) AS judged,
                   count(*) FILTER (judgement = 'Yes') AS yes
            FROM j GROUP BY q, theme_slug
        ), quarters AS (SELECT DISTINCT q FROM a), themes AS (SELECT DISTINCT theme_slug FROM j)
        SELECT '{THEME_PREFIX}' || themes.theme_slug AS metric, {_label('quarters.q')} AS period,
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
    aggregate = _QUERIES[dataset](store)
    metrics = registry.declared(dataset)
    if aggregate is not None and metrics:
        frames.append(store.query(_long_sql(aggregate, metrics)))
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
    return _tidy([frame for dataset in _QUERIES for frame in _compute_dataset(store, dataset)])


def compute_monthly(store: Store, datasets: list[str] | None = None) -> pd.DataFrame:
    """Every metric per calendar month (period ``YYYY-MM``), as ``compute_all`` does per quarter: the same
    declarations and SQL, grouped by month. ``datasets``: only these (default every dataset with a query; a
    dataset without one, such as the action plan, has no months). A quarter's counts are the sum of its months';
    its rates recompute from their summed parts."""
    chosen = [d for d in (datasets or _QUERIES) if d in _QUERIES]
    with _periods("month"):
        return _tidy([frame for dataset in chosen for frame in _compute_dataset(store, dataset)])


def compute(store: Store, metric_id: str) -> pd.DataFrame:
    """One metric's rows, as in ``compute_all``. Unknown ids raise KeyError."""
    metric = registry.get(metric_id)
    if metric is None:
        raise KeyError(f"unknown metric {metric_id!r}")
    frame = _tidy(_compute_dataset(store, metric.dataset))
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
    return [*registry.METRICS, *theme_metrics(store)]
