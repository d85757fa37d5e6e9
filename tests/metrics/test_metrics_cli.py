"""``python -m metrics``: JSON lines on stdout and nothing else, exit codes 0 / 1 / 2."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from loaders.store import Store
from tests.metrics.helpers import action, add_rows, contact

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "cli.duckdb"
    with Store(path) as store:
        add_rows(store, "contacts", [contact("2025-04-07", "2025-04-08", source="6"),
                                     contact("2025-04-07", "2025-04-10", source="3A")])
        add_rows(store, "actions", [action("1.1", baseline=40.0, target=90.0),
                                    action("1.2", measure=None, status="Not started")],
                 agency="Safeguarding partnership")
    return path


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "metrics", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=60)


def test_values_json_lines(db):
    result = run("--db", str(db), "--json")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records and all(list(r) == ["metric", "period", "group", "value", "numerator", "denominator"]
                           for r in records)
    by_key = {(r["metric"], r["group"]): r for r in records}
    assert by_key[("contacts.count", None)] == {"metric": "contacts.count", "period": "2025-26 Q1", "group": None,
                                                "value": 2, "numerator": 2, "denominator": None}
    assert by_key[("contacts.decided_within_1wd", None)]["value"] == 50.0
    assert by_key[("contacts.neglect_identified", None)]["value"] is None  # denominator 0
    assert by_key[("contacts.by_source", "police")]["value"] == 1


def test_values_default_db_from_environment(db):
    result = run("--json", env={"DASHBOARD_DB": str(db)})
    assert result.returncode == 0 and result.stdout.count("\n") > 5


def test_actions_json_lines(db):
    result = run("actions", "--db", str(db), "--json")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["action_id"] for r in records] == ["1.1", "1.2"]
    assert list(records[0]) == ["action_id", "measure", "latest_period", "latest_value", "baseline", "target",
                                "trajectory_value", "rag", "reason"]
    assert records[0]["rag"] == "No data"  # nothing after the baseline period 2025-26 Q1
    assert records[1]["rag"] in ("Red", "Amber") and records[1]["measure"] is None


def test_plain_output_is_readable(db):
    result = run("actions", "--db", str(db))
    assert result.returncode == 0 and "1.1" in result.stdout and "No data" in result.stdout


def test_decide_records_and_refuses(db):
    ok = run("decide", "1.2", "--status", "In progress", "--note", "work begun", "--by", "Chair", "--db", str(db))
    assert ok.returncode == 0, ok.stderr
    refused = run("decide", "9.9", "--status", "In progress", "--note", "x", "--by", "Chair", "--db", str(db))
    assert refused.returncode == 1
    assert "not in the current action plan" in refused.stderr and refused.stdout == ""
    bad_status = run("decide", "1.2", "--status", "Finished", "--note", "x", "--by", "Chair", "--db", str(db))
    assert bad_status.returncode == 1 and "is not one of" in bad_status.stderr
    with Store(db) as store:
        assert store.rows("SELECT action_id, status FROM action_decisions") == [("1.2", "In progress")]


@pytest.mark.parametrize("args", [("--bogus",), ("decide", "1.1", "--status", "In progress"), ("nonsense",)])
def test_usage_errors_exit_2(db, args):
    assert run(*args, "--db", str(db)).returncode == 2


def test_missing_database_is_a_clear_error(tmp_path):
    result = run("--db", str(tmp_path / "none.duckdb"), "--json")
    assert result.returncode == 1 and "no database" in result.stderr and result.stdout == ""
