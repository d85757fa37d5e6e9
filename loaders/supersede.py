"""Which stored rows are current, worked out again from the active submissions.

Rules (issue: "Submissions: nothing lost"):
- event datasets: the newest active submission from an agency is the truth for the dates it
  covers; that agency's older rows dated inside the range are superseded;
- cp_plans: for each plan (child, start date) the row from the newest active submission wins;
- actions: the newest active action plan supersedes every earlier plan as a whole.

Because currency is recomputed from the submissions rather than patched, withdrawing a
submission restores exactly what it superseded, and nothing a later submission still covers.
"""

from __future__ import annotations

import duckdb

from loaders.datasets import DATASETS


def recompute(cur: duckdb.DuckDBPyConnection, dataset_name: str, agency: str) -> None:
    dataset = DATASETS[dataset_name]
    if dataset.supersede == "range":
        _recompute_range(cur, dataset_name, dataset.event_date, agency)
    elif dataset.supersede == "snapshot":
        _recompute_snapshot(cur, dataset_name, [*dataset.natural_keys[0]])
    else:
        _recompute_plan(cur, dataset_name)


_ACTIVE = "(SELECT submission_id FROM submissions WHERE withdrawn_at IS NULL)"


def _recompute_range(cur: duckdb.DuckDBPyConnection, table: str, date_column: str, agency: str) -> None:
    # Rows of the agency's newest active submission that count, unsuperseded, cannot change: nothing is
    # newer. Leaving them out of the join keeps a load's own rows (most of a big load) out of the work.
    cur.execute(
        f"""
        WITH parts AS (
            SELECT p.submission_id, p.date_from, p.date_to
            FROM submission_parts p JOIN submissions s USING (submission_id)
            WHERE p.dataset = $dataset AND s.agency = $agency AND s.withdrawn_at IS NULL
        )
        UPDATE {table} AS r SET superseded_by = c.newer_id, is_current = c.current
        FROM (
            SELECT r.submission_id, r.sheet, r.source_row, max(p.submission_id) AS newer_id,
                   max(p.submission_id) IS NULL AND r.submission_id IN {_ACTIVE} AS current
            FROM {table} r
            LEFT JOIN parts p
                ON p.submission_id > r.submission_id AND r.{date_column} BETWEEN p.date_from AND p.date_to
            WHERE r.submitter_agency = $agency
              AND (NOT r.is_current OR r.superseded_by IS NOT NULL OR r.submission_id NOT IN {_ACTIVE}
                   OR r.submission_id < (SELECT coalesce(max(submission_id), -1) FROM parts))
            GROUP BY r.submission_id, r.sheet, r.source_row
        ) AS c
        WHERE r.submission_id = c.submission_id AND r.sheet = c.sheet AND r.source_row = c.source_row
          AND (r.is_current <> c.current OR r.superseded_by IS DISTINCT FROM c.newer_id)
        """,
        {"dataset": table, "agency": agency},
    ).fetchall()


def _recompute_snapshot(cur: duckdb.DuckDBPyConnection, table: str, key: list[str]) -> None:
    partition = ", ".join(key)
    cur.execute(
        f"""
        UPDATE {table} AS r SET superseded_by = ranked.newer_id, is_current = ranked.current
        FROM (
            SELECT submission_id, sheet, source_row,
                   CASE WHEN newest > submission_id THEN newest END AS newer_id,
                   active AND newest = submission_id AS current
            FROM (
                SELECT submission_id, sheet, source_row, submission_id IN {_ACTIVE} AS active,
                       max(submission_id) FILTER (WHERE submission_id IN {_ACTIVE})
                           OVER (PARTITION BY {partition}) AS newest
                FROM {table}
            )
        ) AS ranked
        WHERE r.submission_id = ranked.submission_id AND r.sheet = ranked.sheet AND r.source_row = ranked.source_row
          AND (r.is_current <> ranked.current OR r.superseded_by IS DISTINCT FROM ranked.newer_id)
        """
    ).fetchall()


def _recompute_plan(cur: duckdb.DuckDBPyConnection, table: str) -> None:
    newest = f"(SELECT max(submission_id) FROM {table} WHERE submission_id IN {_ACTIVE})"
    cur.execute(
        f"""
        UPDATE {table} SET
            is_current = submission_id = coalesce({newest}, -1),
            superseded_by = CASE WHEN {newest} > submission_id THEN {newest} END
        """
    ).fetchall()
