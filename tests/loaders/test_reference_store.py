"""The reference set in the store: migration 8, the shipped extract at demo load, the refresh command
(loaded whole, replaced whole, wrong structure rejected whole, every load and refusal audited)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from loaders.__main__ import main as loaders_main
from loaders.audit import verify_chain
from loaders.reference import SHIPPED_DIR
from loaders.reference_store import current_reference, ensure_reference
from loaders.store import Store

LAIT = SHIPPED_DIR / "lait_bds_long_extract.csv"


def _lait() -> pd.DataFrame:
    return pd.read_csv(LAIT, dtype=str, keep_default_na=False)


def _haringey_rereferral(store: Store, year: str) -> float | None:
    return store.scalar("SELECT value FROM ref_published WHERE measure = 'ReReferral' AND area_code = 309 "
                        "AND year = ?", [year])


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    with Store(path) as store:
        assert ensure_reference(store) is not None
        assert ensure_reference(store) is None  # already there: nothing loaded twice
    return path


def test_shipped_extract_loads_into_the_frozen_tables(db: Path) -> None:
    with Store(db) as store:
        assert store.scalar("SELECT max(version) FROM schema_version") >= 8
        assert _haringey_rereferral(store, "2024-25") == pytest.approx(float(
            _lait().query("`Short Desc` == 'ReReferral' and `LA Number` == '309' and Years == '2025'")["Values"].iloc[0]))
        # suppression codes are no value, never zero
        assert store.scalar("SELECT count(*) FROM ref_published WHERE symbol IS NOT NULL AND value IS NOT NULL") == 0
        assert store.scalar("SELECT count(*) FROM ref_published WHERE symbol = 'c'") > 0
        record = current_reference(store)
        assert record["reference_id"] == 1 and {f["kind"] for f in record["files"]} >= {"lait", "sn_model", "ons"}


def test_refresh_replaces_the_whole_set_keeps_the_record_and_audits(db: Path, tmp_path: Path, capsys) -> None:
    newer = _lait()
    newer = newer[~((newer["Short Desc"] == "PrevRegCPR") & (newer["Years"] == "2016"))]  # a year dropped
    mask = (newer["Short Desc"] == "ReReferral") & (newer["LA Number"] == "309") & (newer["Years"] == "2025")
    newer.loc[mask, "Values"] = "12.3"
    path = tmp_path / "bds_long_newer.csv"
    newer.to_csv(path, index=False)

    assert loaders_main(["reference", str(path), "--db", str(db), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["status"] == "accepted" and result["reference_id"] == 2
    assert {f["kind"]: f["from"] for f in result["files"]}["lait"] == "given"
    with Store(db) as store:
        assert _haringey_rereferral(store, "2024-25") == 12.3
        assert store.scalar("SELECT count(*) FROM ref_published WHERE measure = 'PrevRegCPR' AND year = '2015-16'") == 0
        loads = store.rows("SELECT reference_id, replaced_by FROM reference_loads ORDER BY reference_id")
        assert loads == [(1, 2), (2, None)]
        actions = store.rows("SELECT action, outcome FROM audit_log ORDER BY audit_id")
        assert actions == [("reference load", "accepted"), ("reference load", "accepted")]
        assert verify_chain(store).intact

    assert loaders_main(["reference", str(path), "--db", str(db)]) == 0  # the same files again
    assert "duplicate" in capsys.readouterr().out
    with Store(db) as store:
        assert store.scalar("SELECT count(*) FROM reference_loads") == 2


def test_a_file_of_the_wrong_structure_is_rejected_whole(db: Path, tmp_path: Path, capsys) -> None:
    wrong = _lait().drop(columns=["Region"]).rename(columns={"Values": "Value"})
    path = tmp_path / "bds_long_wrong.csv"
    wrong.to_csv(path, index=False)
    assert loaders_main(["reference", str(path), "--db", str(db)]) == 1
    message = capsys.readouterr().err
    assert "bds_long_wrong.csv" in message and "'Region'" in message and "'Value'" in message
    assert "Nothing was loaded" in message
    with Store(db) as store:
        assert current_reference(store)["reference_id"] == 1  # the set in force is untouched
        assert store.rows("SELECT action, outcome FROM audit_log ORDER BY audit_id DESC LIMIT 1") == [
            ("reference load", "rejected")]
        detail = store.scalar("SELECT detail FROM audit_log ORDER BY audit_id DESC LIMIT 1")
        assert "Value" not in detail  # the file's headers go to the person loading, not into the trail


def test_a_bad_value_rejects_the_file_and_a_missing_file_is_a_usage_error(db: Path, tmp_path: Path, capsys) -> None:
    bad = _lait()
    bad.loc[5, "Values"] = "about 12"
    path = tmp_path / "bds_long_bad.csv"
    bad.to_csv(path, index=False)
    assert loaders_main(["reference", str(path), "--db", str(db)]) == 1
    assert "neither a number nor a no-value symbol" in capsys.readouterr().err
    assert loaders_main(["reference", str(tmp_path / "nowhere.csv"), "--db", str(db)]) == 2


def test_demo_load_brings_the_reference(tmp_path: Path) -> None:
    from demo.load import load_demo

    with Store(tmp_path / "demo.duckdb") as store:
        assert load_demo(store, quiet=True) == 0
        assert current_reference(store)["loaded_by"] == "demo"
        assert store.scalar("SELECT count(*) FROM ref_la_values") > 10_000
