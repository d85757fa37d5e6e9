"""Partnership decisions on actions: an append-only history; the latest decision is the current status."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from loaders import audit
from loaders.audit import Actor
from loaders.codes import ACTION_STATUSES
from loaders.store import Store


class DecisionError(ValueError):
    """A decision that cannot be recorded; the message says why."""


def _canonical_status(status: str) -> str:
    for canonical in ACTION_STATUSES:
        if status.strip().lower() == canonical.lower():
            return canonical
    raise DecisionError(f"status {status!r} is not one of: {', '.join(ACTION_STATUSES)}")


def record_decision(store: Store, action_id: str, status: str, note: str, by: str,
                    on: dt.date | None = None, actor: Actor | None = None) -> int:
    """Append a decision and return its id; refuse an unknown action, status, empty name/note or a future date."""
    canonical = _canonical_status(status)
    action_id, note, by = action_id.strip(), note.strip(), by.strip()
    on = on or dt.date.today()
    if not by:
        raise DecisionError("say who made the decision")
    if not note:
        raise DecisionError("add a note saying what was decided")
    if on > dt.date.today():
        raise DecisionError(f"the decision date {on.isoformat()} is in the future")
    with store.transaction() as cur:
        found = cur.execute("SELECT count(*) FROM actions WHERE is_current AND action_id = ?", [action_id]).fetchone()
        if not found[0]:
            known = [r[0] for r in cur.execute(
                "SELECT action_id FROM actions WHERE is_current ORDER BY source_row").fetchall()]
            listed = ", ".join(known[:30]) if known else "none: no action plan has been loaded"
            raise DecisionError(f"action {action_id!r} is not in the current action plan (actions: {listed})")
        decision_id = cur.execute("SELECT nextval('decision_id_seq')").fetchone()[0]
        cur.execute(
            "INSERT INTO action_decisions (decision_id, action_id, status, note, decided_by, decided_on, recorded_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [decision_id, action_id, canonical, note, by, on, dt.datetime.now()],
        )
        audit.append(cur, actor or Actor(by), "decision", action_id, "done",
                     f"{canonical} on {on:%d/%m/%Y} (decision {decision_id}): {note}")
    return int(decision_id)


def decision_history(store: Store, action_id: str | None = None) -> pd.DataFrame:
    """Decisions, oldest first: decision_id, action_id, status, note, decided_by, decided_on, recorded_at."""
    where, params = ("WHERE action_id = ?", [action_id]) if action_id is not None else ("", [])
    return store.query(
        "SELECT decision_id, action_id, status, note, decided_by, decided_on, recorded_at FROM action_decisions "
        f"{where} ORDER BY decided_on, recorded_at, decision_id",
        params,
    )


def current_statuses(store: Store) -> dict[str, str | None]:
    """Each current action's status: its latest decision, else the status in the uploaded plan."""
    rows = store.rows("""
        WITH latest AS (
            SELECT action_id, arg_max(status, (decided_on, recorded_at, decision_id)) AS status
            FROM action_decisions GROUP BY action_id
        )
        SELECT a.action_id, coalesce(latest.status, a.status)
        FROM actions a LEFT JOIN latest USING (action_id)
        WHERE a.is_current
    """)
    return dict(rows)


def current_status(store: Store, action_id: str) -> str | None:
    return current_statuses(store).get(action_id)
