"""Neglect outcome metrics: declarations, computation in DuckDB, BRAG ratings, decisions and suppression.

Never imports streamlit: the pages call these functions, and so does ``python -m metrics``.
"""

from metrics.brag import Rating, rate, rate_actions
from metrics.compute import all_metrics, compute_all
from metrics.decisions import DecisionError, current_statuses, decision_history, record_decision
from metrics.registry import METRICS, Metric, theme_metric
from metrics.suppress import suppress, suppress_values

__all__ = [
    "METRICS", "DecisionError", "Metric", "Rating", "all_metrics", "compute_all", "current_statuses",
    "decision_history", "rate", "rate_actions", "record_decision", "suppress", "suppress_values", "theme_metric",
]
