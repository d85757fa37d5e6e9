"""Every change the app makes goes through here: the person's role and agency are checked again
inside the action (not only by hiding a page), and each attempt lands in the audit trail."""

from __future__ import annotations

import datetime as dt

from access.people import Person
from access.permissions import NotAllowed, check_decision, check_upload, check_withdraw
from loaders import audit
from loaders.audit import Actor
from loaders.report import LoadReport
from loaders.status import submission_agency
from loaders.store import Store
from loaders.submit import Prepared, audit_action, commit, withdraw
from metrics.decisions import record_decision


def actor(person: Person) -> Actor:
    return Actor(person.email, person.role, person.agency)


def _refuse(store: Store, person: Person, action: str, target: object, error: NotAllowed) -> None:
    audit.record(store, actor(person), action, target, "refused", str(error))
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
        _refuse(store, person, "withdraw", submission_id, error)
    return withdraw(store, submission_id, by=person.email, actor=actor(person))


def decide(store: Store, person: Person, action_id: str, status: str, note: str, by: str,
           on: dt.date | None = None) -> int:
    try:
        check_decision(person)
    except NotAllowed as error:
        _refuse(store, person, "decision", action_id, error)
    return record_decision(store, action_id, status, note, by, on, actor=actor(person))
