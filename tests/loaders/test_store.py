"""The store: numbered migrations applied once, a schema version, and tables matching the declarations."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

import pytest
from loader_helpers import count, load

from loaders.datasets import DATASETS, SQL_TYPES, Column
from loaders.store import (
    DATASET_TABLES_V1,
    MIGRATIONS,
    ROW_META_COLUMNS,
    Store,
    add_columns_migration,
    default_db_path,
    migrate,
    schema_differences,
)
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
    monkeypatch.setattr(loaders.store, "DATASET_TABLES_V1", {  # migration 1 as it was before migration 3
        name: tuple(c.replace("BLOB USING COMPRESSION uncompressed", "VARCHAR") for c in columns)
        for name, columns in DATASET_TABLES_V1.items()})
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


def test_the_schema_the_migrations_build_is_the_one_declared(store):
    """Migrations hold frozen copies of their tables: a column declared without a migration fails here."""
    assert schema_differences(store.con) == []


# The previous release's last migration: a store it made has exactly the tables migrations 1 to 5 build.
PREVIOUS_RELEASE = 5
FAMILY = Column("family_id", "Family ID", "text", aliases=("Family reference",), example="F-1")


@pytest.fixture
def contacts_with_a_new_column(monkeypatch):
    """Today's contacts declaration plus a column, as a later release would declare it (not yet migrated)."""
    from loaders import roles

    new = dataclasses.replace(DATASETS["contacts"], columns=(*DATASETS["contacts"].columns, FAMILY))
    monkeypatch.setitem(DATASETS, "contacts", new)
    roles._roles.cache_clear()  # roles are derived once per dataset name
    yield new
    monkeypatch.undo()
    roles._roles.cache_clear()


def test_a_declared_column_without_its_migration_is_named_with_the_migration_to_add(store, contacts_with_a_new_column):
    assert schema_differences(store.con) == [
        "contacts: declared columns no migration adds: add a migration, "
        "add_columns_migration('contacts', ['family_id VARCHAR'])"]


def test_a_store_from_the_previous_release_gains_a_new_declared_column_and_loads_it(tmp_path, monkeypatch):
    import loaders.store

    db = tmp_path / "previous.duckdb"
    monkeypatch.setattr(loaders.store, "MIGRATIONS", MIGRATIONS[:PREVIOUS_RELEASE])
    old_file = write_xlsx(tmp_path / "old.xlsx", {"C": [CONTACT_HEADERS, ["SYN-1", dt.date(2025, 4, 3), "6"]]})
    with Store(db) as old:
        assert old.schema_version == PREVIOUS_RELEASE and load(old, old_file).status == "accepted"

    from loaders import roles

    declared = dataclasses.replace(DATASETS["contacts"], columns=(*DATASETS["contacts"].columns, FAMILY))
    monkeypatch.setitem(DATASETS, "contacts", declared)
    roles._roles.cache_clear()
    try:
        # every later release's migrations too (they create tables declared since), then the new column's
        migration = (MIGRATIONS[-1][0] + 1, "contacts: family ID", add_columns_migration("contacts", ["family_id VARCHAR"]))
        monkeypatch.setattr(loaders.store, "MIGRATIONS", [*MIGRATIONS, migration])
        new_file = write_xlsx(tmp_path / "new.xlsx", {"C": [[*CONTACT_HEADERS, "Family ID"],
                                                            ["SYN-2", dt.date(2025, 5, 6), "6", None, None, None, "F-77"]]})
        with Store(db) as store:
            assert store.schema_version == migration[0]
            assert schema_differences(store.con) == []
            report = load(store, new_file)
            assert (report.status, report.errors) == ("accepted", [])
            assert store.rows("SELECT contact_date, family_id FROM contacts ORDER BY contact_date") == [
                (dt.date(2025, 4, 3), None), (dt.date(2025, 5, 6), "F-77")]
    finally:
        monkeypatch.undo()
        roles._roles.cache_clear()
