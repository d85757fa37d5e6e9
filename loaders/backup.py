"""Backups of the store, and restoring one (``python -m loaders backup`` / ``restore``; the Audit trail page).

A backup is a DuckDB file made with ``COPY FROM DATABASE`` inside one ``Store.transaction``: the store's
lock keeps the app's own writes out, and the transaction's snapshot makes every table agree. It copies
the sequences at their current values, so ids go on from where they were after a restore. Measured on a
153 MB store (2.5 million contacts): 1.6-2.6 s, against 0.4 s for CHECKPOINT and a file copy; the copy
through DuckDB is chosen because it never depends on the file's layout or write-ahead log, and is
compacted. A backup holds pseudonymised data but not the secret (``DASHBOARD_SECRET`` or ``.secret``):
keep that separately, or new loads' pseudonyms will not match the restored ones.

Both directions write beside the destination and rename, so a failure leaves what was there before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from loaders import audit
from loaders.audit import Actor, AuditAction, AuditOutcome, ChainCheck, verify_chain
from loaders.datasets import DATASETS
from loaders.store import MIGRATIONS, Store, StoreBusyError

# Tables every version of the schema has had since the first migration.
_CORE_TABLES = ("schema_version", "submissions", "submission_parts", "upload_log", *DATASETS)


class BackupError(RuntimeError):
    """A backup or restore that was refused or failed; the message says why, in plain words."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    sha256: str
    schema_version: int
    submissions: int
    chain: ChainCheck


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sql_name(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _durable_replace(source: Path, target: Path) -> None:
    """Rename ``source`` over ``target`` after both the file and (after the rename) its folder reach the disk."""
    with source.open("rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(source, target)
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def _discard(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


def _copy_into(store: Store, target: Path) -> None:
    source = store.scalar("SELECT current_database()")
    alias = f"backup_{uuid.uuid4().hex}"  # a name of its own, should two backups run at once
    try:
        with store.transaction() as cur:
            cur.execute(f"ATTACH {_sql_text(str(target))} AS {alias}")
            cur.execute(f"COPY FROM DATABASE {_sql_name(source)} TO {alias}")
    finally:
        # DETACH writes the copy's log into its file, so nothing is left beside it.
        store.cursor().execute(f"DETACH DATABASE IF EXISTS {alias}")


def inspect(path: Path) -> tuple[int, int, ChainCheck | None]:
    """Schema version, submissions and audit chain of a backup file, opened read-only; ``BackupError``
    when it is not a backup of this dashboard's store."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        store = Store(path, read_only=True)
    except duckdb.Error as exc:
        raise BackupError(f"{path} is not a backup of this dashboard: it is not a DuckDB database file") from exc
    try:
        with store:
            return _contents(store, path)
    except duckdb.Error as exc:  # a DuckDB file whose blocks are missing or damaged
        raise BackupError(f"{path} is not a backup of this dashboard, or it is damaged: "
                          f"{type(exc).__name__} while reading it") from exc


def _contents(store: Store, path: Path) -> tuple[int, int, ChainCheck | None]:
    tables = {row[0] for row in store.rows("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'")}
    missing = [name for name in _CORE_TABLES if name not in tables]
    if missing:
        raise BackupError(f"{path} is not a backup of this dashboard: it has no {', '.join(missing)} table")
    version = store.scalar("SELECT max(version) FROM schema_version") or 0
    latest = MIGRATIONS[-1][0]
    if version > latest:
        raise BackupError(f"{path} was made by a newer version of the dashboard (schema version {version}; "
                          f"this one knows up to {latest}): update the dashboard first")
    columns = {row[0] for row in store.rows("SELECT column_name FROM duckdb_columns() WHERE table_name = 'audit_log'")}
    chain = verify_chain(store) if "row_hash" in columns else None
    # Every cell of every table is read once (DuckDB checks each block's checksum as it reads it), so a
    # damaged or cut-short file is found here, not after it has replaced a store.
    for name in sorted(tables):
        store.rows(f"SELECT bit_xor(hash(t)) FROM {_sql_name(name)} AS t")
    return int(version), int(store.scalar("SELECT count(*) FROM submissions")), chain


def backup(store: Store, out: Path, *, actor: Actor, force: bool = False, audited_as: str | None = None) -> BackupResult:
    """Write a consistent copy of ``store`` to ``out`` (refused if ``out`` exists, unless ``force``), check
    it, and record it in the audit trail with its size and SHA-256."""
    out = Path(out)
    if out.resolve() == store.path.resolve():
        raise BackupError("the backup cannot be written over the store itself")
    if out.exists() and not force:
        raise BackupError(f"{out} already exists: choose another name, or add --force to replace it")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        _copy_into(store, partial)
        partial.chmod(0o600)  # pseudonymised, but still about children: readable by the owner only
        version, submissions, chain = inspect(partial)
        _durable_replace(partial, out)
    except BaseException:
        _discard(partial)
        raise
    size, sha = out.stat().st_size, _sha256(out)
    audit.record(store, actor, AuditAction.BACKUP, audited_as or str(out), AuditOutcome.DONE,
                 f"{size} bytes, schema version {version}, {submissions} submissions, sha256 {sha}")
    return BackupResult(out, size, sha, version, submissions, chain or ChainCheck(0))


def backup_file_name(now: dt.datetime | None = None) -> str:
    return f"dashboard-backup-{(now or dt.datetime.now()):%Y%m%d-%H%M%S}.duckdb"


def backup_bytes(store: Store, actor: Actor, name: str) -> bytes:
    """A backup for the app to offer as a download, made in a private folder beside the store (as well
    protected as the store itself) and removed straight after."""
    with tempfile.TemporaryDirectory(dir=store.path.parent, prefix=".backup-") as scratch:
        result = backup(store, Path(scratch) / name, actor=actor, audited_as=f"{name} (downloaded from the app)")
        return result.path.read_bytes()


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    schema_version: int
    submissions: int
    chain: ChainCheck
    replaced: bool
    secret_found: bool


def _holds_data(target: Path, force: bool) -> bool:
    """Whether the store at ``target`` has anything in it; refuses (without ``force``) one that cannot be read.
    Opening it takes its lock, so a running dashboard is a ``StoreBusyError`` here, before anything changes."""
    if not target.exists():
        return False
    try:
        with Store(target, read_only=True) as current:
            tables = {row[0] for row in current.rows("SELECT table_name FROM duckdb_tables()")}
            counted = [t for t in ("submissions", "audit_log", "action_decisions") if t in tables]
            return any(current.scalar(f"SELECT count(*) FROM {t}") for t in counted)
    except StoreBusyError:
        raise
    except duckdb.Error as exc:
        if force:
            return True
        raise BackupError(f"{target} exists but cannot be read as a store ({type(exc).__name__}): "
                          "add --force to replace it with the backup") from exc


def _check_target(target: Path, force: bool) -> bool:
    held = _holds_data(target, force)
    if held and not force:
        raise BackupError(f"{target} already holds data: add --force to replace it with the backup")
    return held


def secret_available(db_path: Path) -> bool:
    """Whether pseudonyms made for ``db_path`` will use an existing secret (see ``loaders.pseudonymise``)."""
    return bool(os.environ.get("DASHBOARD_SECRET")) or (Path(db_path).parent / ".secret").exists()


def restore(source: Path, target: Path, *, force: bool = False) -> RestoreResult:
    """Replace the store at ``target`` with the backup ``source``: checked first, brought up to this
    version's schema in a copy beside ``target``, then renamed into place. A store that holds data is
    replaced only with ``force``."""
    source, target = Path(source), Path(target)
    if source.exists() and target.exists() and source.resolve() == target.resolve():
        raise BackupError("the backup and the store are the same file")
    inspect(source)  # refuse anything that is not a backup before touching the target
    _check_target(target, force)  # fail fast; checked again just before the rename
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.restoring")
    try:
        shutil.copyfile(source, staged)
        with Store(staged) as restored:  # runs any newer migrations on the copy, not on the backup
            version = restored.schema_version
            submissions = int(restored.scalar("SELECT count(*) FROM submissions"))
            chain = verify_chain(restored)
        held = _check_target(target, force)
        # The old store's log (left only by a crash) must not be replayed into the restored file.
        target.with_name(target.name + ".wal").unlink(missing_ok=True)
        _durable_replace(staged, target)
    except BaseException:
        _discard(staged)
        raise
    return RestoreResult(target, version, submissions, chain, held, secret_available(target))
