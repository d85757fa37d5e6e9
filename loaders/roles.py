"""Each declared column's role, which decides what a wrong value in it does.

- ``key``: the column identifies a row or dates it — a natural key, or the event date that decides which
  rows a newer return replaces — or is required. A wrong value is an error: the file stops.
- ``measure``: a metric, a page's breakdown or the action ratings read it (``metrics/registry.py``
  declares what each reads). A wrong value is an error: the file stops.
- ``descriptive``: nothing computes from it (age, gender, ethnicity, audit type...). A wrong value is
  blanked and reported as a warning; the file loads.

Roles are derived from the declarations, never kept by hand, so a new metric reading a column makes that
column's wrong values stop a file without anyone remembering to say so.

``metrics.registry`` is a pure declaration module that imports nothing from ``loaders``, so reading it
here makes no import cycle.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from loaders.datasets import DATASETS, Dataset
from metrics.registry import THEMES, reads_of

Role = Literal["key", "measure", "descriptive"]

ROLE_WORDS: dict[str, str] = {
    "key": "identifies or dates the row, or is required: a wrong value stops the file",
    "measure": "used by a measure: a wrong value stops the file",
    "descriptive": "descriptive: a wrong value is blanked with a warning",
}


def _dataset(dataset: Dataset | str) -> Dataset:
    return DATASETS[dataset] if isinstance(dataset, str) else dataset


@cache
def _roles(name: str) -> dict[str, Role]:
    dataset = DATASETS[name]
    keys = {key for alternative in dataset.natural_keys for key in alternative}
    if dataset.event_date:
        keys.add(dataset.event_date)
    read = set(reads_of(name))
    required = {c.key for c in dataset.required}
    roles: dict[str, Role] = {}
    for column in dataset.columns:
        key = column.key
        roles[key] = ("key" if key in keys else "measure" if key in read else "key" if key in required
                      else "descriptive")
    if dataset.themes:
        roles[THEMES] = "measure" if THEMES in read else "descriptive"
    return roles


def column_role(dataset: Dataset | str, column: str) -> Role:
    """The role of a declared column (by key) of a dataset; ``metrics.registry.THEMES`` for audit themes."""
    return _roles(_dataset(dataset).name)[column]


def role_words(dataset: Dataset | str, column: str) -> str:
    """The role in words, as the About page and the templates' Instructions sheet show it."""
    return ROLE_WORDS[column_role(dataset, column)]


def undeclared_reads() -> list[tuple[str, str, str]]:
    """(dataset, column, reader) for every column a metric or use reads that the dataset does not declare:
    empty when the registry and the declarations agree."""
    wrong = []
    for name, dataset in DATASETS.items():
        declared = {c.key for c in dataset.columns} | ({THEMES} if dataset.themes else set())
        for column, readers in reads_of(name).items():
            wrong.extend((name, column, reader) for reader in readers if column not in declared)
    return wrong
