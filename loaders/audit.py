"""The audit trail: one appended row per write or refused write. Nothing in the app edits or deletes it."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from loaders.store import Store


@dataclass(frozen=True)
class Actor:
    """Who is writing, as the audit trail records them."""

    who: str
    role: str | None = None
    agency: str | None = None


CLI_ROLE = "admin (command line)"


def append(cur: duckdb.DuckDBPyConnection, actor: Actor, action: str, target: object, outcome: str,
           detail: str | None = None) -> None:
    """Add one row inside the caller's transaction, so the change and its record stand or fall together."""
    cur.execute(
        "INSERT INTO audit_log (who, role, agency, action, target, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [actor.who, actor.role, actor.agency, action, None if target is None else str(target), outcome, detail],
    )


def record(store: Store, actor: Actor, action: str, target: object, outcome: str, detail: str | None = None) -> None:
    """Add one row in a transaction of its own (for refusals and rejections, where nothing else is written)."""
    with store.transaction() as cur:
        append(cur, actor, action, target, outcome, detail)


def audit_trail(store: Store, *, who: str | None = None, action: str | None = None, outcome: str | None = None,
                limit: int = 5000) -> pd.DataFrame:
    """The newest rows first, optionally filtered."""
    clauses, params = [], []
    for column, value in (("who", who), ("action", action), ("outcome", outcome)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return store.query(
        f"SELECT audit_id, logged_at, who, role, agency, action, target, outcome, detail FROM audit_log {where} "
        f"ORDER BY audit_id DESC LIMIT {int(limit)}",
        params,
    )
