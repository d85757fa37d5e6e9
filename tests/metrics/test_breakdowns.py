"""The breakdowns behind the data pages: outcome mix, conversion to referral by source, audit grades and
confidence before/after/follow-up, from hand-built current rows."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from metrics import breakdowns as b
from metrics.compute import compute
from tests.metrics.helpers import add_rows, contact, plain, withdraw


def delegate(day: str, agency: str = "Health", course: str = "Neglect basics", attended: str = "Yes",
             pre: int | None = None, post: int | None = None, followup: int | None = None) -> dict:
    return {"session_date": dt.date.fromisoformat(day), "course": course, "agency": agency, "attended": attended,
            "confidence_pre": pre, "confidence_post": post, "confidence_followup": followup}


def audit(day: str, grade: str | None, agency: str = "Police", audit_id: str = "A1") -> dict:
    return {"audit_id": audit_id, "audit_date": dt.date.fromisoformat(day), "agency": agency, "overall_grade": grade}


def records(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(plain(v) if not isinstance(v, str) else v for v in row) for row in frame.itertuples(index=False)]


# --- empty database ------------------------------------------------------------------------------

def test_empty_database_gives_empty_frames(store):
    outcomes, grades, sums = b.contact_outcomes(store), b.audit_grades(store), b.confidence_sums(store)
    assert outcomes.empty and grades.empty and sums.empty
    assert b.outcome_mix(outcomes).empty
    assert b.referral_conversion(outcomes).empty
    assert b.grade_mix(grades).empty
    assert b.confidence_means(sums, "agency").empty
    assert list(b.confidence_means(sums, "course").columns) == ["course", "stage", "mean", "delegates"]


# --- contacts: outcomes and conversion by source -------------------------------------------------

def test_contact_outcomes_counts_by_quarter_source_and_outcome(store):
    add_rows(store, "contacts", [
        contact("2025-04-07", source="6", outcome="Referral"),
        contact("2025-04-08", source="6", outcome="Referral"),
        contact("2025-04-09", source="3A", outcome="NFA"),
        contact("2025-07-01", source="2A", outcome=None),
    ])
    assert records(b.contact_outcomes(store)) == [
        ("2025-26 Q1", "health", "NFA", 1),
        ("2025-26 Q1", "police", "Referral", 2),
        ("2025-26 Q2", "education", "Not recorded", 1),
    ]


def test_outcome_mix_orders_outcomes_and_gives_shares(store):
    add_rows(store, "contacts", [
        contact("2025-04-07", outcome="NFA"), contact("2025-04-07", outcome="Strategy discussion"),
        contact("2025-04-07", outcome="Advice"), contact("2025-04-07", outcome=None),
    ])
    mix = b.outcome_mix(b.contact_outcomes(store))
    assert list(mix["outcome"]) == ["Strategy discussion", "Information and advice", "No further action", "Not recorded"]
    assert list(mix["contacts"]) == [1, 1, 1, 1]
    assert list(mix["share"]) == [25.0, 25.0, 25.0, 25.0]


def test_conversion_by_source_is_referral_or_strategy_among_outcomes_recorded(store):
    add_rows(store, "contacts", [
        contact("2025-04-07", source="6", outcome="Referral"),
        contact("2025-04-07", source="6", outcome="Strategy discussion"),
        contact("2025-04-07", source="6", outcome="Early help"),
        contact("2025-04-07", source="6", outcome=None),          # no outcome: left out of the denominator
        contact("2025-04-07", source="3B", outcome="Advice"),
        contact("2025-04-07", source="9", outcome=None),          # only unrecorded outcomes: no value
    ])
    conversion = b.referral_conversion(b.contact_outcomes(store)).set_index("source_group")
    assert conversion.loc["Police", "value"] == pytest.approx(200 / 3)
    assert (plain(conversion.loc["Police", "to_referral"]), plain(conversion.loc["Police", "with_outcome"])) == (2, 3)
    assert conversion.loc["Health", "value"] == 0.0
    assert pd.isna(conversion.loc["Anonymous", "value"])


def test_conversion_overall_matches_the_registered_metric(store):
    add_rows(store, "contacts", [
        contact("2025-04-07", source="6", outcome="Referral"), contact("2025-04-07", source="2A", outcome="NFA"),
        contact("2025-05-07", source="4", outcome="Strategy discussion"), contact("2025-05-07", source="4"),
    ])
    conversion = b.referral_conversion(b.contact_outcomes(store))
    pooled = conversion.groupby("period")[["to_referral", "with_outcome"]].sum()
    metric = compute(store, "contacts.to_referral").set_index("period")
    for period, row in pooled.iterrows():
        assert plain(metric.loc[period, "numerator"]) == row["to_referral"]
        assert plain(metric.loc[period, "denominator"]) == row["with_outcome"]


def test_conversion_pools_quarters_by_summing_first(store):
    add_rows(store, "contacts", [
        contact("2025-04-07", outcome="Referral"),                                   # Q1: 1 of 1
        *[contact("2025-07-07", outcome="NFA") for _ in range(3)],                   # Q2: 0 of 3
    ])
    pooled = b.referral_conversion(b.contact_outcomes(store), by_period=False)
    assert list(pooled["value"]) == [25.0]   # 1 of 4, not the mean of 100% and 0%


def test_withdrawn_rows_are_left_out(store):
    sid = add_rows(store, "contacts", [contact("2025-04-07", outcome="Referral")])
    add_rows(store, "contacts", [contact("2025-04-08", outcome="NFA")])
    withdraw(store, sid)
    assert records(b.contact_outcomes(store)) == [("2025-26 Q1", "police", "NFA", 1)]


def test_source_labels():
    assert b.source_label("la_services") == "Local authority services"
    assert b.source_label(None) == "Unknown"
    assert b.source_label("something_new") == "Something new"


# --- audits --------------------------------------------------------------------------------------

def test_audit_grades_by_quarter_in_ofsted_order(store):
    add_rows(store, "audits", [
        audit("2025-04-10", "Inadequate"), audit("2025-04-11", "Good", audit_id="A2"),
        audit("2025-04-12", "Outstanding", audit_id="A3"), audit("2025-04-13", "Good", agency="Health"),
        audit("2025-10-01", "Requires improvement", audit_id="A4"),
    ])
    mix = b.grade_mix(b.audit_grades(store))
    assert records(mix[["period", "grade", "audits"]]) == [
        ("2025-26 Q1", "Outstanding", 1), ("2025-26 Q1", "Good", 2), ("2025-26 Q1", "Inadequate", 1),
        ("2025-26 Q3", "Requires improvement", 1),
    ]
    assert list(mix["share"]) == [25.0, 50.0, 25.0, 100.0]
    health = b.grade_mix(b.audit_grades(store), agency="Health")
    assert records(health[["period", "grade", "audits"]]) == [("2025-26 Q1", "Good", 1)]


# --- training confidence -------------------------------------------------------------------------

def test_confidence_means_use_delegates_who_attended_with_both_scores(store):
    add_rows(store, "training", [
        delegate("2025-05-01", pre=2, post=4, followup=4),
        delegate("2025-05-01", pre=3, post=5),
        delegate("2025-05-01", pre=1),                           # no post score: left out
        delegate("2025-05-01", attended="No", pre=1, post=1),    # did not attend: left out
        delegate("2025-05-01", agency="Police", course="Think family", pre=1, post=2),
    ])
    sums = b.confidence_sums(store)
    by_agency = b.confidence_means(sums, "agency")
    assert records(by_agency) == [
        ("Health", "Before the course", 2.5, 2), ("Health", "Straight after", 4.5, 2),
        ("Health", "6-8 weeks later", 4.0, 1),
        ("Police", "Before the course", 1.0, 1), ("Police", "Straight after", 2.0, 1),
    ]
    by_course = b.confidence_means(sums[sums["agency"] == "Health"], "course")
    assert set(by_course["course"]) == {"Neglect basics"}


def test_confidence_means_pool_quarters_weighted_by_delegates(store):
    add_rows(store, "training", [
        delegate("2025-05-01", pre=1, post=3),
        delegate("2025-08-01", pre=3, post=4), delegate("2025-08-01", pre=3, post=4), delegate("2025-08-01", pre=3, post=4),
    ])
    means = b.confidence_means(b.confidence_sums(store), "agency").set_index("stage")
    assert means.loc["Before the course", "mean"] == pytest.approx(10 / 4)
    assert means.loc["Straight after", "mean"] == pytest.approx(15 / 4)


def test_confidence_after_minus_before_matches_the_uplift_metric(store):
    add_rows(store, "training", [delegate("2025-05-01", pre=2, post=5), delegate("2025-05-02", pre=3, post=3),
                                 delegate("2025-05-03", pre=4)])
    means = b.confidence_means(b.confidence_sums(store), "agency").set_index("stage")["mean"]
    uplift = compute(store, "training.confidence_uplift")
    overall = uplift[uplift["group"].isna()]["value"].iloc[0]
    assert means["Straight after"] - means["Before the course"] == pytest.approx(overall)


def test_confidence_rejects_an_unknown_breakdown():
    with pytest.raises(ValueError):
        b.confidence_means(pd.DataFrame(), "role")


# --- pooling a metric's groups -------------------------------------------------------------------

def test_pool_by_group_sums_numerators_and_denominators():
    rows = pd.DataFrame({
        "metric": "x", "period": ["2025-26 Q1", "2025-26 Q2", "2025-26 Q1", "2025-26 Q1"],
        "group": ["Health", "Health", "Police", None],
        "value": [100.0, 0.0, 50.0, 60.0],
        "numerator": pd.array([1, 0, 1, 2], dtype="Int64"), "denominator": pd.array([1, 3, 2, 3], dtype="Int64"),
    })
    pooled = b.pool_by_group(rows, "%").set_index("group")
    assert list(pooled.index) == ["Health", "Police"]    # the overall row is not a group
    assert pooled.loc["Health", "value"] == 25.0
    assert pooled.loc["Health", "quarters"] == 2
    assert list(b.pool_by_group(rows, "%", groups=["Police"])["group"]) == ["Police"]
    counts = b.pool_by_group(rows.assign(denominator=pd.array([None] * 4, dtype="Int64")), "count")
    assert list(counts["value"]) == [1.0, 1.0]


def test_pool_by_group_zero_denominator_has_no_value():
    rows = pd.DataFrame({"metric": "x", "period": ["2025-26 Q1"], "group": ["Health"], "value": [float("nan")],
                         "numerator": pd.array([0], dtype="Int64"), "denominator": pd.array([0], dtype="Int64")})
    assert pd.isna(b.pool_by_group(rows, "%")["value"].iloc[0])
