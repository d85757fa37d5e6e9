"""Commentary on each action per quarter: plain text a lead agency's manager, the chair or an administrator
writes about progress. Append-only: a newer comment for the same action and quarter is shown as the latest, and
every earlier one stays in the history (who, when). Each comment is audited. Pure: no streamlit."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from loaders import audit
from loaders.audit import Actor, AuditAction, AuditOutcome
from loaders.periods import Quarter
from loaders.store import Store

MAX_CHARS = 1500
COLUMNS = ["comment_id", "action_id", "period", "text", "written_by", "written_at"]


class CommentaryError(ValueError):
    """Commentary that cannot be recorded; the message says why."""


def _quarter(period: str) -> str:
    try:
        return Quarter.parse(str(period).strip()).label
    except (ValueError, TypeError) as exc:
        raise CommentaryError(f"quarter {period!r} is not a financial quarter like '2025-26 Q2'") from exc


def _checked_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise CommentaryError("write the commentary first: it is empty")
    if len(text) > MAX_CHARS:
        raise CommentaryError(f"commentary is {len(text):,} characters; at most {MAX_CHARS:,} are kept")
    return text


def add_comment(store: Store, action_id: str, period: str, text: str, by: str, actor: Actor | None = None) -> int:
    """Append commentary on ``action_id`` for the quarter ``period`` and return its id. Refuses empty or
    over-long text, an unknown quarter or an action not in the current plan. The audit row names the action,
    quarter and comment id, never the text (it may name people)."""
    action_id, by, label, text = action_id.strip(), by.strip(), _quarter(period), _checked_text(text)
    if not by:
        raise CommentaryError("say who wrote the commentary")
    with store.transaction() as cur:
        found = cur.execute("SELECT count(*) FROM actions WHERE is_current AND action_id = ?", [action_id]).fetchone()
        if not found[0]:
            raise CommentaryError(f"action {action_id!r} is not in the current action plan")
        comment_id = cur.execute("SELECT nextval('comment_id_seq')").fetchone()[0]
        cur.execute("INSERT INTO action_commentary (comment_id, action_id, period, text, written_by, written_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)", [comment_id, action_id, label, text, by, dt.datetime.now()])
        audit.append(cur, actor or Actor(by), AuditAction.COMMENTARY, action_id, AuditOutcome.DONE,
                     f"commentary {comment_id} for {label} ({len(text)} characters)")
    return int(comment_id)


def commentary_history(store: Store, action_id: str | None = None) -> pd.DataFrame:
    """Every comment, newest first: comment_id, action_id, period, text, written_by, written_at."""
    where, params = ("WHERE action_id = ?", [action_id]) if action_id is not None else ("", [])
    return store.query(f"SELECT {', '.join(COLUMNS)} FROM action_commentary {where}"
                       " ORDER BY written_at DESC, comment_id DESC", params)


def latest_commentary(store: Store) -> pd.DataFrame:
    """Each action's latest comment (its newest quarter, then the newest written), one row per action."""
    history = commentary_history(store)
    if history.empty:
        return history
    order = history["period"].map(lambda p: Quarter.parse(p).index)
    history = history.assign(_q=order).sort_values(["_q", "written_at", "comment_id"], ascending=False)
    return history.drop_duplicates("action_id").drop(columns="_q").reset_index(drop=True)
