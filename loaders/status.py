"""What the store holds now: rows that count per dataset, and the newest submission per agency."""

from __future__ import annotations

import pandas as pd

from loaders.datasets import DATASETS
from loaders.store import Store


def row_counts(store: Store) -> pd.DataFrame:
    """Current rows per dataset (superseded and withdrawn rows excluded)."""
    union = " UNION ALL ".join(
        f"SELECT ? AS dataset, ? AS title, count(*) FILTER (WHERE is_current) AS current_rows, "
        f"count(*) AS stored_rows FROM {name}"
        for name in DATASETS
    )
    return store.query(union, [value for d in DATASETS.values() for value in (d.name, d.title)])


def latest_submissions(store: Store) -> pd.DataFrame:
    """The newest active submission for each dataset and agency, with the dates it covers."""
    return store.query(
        """SELECT p.dataset, s.agency, max(s.uploaded_at) AS last_uploaded, max(p.date_to) AS data_up_to,
                  arg_max(s.file_name, s.submission_id) AS file_name, max(s.submission_id) AS submission_id
           FROM submission_parts p JOIN submissions s USING (submission_id)
           WHERE s.withdrawn_at IS NULL
           GROUP BY ALL ORDER BY p.dataset, s.agency"""
    )


def submission_agency(store: Store, submission_id: int) -> str | None:
    """The agency a submission was made for, or None when there is no such submission."""
    return store.scalar("SELECT agency FROM submissions WHERE submission_id = ?", [submission_id])
