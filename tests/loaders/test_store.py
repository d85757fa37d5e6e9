"""The store: numbered migrations applied once, a schema version, and tables matching the declarations."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from loader_helpers import count, load

from loaders.datasets import DATASETS, SQL_TYPES
from loaders.store import MIGRATIONS, ROW_META_COLUMNS, Store, default_db_path, migrate
from tests.spreadsheets import CONTACT_HEADERS, write_xlsx


def test_schema_version_records_every_migration(store):
    rows = store.rows("SELECT version, description, applied_at IS NOT NULL FROM schema_version ORDER BY 1")
    assert rows == [(version, description, True) for version, description, _ in MIGRATIONS]
    assert store.schema_version == MIGRATIONS[-1][0]


def test_migrations_are_idempotent(tmp_path):
    db = tmp_path / "m.duckdb"
    with Store(db) as store:
        tables = store.rows("SELECT table_name FROM information_schema.tables ORDER BY 1")
    with Store(db) as store:
        assert store.rows("SELECT table_name FROM information_schema.tables ORDER BY 1") == tables
        assert migrate(store.con) == MIGRATIONS[-1][0]
        assert count(store, "schema_version") == len(MIGRATIONS)


def test_a_store_with_hex_identifiers_is_upgraded_to_blobs(tmp_path, monkeypatch):
    """Before migration 3 keyed hashes were 64 hex characters; the upgrade keeps every row and hash."""
    import loaders.store

    hashed = hashlib.sha256(b"SYN-1").hexdigest()
    db = tmp_path / "old.duckdb"
    monkeypatch.setattr(loaders.store, "MIGRATIONS", MIGRATIONS[:2])
    monkeypatch.setattr(loaders.store, "SQL_TYPES", {**SQL_TYPES, "id": "VARCHAR"})
    monkeypatch.setattr(loaders.store, "_COLUMN_STORAGE", {})
    with Store(db) as old:
        old.con.execute("""INSERT INTO contacts (submission_id, sheet, source_row, submitter_agency, child_key,
                           contact_date, source_code) VALUES (1, 'List 1', 2, 'Police', ?, DATE '2025-04-01', '6')""",
                        [hashed])
        assert old.scalar("SELECT max(version) FROM schema_version") == 2
    monkeypatch.undo()
    with Store(db) as store:
        assert store.schema_version == MIGRATIONS[-1][0]
        assert store.rows("SELECT child_key, source_row, source_code, is_current FROM contacts") == [
            (bytes.fromhex(hashed), 2, "6", True)]
        ddl = store.scalar("SELECT sql FROM duckdb_tables() WHERE table_name = 'contacts'")
        assert "child_key BLOB USING COMPRESSION" in ddl
        assert store.scalar("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '%before_v3'") == 0


def test_a_failing_migration_is_rolled_back(tmp_path, monkeypatch):
    import loaders.store

    latest = MIGRATIONS[-1][0]

    def broken(con):
        con.execute("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("the next migration failed")

    db = tmp_path / "m.duckdb"
    Store(db).close()
    monkeypatch.setattr(loaders.store, "MIGRATIONS", [*MIGRATIONS, (latest + 1, "broken", broken)])
    with pytest.raises(RuntimeError, match="the next migration failed"):
        Store(db)
    monkeypatch.undo()
    with Store(db) as store:
        assert store.rows("SELECT max(version) FROM schema_version") == [(latest,)]
        assert store.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = 'half_done'") == 0


def test_a_second_store_on_the_same_file_sees_the_data(tmp_path):
    db = tmp_path / "shared.duckdb"
    path = write_xlsx(tmp_path / "c.xlsx", {"C": [CONTACT_HEADERS, ["SYN-1", dt.date(2025, 4, 3), "6"]]})
    with Store(db) as store:
        assert load(store, path).status == "accepted"
    with Store(db) as store:
        assert store.rows("SELECT contact_date, source_code, is_current FROM contacts") == [
            (dt.date(2025, 4, 3), "6", True)]
        assert load(store, path).status == "duplicate"


def test_database_path_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / "env.duckdb"))
    assert default_db_path() == tmp_path / "env.duckdb"
    with Store() as store:
        assert store.path == tmp_path / "env.duckdb"
    assert (tmp_path / "env.duckdb").exists()
    monkeypatch.delenv("DASHBOARD_DB")
    assert str(default_db_path()) == "data/dashboard.duckdb"


@pytest.mark.parametrize("name", list(DATASETS))
def test_dataset_tables_match_the_declarations(store, name):
    dataset = DATASETS[name]
    described = store.rows(f"DESCRIBE {name}")
    expected = [(spec.split()[0], spec.split()[1]) for spec in ROW_META_COLUMNS]
    for column in dataset.columns:
        if column.kind == "dob":
            continue
        expected.append((column.key, SQL_TYPES[column.kind]))
        if column.kind == "source":
            expected.append(("source_group", "VARCHAR"))
    assert [(row[0], row[1]) for row in described] == expected
    assert "date_of_birth" not in [row[0] for row in described]


def test_every_table_the_loader_writes_exists(store):
    tables = {r[0] for r in store.rows("SELECT table_name FROM information_schema.tables")}
    assert {"submissions", "submission_parts", "upload_log", "audit_themes", "schema_version", *DATASETS} <= tables
    assert any("log" in t for t in tables)


def test_transaction_rolls_back_on_error(store):
    with pytest.raises(ZeroDivisionError), store.transaction() as cur:
        cur.execute("INSERT INTO upload_log (log_id, logged_at, status) VALUES (1, now()::TIMESTAMP, 'x')")
        raise ZeroDivisionError
    assert count(store, "upload_log") == 0
