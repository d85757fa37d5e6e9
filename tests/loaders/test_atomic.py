"""Each submission is one transaction: a failure or a killed process leaves the database exactly as it was."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from loader_helpers import count, load, snapshot

import loaders.submit
from loaders.store import Store
from loaders.submit import commit, prepare, pseudonymiser_for
from tests.spreadsheets import CONTACT_HEADERS, VALID_ROW, dataset_rows, write_xlsx

ROOT = Path(__file__).resolve().parents[2]


def _first_file(tmp_path: Path) -> Path:
    rows = [CONTACT_HEADERS] + [[f"SYN-{i}", dt.date(2025, 4, 1) + dt.timedelta(i), "6"] for i in range(30)]
    return write_xlsx(tmp_path / "first.xlsx", {"Contacts": rows})


def _second_file(tmp_path: Path) -> Path:
    rows = [CONTACT_HEADERS] + [[f"SYN-B{i}", dt.date(2025, 4, 1) + dt.timedelta(i), "4"] for i in range(20)]
    plans = [{**VALID_ROW["cp_plans"], "child_key": f"P{i}"} for i in range(5)]
    return write_xlsx(tmp_path / "second.xlsx", {
        "Contacts": rows,
        "Referrals": dataset_rows("referrals", [VALID_ROW["referrals"]]),
        "Plans": dataset_rows("cp_plans", plans),
    })


@pytest.fixture
def loaded_once(store, tmp_path):
    assert load(store, _first_file(tmp_path)).status == "accepted"
    return store


def test_a_failure_in_supersede_leaves_every_table_as_before(loaded_once, tmp_path, monkeypatch):
    store = loaded_once
    before = snapshot(store)

    def broken(*args, **kwargs):
        raise RuntimeError("injected fault")

    monkeypatch.setattr(loaders.submit, "recompute", broken)
    with pytest.raises(RuntimeError, match="injected fault"):
        load(store, _second_file(tmp_path))
    assert snapshot(store) == before
    monkeypatch.undo()
    report = load(store, _second_file(tmp_path))  # and the database still works
    assert report.status == "accepted"
    assert count(store, "submissions") == 2


def test_a_failure_after_the_first_dataset_is_written_leaves_nothing(loaded_once, tmp_path, monkeypatch):
    store = loaded_once
    before = snapshot(store)
    calls = []
    real = loaders.submit.recompute

    def second_fails(cur, dataset, agency):
        calls.append(dataset)
        if len(calls) == 2:
            assert cur.execute("SELECT count(*) FROM contacts").fetchone()[0] == 50  # written, not committed
            raise RuntimeError("injected fault in the second dataset")
        real(cur, dataset, agency)

    monkeypatch.setattr(loaders.submit, "recompute", second_fails)
    with pytest.raises(RuntimeError):
        load(store, _second_file(tmp_path))
    assert len(calls) == 2
    assert snapshot(store) == before


def test_a_failing_insert_of_the_second_dataset_leaves_nothing(loaded_once, tmp_path):
    store = loaded_once
    before = snapshot(store)
    prepared = prepare(_second_file(tmp_path), pseudonymiser_for(store))
    assert [p.dataset.name for p in prepared.parsed] == ["contacts", "referrals", "cp_plans"]
    referrals = prepared.parsed[1]
    position = referrals.table.column_names.index("referral_date")
    # a value the database refuses, so the INSERT of the second dataset fails after the first succeeded
    referrals.table = referrals.table.set_column(position, "referral_date", pa.array(["not a date"]))
    with pytest.raises(duckdb.Error):
        commit(store, prepared, uploaded_by="test")
    assert snapshot(store) == before


CHILD = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[3])
    import loaders.submit as submit
    from loaders.store import Store

    def killed(cur, dataset, agency):
        cur.execute("SELECT count(*) FROM contacts").fetchall()
        os.kill(os.getpid(), signal.SIGKILL)

    submit.recompute = killed
    store = Store(Path(sys.argv[1]))
    submit.load_file(store, Path(sys.argv[2]), uploaded_by="child")
    print("not killed")
""")


def test_a_process_killed_mid_load_leaves_the_earlier_state(tmp_path):
    db = tmp_path / "killed.duckdb"
    with Store(db) as store:
        assert load(store, _first_file(tmp_path)).status == "accepted"
        before = snapshot(store)
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    result = subprocess.run([sys.executable, str(script), str(db), str(_second_file(tmp_path)), str(ROOT)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert "not killed" not in result.stdout
    with Store(db) as store:
        assert snapshot(store) == before
        assert count(store, "contacts") == 30 and count(store, "referrals") == 0
        report = load(store, _second_file(tmp_path))
        assert report.status == "accepted"
        assert count(store, "contacts", "is_current") == 30  # 10 of the first file, 20 of the second


def test_a_store_reopened_after_close_keeps_committed_data(tmp_path):
    db = tmp_path / "reopen.duckdb"
    with Store(db) as store:
        load(store, _first_file(tmp_path))
    assert os.path.getsize(db) > 0
    with Store(db, read_only=True) as store:
        assert count(store, "contacts") == 30
