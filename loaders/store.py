"""The DuckDB store: where the file lives, how it is opened, and the numbered migrations.

One connection per process; each thread works through its own cursor (``Store.cursor()``).
DuckDB streams results, so every helper here fetches a result completely before returning.

Each migration holds a frozen copy of the tables it makes: it never reads today's declarations, so a store
created by any release upgrades to the same schema as a new one. A column added to a dataset's declaration
(``loaders.datasets``) therefore comes with a migration of its own, ``add_columns_migration``; a test compares
the schema the migrations build with the declarations (:func:`schema_differences`) and names the migration to
add when they differ.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
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
    (``ui.gate.store_busy``) and never this message."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


def default_db_path() -> Path:
    return Path(os.environ.get("DASHBOARD_DB") or DEFAULT_DB)


# A keyed hash is 32 random bytes: compression finds nothing in it, and trying costs a third of an insert.
_COLUMN_STORAGE = {"id": " USING COMPRESSION uncompressed"}


def dataset_columns_sql(dataset: Dataset) -> list[str]:
    """The table a dataset's declaration asks for today (migrations never use it: they hold frozen copies)."""
    columns = list(ROW_META_COLUMNS)
    for column in dataset.stored_columns:
        columns.append(f"{column.key} {SQL_TYPES[column.kind]}{_COLUMN_STORAGE.get(column.kind, '')}")
        if column.kind == "source":
            columns.append("source_group VARCHAR")
    return columns


# --- frozen: the dataset tables as migration 1 creates them and migration 3 rebuilds them. Never edit these;
# a change to a declaration is a new migration.
_ROW_META_V1 = (
    "submission_id BIGINT NOT NULL", "sheet VARCHAR", "source_row INTEGER", "submitter_agency VARCHAR NOT NULL",
    "is_current BOOLEAN NOT NULL DEFAULT TRUE", "superseded_by BIGINT",
)
_HASH_V1 = "BLOB USING COMPRESSION uncompressed"
_CHILD_V1 = ("age SMALLINT", "gender VARCHAR", "ethnicity VARCHAR")
DATASET_TABLES_V1: dict[str, tuple[str, ...]] = {
    "contacts": (*_ROW_META_V1, f"child_key {_HASH_V1}", f"contact_id {_HASH_V1}", "contact_date DATE",
                 "source_code VARCHAR", "source_group VARCHAR", "decision_date DATE", "outcome VARCHAR",
                 "neglect VARCHAR", *_CHILD_V1),
    "referrals": (*_ROW_META_V1, f"child_key {_HASH_V1}", "referral_date DATE", "source_code VARCHAR",
                  "source_group VARCHAR", "nfa VARCHAR", "referrals_12m INTEGER", *_CHILD_V1),
    "cp_plans": (*_ROW_META_V1, f"child_key {_HASH_V1}", "plan_start DATE", "initial_category VARCHAR",
                 "latest_category VARCHAR", "plan_end DATE", "previous_plans INTEGER", *_CHILD_V1),
    "training": (*_ROW_META_V1, "session_date DATE", "course VARCHAR", "agency VARCHAR", "attended VARCHAR",
                 "session_id VARCHAR", f"delegate_key {_HASH_V1}", "role VARCHAR", "confidence_pre TINYINT",
                 "confidence_post TINYINT", "confidence_followup TINYINT"),
    "audits": (*_ROW_META_V1, "audit_id VARCHAR", "audit_date DATE", "agency VARCHAR", "overall_grade VARCHAR",
               f"child_key {_HASH_V1}", "audit_type VARCHAR"),
    "actions": (*_ROW_META_V1, "action_id VARCHAR", "priority_area VARCHAR", "action VARCHAR",
                "lead_agency VARCHAR", "lead_officer VARCHAR", "measure VARCHAR", "baseline DOUBLE",
                "baseline_period VARCHAR", "target DOUBLE", "due_period VARCHAR", "status VARCHAR",
                "evidence VARCHAR", "sustainability_plan VARCHAR"),
}


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
    for name, columns in DATASET_TABLES_V1.items():
        con.execute(f"CREATE TABLE {name} ({', '.join(columns)})")


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
    for name, columns in DATASET_TABLES_V1.items():
        keys = [c.split()[0] for c in columns if c.split()[1] == "BLOB"]
        types = dict(con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?", [name]
        ).fetchall())
        if all(types.get(key) == "BLOB" for key in keys):
            continue
        names = [definition.split()[0] for definition in columns]
        values = [f"unhex({column})" if column in keys else column for column in names]
        con.execute(f"ALTER TABLE {name} RENAME TO {name}_before_v3")
        con.execute(f"CREATE TABLE {name} ({', '.join(columns)})")
        con.execute(f"INSERT INTO {name} ({', '.join(names)}) SELECT {', '.join(values)} FROM {name}_before_v3")
        con.execute(f"DROP TABLE {name}_before_v3")


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
    for table in ("submission_parts", "audit_themes", *DATASET_TABLES_V1):
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


def _migration_6(con: duckdb.DuckDBPyConnection) -> None:
    """Decisions record the meeting's date and the agencies present (a JSON list of names); commentary on each
    action per quarter, appended and never edited (``metrics.commentary``)."""
    con.execute("""
        ALTER TABLE action_decisions ADD COLUMN meeting_date DATE;
        ALTER TABLE action_decisions ADD COLUMN present JSON;
        CREATE SEQUENCE comment_id_seq START 1;
        CREATE TABLE action_commentary (
            comment_id BIGINT PRIMARY KEY,
            action_id VARCHAR NOT NULL,
            period VARCHAR NOT NULL,
            text VARCHAR NOT NULL,
            written_by VARCHAR NOT NULL,
            written_at TIMESTAMP NOT NULL
        );
    """)


def _migration_7(con: duckdb.DuckDBPyConnection) -> None:
    """Annex A lists 4 (assessments) and 5 (section 47 enquiries), frozen as first declared."""
    child = (f"child_key {_HASH_V1}",)
    tables = {
        "assessments": (*_ROW_META_V1, *child, "assessment_start DATE", "authorised_date DATE", "child_seen VARCHAR",
                        "needs_support VARCHAR", *_CHILD_V1),
        "s47_enquiries": (*_ROW_META_V1, *child, "strategy_date DATE", "icpc_unnecessary VARCHAR", "icpc_date DATE",
                          "icpc_plan VARCHAR", *_CHILD_V1),
    }
    for name, columns in tables.items():
        con.execute(f"CREATE TABLE {name} ({', '.join(columns)})")


def _migration_8(con: duckdb.DuckDBPyConnection) -> None:
    """The DfE's published comparator figures (``loaders.reference``), frozen here as first made. The tables
    hold the current reference only; ``reference_loads`` keeps a record of every reference set loaded, and a
    newer set replaces the tables whole in one transaction (``loaders.reference_store``)."""
    con.execute("""
        CREATE SEQUENCE reference_id_seq START 1;
        CREATE TABLE reference_loads (
            reference_id BIGINT PRIMARY KEY,
            loaded_at TIMESTAMP NOT NULL,
            loaded_by VARCHAR NOT NULL,
            files JSON NOT NULL,
            rows_loaded INTEGER NOT NULL,
            replaced_at TIMESTAMP,
            replaced_by BIGINT
        );
        CREATE TABLE ref_published (measure VARCHAR NOT NULL, year VARCHAR, period_label VARCHAR,
            area_code INTEGER NOT NULL, area_name VARCHAR, area_level VARCHAR NOT NULL, value DOUBLE, symbol VARCHAR);
        CREATE TABLE ref_measures (measure VARCHAR NOT NULL, title VARCHAR, polarity VARCHAR, year_type VARCHAR,
            unit VARCHAR, description VARCHAR, last_update VARCHAR);
        CREATE TABLE ref_areas (area_code INTEGER NOT NULL, area_name VARCHAR, area_level VARCHAR,
            lait_region VARCHAR, region_name VARCHAR, in_model BOOLEAN);
        CREATE TABLE ref_area_names (name VARCHAR NOT NULL, area_code INTEGER NOT NULL);
        CREATE TABLE ref_neighbours (la_code INTEGER NOT NULL, rank INTEGER NOT NULL, neighbour_code INTEGER NOT NULL,
            closeness VARCHAR);
        CREATE TABLE ref_population (area_code INTEGER NOT NULL, year INTEGER NOT NULL, population DOUBLE);
        CREATE TABLE ref_joint_returns (area_code INTEGER NOT NULL, partner_code INTEGER NOT NULL);
        CREATE TABLE ref_la_values (measure VARCHAR NOT NULL, year VARCHAR NOT NULL, area_code INTEGER NOT NULL,
            value DOUBLE);
    """)


Migration = Callable[[duckdb.DuckDBPyConnection], None]


def add_columns_migration(dataset: str, columns: Sequence[str]) -> Migration:
    """A migration adding ``columns`` to a dataset's table, each written out in full as the migration freezes it
    (``"family_id VARCHAR"``): ``schema_differences`` words the call for a column newly declared. Rows already
    stored have the new column blank."""
    frozen = tuple(columns)

    def apply(con: duckdb.DuckDBPyConnection) -> None:
        for definition in frozen:
            con.execute(f"ALTER TABLE {dataset} ADD COLUMN {definition}")
    return apply


MIGRATIONS: list[tuple[int, str, Migration]] = [
    (1, "submissions, upload log, dataset tables, audit themes, action decisions", _migration_1),
    (2, "audit log of every write: who, when, what, which submission or action, outcome", _migration_2),
    (3, "keyed hashes of child and delegate IDs stored as 32-byte BLOBs", _migration_3),
    (4, "audit trail chained: each row holds the SHA-256 of the previous row's hash and its own content",
     _migration_4),
    (5, "value mappings per agency, dataset and column (local labels read as accepted codes)", _migration_5),
    (6, "decisions: meeting date and agencies present; commentary on each action per quarter", _migration_6),
    (7, "Annex A lists 4 (assessments) and 5 (section 47 enquiries)", _migration_7),
    (8, "published comparator figures (DfE, ONS) and the record of each reference set loaded", _migration_8),
    (9, "action plan: the date each change went live (SPC limits are recalculated from it)",
     add_columns_migration("actions", ["spc_from DATE"])),
]


def schema_differences(con: duckdb.DuckDBPyConnection) -> list[str]:
    """How the dataset tables the migrations built differ from today's declarations, each with what to do:
    empty when they agree."""
    found = []
    for dataset in DATASETS.values():
        built = dict(con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?", [dataset.name]
        ).fetchall())
        if not built:
            found.append(f"{dataset.name}: declared but no migration creates its table: add a migration")
            continue
        declared = {d.split()[0]: d for d in dataset_columns_sql(dataset)}
        added = [d for name, d in declared.items() if name not in built]
        if added:
            found.append(f"{dataset.name}: declared columns no migration adds: add a migration, "
                         f"add_columns_migration({dataset.name!r}, {added!r})")
        found += [f"{dataset.name}.{name}: stored as {built[name]}, declared {d.split()[1]}: add a migration"
                  for name, d in declared.items() if name in built and built[name] != d.split()[1]]
        found += [f"{dataset.name}.{name}: stored but no longer declared: declare it, or add a migration"
                  for name in built if name not in declared]
    return found


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply every migration not yet applied, all in one transaction; return the schema version."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description VARCHAR,"
            " applied_at TIMESTAMP DEFAULT current_timestamp)"
        )
        current = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
        for version, description, apply in sorted(MIGRATIONS, key=lambda m: m[0]):
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
