"""What each role may see and do. The navigation reads ``PAGES``; every write calls a ``check_`` function."""

from __future__ import annotations

from collections.abc import Iterable

from access.people import Person

READ_PAGES = ("summary", "actions", "mash", "training", "audits", "about")
PAGES: dict[str, tuple[str, ...]] = {
    "scrutiny": ("summary",),
    "partner": READ_PAGES,
    "manager": (*READ_PAGES, "upload"),
    "chair": READ_PAGES,
    "admin": (*READ_PAGES, "upload", "audit_trail"),
}


class NotAllowed(PermissionError):
    """The person's role or agency does not allow this; the message says why, in plain words."""


def pages_for(person: Person) -> tuple[str, ...]:
    return PAGES.get(person.role, ())


def suppressed_only(person: Person) -> bool:
    """Scrutiny members see only suppressed figures."""
    return person.role == "scrutiny"


def check_upload(person: Person, agency: str, datasets: Iterable[str]) -> None:
    datasets = list(datasets)
    if person.role not in ("manager", "admin"):
        raise NotAllowed(f"{person.email} ({person.role}) may not upload returns")
    if "actions" in datasets and person.role != "admin":
        raise NotAllowed("only an administrator may load the action plan")
    if person.role == "manager" and agency != person.agency:
        raise NotAllowed(f"{person.email} may upload only for {person.agency}, not {agency}")


def upload_agency(person: Person, chosen: str | None) -> str | None:
    """A manager's uploads are always recorded under their own agency, whatever was chosen."""
    return person.agency if person.role == "manager" else chosen


def check_withdraw(person: Person, submission_agency: str) -> None:
    if person.role == "admin":
        return
    if person.role != "manager":
        raise NotAllowed(f"{person.email} ({person.role}) may not withdraw submissions")
    if submission_agency != person.agency:
        raise NotAllowed(f"{person.email} may withdraw only {person.agency}'s submissions, not {submission_agency}'s")


def check_decision(person: Person) -> None:
    if person.role not in ("chair", "admin"):
        raise NotAllowed(f"{person.email} ({person.role}) may not record decisions on actions")


def check_audit_trail(person: Person) -> None:
    if person.role != "admin":
        raise NotAllowed(f"{person.email} ({person.role}) may not see the audit trail")


def check_backup(person: Person) -> None:
    """A backup is every row of the store (pseudonymised), so only an administrator may take one."""
    if person.role != "admin":
        raise NotAllowed(f"{person.email} ({person.role}) may not download a backup of the store")


def can_map_values(person: Person, agency: str) -> bool:
    """Whether the person may map a local label to a code for ``agency``'s loads: an administrator for any
    agency, a manager for their own (the agency whose returns they upload)."""
    return person.role == "admin" or (person.role == "manager" and agency == person.agency)


def check_map_values(person: Person, agency: str) -> None:
    if person.role not in ("manager", "admin"):
        raise NotAllowed(f"{person.email} ({person.role}) may not map values to codes")
    if not can_map_values(person, agency):
        raise NotAllowed(f"{person.email} may map values only for {person.agency}, not {agency}")


def can_remove_alias(person: Person, alias_agency: str) -> bool:
    """The same rule as mapping. A manager may remove their own agency's mappings: a wrong one misreads every
    later return of theirs, so they must be able to undo it without waiting for an administrator; removing
    changes nothing already loaded, and it is audited like the mapping was."""
    return can_map_values(person, alias_agency)


def check_remove_alias(person: Person, alias_agency: str) -> None:
    if person.role not in ("manager", "admin"):
        raise NotAllowed(f"{person.email} ({person.role}) may not remove value mappings")
    if not can_remove_alias(person, alias_agency):
        raise NotAllowed(f"{person.email} may remove only {person.agency}'s value mappings, not {alias_agency}'s")
