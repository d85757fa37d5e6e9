"""Backups a partnership can rely on (``python -m loaders backup`` and ``restore``): a backup restored into a
new path gives the same metrics, submissions and audit chain, and ids go on without colliding; ``restore``
refuses a store that holds data (without --force), a file that is not a backup, and a store in use; a failed
restore leaves the old store."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from pandas.testing import assert_frame_equal

import loaders.backup
from demo.load import load_demo
from loaders.audit import CLI_ROLE, Actor, verify_chain
from loaders.backup import BackupError, backup, inspect, restore
from loaders.store import MIGRATIONS, Store
from loaders.submit import load_file, withdraw
from metrics.compute import compute_all
from metrics.decisions import record_decision
from tests.spreadsheets import CONTACT_HEADERS, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
ACTOR = Actor("cli:tester", CLI_ROLE)
SEQUENCES = ("submission_id_seq", "audit_id_seq", "upload_log_id_seq", "decision_id_seq")


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "loaders", *args], cwd=ROOT, env=dict(os.environ),
                          capture_output=True, text=True, timeout=180)


def _contacts(path: Path, child: str, day: int) -> Path:
    return write_xlsx(path, {"Contacts": [CONTACT_HEADERS, [child, dt.date(2025, 4, day), "6"]]})


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tables(store: Store) -> dict[str, tuple]:
    """Row count and an order-free hash of every row, for every table."""
    names = [r[0] for r in store.rows("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'")]
    return {name: tuple(store.rows(f"SELECT count(*), bit_xor(hash(t)) FROM {name} AS t")[0]) for name in names}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo borough plus a decision, a withdrawal and a contacts file of our own, backed up once."""
    folder = tmp_path_factory.mktemp("live")
    with pytest.MonkeyPatch.context() as env, Store(folder / "dashboard.duckdb") as store:
        env.delenv("DASHBOARD_SECRET", raising=False)  # the secret goes to .secret beside the store
        assert load_demo(store, quiet=True) == 0
        own = load_file(store, _contacts(folder / "own.xlsx", "SYN-RT-1", 3), uploaded_by="test", agency="Police")
        withdrawn = load_file(store, _contacts(folder / "gone.xlsx", "SYN-RT-2", 4), uploaded_by="test",
                              agency="Health")
        withdraw(store, withdrawn.submission_id, by="test")
        record_decision(store, "1.2", "In progress", "Piloting step-down plans", "Chair")
        assert own.status == "accepted"
    return folder


@pytest.fixture(scope="module")
def backed_up(live: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("backups") / "backup.duckdb"
    with Store(live / "dashboard.duckdb") as store:
        before = {
            "metrics": compute_all(store),
            "submissions": store.query("SELECT * FROM submissions ORDER BY submission_id"),
            "audit": store.query("SELECT * FROM audit_log ORDER BY audit_id"),
            "tables": _tables(store),
            "chain": verify_chain(store),
            "child_key": store.scalar("SELECT child_key FROM contacts WHERE submission_id = "
                                      "(SELECT max(submission_id) FROM submissions WHERE file_name = 'own.xlsx')"),
            "max_ids": store.rows("SELECT (SELECT max(submission_id) FROM submissions), (SELECT max(audit_id) FROM "
                                  "audit_log), (SELECT max(log_id) FROM upload_log), "
                                  "(SELECT max(decision_id) FROM action_decisions)")[0],
        }
        result = backup(store, out, actor=ACTOR)
        backup_row = store.rows("SELECT who, role, action, target, outcome, detail FROM audit_log "
                                "ORDER BY audit_id DESC LIMIT 1")[0]
    return {"out": out, "result": result, "before": before, "backup_row": backup_row}


def test_a_backup_is_checked_and_recorded_with_its_hash(backed_up):
    result, out = backed_up["result"], backed_up["out"]
    assert result.sha256 == _sha(out) and result.size == out.stat().st_size
    assert result.schema_version == MIGRATIONS[-1][0]
    assert result.chain.intact and result.chain.rows == len(backed_up["before"]["audit"])
    assert backed_up["backup_row"] == ("cli:tester", CLI_ROLE, "backup", str(out), "done",
                                       f"{result.size} bytes, schema version {result.schema_version}, "
                                       f"{result.submissions} submissions, sha256 {result.sha256}")
    assert out.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in out.parent.iterdir()) == ["backup.duckdb"]  # nothing partial left beside it


def test_round_trip_gives_the_same_metrics_submissions_and_audit_chain(backed_up, live, tmp_path):
    target = tmp_path / "restored" / "dashboard.duckdb"
    result = _cli("restore", str(backed_up["out"]), "--db", str(target))
    assert result.returncode == 0, result.stderr
    assert "restored" in result.stdout and "audit trail intact" in result.stdout
    assert "no secret for" in result.stderr  # the secret is not in the backup, and restore says so
    before = backed_up["before"]
    with Store(target) as store:
        assert_frame_equal(compute_all(store), before["metrics"])
        assert_frame_equal(store.query("SELECT * FROM submissions ORDER BY submission_id"), before["submissions"])
        assert_frame_equal(store.query("SELECT * FROM audit_log ORDER BY audit_id"), before["audit"])
        assert _tables(store) == before["tables"]
        chain = verify_chain(store)
        assert chain.intact and chain == before["chain"]


def test_after_a_restore_new_loads_get_new_ids_and_the_same_pseudonyms(backed_up, live, tmp_path):
    target = tmp_path / "restored" / "dashboard.duckdb"
    restore(backed_up["out"], target)
    shutil.copy2(live / ".secret", target.parent / ".secret")  # kept separately, as the README says
    max_submission, max_audit, max_log, max_decision = backed_up["before"]["max_ids"]
    with Store(target) as store:
        report = load_file(store, _contacts(tmp_path / "new.xlsx", "SYN-RT-1", 9), uploaded_by="test",
                           agency="Education")
        assert report.status == "accepted"
        assert report.submission_id == max_submission + 1
        decision = record_decision(store, "1.2", "Evidence submitted", "Audit evidence", "Chair")
        assert decision == max_decision + 1
        assert store.scalar("SELECT max(log_id) FROM upload_log") == max_log + 1
        # The live store used one more audit id, for the backup's own row: the copy holds none of those.
        assert store.scalar("SELECT min(audit_id) FROM audit_log WHERE audit_id > ?", [max_audit]) > max_audit
        assert store.scalar("SELECT count(*) FROM audit_log WHERE audit_id > ?", [max_audit]) == 2
        assert verify_chain(store).intact
        key = store.scalar("SELECT child_key FROM contacts WHERE submission_id = ?", [report.submission_id])
        assert key == backed_up["before"]["child_key"]  # the same child, the same pseudonym


def test_sequences_carry_on_from_where_they_were(backed_up):
    with duckdb.connect(str(backed_up["out"]), read_only=True) as con:
        values = dict(con.execute("SELECT sequence_name, coalesce(last_value, start_value - 1) FROM duckdb_sequences()"
                                  ).fetchall())
    for name, top in zip(SEQUENCES, backed_up["before"]["max_ids"], strict=True):
        assert values[name] >= top, name


def test_restore_refuses_a_store_that_holds_data_without_force(backed_up, live, tmp_path):
    target = tmp_path / "busy" / "dashboard.duckdb"
    with Store(target) as store:
        load_file(store, _contacts(tmp_path / "other.xlsx", "SYN-OTHER", 5), uploaded_by="test", agency="Police")
    before = _sha(target)
    refused = _cli("restore", str(backed_up["out"]), "--db", str(target))
    assert refused.returncode == 1
    assert refused.stderr.strip() == f"error: {target} already holds data: add --force to replace it with the backup"
    assert _sha(target) == before
    assert sorted(p.name for p in target.parent.iterdir()) == [".secret", "dashboard.duckdb"]

    forced = _cli("restore", str(backed_up["out"]), "--db", str(target), "--force")
    assert forced.returncode == 0, forced.stderr
    assert "(the store that was there is replaced)" in forced.stdout
    with Store(target) as store:
        assert_frame_equal(store.query("SELECT * FROM submissions ORDER BY submission_id"),
                           backed_up["before"]["submissions"])


def test_an_empty_store_is_replaced_without_force(backed_up, tmp_path):
    target = tmp_path / "fresh.duckdb"
    Store(target).close()
    assert restore(backed_up["out"], target).replaced is False
    with Store(target) as store:
        assert store.scalar("SELECT count(*) FROM submissions") == len(backed_up["before"]["submissions"])


def _written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _flipped(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:]


def _not_a_dashboard(path: Path) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE customers (id INTEGER, name VARCHAR)")
    return path


def _newer(source: Path, path: Path) -> Path:
    shutil.copyfile(source, path)
    with duckdb.connect(str(path)) as con:
        con.execute("INSERT INTO schema_version (version, description) VALUES (99, 'from the future')")
    return path


NOT_BACKUPS = {
    "text": (lambda backup, p: _written(p, b"Child ID,Name\nSYN-1,Someone\n"),
             "is not a backup of this dashboard: it is not a DuckDB database file"),
    "empty": (lambda backup, p: _written(p, b""),
              "is not a backup of this dashboard: it is not a DuckDB database file"),
    "only its header": (lambda backup, p: _written(p, backup.read_bytes()[:8192]),
                        "is not a backup of this dashboard"),
    "cut short": (lambda backup, p: _written(p, backup.read_bytes()[: backup.stat().st_size // 2]),
                  "is not a backup of this dashboard, or it is damaged"),
    "one byte changed": (lambda backup, p: _written(p, _flipped(backup.read_bytes())),
                         "is not a backup of this dashboard, or it is damaged"),
    "another database": (lambda backup, p: _not_a_dashboard(p),
                         "is not a backup of this dashboard: it has no schema_version, submissions"),
    "newer schema": (lambda backup, p: _newer(backup, p),
                     "was made by a newer version of the dashboard (schema version 99"),
}


@pytest.mark.parametrize("kind", list(NOT_BACKUPS))
def test_a_file_that_is_not_a_backup_is_refused_with_a_clear_message(backed_up, tmp_path, kind):
    make, message = NOT_BACKUPS[kind]
    bogus = make(backed_up["out"], tmp_path / f"{kind.replace(' ', '-')}.duckdb")
    target = tmp_path / "store" / "dashboard.duckdb"
    Store(target).close()
    before = _sha(target)
    result = _cli("restore", str(bogus), "--db", str(target), "--force")
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {bogus} {message}"), result.stderr
    assert "Traceback" not in result.stderr
    assert _sha(target) == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["dashboard.duckdb"]


def test_a_restore_that_fails_half_way_leaves_the_old_store(backed_up, tmp_path, monkeypatch):
    target = tmp_path / "dashboard.duckdb"
    with Store(target) as store:
        load_file(store, _contacts(tmp_path / "mine.xlsx", "SYN-MINE", 6), uploaded_by="test", agency="Police")
    before = _sha(target)

    def disk_fills_half_way(source, destination):
        Path(destination).write_bytes(Path(source).read_bytes()[: source.stat().st_size // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(loaders.backup.shutil, "copyfile", disk_fills_half_way)
    with pytest.raises(OSError, match="No space left"):
        restore(backed_up["out"], target, force=True)
    assert _sha(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".secret", "dashboard.duckdb", "mine.xlsx"]


def test_restore_refuses_a_store_another_process_has_open(backed_up, tmp_path):
    target = tmp_path / "dashboard.duckdb"
    with Store(target):
        result = _cli("restore", str(backed_up["out"]), "--db", str(target), "--force")
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: {target} is open in another process (the dashboard?): stop it " \
                                    "before restoring"
    with Store(target) as store:
        assert store.scalar("SELECT count(*) FROM submissions") == 0


def test_backup_command_refuses_an_existing_file_unless_forced(live, tmp_path):
    out = tmp_path / "b.duckdb"
    out.write_bytes(b"an older backup")
    db = str(live / "dashboard.duckdb")
    refused = _cli("backup", "--out", str(out), "--db", db)
    assert refused.returncode == 1
    assert refused.stderr.strip() == f"error: {out} already exists: choose another name, or add --force to replace it"
    assert out.read_bytes() == b"an older backup"
    forced = _cli("backup", "--out", str(out), "--db", db, "--force")
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.startswith(f"wrote {out}: ")
    assert "the backup does not contain the secret" in forced.stdout
    version, submissions, chain = inspect(out)
    assert version == MIGRATIONS[-1][0] and submissions > 10 and chain.intact


def test_backup_command_while_the_dashboard_holds_the_store_points_to_the_app(live, tmp_path):
    db = tmp_path / "dashboard.duckdb"
    shutil.copyfile(live / "dashboard.duckdb", db)
    with Store(db):
        result = _cli("backup", "--out", str(tmp_path / "b.duckdb"), "--db", str(db))
    assert result.returncode == 1
    assert "download a backup from its Audit trail page" in result.stderr
    assert not (tmp_path / "b.duckdb").exists()


def test_backup_of_a_missing_store_creates_nothing(tmp_path):
    result = _cli("backup", "--out", str(tmp_path / "b.duckdb"), "--db", str(tmp_path / "none.duckdb"))
    assert result.returncode == 1 and "there is no store at" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_backup_is_never_written_over_the_store(live):
    with Store(live / "dashboard.duckdb") as store, pytest.raises(BackupError, match="over the store itself"):
        backup(store, live / "dashboard.duckdb", actor=ACTOR, force=True)
