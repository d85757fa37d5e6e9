"""The audit trail's hash chain (tamper-evident): every row linked to the one before; tampering behind the
app's back (an UPDATE, a DELETE, a forged INSERT, a re-ordering) is found and the first broken row named;
migration 4 chains a version-3 store's rows; ``python -m loaders verify-audit`` exit codes and JSON."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from loader_helpers import load

from loaders.audit import GENESIS, Actor, append, record, verify_chain
from loaders.store import MIGRATIONS, Store
from loaders.submit import withdraw
from tests.spreadsheets import CONTACT_HEADERS, write_xlsx

ROOT = Path(__file__).resolve().parents[2]


def _independent_hash(prev: str, values: tuple) -> str:
    """A second implementation, written from the module docstring only."""
    out = bytearray(prev.encode("ascii"))
    for value in values:
        if value is None:
            out += b"\x00"
            continue
        if isinstance(value, dt.datetime):
            text = value.strftime("%Y-%m-%d %H:%M:%S.%f")
        else:
            text = str(value)
        data = text.encode("utf-8")
        out += b"\x01" + len(data).to_bytes(8, "big") + data
    return hashlib.sha256(bytes(out)).hexdigest()


def _contacts(tmp_path: Path, name: str, child: str) -> Path:
    return write_xlsx(tmp_path / name, {"Contacts": [CONTACT_HEADERS, [child, dt.date(2025, 4, 3), "6"]]})


@pytest.fixture
def trail(tmp_path: Path) -> Path:
    """A store with six audit rows of every kind (loads, a duplicate, a rejection, a withdrawal, a refusal),
    ids 1-3 and 5-7: id 4 went to a write that failed and was rolled back, as happens."""
    db = tmp_path / "trail.duckdb"
    with Store(db) as store:
        first = load(store, _contacts(tmp_path, "a.xlsx", "SYN-A"), agency="Police")
        load(store, tmp_path / "a.xlsx", agency="Police")
        load(store, _contacts(tmp_path, "b.xlsx", "SYN-B"), agency="Health")
        with pytest.raises(RuntimeError), store.transaction() as cur:
            append(cur, Actor("a@example.org"), "decision", "1.2", "done")
            raise RuntimeError("the write failed")
        bad = write_xlsx(tmp_path / "bad.xlsx", {"C": [CONTACT_HEADERS, ["SYN-C", "31/02/2025", "6"]]})
        load(store, bad, agency="Police")
        withdraw(store, first.submission_id, by="admin@example.org")
        record(store, Actor("partner@example.org", "partner", "Police"), "withdraw", 2, "refused",
               "partner@example.org (partner) may not withdraw submissions — «quoted» ünïcode")
        assert [r[0] for r in store.rows("SELECT audit_id FROM audit_log ORDER BY 1")] == [1, 2, 3, 5, 6, 7]
    return db


def _rows(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT audit_id, logged_at, who, role, agency, action, target, outcome, detail, "
                           "prev_hash, row_hash FROM audit_log ORDER BY audit_id").fetchall()


def _check(db: Path):
    with Store(db, read_only=True) as store:
        return verify_chain(store)


def test_every_row_carries_the_hash_a_second_implementation_computes(trail):
    rows = _rows(trail)
    previous = GENESIS
    for *values, prev, stored in rows:
        assert prev == previous
        assert stored == _independent_hash(prev, tuple(values))
        previous = stored
    check = _check(trail)
    assert check.intact and check.rows == 6 and check.last_hash == rows[-1][-1]
    assert check.message == "intact: 6 rows"


def test_the_hashed_time_is_exactly_the_stored_time(store):
    with store.transaction() as cur:
        append(cur, Actor("a@example.org"), "decision", "1.1", "done", "x")
    logged_at, stored = store.rows("SELECT logged_at, row_hash FROM audit_log")[0]
    assert logged_at.microsecond or logged_at.second or logged_at.minute  # a real time, to the microsecond
    values = (1, logged_at, "a@example.org", None, None, "decision", "1.1", "done", "x")
    assert stored == _independent_hash(GENESIS, values)
    # A time one microsecond off gives another hash: the stored time is what was hashed.
    assert stored != _independent_hash(GENESIS, (1, logged_at + dt.timedelta(microseconds=1), *values[2:]))


def _forge_after(con: duckdb.DuckDBPyConnection, after_id: int, new_id: int, *, with_hash: bool) -> None:
    """Insert a forged row with an unused id, chained onto ``after_id`` exactly as the writer would."""
    prev = con.execute("SELECT row_hash FROM audit_log WHERE audit_id = ?", [after_id]).fetchone()[0]
    logged_at = dt.datetime(2025, 5, 1, 9, 30, 0, 123456)
    values = (new_id, logged_at, "intruder@example.org", "admin", None, "decision", "1.1", "done", "agreed")
    row = [*values, prev, _independent_hash(prev, values)] if with_hash else [*values, None, None]
    con.execute("INSERT INTO audit_log (audit_id, logged_at, who, role, agency, action, target, outcome, detail,"
                " prev_hash, row_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)


TAMPERING = {
    # name: (what is done to the closed file, first broken audit_id, problem)
    "detail updated": (lambda con: con.execute("UPDATE audit_log SET detail = 'nothing to see' WHERE audit_id = 3"),
                       3, "content changed"),
    "who updated": (lambda con: con.execute("UPDATE audit_log SET who = 'someone.else@example.org' "
                                            "WHERE audit_id = 6"), 6, "content changed"),
    "time updated": (lambda con: con.execute("UPDATE audit_log SET logged_at = logged_at + INTERVAL 1 SECOND "
                                             "WHERE audit_id = 2"), 2, "content changed"),
    "middle row deleted": (lambda con: con.execute("DELETE FROM audit_log WHERE audit_id = 3"), 5, "chain broken"),
    "first row deleted": (lambda con: con.execute("DELETE FROM audit_log WHERE audit_id = 1"), 2, "chain broken"),
    "forged row without a hash": (lambda con: _forge_after(con, 3, 4, with_hash=False), 4, "no hash"),
    "forged row with a well-made hash": (lambda con: _forge_after(con, 3, 4, with_hash=True), 5, "chain broken"),
    "two rows swapped": (lambda con: con.execute(
        "UPDATE audit_log SET audit_id = CASE audit_id WHEN 2 THEN 6 ELSE 2 END WHERE audit_id IN (2, 6)"),
        2, "content changed"),
    "a row moved later": (lambda con: con.execute("UPDATE audit_log SET audit_id = 4 WHERE audit_id = 2"),
                          3, "chain broken"),
}


@pytest.mark.parametrize("how", list(TAMPERING))
def test_tampering_behind_the_apps_back_names_the_first_broken_row(trail, how):
    tamper, broken_at, problem = TAMPERING[how]
    assert _check(trail).intact
    with duckdb.connect(str(trail)) as con:
        tamper(con)
    check = _check(trail)
    assert not check.intact
    assert (check.broken_at, check.problem) == (broken_at, problem)
    assert check.message.startswith(f"broken at audit row {broken_at}: ")


def test_a_gap_left_by_a_rolled_back_write_is_not_a_break(store):
    """Ids come from a sequence: a transaction that fails uses one up. The chain links rows, not numbers."""
    record(store, Actor("a@example.org"), "decision", "1.1", "done")
    with pytest.raises(RuntimeError), store.transaction() as cur:
        append(cur, Actor("a@example.org"), "decision", "1.2", "done")
        raise RuntimeError("the write failed")
    record(store, Actor("a@example.org"), "decision", "1.3", "done")
    assert [r[0] for r in store.rows("SELECT audit_id FROM audit_log ORDER BY 1")] == [1, 3]
    assert verify_chain(store).intact


# --- migration 4 ----------------------------------------------------------------------------------

def test_migration_chains_a_version_3_stores_rows_in_audit_id_order(tmp_path, monkeypatch):
    import loaders.store

    db = tmp_path / "v3.duckdb"
    monkeypatch.setattr(loaders.store, "MIGRATIONS", MIGRATIONS[:3])
    with Store(db) as old:
        assert old.schema_version == 3
        # Rows as version 3 wrote them (defaults for id and time), inserted out of id order.
        for audit_id, who in ((2, "b@example.org"), (1, "a@example.org"), (3, "c@example.org")):
            old.con.execute("INSERT INTO audit_log (audit_id, who, action, target, outcome, detail) "
                            "VALUES (?, ?, 'upload', 'f.xlsx', 'accepted', 'ünïcode detail')", [audit_id, who])
        old.con.execute("SELECT setval('audit_id_seq', 3)")
        columns = [r[0] for r in old.rows("SELECT column_name FROM duckdb_columns() WHERE table_name = 'audit_log'")]
        assert "row_hash" not in columns
    monkeypatch.undo()
    with Store(db) as store:
        assert store.schema_version == MIGRATIONS[-1][0] >= 4
        check = verify_chain(store)
        assert check.intact and check.rows == 3
        record(store, Actor("d@example.org"), "decision", "1.1", "done")  # new rows chain onto the old ones
        assert verify_chain(store).rows == 4 and verify_chain(store).intact
    rows = _rows(db)
    assert [r[2] for r in rows] == ["a@example.org", "b@example.org", "c@example.org", "d@example.org"]
    previous = GENESIS
    for *values, prev, stored in rows:
        assert (prev, stored) == (previous, _independent_hash(previous, tuple(values)))
        previous = stored


# --- the command line ---------------------------------------------------------------------------

def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "loaders", *args], cwd=ROOT, env=dict(os.environ),
                          capture_output=True, text=True, timeout=120)


def test_verify_audit_exits_0_when_intact_and_1_naming_the_row_when_not(trail):
    intact = _cli("verify-audit", "--db", str(trail))
    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.startswith("intact: 6 rows (newest hash ")
    assert json.loads(_cli("verify-audit", "--db", str(trail), "--json").stdout)["intact"] is True

    with duckdb.connect(str(trail)) as con:
        con.execute("DELETE FROM audit_log WHERE audit_id = 5")
    broken = _cli("verify-audit", "--db", str(trail))
    assert broken.returncode == 1
    assert broken.stdout.strip() == ("broken at audit row 6: it does not follow row 3: a row between them was "
                                     "deleted or inserted, or rows were re-ordered")
    report = json.loads(_cli("verify-audit", "--db", str(trail), "--json").stdout)
    assert report == {"intact": False, "rows": 4, "last_hash": None, "broken_at": 6, "problem": "chain broken",
                      "message": broken.stdout.strip()}


def test_verify_audit_opens_the_store_read_only(trail):
    """Another process holding a read-only connection would block any read-write open."""
    before = trail.stat().st_mtime_ns
    with duckdb.connect(str(trail), read_only=True):
        result = _cli("verify-audit", "--db", str(trail))
    assert result.returncode == 0, result.stderr
    assert trail.stat().st_mtime_ns == before


def test_verify_audit_without_a_store_says_so(tmp_path):
    result = _cli("verify-audit", "--db", str(tmp_path / "none.duckdb"))
    assert result.returncode == 1
    assert "there is no store at" in result.stderr
    assert not (tmp_path / "none.duckdb").exists()


def test_verify_audit_on_a_store_from_before_the_chain_upgrades_it_and_says_what_that_means(tmp_path, monkeypatch):
    import loaders.store

    db = tmp_path / "v3.duckdb"
    monkeypatch.setattr(loaders.store, "MIGRATIONS", MIGRATIONS[:3])
    with Store(db) as old:
        old.con.execute("INSERT INTO audit_log (who, action, outcome) VALUES ('a@example.org', 'upload', 'accepted')")
    monkeypatch.undo()
    result = _cli("verify-audit", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("intact: 1 rows")
    assert "its audit rows were chained now, so changes made to them before today cannot be detected" in result.stderr


def test_appends_from_many_threads_and_two_stores_in_one_process_keep_one_chain(tmp_path):
    """The newest hash is read inside the transaction, under a lock every Store in the process shares."""
    import threading

    db = tmp_path / "busy.duckdb"
    with Store(db) as first, Store(db) as second:
        def write(store: Store, n: int) -> None:
            for i in range(15):
                record(store, Actor(f"thread{n}@example.org"), "decision", f"{n}.{i}", "done")

        threads = [threading.Thread(target=write, args=(store, n))
                   for n, store in enumerate([first, second, first, second])]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        check = verify_chain(first)
    assert check.intact, check.message
    assert check.rows == 60


def test_verify_audit_while_the_dashboard_holds_the_store_points_to_its_page(trail):
    with Store(trail):
        result = _cli("verify-audit", "--db", str(trail))
    assert result.returncode == 1
    assert result.stderr.strip() == (f"error: {trail} is open in another process (the dashboard?): its Audit trail "
                                     "page shows the same check")
