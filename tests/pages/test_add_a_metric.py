"""Adding a metric is one declaration in ``metrics/registry.py`` plus, when no aggregate column already counts
what it needs, one SQL expression in ``metrics.compute.AGGREGATES`` (README, "Metrics and action ratings").

The fixture does exactly that, and nothing else, for a small extra metric; the tests then find it in the
command line's values and ratings, on the About page and on the Action plan page of an action that measures it.
Every file goes through the real loader."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from loaders.store import Store
from loaders.submit import load_file
from metrics import compute, registry
from metrics.__main__ import main
from metrics.registry import Metric
from tests.pages.helpers import page_text, rendered
from tests.spreadsheets import CONTACT_HEADERS, dataset_rows, write_csv, write_xlsx

EXTRA = Metric(
    id="contacts.from_police", title="Contacts from the police",
    description="Of the contacts the MASH received in the quarter, the share the police made.",
    unit="%", polarity="higher", numerator="Contacts from the police", denominator="Contacts received",
    dataset="contacts", reads=("contact_date", "source_code"), parts=("from_police", "n"),
)


@pytest.fixture
def extra_metric(monkeypatch: pytest.MonkeyPatch) -> Metric:
    """The whole of adding the metric: its declaration and the SQL of its one new aggregate column."""
    monkeypatch.setattr(registry, "METRICS", (*registry.METRICS, EXTRA))
    monkeypatch.setitem(compute.AGGREGATES["contacts"], "from_police", "count(*) FILTER (c.source_group = 'police')")
    return EXTRA


def _contacts(path: Path) -> Path:
    """20 contacts a quarter: 6 from the police in 2025-26 Q1 (30%), 10 in 2025-26 Q2 (50%)."""
    rows = []
    for start, police in ((dt.date(2025, 4, 7), 6), (dt.date(2025, 7, 7), 10)):
        for i in range(20):
            day = start + dt.timedelta(days=i % 5)
            rows.append([f"C{start.month:02d}{i:03d}", day.isoformat(), "6" if i < police else "3A",
                         day.isoformat(), "Advice", "No"])
    return write_csv(path, [CONTACT_HEADERS, *rows])


def _plan(path: Path) -> Path:
    return write_xlsx(path, {"Plan": dataset_rows("actions", [{
        "action_id": "9.1", "priority_area": "Partnership working", "action": "Police share concerns early",
        "lead_agency": "Police", "measure": EXTRA.id, "baseline": 30.0, "baseline_period": "2025-26 Q1",
        "target": 60.0, "due_period": "2025-26 Q4", "status": "In progress",
    }])})


@pytest.fixture
def db(tmp_path: Path, extra_metric: Metric) -> Path:
    path = tmp_path / "extra.duckdb"
    with Store(path) as store:
        for file, agency in ((_contacts(tmp_path / "contacts.csv"), "Children's social care"),
                             (_plan(tmp_path / "plan.xlsx"), "Safeguarding partnership")):
            report = load_file(store, file, uploaded_by="test", agency=agency)
            assert report.status == "accepted", report
    return path


def _json_lines(capsys: pytest.CaptureFixture, argv: list[str]) -> list[dict]:
    assert main(argv) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_the_command_line_computes_and_rates_it(db, capsys):
    values = [r for r in _json_lines(capsys, ["--db", str(db), "--json"]) if r["metric"] == EXTRA.id]
    assert [(r["period"], r["group"], r["value"], r["numerator"], r["denominator"]) for r in values] == [
        ("2025-26 Q1", None, 30.0, 6, 20), ("2025-26 Q2", None, 50.0, 10, 20)]
    [rated] = _json_lines(capsys, ["actions", "--db", str(db), "--json"])
    assert (rated["measure"], rated["latest_value"], rated["rag"]) == (EXTRA.id, 50.0, "Green")
    assert rated["reason"] == "50% in 2025-26 Q2 against a trajectory of 40% towards 60% by 2025-26 Q4"


def test_the_about_page_defines_it(open_app, db):
    at = open_app(db, "about")
    [measures] = [t.value for t in at.dataframe if "Which way is better" in t.value.columns]
    row = measures[measures["Id"] == EXTRA.id].iloc[0]
    assert (row["Measure"], row["What it tells you"], row["Unit"], row["Which way is better"], row["Numerator"],
            row["Denominator"], row["Dataset"]) == (EXTRA.title, EXTRA.description, "%", "Higher is better",
                                                    EXTRA.numerator, EXTRA.denominator, "contacts")


def test_the_action_plan_page_shows_the_action_that_measures_it(open_app, db):
    at = open_app(db, "actions")
    [expander] = [e for e in at.expander if "9.1 · " in rendered(e.label)]
    text = rendered("\n".join(m.value for m in expander.markdown))
    assert ":green-badge[Green] 50% in 2025-26 Q2 against a trajectory of 40%" in text
    assert f"{EXTRA.title} ({EXTRA.id})" in text
    assert "30.0% (2025-26 Q1) → 50.0% (2025-26 Q2) → 60.0% (2025-26 Q4)" in text
    [chart] = [c for c in expander.get("plotly_chart")]
    figure = json.loads(chart.proto.spec)
    assert figure["layout"]["title"]["text"] == f"9.1: {EXTRA.title} (%)"
    assert EXTRA.description in page_text(at)
