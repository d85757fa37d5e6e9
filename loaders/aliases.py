"""Value mappings in the store: a local label an agency writes ("LA services") read as an accepted code (5A).

A mapping belongs to one agency, dataset and column, and applies to that agency's later loads
(``aliases_for`` gives the table ``loaders.submit.prepare`` applies; ``loaders.value_aliases`` holds it).
Adding and removing are audited in the same transaction as the change. Removing keeps the row, marked
removed, so the history of what was mapped, by whom and when, stays. Permissions are checked by the
caller (``access.writes``); the command line acts as an administrator.

Only columns of codes can be mapped (kinds code, source and agency, ``loaders.parse.CODE_KINDS``): a mapping
turns one text into one accepted code, and nothing else has a fixed list of codes. An audit return's theme
columns are not declared; one mapping, under the key ``judgement``, serves every theme of an agency's returns.

The value goes into ``value_aliases`` (it is deliberate configuration typed by a manager), never into the
audit trail, which names the mapping by its id.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from loaders import audit
from loaders.agencies import DEFAULT_SUBMITTING_AGENCY, agency_names, match_agency
from loaders.audit import Actor, AuditAction, AuditOutcome
from loaders.codes import JUDGEMENT, SOURCE_GROUPS, SOURCE_MEANINGS
from loaders.convert import Invalid, converter_for
from loaders.datasets import DATASETS, Column, Dataset
from loaders.parse import CODE_KINDS, THEME_KEY
from loaders.store import Store
from loaders.text import clean_cell_text, is_blank, normalise_key
from loaders.value_aliases import NO_ALIASES, AliasTable, ValueAlias

# Every theme of an audit return, as one column for mapping (its key is the parser's).
THEME_JUDGEMENT = Column(THEME_KEY, "Theme judgement", "code", aliases=("Theme", "Themes", "Audit theme judgement"),
                         codes=JUDGEMENT)
MAX_VALUE_LENGTH = 200  # a label, not a paragraph: longer text is not a code someone wrote
# The audit trail's actions for mapping and removing (all actions: ``loaders.audit.AuditAction``).
AUDIT_ACTIONS = (AuditAction.ALIAS_ADDED, AuditAction.ALIAS_REMOVED)


class AliasError(ValueError):
    """The mapping cannot be made or removed; the message says why in one line (it may quote the value, so it
    is shown to the person only and never stored)."""


# --- what can be mapped, and to what ------------------------------------------------------------

def mappable_columns(dataset: Dataset) -> list[Column]:
    """The columns of ``dataset`` whose values can be mapped, the audit themes' judgement last."""
    return [c for c in dataset.columns if c.kind in CODE_KINDS] + ([THEME_JUDGEMENT] if dataset.themes else [])


def column_of(dataset: str, key: str) -> Column:
    """A mappable column by dataset name and key (the themes' ``judgement`` included)."""
    return next(c for c in mappable_columns(DATASETS[dataset]) if c.key == key)


def resolve_dataset(text: str) -> Dataset:
    """A dataset by its name (``contacts``) or title (``MASH contacts``), case and punctuation ignored."""
    key = normalise_key(text)
    for dataset in DATASETS.values():
        if key in (normalise_key(dataset.name), normalise_key(dataset.title)):
            return dataset
    raise AliasError(f"unknown dataset {text!r}; expected one of: {', '.join(DATASETS)}")


def resolve_column(dataset: Dataset, text: str) -> Column:
    """A column of ``dataset`` by its key (``source_code``), header or any accepted header (``Source of contact``).
    A key, written exactly, wins: ``judgement`` is the audit themes, ``Judgement`` the overall grade's header."""
    key = normalise_key(text)
    column = (next((c for c in (*dataset.columns, *mappable_columns(dataset)) if c.key == text.strip()), None)
              or next((c for c in (*dataset.columns, *mappable_columns(dataset)) if key in c.match_keys), None))
    choices = ", ".join(f"{c.key} ({c.header})" for c in mappable_columns(dataset))
    if column is None:
        raise AliasError(f"{dataset.name} has no column {text!r}; columns that can be mapped: {choices}")
    if column.kind not in CODE_KINDS:
        raise AliasError(f"{dataset.name}.{column.key} ({column.header}) is not a column of codes, so it cannot be "
                         f"mapped; columns that can be: {choices}")
    return column


def accepted_codes(column: Column) -> list[str]:
    """The canonical codes ``column`` stores, in their declared order."""
    if column.kind == "source":
        return list(SOURCE_GROUPS)
    if column.kind == "agency":
        return agency_names()
    assert column.codes is not None, column.key
    return column.codes.canonical


def describe_code(column: Column, code: str) -> str:
    """A code as a person reads it: ``5A (LA services: social care)`` for a source, the code itself otherwise."""
    meaning = SOURCE_MEANINGS.get(code) if column.kind == "source" else None
    return f"{code} ({meaning})" if meaning else code


def code_choices(column: Column) -> list[tuple[str, str]]:
    """(code, code with its meaning) for each accepted code: what a drop-down offers."""
    return [(code, describe_code(column, code)) for code in accepted_codes(column)]


def read_as(column: Column, text: str) -> str | None:
    """The code the loader reads ``text`` as in ``column`` without any mapping, or None (the parser's own rule)."""
    try:
        return str(converter_for(column)(text))
    except Invalid:
        return None


# --- checking a new mapping ----------------------------------------------------------------------

@dataclass(frozen=True)
class _Checked:
    agency: str
    dataset: Dataset
    column: Column
    value: str
    value_key: str
    code: str


def _check(agency: str, dataset: str, column: str, value: str, code: str) -> _Checked:
    name = match_agency(agency or "")
    if name is None:
        raise AliasError(f"unknown agency {agency!r}; expected one of: {', '.join(agency_names())}")
    found = resolve_dataset(dataset)
    col = resolve_column(found, column)
    where = f"{found.name}.{col.key} ({col.header})"
    text = clean_cell_text(str(value))
    if is_blank(text) or not normalise_key(text):
        raise AliasError(f"the value to map is blank or has no letters or digits; {where} reads such cells as blank")
    if len(text) > MAX_VALUE_LENGTH:
        raise AliasError(f"the value to map is {len(text)} characters long; a label is at most {MAX_VALUE_LENGTH}")
    already = read_as(col, text)
    if already is not None:
        raise AliasError(f"{text!r} is already read as {describe_code(col, already)} in {where}: no mapping is needed")
    canonical = read_as(col, str(code))
    if canonical is None:
        raise AliasError(f"{code!r} is not an accepted code for {where}; expected {col.expected()}")
    return _Checked(name, found, col, text, normalise_key(text), canonical)


def _label(alias_id: int, dataset: str, column: str, agency: str) -> str:
    """How the audit trail names a mapping: never its value (see the module docstring)."""
    return f"alias {alias_id} for {dataset}.{column} ({agency})"


# --- writing ---------------------------------------------------------------------------------------

def add_alias(store: Store, actor: Actor, agency: str, dataset: str, column: str, value: str,
              code: str) -> ValueAlias:
    """Map ``value`` to ``code`` for ``agency``'s loads of ``dataset.column``; audited. Raises ``AliasError``.

    ``column`` may be the key or any accepted header, ``code`` any accepted spelling of the code."""
    checked = _check(agency, dataset, column, value, code)
    where = (checked.agency, checked.dataset.name, checked.column.key)
    # The store's write lock is held for the whole transaction, so no other mapping can slip in between
    # this check and the insert (DuckDB cannot declare a unique index on active rows only).
    with store.transaction() as cur:
        existing = cur.execute(
            "SELECT alias_id, code FROM value_aliases WHERE removed_at IS NULL AND agency = ? AND dataset = ?"
            " AND column_key = ? AND value_key = ?", [*where, checked.value_key]).fetchone()
        if existing:
            raise AliasError(
                f"{checked.value!r} in {checked.dataset.name}.{checked.column.key} is already mapped for "
                f"{checked.agency} (alias {existing[0]}, read as {existing[1]}); remove that mapping first "
                f"to change it")
        alias_id = int(cur.execute("SELECT nextval('value_alias_id_seq')").fetchone()[0])
        cur.execute(
            "INSERT INTO value_aliases (alias_id, agency, dataset, column_key, value, value_key, code, created_by,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP)",
            [alias_id, *where, checked.value, checked.value_key, checked.code, actor.who])
        audit.append(cur, actor, AuditAction.ALIAS_ADDED, alias_id, AuditOutcome.DONE,
                     f"{_label(alias_id, *where[1:], checked.agency)}: read as {checked.code}")
    return ValueAlias(alias_id, checked.agency, checked.dataset.name, checked.column.key, checked.value, checked.code)


def remove_alias(store: Store, actor: Actor, alias_id: int) -> ValueAlias:
    """Mark a mapping removed (the row stays, as history); later loads no longer apply it. Audited."""
    with store.transaction() as cur:
        row = cur.execute(
            "SELECT agency, dataset, column_key, value, code, removed_at FROM value_aliases WHERE alias_id = ?",
            [alias_id]).fetchone()
        if row is None:
            raise AliasError(f"there is no mapping {alias_id}")
        agency, dataset, column, value, code, removed_at = row
        if removed_at is not None:
            raise AliasError(f"mapping {alias_id} was already removed on {removed_at:%d/%m/%Y %H:%M}")
        cur.execute("UPDATE value_aliases SET removed_by = ?, removed_at = now()::TIMESTAMP WHERE alias_id = ?",
                    [actor.who, alias_id])
        audit.append(cur, actor, AuditAction.ALIAS_REMOVED, alias_id, AuditOutcome.DONE,
                     _label(alias_id, dataset, column, agency))
    return ValueAlias(alias_id, agency, dataset, column, value, code)


# --- reading ---------------------------------------------------------------------------------------

def get_alias(store: Store, alias_id: int) -> ValueAlias | None:
    """A mapping by id, removed or not (the permission check needs its agency before removing it)."""
    row = store.cursor().execute(
        "SELECT alias_id, agency, dataset, column_key, value, code FROM value_aliases WHERE alias_id = ?",
        [alias_id]).fetchone()
    return ValueAlias(int(row[0]), *row[1:]) if row else None


LIST_COLUMNS = ["alias_id", "agency", "dataset", "column", "header", "value", "code", "meaning", "created_by",
                "created_at", "removed_by", "removed_at"]


def list_aliases(store: Store, include_removed: bool = False) -> pd.DataFrame:
    """Every mapping (active only unless ``include_removed``), by agency, dataset, column and value, with the
    column's header and the code's meaning."""
    where = "" if include_removed else "WHERE removed_at IS NULL"
    frame = store.query(
        f"SELECT alias_id, agency, dataset, column_key AS column, value, code, created_by, created_at, removed_by,"
        f" removed_at FROM value_aliases {where} ORDER BY agency, dataset, column_key, value_key, alias_id")
    columns = [column_of(d, c) for d, c in zip(frame["dataset"], frame["column"], strict=True)]
    frame["header"] = pd.Series([c.header for c in columns], index=frame.index, dtype=object)
    frame["meaning"] = pd.Series([describe_code(c, code) for c, code in zip(columns, frame["code"], strict=True)],
                                 index=frame.index, dtype=object)
    return frame[LIST_COLUMNS]


def aliases_for(store: Store, agency: str | None) -> AliasTable:
    """The active mappings that apply to a load for ``agency`` (any accepted spelling; none: the default
    submitting agency). An unknown agency has none: ``prepare`` reports the agency itself."""
    name = match_agency(agency) if agency else DEFAULT_SUBMITTING_AGENCY
    if name is None:
        return NO_ALIASES
    rows = store.rows(
        "SELECT alias_id, agency, dataset, column_key, value, code FROM value_aliases"
        " WHERE removed_at IS NULL AND agency = ? ORDER BY alias_id", [name])
    return AliasTable.of(ValueAlias(int(r[0]), *r[1:]) for r in rows) if rows else NO_ALIASES
