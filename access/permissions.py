"""What each role may see and do, as named checks. Pages ask ``can_…`` (to show or hide a control); every write
calls the matching ``check_…``, which raises ``NotAllowed`` with the reason. No other module compares roles."""

from __future__ import annotations

from collections.abc import Iterable

from access.pages import PAGES
from access.people import Person


class NotAllowed(PermissionError):
    """The person's role or agency does not allow this; the message says why, in plain words."""


def pages_for(person: Person) -> tuple[str, ...]:
    """The names of the pages the person may open, in navigation order (``access.pages.PAGES``)."""
    return tuple(page.name for page in PAGES if person.role in page.roles)


def sees_suppressed_only(person: Person) -> bool:
    """Scrutiny members see only the Summary, whose figures are suppressed, and no filters."""
    return person.role == "scrutiny"


def _uploads(person: Person) -> bool:
    return person.role in ("manager", "admin")


def can_upload(person: Person, agency: str) -> bool:
    """Whether the person may load returns for ``agency``: an administrator for any, a manager for their own."""
    return person.role == "admin" or (person.role == "manager" and agency == person.agency)


def chooses_upload_agency(person: Person) -> bool:
    """Whether the person chooses which agency an upload is for (an administrator); a manager's uploads are
    always their own agency's (``upload_agency``)."""
    return person.role == "admin"


def can_load_action_plan(person: Person) -> bool:
    return person.role == "admin"


def check_upload(person: Person, agency: str, datasets: Iterable[str]) -> None:
    datasets = list(datasets)
    if not _uploads(person):
        raise NotAllowed(f"{person.email} ({person.role}) may not upload returns")
    if "actions" in datasets and not can_load_action_plan(person):
        raise NotAllowed("only an administrator may load the action plan")
    if not can_upload(person, agency):
        raise NotAllowed(f"{person.email} may upload only for {person.agency}, not {agency}")


def upload_agency(person: Person, chosen: str | None) -> str | None:
    """A manager's uploads are always recorded under their own agency, whatever was chosen."""
    return chosen if chooses_upload_agency(person) else person.agency


def can_withdraw(person: Person, submission_agency: str) -> bool:
    """The same rule as uploading: an administrator any submission, a manager their own agency's."""
    return can_upload(person, submission_agency)


def check_withdraw(person: Person, submission_agency: str) -> None:
    if not _uploads(person):
        raise NotAllowed(f"{person.email} ({person.role}) may not withdraw submissions")
    if not can_withdraw(person, submission_agency):
        raise NotAllowed(f"{person.email} may withdraw only {person.agency}'s submissions, not {submission_agency}'s")


def can_decide(person: Person) -> bool:
    """Whether the person records the partnership's decisions on actions (a chair or an administrator)."""
    return person.role in ("chair", "admin")


def check_decision(person: Person) -> None:
    if not can_decide(person):
        raise NotAllowed(f"{person.email} ({person.role}) may not record decisions on actions")


def can_comment(person: Person, action_lead_agency: str | None) -> bool:
    """Whether the person may write commentary on an action: the chair or an administrator on any action, a
    manager on an action their own agency leads (who knows its progress)."""
    if person.role in ("chair", "admin"):
        return True
    return person.role == "manager" and bool(action_lead_agency) and action_lead_agency == person.agency


def check_comment(person: Person, action_lead_agency: str | None) -> None:
    if not can_comment(person, action_lead_agency):
        raise NotAllowed(f"{person.email} ({person.role}) may not write commentary on an action led by "
                         f"{action_lead_agency or 'no agency'}")


def can_see_audit_trail(person: Person) -> bool:
    return person.role == "admin"


def check_audit_trail(person: Person) -> None:
    if not can_see_audit_trail(person):
        raise NotAllowed(f"{person.email} ({person.role}) may not see the audit trail")


def can_download_backup(person: Person) -> bool:
    """A backup is every row of the store (pseudonymised), so only an administrator may take one."""
    return person.role == "admin"


def check_backup(person: Person) -> None:
    if not can_download_backup(person):
        raise NotAllowed(f"{person.email} ({person.role}) may not download a backup of the store")


def can_map_values(person: Person, agency: str) -> bool:
    """Whether the person may map a local label to a code for ``agency``'s loads: an administrator for any
    agency, a manager for their own (the agency whose returns they upload)."""
    return can_upload(person, agency)


def check_map_values(person: Person, agency: str) -> None:
    if not _uploads(person):
        raise NotAllowed(f"{person.email} ({person.role}) may not map values to codes")
    if not can_map_values(person, agency):
        raise NotAllowed(f"{person.email} may map values only for {person.agency}, not {agency}")


def can_remove_alias(person: Person, alias_agency: str) -> bool:
    """The same rule as mapping. A manager may remove their own agency's mappings: a wrong one misreads every
    later return of theirs, so they must be able to undo it without waiting for an administrator; removing
    changes nothing already loaded, and it is audited like the mapping was."""
    return can_map_values(person, alias_agency)


def check_remove_alias(person: Person, alias_agency: str) -> None:
    if not _uploads(person):
        raise NotAllowed(f"{person.email} ({person.role}) may not remove value mappings")
    if not can_remove_alias(person, alias_agency):
        raise NotAllowed(f"{person.email} may remove only {person.agency}'s value mappings, not {alias_agency}'s")


# The exports the app offers, each named once: scrutiny members have only the two that are suppressed.
SUPPRESSED_EXPORTS: tuple[str, ...] = ("scrutiny report", "public page")
EXPORTS: tuple[str, ...] = ("meeting pack", "decisions log", *SUPPRESSED_EXPORTS)


def exports_for(person: Person) -> tuple[str, ...]:
    """The exports the person may download: a scrutiny member the scrutiny report and the public page (small
    numbers suppressed); a partner and every role above also the meeting pack and the decisions log, which
    show figures as the Action plan page does."""
    return SUPPRESSED_EXPORTS if sees_suppressed_only(person) else EXPORTS


def can_export(person: Person, kind: str) -> bool:
    return kind in exports_for(person)


def check_export(person: Person, kind: str) -> None:
    if not can_export(person, kind):
        raise NotAllowed(f"{person.email} ({person.role}) may not download the {kind}")
