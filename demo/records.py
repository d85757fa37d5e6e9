"""The demo's records (children, contacts, referrals, plans, training, audits) and the small helpers that
make them: the project's own working days, exact quotas, ages."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from metrics.workdays import bank_holidays, is_working_day, next_working_day


def is_bank_holiday(day: dt.date) -> bool:
    return day in bank_holidays(day.year, day.year)


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``day`` (n >= 1)."""
    for _ in range(n):
        day = next_working_day(day)
    return day


def on_or_after_working_day(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def on_or_before_working_day(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def hash_index(child_id: str) -> int:
    """A stable small number from a synthetic ID (for choices that must not depend on the random stream)."""
    return int(child_id.split("-")[1])


def days_between(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def quota(rng: random.Random, n: int, shares: dict[str, float]) -> list[str]:
    """Exactly ``round(share * n)`` of each value (the last takes the rest), shuffled."""
    out: list[str] = []
    keys = list(shares)
    for key in keys[:-1]:
        out += [key] * round(shares[key] * n)
    out += [keys[-1]] * max(0, n - len(out))
    out = out[:n]
    rng.shuffle(out)
    return out


def flags(rng: random.Random, n: int, share: float) -> list[bool]:
    return [v == "y" for v in quota(rng, n, {"y": share, "n": 1 - share})]


def age_at(dob: dt.date, day: dt.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


@dataclass
class Child:
    id: str
    dob: dt.date
    gender: str  # letter key into GENDERS
    ethnicity: str


@dataclass
class Contact:
    date: dt.date
    source: str
    decided: dt.datetime | None
    outcome: str | None
    neglect: str | None
    child: Child | None = None

    @property
    def decision_date(self) -> dt.date | None:
        return self.decided.date() if self.decided else None


@dataclass
class Referral:
    child: Child
    date: dt.date
    source: str
    nfa: bool
    strategy: bool
    count_12m: int = 1


@dataclass
class Plan:
    child: Child
    start: dt.date
    initial: int  # index into CATEGORIES
    latest: int
    previous: int
    reviews: list[dt.date]
    end: dt.date | None
    seen_alone: bool
    epo: bool
    team: str
    worker: str


@dataclass
class Delegate:
    email: str
    agency: str
    agency_written: str
    role: str


@dataclass
class TrainingRow:
    session_id: str
    date: dt.date
    course: str
    delegate: Delegate
    attended: bool
    pre: int | None
    post: int | None
    followup: int | None


@dataclass
class AuditRow:
    audit_id: str
    date: dt.date
    agency: str
    agency_written: str
    child: Child
    audit_type: str
    grade: str
    themes: dict[str, str]


@dataclass
class DemoData:
    children: list[Child] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    training: list[TrainingRow] = field(default_factory=list)
    audits: list[AuditRow] = field(default_factory=list)

