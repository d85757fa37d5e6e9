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
def _comparison_table(db: str) -> tuple[pd.DataFrame, str]:
    from metrics import benchmarks  # the published figures: the store's reference set, else the shipped one

    own = benchmarks.partnership()
    con = benchmarks.reference_connection(get_store())
    return benchmarks.compare_table(con, own.old_la_code, _metric_values(db)), own.name


@st.cache_data(show_spinner=False)
def _comparison_trend(db: str, metric: str) -> pd.DataFrame:
    from metrics import benchmarks

    con = benchmarks.reference_connection(get_store())
    return benchmarks.compare_trend(con, benchmarks.partnership().old_la_code, metric)


def comparison_table() -> tuple[pd.DataFrame, str]:
    """(one row per comparison pair, the partnership's LA name). The Summary and the area pages read only
    this, so they never pay for the published trends."""
    return _comparison_table(store_key())


def comparison_trend(metric: str) -> pd.DataFrame:
    """One pair's published years, long (year, area, value): read only when the How we compare page shows
    that measure (every pair's trend together cost the first visit about half a second)."""
    return _comparison_trend(store_key(), metric)
