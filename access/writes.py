"""Every change the app makes goes through here: the person's role and agency are checked again
inside the action (not only by hiding a page), and each attempt lands in the audit trail."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence

from access.people import Person
from access.permissions import (
    NotAllowed,
    check_backup,
    check_comment,
    check_decision,
    check_export,
    check_map_values,
    check_remove_alias,
    check_upload,
    check_withdraw,
)
from loaders import audit
from loaders.agencies import match_agency
from loaders.aliases import (
    AliasError,
    add_alias,
    get_alias,
    remove_alias,
    resolve_column,
    resolve_dataset,
)
from loaders.audit import Actor, AuditAction, AuditOutcome
from loaders.backup import backup_bytes
from loaders.report import LoadReport
from loaders.status import submission_agency
from loaders.store import Store
from loaders.submit import Prepared, audit_action, commit, withdraw
from loaders.value_aliases import ValueAlias
from metrics.commentary import add_comment
from metrics.decisions import record_decision


def actor(person: Person) -> Actor:
    return Actor(person.email, person.role, person.agency)


def _refuse(store: Store, person: Person, action: AuditAction, target: object, error: NotAllowed) -> None:
    audit.record(store, actor(person), action, target, AuditOutcome.REFUSED, str(error))
    raise error


def upload(store: Store, person: Person, prepared: Prepared) -> LoadReport:
    """Commit a prepared file for this person (accepted, duplicate or rejected — all audited)."""
    report = prepared.report
    try:
        check_upload(person, report.agency or "", report.datasets)
    except NotAllowed as error:
        _refuse(store, person, audit_action(report), report.file, error)
    return commit(store, prepared, uploaded_by=person.email, actor=actor(person))


def withdraw_submission(store: Store, person: Person, submission_id: int) -> dict:
    agency = submission_agency(store, submission_id)
    try:
        check_withdraw(person, agency or "")
    except NotAllowed as error:
        _refuse(store, person, AuditAction.WITHDRAW, submission_id, error)
    return withdraw(store, submission_id, by=person.email, actor=actor(person))


def decide(store: Store, person: Person, action_id: str, status: str, note: str, by: str,
           on: dt.date | None = None, *, meeting_date: dt.date | None = None,
           present: Sequence[str] | None = None) -> int:
    try:
        check_decision(person)
    except NotAllowed as error:
        _refuse(store, person, AuditAction.DECISION, action_id, error)
    return record_decision(store, action_id, status, note, by, on, actor=actor(person),
                           meeting_date=meeting_date, present=present)


def comment(store: Store, person: Person, action_id: str, period: str, text: str) -> int:
    """Commentary on an action for a quarter (``metrics.commentary.add_comment``), written as the person. The
    lead agency is read from the current plan here, not taken from the page."""
    lead = store.rows("SELECT lead_agency FROM actions WHERE is_current AND action_id = ?", [action_id])
    try:
        check_comment(person, lead[0][0] if lead else None)
    except NotAllowed as error:
        _refuse(store, person, AuditAction.COMMENTARY, action_id, error)
    return add_comment(store, action_id, period, text, person.name or person.email, actor=actor(person))


def backup_download(store: Store, person: Person, name: str) -> bytes:
    """A backup of the store for an administrator to download, made through the app's own connection (the
    app holds the only write lock) and recorded in the audit trail as "backup"."""
    try:
        check_backup(person)
    except NotAllowed as error:
        _refuse(store, person, AuditAction.BACKUP, name, error)
    return backup_bytes(store, actor(person), name)


def _mapping_target(dataset: str, column: str) -> str:
    """What a refused mapping is recorded against: the declared column, never text as typed."""
    try:
        found = resolve_dataset(dataset)
        return f"{found.name}.{resolve_column(found, column).key}"
    except AliasError:
        return "value mapping"


def add_value_alias(store: Store, person: Person, agency: str, dataset: str, column: str, value: str,
                    code: str) -> ValueAlias:
    """Map a local label to a code for ``agency``'s later loads (``loaders.aliases.add_alias``). A refusal is
    audited under the column's name, never the value; an invalid mapping raises ``AliasError``, unaudited."""
    name = match_agency(agency or "")
    try:
        check_map_values(person, name or "an unknown agency")
    except NotAllowed as error:
        _refuse(store, person, AuditAction.ALIAS_ADDED, _mapping_target(dataset, column), error)
    return add_alias(store, actor(person), agency, dataset, column, value, code)


def remove_value_alias(store: Store, person: Person, alias_id: int) -> ValueAlias:
    """Remove a mapping (``loaders.aliases.remove_alias``): an administrator any, a manager their agency's."""
    alias = get_alias(store, alias_id)
    if alias is None:
        raise AliasError(f"there is no mapping {alias_id}")
    try:
        check_remove_alias(person, alias.agency)
    except NotAllowed as error:
        _refuse(store, person, AuditAction.ALIAS_REMOVED, alias_id, error)
    return remove_alias(store, actor(person), alias_id)


def export_download(store: Store, person: Person, kind: str, name: str, make: Callable[[], bytes]) -> bytes:
    """An export for the person to download (``kind`` one of ``access.permissions.EXPORTS``): checked again
    here, made by ``make`` only when allowed, and recorded in the audit trail as "export" with the file's size
    and SHA-256, so what left the app can be matched to the file later."""
    try:
        check_export(person, kind)
    except NotAllowed as error:
        _refuse(store, person, AuditAction.EXPORT, name, error)
    data = make()
    audit.record(store, actor(person), AuditAction.EXPORT, name, AuditOutcome.DONE,
                 f"{kind}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")
    return data
