"""The published comparator figures in the store: one reference set at a time, replaced whole, every load kept.

A reference set is what ``loaders.reference.build_reference`` makes from the DfE's files. Storing it is one
transaction: the ``ref_*`` tables (migration 8) are emptied and refilled, the previous ``reference_loads``
row is marked replaced by the new one, and the audit trail records the load. A file of the wrong structure
is rejected before anything is written (``ReferenceFileRejected``), and so the whole set with it.

When does the store get its reference? ``python -m loaders demo`` loads the shipped extract
(``data/reference/``) with the demo; a store that has none is read from the shipped extract in memory by
whatever compares (``metrics.benchmarks.reference_connection``), so readers never write;
``python -m loaders reference FILE...`` loads newer DfE files: a kind not among the files given is taken
from the shipped extract, and the record says which file each kind came from.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from loaders import audit
from loaders.audit import Actor, AuditAction, AuditOutcome
from loaders.reference import (
    JOINT_RETURNS,
    SHIPPED_DIR,
    SHIPPED_FILES,
    ReferenceData,
    ReferenceFile,
    ReferenceFileRejected,
    build_reference,
    read_files,
)
from loaders.store import Store

# Each table and its columns in the order migration 8 made them (the frames' columns are picked by name).
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "ref_published": ("measure", "year", "period_label", "area_code", "area_name", "area_level", "value", "symbol"),
    "ref_measures": ("measure", "title", "polarity", "year_type", "unit", "description", "last_update"),
    "ref_areas": ("area_code", "area_name", "area_level", "lait_region", "region_name", "in_model"),
    "ref_area_names": ("name", "area_code"),
    "ref_neighbours": ("la_code", "rank", "neighbour_code", "closeness"),
    "ref_population": ("area_code", "year", "population"),
    "ref_joint_returns": ("area_code", "partner_code"),
}

# Every LA's value, worked out once per load: a joint return published under both councils counted once
# (the partner's row is dropped where the kept council has the same value). metrics.comparators reads it.
LA_VALUES_SELECT = """
SELECT p.measure, p.year, p.area_code, p.value FROM ref_published p
WHERE p.area_level = 'la' AND p.value IS NOT NULL AND p.year IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM ref_joint_returns j JOIN ref_published q
                  ON q.area_code = j.area_code AND q.measure = p.measure AND q.year = p.year
                  WHERE j.partner_code = p.area_code AND q.value = p.value)
ORDER BY p.measure, p.year
"""


@dataclass(frozen=True)
class ReferenceLoad:
    """What a reference load did: ``status`` is 'accepted' or 'duplicate' (the current set already)."""

    status: str
    reference_id: int
    rows_loaded: int
    files: tuple[dict, ...]

    @property
    def message(self) -> str:
        names = ", ".join(f"{f['file']} ({f['kind']})" for f in self.files)
        if self.status == "duplicate":
            return f"duplicate: reference set {self.reference_id} already holds these files; nothing changed"
        return f"accepted as reference set {self.reference_id}: {self.rows_loaded} published figures from {names}"


def frames_of(data: ReferenceData) -> dict[str, pd.DataFrame]:
    """The tables' rows, each frame with exactly its table's columns."""
    frames = {"ref_published": data.published, "ref_measures": data.measures, "ref_areas": data.areas,
              "ref_area_names": data.area_names, "ref_neighbours": data.neighbours,
              "ref_population": data.population,
              "ref_joint_returns": pd.DataFrame(JOINT_RETURNS, columns=["area_code", "partner_code"])}
    return {name: frames[name][list(columns)] for name, columns in TABLE_COLUMNS.items()}


def fill_tables(cur: duckdb.DuckDBPyConnection, data: ReferenceData) -> None:
    """Replace the rows of every ``ref_*`` table (which must exist) with ``data``'s, in the caller's transaction."""
    for name, frame in frames_of(data).items():
        cur.execute(f"DELETE FROM {name}")
        cur.register("_ref_frame", frame)
        cur.execute(f"INSERT INTO {name} ({', '.join(frame.columns)}) SELECT * FROM _ref_frame")
        cur.unregister("_ref_frame")
    cur.execute("DELETE FROM ref_la_values")
    cur.execute(f"INSERT INTO ref_la_values {LA_VALUES_SELECT}")


def _file_records(files: Sequence[ReferenceFile], shipped: Iterable[str] = ()) -> list[dict]:
    shipped = set(shipped)
    return [{"file": f.path.name, "kind": f.kind, "sha256": f.sha256, "rows": len(f.frame),
             "from": "shipped extract" if f.kind in shipped else "given"} for f in files]


def current_reference(store: Store) -> dict | None:
    """The reference set the tables hold now (id, loaded_at, loaded_by, files, rows_loaded), or None."""
    rows = store.query("SELECT reference_id, loaded_at, loaded_by, files, rows_loaded FROM reference_loads "
                       "WHERE replaced_at IS NULL ORDER BY reference_id DESC LIMIT 1")
    if rows.empty:
        return None
    record = rows.iloc[0].to_dict()
    record["files"] = json.loads(record["files"])
    return record


def store_reference(store: Store, data: ReferenceData, *, loaded_by: str, actor: Actor | None = None,
                    shipped_kinds: Iterable[str] = ()) -> ReferenceLoad:
    """Make ``data`` the store's reference set, replacing the current one whole, in one transaction."""
    files = _file_records(data.files, shipped_kinds)
    current = current_reference(store)
    if current and sorted(f["sha256"] for f in current["files"]) == sorted(f["sha256"] for f in files):
        return ReferenceLoad("duplicate", int(current["reference_id"]), int(current["rows_loaded"]), tuple(files))
    rows = len(data.published)
    with store.transaction() as cur:
        reference_id = int(cur.execute("SELECT nextval('reference_id_seq')").fetchone()[0])
        fill_tables(cur, data)
        cur.execute("UPDATE reference_loads SET replaced_at = now()::TIMESTAMP, replaced_by = ? "
                    "WHERE replaced_at IS NULL", [reference_id])
        cur.execute("INSERT INTO reference_loads (reference_id, loaded_at, loaded_by, files, rows_loaded) "
                    "VALUES (?, now()::TIMESTAMP, ?, ?, ?)", [reference_id, loaded_by, json.dumps(files), rows])
        detail = f"{rows} published figures; " + ", ".join(f"{f['kind']} {f['sha256'][:12]}" for f in files)
        audit.append(cur, actor or Actor(loaded_by), AuditAction.REFERENCE_LOAD, f"reference {reference_id}",
                     AuditOutcome.ACCEPTED, detail)
    return ReferenceLoad("accepted", reference_id, rows, tuple(files))


def load_reference_files(store: Store, paths: Sequence[str | Path], *, loaded_by: str,
                         actor: Actor | None = None) -> ReferenceLoad:
    """Read ``paths`` (newer DfE files), complete the set from the shipped extract, and store it.

    Any file of the wrong structure rejects the whole set: ``ReferenceFileRejected``, recorded in the audit
    trail (without file content: the message names only columns), and nothing else is written."""
    try:
        given = read_files(paths)
        kinds = {f.kind for f in given}
        shipped = [f for f in read_files(SHIPPED_DIR / name for name in SHIPPED_FILES) if f.kind not in kinds]
        data = build_reference([*given, *shipped])
    except ReferenceFileRejected:
        # The message may quote the file's headers: it goes to the person loading, never into the trail.
        audit.record(store, actor or Actor(loaded_by), AuditAction.REFERENCE_LOAD, "reference",
                     AuditOutcome.REJECTED, f"{len(paths)} file(s): structure or values not the DfE's; nothing loaded")
        raise
    return store_reference(store, data, loaded_by=loaded_by, actor=actor, shipped_kinds={f.kind for f in shipped})


def ensure_reference(store: Store, *, loaded_by: str = "shipped extract") -> ReferenceLoad | None:
    """Load the shipped extract when the store has no reference set yet; None when it has one."""
    if current_reference(store) is not None:
        return None
    files = read_files(SHIPPED_DIR / name for name in SHIPPED_FILES)
    return store_reference(store, build_reference(files), loaded_by=loaded_by,
                           shipped_kinds={f.kind for f in files})
