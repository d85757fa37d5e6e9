"""The audit trail: one appended row per write or refused write. Nothing in the app edits or deletes it.

Each row is chained to the one before it, so an edit, a deletion, an insertion or a re-ordering made
behind the app's back (with any DuckDB client) shows when the chain is checked (``verify_chain``,
``python -m loaders verify-audit``).

How a row's hash is made (enough for a second implementation to reproduce it):

- ``row_hash`` is the SHA-256 of a byte string, written as 64 lowercase hexadecimal characters.
- The byte string starts with the previous row's ``row_hash`` as 64 ASCII characters (``prev_hash``, also
  stored on the row); for the first row, 64 zeros (``GENESIS``). "Previous" means the row with the next
  lower ``audit_id``.
- Then come the nine columns, in this order: audit_id, logged_at, who, role, agency, action, target,
  outcome, detail. A NULL is the single byte 0x00. Any other value is the byte 0x01, then the length in
  bytes of its UTF-8 text as an 8-byte big-endian unsigned integer, then that text. audit_id's text is
  its decimal digits; logged_at's is ``YYYY-MM-DD HH:MM:SS.ffffff`` (always six fractional digits, the
  TIMESTAMP exactly as stored, no time zone); the other columns are text already.

What the chain cannot show on its own: someone who deletes the newest rows, or recomputes every hash after
an edit, leaves a chain that checks. ``verify-audit`` prints the newest row's hash; noting it somewhere else
(the minutes of each meeting, say) lets a later check show that the trail still reaches it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import duckdb
import pandas as pd

from loaders.store import Store


class AuditAction(StrEnum):
    """What an audit row records: every writer names its action from here, and the Audit trail page's filter
    lists them. The values are the text stored in ``audit_log.action``: never change one (stored rows and
    their hashes keep the old text); add a member for a new kind of write."""

    UPLOAD = "upload"
    ACTION_PLAN_LOAD = "action plan load"
    WITHDRAW = "withdraw"
    DECISION = "decision"
    BACKUP = "backup"
    ALIAS_ADDED = "alias added"
    ALIAS_REMOVED = "alias removed"
    REFERENCE_LOAD = "reference load"
    COMMENTARY = "commentary"
    EXPORT = "export"  # a report downloaded from the app: the meeting pack, scrutiny report, public page, decisions


class AuditOutcome(StrEnum):
    """How an audited write ended (``audit_log.outcome``): a load's status, a refusal, or done."""

    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"
    REFUSED = "refused"
    DONE = "done"


GENESIS = "0" * 64
# The columns the hash covers, in the order they are hashed.
CHAINED_COLUMNS = ("audit_id", "logged_at", "who", "role", "agency", "action", "target", "outcome", "detail")


@dataclass(frozen=True)
class Actor:
    """Who is writing, as the audit trail records them."""

    who: str
    role: str | None = None
    agency: str | None = None


CLI_ROLE = "admin (command line)"


def _text(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value
    raise TypeError(f"an audit column holds {type(value).__name__}, which the chain does not encode")


def row_hash(prev_hash: str, values: Sequence[object]) -> str:
    """The hash of one row: ``values`` are the ``CHAINED_COLUMNS`` in order (see the module docstring)."""
    digest = hashlib.sha256(prev_hash.encode("ascii"))
    for value in values:
        if value is None:
            digest.update(b"\x00")
        else:
            data = _text(value).encode("utf-8")
            digest.update(b"\x01" + len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def append(cur: duckdb.DuckDBPyConnection, actor: Actor, action: AuditAction, target: object,
           outcome: AuditOutcome | str, detail: str | None = None) -> None:
    """Add one row inside the caller's transaction, so the change and its record stand or fall together.

    This is the only writer of ``audit_log``. Reading the newest hash here is safe: every caller is inside
    ``Store.transaction``, which holds the store's lock for the whole transaction (one ``Store`` per
    process), and DuckDB lets only one process open the file for writing, so no other row can be
    appended between this read and this insert."""
    audit_id, logged_at, prev = cur.execute(
        "SELECT nextval('audit_id_seq'), now()::TIMESTAMP,"
        " (SELECT row_hash FROM audit_log ORDER BY audit_id DESC LIMIT 1)"
    ).fetchone()
    # The time is read first and inserted as a value, so the hashed timestamp is exactly the stored one.
    values = (int(audit_id), logged_at, actor.who, actor.role, actor.agency, str(action),
              None if target is None else str(target), str(outcome), detail)
    prev = prev or GENESIS
    cur.execute(
        f"INSERT INTO audit_log ({', '.join(CHAINED_COLUMNS)}, prev_hash, row_hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [*values, prev, row_hash(prev, values)],
    )


def record(store: Store, actor: Actor, action: AuditAction, target: object, outcome: AuditOutcome | str,
           detail: str | None = None) -> None:
    """Add one row in a transaction of its own (for refusals and rejections, where nothing else is written)."""
    with store.transaction() as cur:
        append(cur, actor, action, target, outcome, detail)


def chain_existing(con: duckdb.DuckDBPyConnection) -> int:
    """Give every row its ``prev_hash`` and ``row_hash``, in ``audit_id`` order (migration 4); the row count."""
    rows = con.execute(f"SELECT {', '.join(CHAINED_COLUMNS)} FROM audit_log ORDER BY audit_id").fetchall()
    if not rows:
        return 0
    ids, prevs, hashes = [], [], []
    prev = GENESIS
    for values in rows:
        ids.append(values[0])
        prevs.append(prev)
        prev = row_hash(prev, values)
        hashes.append(prev)
    chain = pd.DataFrame({"audit_id": ids, "prev_hash": prevs, "row_hash": hashes})
    con.register("audit_chain_new", chain)
    try:
        # Only rows without a hash: whatever calls this, a hash once written is never rewritten.
        con.execute("UPDATE audit_log SET prev_hash = c.prev_hash, row_hash = c.row_hash "
                    "FROM audit_chain_new c WHERE audit_log.audit_id = c.audit_id AND audit_log.row_hash IS NULL")
    finally:
        con.unregister("audit_chain_new")
    return len(rows)


@dataclass(frozen=True)
class ChainCheck:
    """What checking the chain found: intact, or the first row that breaks it and how."""

    rows: int
    last_hash: str | None = None
    broken_at: int | None = None  # audit_id of the first row that does not check
    problem: str | None = None  # "content changed", "chain broken" or "no hash"
    explanation: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_at is None

    @property
    def message(self) -> str:
        if self.intact:
            return f"intact: {self.rows} rows"
        return f"broken at audit row {self.broken_at}: {self.explanation}"

    def to_json(self) -> dict:
        return {"intact": self.intact, "rows": self.rows, "last_hash": self.last_hash, "broken_at": self.broken_at,
                "problem": self.problem, "message": self.message}


def _first_break(rows: Iterable[tuple]) -> ChainCheck:
    count, previous_id, previous_hash = 0, None, GENESIS
    for *values, prev, stored in rows:
        count += 1
        audit_id = values[0]
        if stored is None or prev is None:
            return ChainCheck(count, broken_at=audit_id, problem="no hash", explanation=(
                "it has no hash, so it was written outside the dashboard's audit writer (inserted by hand)"))
        if row_hash(prev, values) != stored:
            return ChainCheck(count, broken_at=audit_id, problem="content changed", explanation=(
                "its content (or its id) was changed after it was written"))
        if prev != previous_hash:
            before = "the start of the trail" if previous_id is None else f"row {previous_id}"
            return ChainCheck(count, broken_at=audit_id, problem="chain broken", explanation=(
                f"it does not follow {before}: a row between them was deleted or inserted, or rows were re-ordered"))
        previous_id, previous_hash = audit_id, stored
    return ChainCheck(count, last_hash=None if previous_id is None else previous_hash)


def _stream(cur: duckdb.DuckDBPyConnection, batch: int = 10_000) -> Iterable[tuple]:
    while chunk := cur.fetchmany(batch):
        yield from chunk


def verify_chain(store: Store) -> ChainCheck:
    """Check every row's hash and link, oldest first. Read-only: works on a store opened ``read_only``."""
    cur = store.cursor().execute(
        f"SELECT {', '.join(CHAINED_COLUMNS)}, prev_hash, row_hash FROM audit_log ORDER BY audit_id")
    return _first_break(_stream(cur))


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
