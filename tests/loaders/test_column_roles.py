"""Column roles are derived from the declarations and the metric registry, and agree with the SQL."""

from __future__ import annotations

import inspect
import re

import pytest

from loaders import roles
from loaders.datasets import DATASETS
from loaders.roles import column_role, role_words, undeclared_reads
from metrics import brag, breakdowns, compute, registry
from metrics.registry import THEMES, Metric

# The code that computes from each dataset: the metrics' SQL, the pages' breakdowns and the action ratings.
COMPUTING = {
    "contacts": [compute._contacts_sql, breakdowns.contact_outcomes],
    "referrals": [compute._referrals_sql],
    "cp_plans": [compute._cp_plans_sql],
    "training": [compute._training_sql, breakdowns.confidence_sums],
    "audits": [compute._audits_sql, compute._themes_sql, breakdowns.audit_grades],
    "actions": [brag.rate, brag._by_status],
}


def test_every_column_read_by_a_metric_is_declared():
    assert undeclared_reads() == []


def test_a_metric_reading_an_undeclared_column_is_caught(monkeypatch):
    extra = Metric("contacts.by_shoe_size", "Shoe sizes", "x", "count", "neither", "x", None, "contacts",
                   reads=("contact_date", "shoe_size"))
    monkeypatch.setattr(registry, "METRICS", (*registry.METRICS, extra))
    assert undeclared_reads() == [("contacts", "shoe_size", "contacts.by_shoe_size")]


@pytest.mark.parametrize("dataset", list(COMPUTING))
def test_no_column_the_computing_code_names_is_descriptive(dataset):
    """Read the SQL and rating code itself: a column it names must stop a file when wrong. ``source_group`` is
    stored worked out from ``source_code``."""
    text = "\n".join(inspect.getsource(function) for function in COMPUTING[dataset])
    text = text.replace("source_group", "source_code")
    named = [c.key for c in DATASETS[dataset].columns if re.search(rf"\b{c.key}\b", text)]
    assert named, "the scan finds the columns the code names"
    assert [key for key in named if column_role(dataset, key) == "descriptive"] == []


def test_roles_from_the_issue():
    descriptive = {"contacts": ["age", "gender", "ethnicity", "date_of_birth"],
                   "referrals": ["age", "gender", "ethnicity", "referrals_12m"],
                   "cp_plans": ["latest_category", "plan_end"], "audits": ["audit_type"],
                   "training": ["role"], "actions": ["lead_officer", "evidence", "sustainability_plan"]}
    for dataset, keys in descriptive.items():
        assert [column_role(dataset, k) for k in keys] == ["descriptive"] * len(keys), dataset
    assert column_role("contacts", "contact_date") == "key"  # the event date: supersede ranges
    assert column_role("contacts", "source_code") == "key"  # part of a natural key
    assert column_role("contacts", "outcome") == "measure"  # contacts.to_referral
    assert column_role("cp_plans", "previous_plans") == "measure"
    assert column_role("training", "confidence_followup") == "measure"  # the confidence breakdown
    assert column_role("audits", "overall_grade") == "measure"
    assert column_role("audits", THEMES) == "measure"  # the theme metrics
    for key in ("measure", "baseline", "baseline_period", "target", "due_period", "status", "lead_agency"):
        assert column_role("actions", key) == "measure", key
    assert column_role("actions", "action_id") == "key"
    assert role_words("contacts", "age") == "descriptive: a wrong value is blanked with a warning"
    assert role_words("contacts", "outcome") == "used by a measure: a wrong value stops the file"


def test_a_new_metric_reading_a_column_makes_it_a_measure(monkeypatch):
    extra = Metric("contacts.girls", "Girls", "x", "count", "neither", "x", None, "contacts",
                   reads=("contact_date", "gender"))
    monkeypatch.setattr(registry, "METRICS", (*registry.METRICS, extra))
    roles._roles.cache_clear()
    try:
        assert column_role("contacts", "gender") == "measure"
    finally:
        monkeypatch.undo()
        roles._roles.cache_clear()
    assert column_role("contacts", "gender") == "descriptive"
