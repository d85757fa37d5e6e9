"""The DuckDB store: where the file lives, how it is opened, and the numbered migrations.

One connection per process; each thread works through its own cursor (``Store.cursor()``).
DuckDB streams results, so every helper here fetches a result completely before returning.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from loaders.datasets import DATASETS, SQL_TYPES, Dataset

DEFAULT_DB = Path("data/dashboard.duckdb")

ROW_META_COLUMNS = (
    "submission_id BIGINT NOT NULL",
    "sheet VARCHAR",
    "source_row INTEGER",
    "submitter_agency VARCHAR NOT NULL",
    "is_current BOOLEAN NOT NULL DEFAULT TRUE",
    "superseded_by BIGINT",
)


class StoreBusyError(RuntimeError):
    """The database file is open in another process (DuckDB lets one process at a time write a file).

    Its message speaks to the command line, whose usual rival is the running dashboard. Another caller words
    its own from ``path``: the dashboard, whose rival is a load from the command line, shows a calm page
    (``pages.gate.store_busy``) and never this message."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


def default_db_path() -> Path:
    return Path(os.environ.get("DASHBOARD_DB") or DEFAULT_DB)


# A keyed hash is 32 random bytes: compression finds nothing in it, and trying costs a third of an insert.
_COLUMN_STORAGE = {"id": " USING COMPRESSION uncompressed"}


def dataset_columns_sql(dataset: Dataset) -> list[str]:
    columns = list(ROW_META_COLUMNS)
    for column in dataset.stored_columns:
        columns.append(f"{column.key} {SQL_TYPES[column.kind]}{_COLUMN_STORAGE.get(column.kind, '')}")
        if column.kind == "source":
            columns.append("source_group VARCHAR")
    return columns


def _migration_1(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
        CREATE SEQUENCE submission_id_seq START 1;
        CREATE TABLE submissions (
            submission_id BIGINT PRIMARY KEY,
            file_name VARCHAR NOT NULL,
            sha256 VARCHAR NOT NULL,
            agency VARCHAR NOT NULL,
            uploaded_by VARCHAR NOT NULL,
            uploaded_at TIMESTAMP NOT NULL,
            datasets VARCHAR[] NOT NULL,
            date_from DATE,
            date_to DATE,
            rows_read INTEGER NOT NULL,
            rows_loaded INTEGER NOT NULL,
            rows_skipped INTEGER NOT NULL,
            skip_invalid_rows BOOLEAN NOT NULL,
            warnings JSON,
            withdrawn_at TIMESTAMP,
            withdrawn_by VARCHAR
        );
        CREATE TABLE submission_parts (
            submission_id BIGINT NOT NULL,
            dataset VARCHAR NOT NULL,
            sheet VARCHAR NOT NULL,
            date_from DATE,
            date_to DATE,
            rows_read INTEGER NOT NULL,
            rows_loaded INTEGER NOT NULL,
            rows_skipped INTEGER NOT NULL
        );
        CREATE SEQUENCE upload_log_id_seq START 1;
        CREATE TABLE upload_log (
            log_id BIGINT PRIMARY KEY,
            logged_at TIMESTAMP NOT NULL,
            file_name VARCHAR,
            sha256 VARCHAR,
            agency VARCHAR,
            uploaded_by VARCHAR,
            status VARCHAR NOT NULL,
            submission_id BIGINT,
            datasets VARCHAR[],
            error_count INTEGER,
            first_error VARCHAR
        );
        CREATE TABLE audit_themes (
            submission_id BIGINT NOT NULL,
            sheet VARCHAR NOT NULL,
            source_row INTEGER NOT NULL,
            theme VARCHAR NOT NULL,
            theme_slug VARCHAR NOT NULL,
            judgement VARCHAR
        );
        CREATE SEQUENCE decision_id_seq START 1;
        CREATE TABLE action_decisions (
            decision_id BIGINT PRIMARY KEY,
            action_id VARCHAR NOT NULL,
            status VARCHAR NOT NULL,
            note VARCHAR,
            decided_by VARCHAR NOT NULL,
            decided_on DATE NOT NULL,
            recorded_at TIMESTAMP NOT NULL
        );
    """)
    for dataset in DATASETS.values():
        con.execute(f"CREATE TABLE {dataset.name} ({', '.join(dataset_columns_sql(dataset))})")


def _migration_2(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
        CREATE SEQUENCE audit_id_seq START 1;
        CREATE TABLE audit_log (
            audit_id BIGINT PRIMARY KEY DEFAULT nextval('audit_id_seq'),
            logged_at TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP),
            who VARCHAR NOT NULL,
            role VARCHAR,
            agency VARCHAR,
            action VARCHAR NOT NULL,
            target VARCHAR,
            outcome VARCHAR NOT NULL,
            detail VARCHAR
        );
    """)


def _migration_3(con: duckdb.DuckDBPyConnection) -> None:
    """Keyed hashes as 32-byte BLOBs, not 64 hex characters: tables made before this are rebuilt
    (ALTER cannot set a column's compression), converting each hash with ``unhex``."""
    for dataset in DATASETS.values():
        keys = [c.key for c in dataset.stored_columns if c.kind == "id"]
        types = dict(con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?", [dataset.name]
        ).fetchall())
        if all(types.get(key) == "BLOB" for key in keys):
            continue
        names = [definition.split()[0] for definition in dataset_columns_sql(dataset)]
        values = [f"unhex({name})" if name in keys else name for name in names]
        con.execute(f"ALTER TABLE {dataset.name} RENAME TO {dataset.name}_before_v3")
        con.execute(f"CREATE TABLE {dataset.name} ({', '.join(dataset_columns_sql(dataset))})")
        con.execute(f"INSERT INTO {dataset.name} ({', '.join(names)}) "
                    f"SELECT {', '.join(values)} FROM {dataset.name}_before_v3")
        con.execute(f"DROP TABLE {dataset.name}_before_v3")


def _migration_4(con: duckdb.DuckDBPyConnection) -> None:
    """The audit trail becomes a hash chain: each row carries the previous row's hash and its own, and the
    rows already there are chained in audit_id order (the rules live in ``loaders.audit``)."""
    from loaders.audit import chain_existing  # loaders.audit imports this module

    _withhold_earlier_log_text(con)
    con.execute("ALTER TABLE audit_log ADD COLUMN prev_hash VARCHAR")
    con.execute("ALTER TABLE audit_log ADD COLUMN row_hash VARCHAR")
    chain_existing(con)


EARLIER_LOG_TEXT = "(withheld: written before stored messages were kept free of file content)"


def _withhold_earlier_log_text(con: duckdb.DuckDBPyConnection) -> None:
    """Stores written before this release may hold text from files in their logs: an error message quoting a
    cell or a header row that was really data, and sheet names (typed by a person, so they may name a child).
    Nothing from a file may stay stored, so that text is withheld here, before the audit rows are chained
    (changing them afterwards would break the chain). Sheets become "Sheet N" within each submission;
    their positions were never recorded, so N follows the names' order, consistently in every table."""
    con.execute("UPDATE upload_log SET first_error = ? WHERE first_error IS NOT NULL", [EARLIER_LOG_TEXT])
    con.execute(
        "UPDATE submissions SET warnings = to_json(list_transform(CAST(warnings AS VARCHAR[]), lambda w: ?)) "
        "WHERE warnings IS NOT NULL AND json_array_length(warnings) > 0", [EARLIER_LOG_TEXT])
    con.execute(
        "UPDATE audit_log SET detail = regexp_replace(detail, ', first: .*$', ', first: ' || ?, 's') "
        "WHERE action IN ('upload', 'action plan load') AND detail LIKE '%, first: %'", [EARLIER_LOG_TEXT])
    con.execute("""
        CREATE TEMP TABLE sheet_labels AS
        SELECT submission_id, sheet,
               'Sheet ' || dense_rank() OVER (PARTITION BY submission_id ORDER BY sheet) AS label
        FROM (SELECT DISTINCT submission_id, sheet FROM submission_parts)""")
    for table in ("submission_parts", "audit_themes", *DATASETS):
        con.execute(f"UPDATE {table} t SET sheet = l.label FROM sheet_labels l "
                    "WHERE t.submission_id = l.submission_id AND t.sheet = l.sheet")
    con.execute("DROP TABLE sheet_labels")


def _migration_5(con: duckdb.DuckDBPyConnection) -> None:
    """Value mappings per agency ("LA services" in contacts.source_code means 5A), kept for good: removing one
    marks it removed. One active mapping per agency, dataset, column and normalised value is enforced by
    ``loaders.aliases`` inside its transaction (DuckDB has no partial unique index)."""
    con.execute("""
        CREATE SEQUENCE value_alias_id_seq START 1;
        CREATE TABLE value_aliases (
            alias_id BIGINT PRIMARY KEY,
            agency VARCHAR NOT NULL,
            dataset VARCHAR NOT NULL,
            column_key VARCHAR NOT NULL,
            value VARCHAR NOT NULL,
            value_key VARCHAR NOT NULL,
            code VARCHAR NOT NULL,
            created_by VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL,
            removed_by VARCHAR,
            removed_at TIMESTAMP
        );
    """)


MIGRATIONS: list[tuple[int, str, Callable[[duckdb.DuckDBPyConnection], None]]] = [
    (1, "submissions, upload log, dataset tables, audit themes, action decisions", _migration_1),
    (2, "audit log of every write: who, when, what, which submission or action, outcome", _migration_2),
    (3, "keyed hashes of child and delegate IDs stored as 32-byte BLOBs", _migration_3),
    (4, "audit trail chained: each row holds the SHA-256 of the previous row's hash and its own content",
     _migration_4),
    (5, "value mappings per agency, dataset and column (local labels read as accepted codes)", _migration_5),
]


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply every migration not yet applied, all in one transaction; return the schema version."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description VARCHAR,"
            " applied_at TIMESTAMP DEFAULT current_timestamp)"
        )
        current = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
        for version, description, apply in MIGRATIONS:
            if version > current:
                apply(con)
                con.execute("INSERT INTO schema_version (version, description) VALUES (?, ?)", [version, description])
                current = version
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return current


# One lock for every Store in the process: two Stores on one file share DuckDB's database, and the audit
# trail's writer reads the newest hash inside the transaction, which only a process-wide lock makes safe.
_WRITE_LOCK = threading.RLock()


class Store:
    """An open DuckDB database with the project's schema applied."""

    def __init__(self, path: Path | str | None = None, read_only: bool = False) -> None:
        self.path = Path(path) if path else default_db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreBusyError(
                    f"{self.path} is open in another process (is the dashboard running?). "
                    "Stop it, or load the file through the dashboard's Upload page.",
                    self.path,
                ) from exc
            raise
        self._local = threading.local()
        self._write_lock = _WRITE_LOCK
        if not read_only:
            self.schema_version = migrate(self.con)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor on the shared connection."""
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self.con.cursor()
            self._local.cursor = cursor
        return cursor

    def query(self, sql: str, params: list | None = None):
        """Run a read query on this thread's cursor and return a fully fetched DataFrame."""
        return self.cursor().execute(sql, params or []).df()

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.cursor().execute(sql, params or []).fetchall()

    def scalar(self, sql: str, params: list | None = None):
        row = self.cursor().execute(sql, params or []).fetchone()
        return row[0] if row else None

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One write transaction: committed whole, or rolled back whole on any error."""
        with self._write_lock:
            cur = self.con.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            finally:
                cur.close()

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
