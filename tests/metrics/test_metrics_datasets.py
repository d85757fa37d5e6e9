"""Referrals, child protection plans, training and audits: each definition pinned by a small case."""

import datetime as dt

import pytest

from metrics.compute import compute, compute_all
from tests.metrics.helpers import add_rows, plain, referral


def rows(store, metric_id):
    return {(r.period, None if r.group is None or r.group != r.group else r.group):
            (plain(r.value), plain(r.numerator), plain(r.denominator))
            for r in compute(store, metric_id).itertuples()}


# --- referrals ---

def test_rereferral_365th_day_counts_366th_does_not(store):
    first = dt.date(2024, 6, 1)
    add_rows(store, "referrals", [
        referral(first, child="a"), referral(first + dt.timedelta(days=365), child="a"),
        referral(first, child="b"), referral(first + dt.timedelta(days=366), child="b"),
    ])
    assert rows(store, "referrals.rereferral_12m") == {
        ("2024-25 Q1", None): (0, 0, 2),
        ("2025-26 Q1", None): (50, 1, 2),  # only child a's second referral
    }


def test_rereferral_needs_an_earlier_date_for_the_same_child(store):
    add_rows(store, "referrals", [
        referral("2025-05-01", child="a", source="6"), referral("2025-05-01", child="a", source="3A"),  # same day
        referral("2025-05-02", child="b"),
        referral("2025-05-03", child="c"), referral("2025-05-20", child="c"),
    ])
    assert rows(store, "referrals.rereferral_12m")[("2025-26 Q1", None)] == (20, 1, 5)


def test_rereferral_counts_an_earlier_referral_in_a_quarter_with_no_other_rows(store):
    add_rows(store, "referrals", [referral("2025-03-30", child="a"), referral("2025-04-02", child="a"),
                                  referral("2025-04-02", child="a", source="3A")])
    got = rows(store, "referrals.rereferral_12m")
    assert got[("2025-26 Q1", None)] == (100, 2, 2)  # both same-day referrals follow the March one


def test_rereferral_ignores_rows_that_are_not_current(store):
    add_rows(store, "referrals", [referral("2025-04-01", child="a"), referral("2025-05-01", child="a")])
    store.con.execute("UPDATE referrals SET is_current = false WHERE referral_date = '2025-04-01'")
    assert rows(store, "referrals.rereferral_12m")[("2025-26 Q1", None)] == (0, 0, 1)


def test_nfa(store):
    add_rows(store, "referrals", [referral("2025-05-01", child=c, nfa=n)
                                  for c, n in (("a", "Yes"), ("b", "No"), ("c", "No"), ("d", None))])
    assert rows(store, "referrals.nfa")[("2025-26 Q1", None)] == (pytest.approx(100 / 3), 1, 3)
    assert rows(store, "referrals.count")[("2025-26 Q1", None)] == (4, 4, None)


# --- child protection plans ---

def plan(day, category="Neglect", previous=None, child="a"):
    return {"child_key": child, "plan_start": dt.date.fromisoformat(day), "initial_category": category,
            "previous_plans": previous}


def test_cp_plans(store):
    add_rows(store, "cp_plans", [plan("2025-05-01", "Neglect", 0), plan("2025-05-02", "Multiple", 1),
                                 plan("2025-05-03", "Physical abuse", 3), plan("2025-05-04", "Neglect", None),
                                 plan("2025-08-01", "Emotional abuse", None)])
    assert rows(store, "cp_plans.started") == {("2025-26 Q1", None): (4, 4, None), ("2025-26 Q2", None): (1, 1, None)}
    assert rows(store, "cp_plans.neglect_initial")[("2025-26 Q1", None)] == (50, 2, 4)
    assert rows(store, "cp_plans.neglect_initial")[("2025-26 Q2", None)] == (0, 0, 1)
    got = rows(store, "cp_plans.second_or_subsequent")
    assert got[("2025-26 Q1", None)] == (pytest.approx(200 / 3), 2, 3)
    assert got[("2025-26 Q2", None)] == (None, 0, 0)  # nothing recorded: no value


# --- training ---

def delegate(agency, attended="Yes", pre=None, post=None, session_id=None, course="Neglect", day="2025-05-20"):
    return {"session_date": dt.date.fromisoformat(day), "course": course, "agency": agency, "attended": attended,
            "session_id": session_id, "confidence_pre": pre, "confidence_post": post}


def test_training(store):
    add_rows(store, "training", [
        delegate("Health", "Yes", 2, 4, session_id="S1"),
        delegate("Health", "Yes", 3, None, session_id="S1"),      # one score only: not in the uplift
        delegate("Health", "No", 1, 5, session_id="S1"),          # did not attend: not in the uplift
        delegate("Police", "Yes", 4, 3, session_id="S2"),
        delegate("Police", "No"),                                  # no ID: course and date make the session
        delegate("Police", "Yes", course="Neglect", day="2025-05-21"),
        delegate("Police", "Yes", course="GCP2", day="2025-05-21"),
    ])
    q = "2025-26 Q1"
    assert rows(store, "training.sessions") == {(q, None): (5, 5, None)}  # S1, S2, Neglect 20th/21st, GCP2 21st
    assert rows(store, "training.attended") == {(q, None): (5, 5, None), (q, "Health"): (2, 2, None),
                                                (q, "Police"): (3, 3, None)}
    assert rows(store, "training.attendance_rate") == {(q, None): (pytest.approx(500 / 7), 5, 7),
                                                       (q, "Health"): (pytest.approx(200 / 3), 2, 3),
                                                       (q, "Police"): (75, 3, 4)}
    assert rows(store, "training.confidence_uplift") == {(q, None): (0.5, 1, 2), (q, "Health"): (2, 2, 1),
                                                         (q, "Police"): (-1, -1, 1)}


# --- audits ---

def audit(audit_id, agency, grade, day="2025-06-15", **themes):
    return {"audit_id": audit_id, "audit_date": dt.date.fromisoformat(day), "agency": agency,
            "overall_grade": grade, "themes": {k.replace("_", " "): v for k, v in themes.items()}}


def test_audits_count_and_grades_by_agency(store):
    add_rows(store, "audits", [audit("A1", "Police", "Good"), audit("A1", "Health", "Outstanding"),
                               audit("A2", "Police", "Requires improvement"), audit("A3", "Police", "Inadequate")])
    q = "2025-26 Q1"
    assert rows(store, "audits.count") == {(q, None): (4, 4, None), (q, "Health"): (1, 1, None),
                                           (q, "Police"): (3, 3, None)}
    assert rows(store, "audits.good_or_better") == {(q, None): (50, 2, 4), (q, "Health"): (100, 1, 1),
                                                    (q, "Police"): (pytest.approx(100 / 3), 1, 3)}


def test_audit_themes_partly_is_not_yes_and_na_is_left_out(store):
    add_rows(store, "audits", [
        {**audit("A1", "Police", "Good"), "themes": {"GCP2 used": "Yes", "Voice of the child": "N/A"}},
        {**audit("A2", "Police", "Good"), "themes": {"GCP2 used": "Partly", "Voice of the child": None}},
        {**audit("A3", "Health", "Good"), "themes": {"GCP2 used": "No", "Voice of the child": "Yes"}},
        {**audit("A4", "Health", "Good"), "themes": {"GCP2 used": "N/A"}},
        audit("A5", "Health", "Good", day="2025-08-01"),  # a quarter with audits but no theme judgements
    ])
    assert rows(store, "audits.theme.gcp2_used") == {("2025-26 Q1", None): (pytest.approx(100 / 3), 1, 3),
                                                     ("2025-26 Q2", None): (None, 0, 0)}
    assert rows(store, "audits.theme.voice_of_the_child")[("2025-26 Q1", None)] == (100, 1, 1)
    metrics = set(compute_all(store)["metric"])
    assert {"audits.theme.gcp2_used", "audits.theme.voice_of_the_child"} <= metrics
