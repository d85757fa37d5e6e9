"""The roles file: who has which role and agency (``DASHBOARD_ROLES``, default ``data/roles.toml``).

```toml
[users."police.manager@example.org"]
role = "manager"
agency = "Police"

[groups."lscp-scrutiny"]          # an identity provider group or app role claim
role = "scrutiny"
```
A person listed under ``users`` takes that entry; otherwise the first matching group, in the
order of ``ROLES`` from most to least powerful, decides. Anyone else has no access.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from access.people import ROLES, Person
from loaders.agencies import UnknownAgencyError, canonical_agency

DEFAULT_ROLES_FILE = Path("data/roles.toml")


class RolesFileError(ValueError):
    """The roles file is missing or says something that cannot be right."""


@dataclass(frozen=True)
class Grant:
    role: str
    agency: str | None = None


@dataclass(frozen=True)
class RolesFile:
    users: dict[str, Grant] = field(default_factory=dict)
    groups: dict[str, Grant] = field(default_factory=dict)
    contact: str = "the safeguarding partnership business unit"

    def person(self, email: str | None, claims: Iterable[str] = (), name: str | None = None) -> Person | None:
        """The person with their role, or None when neither their e-mail nor any of their groups is listed."""
        if not email:
            return None
        grant = self.users.get(email.strip().lower())
        if grant is None:
            granted = [self.groups[c] for c in claims if c in self.groups]
            if granted:
                grant = max(granted, key=lambda g: ROLES.index(g.role))
        if grant is None:
            return None
        return Person(email=email.strip().lower(), role=grant.role, agency=grant.agency, name=name)


def roles_path() -> Path:
    return Path(os.environ.get("DASHBOARD_ROLES") or DEFAULT_ROLES_FILE)


def _grant(where: str, entry: dict) -> Grant:
    role = entry.get("role")
    if role not in ROLES:
        raise RolesFileError(f"{where}: role {role!r} is not one of {', '.join(ROLES)}")
    agency = entry.get("agency")
    if role == "manager" and not agency:
        raise RolesFileError(f"{where}: a manager needs an agency")
    if agency:
        try:
            agency = canonical_agency(agency)
        except UnknownAgencyError as exc:
            raise RolesFileError(f"{where}: {exc}") from None
    return Grant(role, agency)


def load_roles(path: Path | None = None) -> RolesFile:
    """Read and check the roles file; a missing file grants nobody anything."""
    path = path or roles_path()
    if not path.exists():
        return RolesFile()
    try:
        with open(path, "rb") as handle:
            config = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise RolesFileError(f"{path}: {exc}") from None
    users = {email.strip().lower(): _grant(f"{path} users.{email}", entry)
             for email, entry in config.get("users", {}).items()}
    groups = {name: _grant(f"{path} groups.{name}", entry) for name, entry in config.get("groups", {}).items()}
    return RolesFile(users, groups, config.get("contact", RolesFile.contact))
