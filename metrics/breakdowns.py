"""Breakdowns the data pages show that the registered metrics do not: the mix of MASH outcomes, conversion
to referral by source, audit grades by quarter, and delegates' confidence before, after and at follow-up.

Each ``*(store)`` function is one aggregate query in DuckDB over current rows only (``WHERE is_current``),
returning a small table by financial quarter (``2025-26 Q1``). The pure pandas functions below them pool
those small tables over the quarters and agency a page has chosen: sums first, then ratios, so a
percentage over several quarters is weighted by its denominator, never an average of percentages.

Never imports streamlit: the pages wrap these in their cached helpers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from loaders.codes import GRADE, REFERRAL_OUTCOMES
from loaders.periods import quarter_label_sql
from loaders.store import Store

NOT_RECORDED = "Not recorded"

# MASH outcomes in the order a chair reads them: most to least intervention.
OUTCOME_ORDER = ("Strategy discussion", "Referral", "Early help", "Advice", "NFA", "Other", NOT_RECORDED)
OUTCOME_LABELS = {"NFA": "No further action", "Advice": "Information and advice"}

# Best first, as the code set declares them.
GRADE_ORDER = tuple(GRADE.canonical)
NOT_GRADED = "Not graded"

# Source groups as the children in need census groups them (see loaders.codes.SOURCE_GROUPS).
SOURCE_GROUP_LABELS = {
    "police": "Police",
    "health": "Health",
    "education": "Education",
    "la_services": "Local authority services",
    "legal_probation": "Courts, probation and other legal",
    "housing": "Housing",
    "individual": "Individuals and family",
    "anonymous": "Anonymous",
    "other": "Other",
    "unknown": "Unknown",
}

STAGES = ("Before the course", "Straight after", "6-8 weeks later")


def source_label(group: object) -> str:
    """``la_services`` -> ``Local authority services``; anything unknown is shown as it is."""
    if group is None or (isinstance(group, float) and np.isnan(group)):
        return SOURCE_GROUP_LABELS["unknown"]
    return SOURCE_GROUP_LABELS.get(str(group), str(group).replace("_", " ").capitalize())


# --- queries (one scan each) ------------------------------------------------------------------

def contact_outcomes(store: Store) -> pd.DataFrame:
    """Current contacts per quarter, source group and MASH outcome.

    Columns: period, source_group, outcome (``Not recorded`` when blank), contacts.
    """
    return store.query(f"""
        WITH per AS (
            SELECT CAST(date_trunc('quarter', contact_date) AS DATE) AS q,
                   coalesce(source_group, 'unknown') AS source_group,
                   coalesce(outcome, ?) AS outcome, count(*) AS contacts
            FROM contacts WHERE is_current GROUP BY ALL
        )
        SELECT {quarter_label_sql('q')} AS period, source_group, outcome, CAST(contacts AS BIGINT) AS contacts
        FROM per ORDER BY q, source_group, outcome
    """, [NOT_RECORDED])


def audit_grades(store: Store) -> pd.DataFrame:
    """Current audit rows per quarter, agency and overall grade.

    Columns: period, agency, grade (``Not graded`` when blank), audits.
    """
    return store.query(f"""
        WITH per AS (
            SELECT CAST(date_trunc('quarter', audit_date) AS DATE) AS q, agency,
                   coalesce(overall_grade, ?) AS grade, count(*) AS audits
            FROM audits WHERE is_current GROUP BY ALL
        )
        SELECT {quarter_label_sql('q')} AS period, agency, grade, CAST(audits AS BIGINT) AS audits
        FROM per ORDER BY q, agency, grade
    """, [NOT_GRADED])


def confidence_sums(store: Store) -> pd.DataFrame:
    """Confidence scores of delegates who attended and gave a score both before and straight after the
    course, per quarter, delegate agency and course, as sums and counts (so any pooling stays exact).

    Columns: period, agency, course, delegates (with both scores), pre_sum, post_sum,
    followup_n (of those, how many also answered 6-8 weeks later), followup_sum.
    """
    return store.query(f"""
        WITH per AS (
            SELECT CAST(date_trunc('quarter', session_date) AS DATE) AS q, agency, course,
                   count(*) AS delegates,
                   sum(confidence_pre) AS pre_sum,
                   sum(confidence_post) AS post_sum,
                   count(confidence_followup) AS followup_n,
                   coalesce(sum(confidence_followup), 0) AS followup_sum
            FROM training
            WHERE is_current AND attended = 'Yes'
              AND confidence_pre IS NOT NULL AND confidence_post IS NOT NULL
            GROUP BY ALL
        )
        SELECT {quarter_label_sql('q')} AS period, agency, course,
               CAST(delegates AS BIGINT) AS delegates, CAST(pre_sum AS BIGINT) AS pre_sum,
               CAST(post_sum AS BIGINT) AS post_sum, CAST(followup_n AS BIGINT) AS followup_n,
               CAST(followup_sum AS BIGINT) AS followup_sum
        FROM per ORDER BY q, agency, course
    """)


# --- pooling (pure pandas on the small tables above) ------------------------------------------

def _pct(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    num = numerator.astype("float64")
    den = denominator.astype("float64")
    return (100.0 * num / den.where(den > 0)).astype("float64")


def outcome_mix(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Contacts per quarter and outcome (all sources), in ``OUTCOME_ORDER``, with each outcome's share.

    Columns: period, outcome (readable), contacts, share (% of the quarter's contacts).
    """
    if outcomes.empty:
        return pd.DataFrame({"period": [], "outcome": [], "contacts": [], "share": []})
    mix = outcomes.groupby(["period", "outcome"], as_index=False, sort=False)["contacts"].sum()
    totals = mix.groupby("period")["contacts"].transform("sum")
    mix["share"] = _pct(mix["contacts"], totals)
    rank = {name: i for i, name in enumerate(OUTCOME_ORDER)}
    mix["_rank"] = mix["outcome"].map(rank).fillna(len(rank))
    mix = mix.sort_values(["period", "_rank", "outcome"]).drop(columns="_rank")
    mix["outcome"] = mix["outcome"].map(lambda o: OUTCOME_LABELS.get(o, o))
    return mix.reset_index(drop=True)


def outcome_labels() -> list[str]:
    """The readable outcomes in display order (for a stacked chart's legend)."""
    return [OUTCOME_LABELS.get(o, o) for o in OUTCOME_ORDER]


def referral_conversion(outcomes: pd.DataFrame, by_period: bool = True) -> pd.DataFrame:
    """Of contacts with an outcome recorded, the % whose outcome counts as a referral (Referral or Strategy
    discussion: ``loaders.codes.REFERRAL_OUTCOMES``), by source group (as ``contacts.to_referral``, by source).

    Columns: [period,] source_group (readable), to_referral, with_outcome, value (%; NaN when no outcome
    was recorded). ``by_period=False`` pools every quarter in ``outcomes``.
    """
    keys = ["period", "source_group"] if by_period else ["source_group"]
    if outcomes.empty:
        return pd.DataFrame({k: [] for k in [*keys, "to_referral", "with_outcome", "value"]})
    frame = outcomes.assign(
        with_outcome=np.where(outcomes["outcome"] != NOT_RECORDED, outcomes["contacts"], 0),
        to_referral=np.where(outcomes["outcome"].isin(REFERRAL_OUTCOMES), outcomes["contacts"], 0),
    )
    pooled = frame.groupby(keys, as_index=False)[["to_referral", "with_outcome"]].sum()
    pooled["value"] = _pct(pooled["to_referral"], pooled["with_outcome"])
    pooled["source_group"] = pooled["source_group"].map(source_label)
    return pooled.reset_index(drop=True)


def grade_mix(grades: pd.DataFrame, agency: str | None = None) -> pd.DataFrame:
    """Audit rows per quarter and grade (one agency's, or all), in ``GRADE_ORDER`` then Not graded.

    Columns: period, grade, audits, share (% of the quarter's audit rows).
    """
    if agency:
        grades = grades[grades["agency"] == agency]
    if grades.empty:
        return pd.DataFrame({"period": [], "grade": [], "audits": [], "share": []})
    mix = grades.groupby(["period", "grade"], as_index=False)["audits"].sum()
    mix["share"] = _pct(mix["audits"], mix.groupby("period")["audits"].transform("sum"))
    rank = {name: i for i, name in enumerate((*GRADE_ORDER, NOT_GRADED))}
    mix["_rank"] = mix["grade"].map(rank).fillna(len(rank))
    return mix.sort_values(["period", "_rank"]).drop(columns="_rank").reset_index(drop=True)


def confidence_means(sums: pd.DataFrame, by: str) -> pd.DataFrame:
    """Mean confidence (1 low to 5 high) before, straight after and 6-8 weeks after the course, pooled over
    every row of ``sums`` (``confidence_sums``' output, already cut to the chosen quarters and agency) by
    ``by`` (``"agency"`` or ``"course"``). The follow-up stage appears only where someone answered it.

    Columns: <by>, stage (``STAGES``), mean, delegates (the number of delegates behind the mean).
    """
    if by not in ("agency", "course"):
        raise ValueError(f"confidence can be broken down by agency or course, not {by!r}")
    if sums.empty:
        return pd.DataFrame({by: [], "stage": [], "mean": [], "delegates": []})
    pooled = sums.groupby(by, as_index=False)[["delegates", "pre_sum", "post_sum", "followup_n", "followup_sum"]].sum()
    parts = []
    for stage, total, count in zip(STAGES, ("pre_sum", "post_sum", "followup_sum"),
                                   ("delegates", "delegates", "followup_n"), strict=True):
        part = pooled[[by]].assign(stage=stage, mean=pooled[total] / pooled[count].where(pooled[count] > 0),
                                   delegates=pooled[count])
        parts.append(part[part["delegates"] > 0])
    frame = pd.concat(parts, ignore_index=True)
    frame["mean"] = frame["mean"].astype("float64")
    frame["delegates"] = frame["delegates"].astype("int64")
    stage_rank = {s: i for i, s in enumerate(STAGES)}
    frame = frame.assign(_s=frame["stage"].map(stage_rank)).sort_values([by, "_s"]).drop(columns="_s")
    return frame.reset_index(drop=True)


def pool_by_group(values: pd.DataFrame, unit: str, groups: Sequence[str] | None = None) -> pd.DataFrame:
    """A metric's rows by group (``metric_values`` rows for several quarters) pooled into one value per
    group: counts summed; percentages and scores as summed numerator over summed denominator.

    Columns: group, value, numerator, denominator, quarters (how many quarters were pooled).
    """
    rows = values[values["group"].notna()]
    if groups is not None:
        rows = rows[rows["group"].isin(list(groups))]
    if rows.empty:
        return pd.DataFrame({"group": [], "value": [], "numerator": [], "denominator": [], "quarters": []})
    pooled = rows.groupby("group", as_index=False).agg(
        numerator=("numerator", "sum"), denominator=("denominator", "sum"), quarters=("period", "nunique"))
    num = pooled["numerator"].astype("float64")
    den = pooled["denominator"].astype("float64")
    if unit == "count":
        pooled["value"] = num
        pooled["denominator"] = pd.array([pd.NA] * len(pooled), dtype="Int64")
    else:
        pooled["value"] = ((100.0 * num if unit == "%" else num) / den.where(den > 0)).astype("float64")
    return pooled[["group", "value", "numerator", "denominator", "quarters"]]
