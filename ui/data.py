"""Every read a page shows, cached until the data changes (``data_changed``). The queries live in ``loaders``
and ``metrics``; this module only caches them, keyed by the store (``ui.store.store_key``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from access.people import Person
from access.permissions import check_audit_trail
from loaders.audit import audit_trail
from loaders.status import latest_submissions, row_counts
from loaders.submit import submission_history
from metrics import breakdowns
from metrics.brag import rate_actions
from metrics.compute import all_metrics, compute_all
from metrics.decisions import decision_history
from ui.store import get_store, store_key


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


@st.cache_data(show_spinner=False)
def _contact_outcomes(db: str) -> pd.DataFrame:
    return breakdowns.contact_outcomes(get_store())


@st.cache_data(show_spinner=False)
def _audit_grades(db: str) -> pd.DataFrame:
    return breakdowns.audit_grades(get_store())


@st.cache_data(show_spinner=False)
def _confidence_sums(db: str) -> pd.DataFrame:
    return breakdowns.confidence_sums(get_store())


def metric_values() -> pd.DataFrame:
    """Every metric value: metric, period, group, value, numerator, denominator."""
    return _metric_values(store_key())


def ratings() -> pd.DataFrame:
    return _ratings(store_key())


def decisions() -> pd.DataFrame:
    return _decisions(store_key())


def history() -> pd.DataFrame:
    return _history(store_key())


def freshness() -> pd.DataFrame:
    return _freshness(store_key())


def counts() -> pd.DataFrame:
    return _counts(store_key())


def metrics_registry() -> dict:
    """Metric id -> Metric, including the audit themes found in the data."""
    return _metrics(store_key())


def all_contact_outcomes() -> pd.DataFrame:
    """Contacts per quarter, source group and outcome, every quarter (``ui.blocks`` narrows to those chosen)."""
    return _contact_outcomes(store_key())


def all_audit_grades() -> pd.DataFrame:
    """Audit rows per quarter, agency and grade, every quarter."""
    return _audit_grades(store_key())


def all_confidence_sums() -> pd.DataFrame:
    """Confidence sums per quarter, agency and course, every quarter."""
    return _confidence_sums(store_key())


def data_changed() -> None:
    """Call after every load, withdrawal or decision: every page reads afresh."""
    st.cache_data.clear()


def audit_rows(person: Person, **filters) -> pd.DataFrame:
    """The audit trail, newest first (never cached: it is read to see what happened just now)."""
    check_audit_trail(person)
    return audit_trail(get_store(), **filters)


@st.cache_data(show_spinner=False)
def _comparisons(db: str) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    from metrics import benchmarks  # the published figures: the store's reference set, else the shipped one

    con = benchmarks.reference_connection(get_store())
    own = benchmarks.partnership()
    table = benchmarks.compare_table(con, own.old_la_code, _metric_values(db))
    trends = pd.concat([benchmarks.compare_trend(con, own.old_la_code, m).assign(metric=m) for m in table["metric"]],
                       ignore_index=True)
    return table, trends, own.name


def comparisons() -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """(one row per comparison pair, every pair's published years long, the partnership's LA name)."""
    return _comparisons(store_key())
