"""A person using the dashboard, and what their role lets them do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["scrutiny", "partner", "manager", "chair", "admin"]
ROLES: tuple[Role, ...] = ("scrutiny", "partner", "manager", "chair", "admin")


@dataclass(frozen=True)
class Person:
    email: str
    role: Role
    agency: str | None = None
    name: str | None = None
    local: bool = False

    @property
    def label(self) -> str:
        agency = f", {self.agency}" if self.agency else ""
        return f"{self.name or self.email} ({self.role}{agency})"


LOCAL_ADMIN = Person(email="local-admin", role="admin", name="Local administrator", local=True)
