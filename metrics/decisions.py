"""Partnership decisions on actions: an append-only history; the latest decision is the current status."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import pandas as pd

from loaders import audit
from loaders.audit import Actor, AuditAction, AuditOutcome
from loaders.codes import ACTION_STATUSES
from loaders.store import Store


class DecisionError(ValueError):
    """A decision that cannot be recorded; the message says why."""


def _canonical_status(status: str) -> str:
    for canonical in ACTION_STATUSES:
        if status.strip().lower() == canonical.lower():
            return canonical
    raise DecisionError(f"status {status!r} is not one of: {', '.join(ACTION_STATUSES)}")


def _present(present: Sequence[str] | None) -> list[str] | None:
    """The agencies present, each named once, in the order given; None when not recorded."""
    if present is None:
        return None
    names = list(dict.fromkeys(str(name).strip() for name in present if str(name).strip()))
    return names or None


def _check(note: str, by: str, on: dt.date, meeting_date: dt.date | None) -> None:
    if not by:
        raise DecisionError("say who made the decision")
    if not note:
        raise DecisionError("add a note saying what was decided")
    for label, day in (("decision date", on), ("meeting date", meeting_date)):
        if day is not None and day > dt.date.today():
            raise DecisionError(f"the {label} {day.isoformat()} is in the future")


def record_decision(store: Store, action_id: str, status: str, note: str, by: str,
                    on: dt.date | None = None, actor: Actor | None = None, *,
                    meeting_date: dt.date | None = None, present: Sequence[str] | None = None) -> int:
    """Append a decision and return its id; refuse an unknown action, status, empty name/note or a future date.
    ``meeting_date`` is the meeting that made it (default: ``on``), ``present`` the agencies in the room."""
    canonical = _canonical_status(status)
    action_id, note, by = action_id.strip(), note.strip(), by.strip()
    on = on or dt.date.today()
    _check(note, by, on, meeting_date)
    meeting_date = meeting_date or on
    agencies = _present(present)
    with store.transaction() as cur:
        found = cur.execute("SELECT count(*) FROM actions WHERE is_current AND action_id = ?", [action_id]).fetchone()
        if not found[0]:
            known = [r[0] for r in cur.execute(
                "SELECT action_id FROM actions WHERE is_current ORDER BY source_row").fetchall()]
            listed = ", ".join(known[:30]) if known else "none: no action plan has been loaded"
            raise DecisionError(f"action {action_id!r} is not in the current action plan (actions: {listed})")
        decision_id = cur.execute("SELECT nextval('decision_id_seq')").fetchone()[0]
        cur.execute(
            "INSERT INTO action_decisions (decision_id, action_id, status, note, decided_by, decided_on, recorded_at,"
            " meeting_date, present) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [decision_id, action_id, canonical, note, by, on, dt.datetime.now(), meeting_date,
             json.dumps(agencies) if agencies is not None else None],
        )
        there = f"; present: {', '.join(agencies)}" if agencies else ""
        audit.append(cur, actor or Actor(by), AuditAction.DECISION, action_id, AuditOutcome.DONE,
                     f"{canonical} on {on:%d/%m/%Y} at the meeting of {meeting_date:%d/%m/%Y}"
                     f" (decision {decision_id}){there}: {note}")
    return int(decision_id)


def _agencies(stored: object) -> list[str]:
    return json.loads(stored) if isinstance(stored, str) and stored else []


def decision_history(store: Store, action_id: str | None = None) -> pd.DataFrame:
    """Decisions, oldest first: decision_id, action_id, status, note, decided_by, decided_on, recorded_at,
    meeting_date and present (a list of agency names, empty when not recorded)."""
    where, params = ("WHERE action_id = ?", [action_id]) if action_id is not None else ("", [])
    frame = store.query(
        "SELECT decision_id, action_id, status, note, decided_by, decided_on, recorded_at, meeting_date,"
        f" present::VARCHAR AS present FROM action_decisions {where}"
        " ORDER BY decided_on, recorded_at, decision_id",
        params,
    )
    frame["present"] = frame["present"].map(_agencies).astype(object)
    return frame


def decisions_log(store: Store) -> pd.DataFrame:
    """The decisions log for the minutes, oldest first: action_id, action (its title in the current plan),
    meeting_date, present (list of agencies), status, note, decided_by, decided_on, recorded_at."""
    history = decision_history(store)
    titles = dict(store.rows("SELECT action_id, action FROM actions WHERE is_current"))
    history.insert(2, "action", history["action_id"].map(lambda a: titles.get(a)).astype(object))
    return history[["action_id", "action", "meeting_date", "present", "status", "note", "decided_by",
                    "decided_on", "recorded_at", "decision_id"]]


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
