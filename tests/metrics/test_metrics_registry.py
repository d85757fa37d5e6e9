import dataclasses

import pytest

from metrics import registry
from metrics.compute import AGGREGATES, COLUMNS, compute, compute_all
from metrics.registry import METRICS, THEMES, Metric, get, theme_metric
from metrics.summary import context_headlines, default_headlines
from tests.metrics.helpers import add_rows, contact


def test_every_metric_is_declared_once_and_computed():
    ids = [m.id for m in METRICS]
    assert len(ids) == len(set(ids))
    for metric in METRICS:
        # Its numerator and denominator are aggregate columns of its dataset's query.
        numerator, denominator = metric.parts
        assert numerator in AGGREGATES[metric.dataset]
        assert denominator is None or denominator in AGGREGATES[metric.dataset]
        assert metric.unit in ("count", "%", "score") and metric.polarity in ("higher", "lower", "neither")
        assert metric.title and metric.description and metric.numerator
        assert (metric.denominator is None) == (metric.unit == "count")
        assert metric.dataset == metric.id.split(".")[0]


def test_polarities_and_groups_from_the_issue():
    by_id = {m.id: m for m in METRICS}
    assert by_id["contacts.decided_within_1wd"].polarity == "higher"
    assert by_id["contacts.awaiting_decision"].polarity == "lower"
    assert by_id["referrals.rereferral_12m"].polarity == "lower"
    assert by_id["cp_plans.second_or_subsequent"].polarity == "lower"
    assert by_id["contacts.by_source"].groups == ("source_group",)
    assert by_id["training.sessions"].groups == ()
    assert all(by_id[i].groups == ("agency",) for i in ("training.attended", "training.attendance_rate",
                                                         "training.confidence_uplift", "audits.count",
                                                         "audits.good_or_better"))


def test_metric_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        METRICS[0].title = "x"


def test_theme_template():
    metric = theme_metric("gcp2_used", "GCP2 used")
    assert metric == Metric("audits.theme.gcp2_used", "Audits: GCP2 used", metric.description, "%", "higher",
                            metric.numerator, metric.denominator, "audits", (), ("audit_date", THEMES))
    assert get("audits.theme.gcp2_used", {"gcp2_used": "GCP2 used"}) == metric
    assert get("contacts.nonsense") is None


def test_empty_store_gives_an_empty_table(store):
    frame = compute_all(store)
    assert list(frame.columns) == COLUMNS and frame.empty


def test_compute_one_metric_and_unknown_ids(store):
    add_rows(store, "contacts", [contact("2025-04-07", "2025-04-08"), contact("2025-07-07", "2025-07-08")])
    frame = compute(store, "contacts.count")
    assert list(frame.columns) == COLUMNS
    assert frame["period"].tolist() == ["2025-26 Q1", "2025-26 Q2"]
    with pytest.raises(KeyError):
        compute(store, "contacts.nonsense")


def test_compute_all_is_ordered_and_overall_first(store):
    add_rows(store, "training", [
        {"session_date": "2025-05-20", "course": "N", "agency": a, "attended": "Yes"} for a in ("Police", "Health")])
    add_rows(store, "contacts", [contact("2025-04-07", "2025-04-08")])
    frame = compute_all(store)
    assert frame["metric"].tolist()[0] == "contacts.count"
    attended = frame[frame["metric"] == "training.attended"]
    assert attended["group"].tolist() == [None, "Health", "Police"]


def test_metrics_never_imports_streamlit():
    import subprocess
    import sys
    from pathlib import Path

    code = "import sys, metrics, metrics.__main__; sys.exit('streamlit' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=root).returncode == 0


def test_each_metric_declares_its_suppression_headline_and_words():
    by_id = {m.id: m for m in METRICS}
    # Contacts by source has only parts, which add up to contacts received.
    assert (by_id["contacts.by_source"].overall, by_id["contacts.by_source"].totals_from) == (False, "contacts.count")
    assert all(m.overall for m in METRICS if m.id != "contacts.by_source")
    assert [m.id for m in METRICS if not m.people] == ["training.sessions"]
    assert by_id["training.sessions"].counted_in == "sessions" and by_id["cp_plans.started"].counted_in == "children"
    places = sorted(m.headline for m in METRICS if m.headline)
    assert places == list(range(1, len(places) + 1))  # each place once, none skipped
    assert default_headlines() == ["contacts.decided_within_1wd", "referrals.rereferral_12m",
                                   "cp_plans.second_or_subsequent", "contacts.neglect_identified",
                                   "training.confidence_uplift", "audits.good_or_better"]
    assert context_headlines() == ["contacts.count", "cp_plans.started"]
    assert by_id["referrals.rereferral_12m"].direction.caption == "Lower is better."
    assert by_id["contacts.to_referral"].direction.headline == ""
    assert by_id["training.confidence_uplift"].display.decimals == 2


def test_a_metric_whose_parts_are_not_aggregate_columns_is_refused(store, monkeypatch):
    wrong = Metric("contacts.wrong", "Wrong", "d", "count", "neither", "n", None, "contacts",
                   reads=("contact_date",), parts=("no_such_column", None))
    monkeypatch.setattr(registry, "METRICS", (*registry.METRICS, wrong))
    add_rows(store, "contacts", [contact("2025-04-07")])
    with pytest.raises(KeyError, match="no_such_column"):
        compute_all(store)
