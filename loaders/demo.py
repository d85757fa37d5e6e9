"""Synthetic demo data for a fictional borough: the spreadsheets a manager would upload.

Everything here is invented. Children are ``SYN-000123``, delegates ``delegate0042@example.invalid``,
workers ``Worker A``; there are no names, addresses or postcodes. Every sheet says SYNTHETIC DEMO DATA
in a title row above its headers.

The data covers eight financial quarters, 2024-25 Q1 (1 April 2024) to 2025-26 Q4 (31 March 2026).
Files, in the order to load them (the file names sort in that order too):

1. Seven Annex A workbooks, one per half-year return dated at the end of each quarter from
   30 September 2024, each covering the six months before its date, so consecutive returns overlap by a
   quarter and re-send the same rows (with decisions filled in that were still awaited before). List 1
   carries the contacts with the MASH's own columns appended (decision date, outcome, neglect
   identified); List 3 the referrals; List 7 the child protection plans. Lists 2, 4, 5 and 6 have a handful
   of rows; lists 8 to 11 headers only. The returns vary as real ones do: ``Age`` for
   ``Age of Child (Years)`` in one, a non-breaking space in a header, codes with and without their letter
   prefix, decision date-times, ``#N/A`` in optional cells, an ``Allocated Worker`` column.
2. The training register, one file per financial year; 2025-26 is a CSV with a UTF-8 BOM.
3. Multi-agency case audits, one workbook per financial year (a few dates typed as UK text).
4. The action plan, with baselines taken from this data.

Designed-in trends (exact quotas per quarter, so the figures hardly move with the seed) are in
:data:`DESIGN`; :func:`designed_metrics` recomputes the metric values from the generated records.

Usage: ``python -m loaders.demo --out DIR [--seed N] [--summary]``.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import json
import random
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import holidays

from loaders.periods import Quarter

TITLE = "SYNTHETIC DEMO DATA"
BOROUGH = "Synthetic Borough"
FIRST = Quarter(2024, 1)
QUARTERS: tuple[Quarter, ...] = tuple(FIRST + i for i in range(8))
START: dt.date = QUARTERS[0].start
END: dt.date = QUARTERS[-1].end
RETURN_DATES: tuple[dt.date, ...] = tuple(q.end for q in QUARTERS[1:])
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
# Fixed timestamp written into every xlsx (document properties and zip entries) so output is byte-identical.
_FIXED_STAMP = (2026, 4, 1, 9, 0, 0)

# Which agency submits each file (the file-name stem before the first date part).
SUBMITTING_AGENCY = {
    "annex_a": "Children's social care",
    "training": "Safeguarding partnership",
    "audits": "Safeguarding partnership",
    "action_plan": "Safeguarding partnership",
}

# --- designed trends, one value per quarter 2024-25 Q1 ... 2025-26 Q4 ----------------------------
DESIGN: dict[str, tuple[float, ...]] = {
    "contacts": (3920, 4010, 4150, 3980, 4060, 4100, 4230, 4050),
    "within_1wd": (0.75, 0.765, 0.78, 0.805, 0.83, 0.86, 0.885, 0.915),
    "neglect_yes": (0.19, 0.195, 0.20, 0.205, 0.21, 0.22, 0.225, 0.235),
    "rereferral": (0.245, 0.24, 0.23, 0.22, 0.215, 0.205, 0.195, 0.19),
    "referral_nfa": (0.11, 0.11, 0.105, 0.10, 0.10, 0.095, 0.09, 0.09),
    "cp_started": (52, 48, 55, 50, 47, 53, 45, 49),
    "cp_neglect": (0.48, 0.50, 0.52, 0.49, 0.51, 0.53, 0.50, 0.52),
    "cp_second": (0.23, 0.225, 0.21, 0.21, 0.20, 0.19, 0.175, 0.165),
    "training_sessions": (9, 10, 11, 10, 10, 11, 10, 9),
    "attendance": (0.80, 0.81, 0.83, 0.84, 0.86, 0.88, 0.89, 0.91),
    # weights of post-course minus pre-course confidence = 0, 1, 2, 3 (before capping at 5)
    "uplift_early": (0.20, 0.50, 0.25, 0.05),
    "uplift_late": (0.03, 0.27, 0.50, 0.20),
    "audits": (6, 6, 6, 7, 6, 6, 7, 6),
    "good_or_better": (0.38, 0.40, 0.42, 0.46, 0.50, 0.54, 0.58, 0.62),
    "theme.neglect_recognised": (0.55, 0.56, 0.60, 0.64, 0.68, 0.71, 0.75, 0.80),
    "theme.gcp2_used": (0.20, 0.22, 0.26, 0.30, 0.36, 0.44, 0.50, 0.58),
    "theme.voice_of_the_child": (0.60, 0.60, 0.62, 0.65, 0.66, 0.68, 0.70, 0.72),
    "theme.early_help_offered": (0.45, 0.46, 0.48, 0.50, 0.52, 0.55, 0.57, 0.60),
    "theme.think_family": (0.38, 0.42, 0.38, 0.42, 0.39, 0.41, 0.40, 0.33),
}
OUTCOME_SHARES = {"NFA": 0.24, "Advice": 0.25, "Early help": 0.24, "Referral": 0.215, "Strategy discussion": 0.055}

# --- code lists -------------------------------------------------------------------------------
# (census code, Annex A letter, label, weight %)
SOURCES: tuple[tuple[str, str, str, float], ...] = (
    ("1A", "a", "Individual: family member/relative/carer", 5.0),
    ("1B", "b", "Individual: acquaintance", 1.0),
    ("1C", "c", "Individual: self", 1.5),
    ("1D", "d", "Individual: other", 1.5),
    ("2A", "e", "Schools", 17.0),
    ("2B", "f", "Education services", 3.0),
    ("3A", "g", "Health services: GP", 4.0),
    ("3B", "h", "Health services: health visitor", 5.0),
    ("3C", "i", "Health services: school nurse", 2.0),
    ("3D", "j", "Health services: other primary health services", 2.0),
    ("3E", "k", "Health services: A&E", 4.0),
    ("3F", "l", "Health services: other", 3.0),
    ("4", "m", "Housing", 3.0),
    ("5A", "n", "LA services: social care", 4.0),
    ("5B", "o", "LA services: other internal", 2.0),
    ("5C", "p", "LA services: external", 1.5),
    ("6", "q", "Police", 30.0),
    ("7", "r", "Other legal agency", 4.0),
    ("8", "s", "Other", 2.0),
    ("9", "t", "Anonymous", 3.0),
    ("10", "u", "Unknown", 0.5),
)
_SOURCE_BY_CODE = {s[0]: s for s in SOURCES}
GENDERS = (("a", "Male", 49.0), ("b", "Female", 49.0), ("c", "Not stated/recorded", 1.5), ("d", "Neither", 0.5))
ETHNICITIES = (
    ("WBRI", 35), ("WIRI", 1), ("WOTH", 10), ("WROM", 1), ("MWBC", 3), ("MWBA", 1.5), ("MWAS", 1.5), ("MOTH", 3),
    ("AIND", 4), ("APKN", 3), ("ABAN", 3), ("AOTH", 3), ("BCRB", 3), ("BAFR", 9), ("BOTH", 2), ("CHNE", 1),
    ("OOTH", 5), ("REFU", 1), ("NOBT", 2),
)
CATEGORIES = (("a", "Neglect"), ("b", "Physical abuse"), ("c", "Sexual abuse"), ("d", "Emotional abuse"),
              ("e", "Multiple/not recommended"))
OUTCOME_SPELLING = {  # early returns (case system export) / later returns (new MASH system)
    "NFA": ("No further action", "NFA"),
    "Advice": ("Information and advice", "Advice"),
    "Early help": ("Early help", "Early help"),
    "Referral": ("Referral to children's social care", "Referral"),
    "Strategy discussion": ("Strategy discussion/S47", "Strategy discussion"),
}
GRADES = ("Outstanding", "Good", "Requires improvement", "Inadequate")
THEMES = ("Neglect recognised", "GCP2 used", "Voice of the child", "Early help offered", "Think family")
CONFIDENCE_LABELS = {1: "1 - Not confident", 2: "2 - A little confident", 3: "3 - Fairly confident",
                     4: "4 - Confident", 5: "5 - Very confident"}
COURSES = (
    ("Recognising and responding to neglect", 5),
    ("Graded Care Profile 2 (GCP2)", 4),
    ("Think family: when parents' needs affect children", 3),
    ("Neglect: hearing the voice of the child", 2),
    ("Multi-agency thresholds and escalation", 2),
    ("Early help assessment and team around the family", 2),
    ("Parental mental health, substance misuse and domestic abuse: impact on children", 2),
)
# agency canonical name, weight, roles, aliases used now and then
AGENCIES = (
    ("Health", 22, ("Health visitor", "School nurse", "GP", "Midwife", "Paediatric nurse", "Mental health nurse"),
     ("NHS", "Health visiting")),
    ("Education", 22, ("Designated safeguarding lead", "Class teacher", "Pastoral lead", "Attendance officer"),
     ("Schools",)),
    ("Children's social care", 15, ("Social worker", "Senior practitioner", "Team manager", "MASH practitioner"),
     ("CSC",)),
    ("Police", 10, ("Police constable", "Detective constable", "Sergeant", "MASH police officer"),
     ("MPS", "Met Police")),
    ("Early help", 9, ("Family support worker", "Early help practitioner", "Children's centre worker"), ()),
    ("Voluntary sector", 6, ("Family support worker", "Youth worker", "Volunteer coordinator"), ("VCS",)),
    ("Adult social care", 5, ("Adult social worker", "Care coordinator"), ("ASC",)),
    ("Probation", 3, ("Probation officer", "Probation services officer"), ("HMPPS",)),
    ("Housing", 3, ("Housing officer", "Tenancy sustainment officer"), ()),
    ("Youth justice", 3, ("Youth justice officer",), ("YJS",)),
    ("Other", 2, ("Sports coach", "Faith group safeguarding lead"), ()),
)
AUDIT_PARTNERS = ("Health", "Education", "Police", "Early help", "Probation", "Adult social care", "Housing",
                  "Voluntary sector")
_AUDIT_ALIASES = {"Police": "MPS", "Health": "NHS", "Children's social care": "CSC"}
_THEME_NOT_APPLICABLE = {"GCP2 used": {"Police", "Housing", "Probation"}, "Early help offered": {"Police"}}
AUDIT_TYPES = ("Neglect deep dive (children aged 7-15)", "Multi-agency case audit", "Think family thematic audit")

_BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG", years=range(2023, 2028))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _BANK_HOLIDAYS


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``day`` (n >= 1)."""
    while n > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def on_or_after_working_day(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def on_or_before_working_day(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _quota(rng: random.Random, n: int, shares: dict[str, float]) -> list[str]:
    """Exactly ``round(share * n)`` of each value (the last takes the rest), shuffled."""
    out: list[str] = []
    keys = list(shares)
    for key in keys[:-1]:
        out += [key] * round(shares[key] * n)
    out += [keys[-1]] * max(0, n - len(out))
    out = out[:n]
    rng.shuffle(out)
    return out


def _flags(rng: random.Random, n: int, share: float) -> list[bool]:
    return [v == "y" for v in _quota(rng, n, {"y": share, "n": 1 - share})]


def _age_at(dob: dt.date, day: dt.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


# --- records ----------------------------------------------------------------------------------


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


# --- generation -------------------------------------------------------------------------------


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.data = DemoData()
        self.contact_days: dict[str, set[dt.date]] = defaultdict(set)

    def new_child(self, day: dt.date, ages: tuple[int, int] = (0, 17)) -> Child:
        rng = self.rng
        age = rng.choice(range(ages[0], ages[1] + 1))
        dob = day - dt.timedelta(days=age * 365 + rng.randint(14, 350))
        gender = rng.choices([g[0] for g in GENDERS], [g[2] for g in GENDERS])[0]
        eth = rng.choices([e[0] for e in ETHNICITIES], [e[1] for e in ETHNICITIES])[0]
        child = Child(f"SYN-{len(self.data.children) + 1:06d}", dob, gender, eth)
        self.data.children.append(child)
        return child

    def usable(self, child: Child, day: dt.date) -> bool:
        return child.dob < day and _age_at(child.dob, day) <= 17 and day not in self.contact_days[child.id]

    # contacts ---------------------------------------------------------------------------------
    def contacts(self) -> None:
        rng = self.rng
        codes = [s[0] for s in SOURCES]
        weights = [s[3] for s in SOURCES]
        for i, q in enumerate(QUARTERS):
            days = _days(q.start, q.end)
            day_weights = []
            for d in days:
                w = 1.0 if d.weekday() < 5 else (0.22 if d.weekday() == 5 else 0.18)
                if d in _BANK_HOLIDAYS:
                    w = 0.25
                if d.month == 8 or (d.month == 12 and d.day >= 22) or (d.month == 1 and d.day == 1):
                    w *= 0.75
                day_weights.append(w)
            n = int(DESIGN["contacts"][i]) + rng.randint(-40, 40)
            dates = sorted(rng.choices(days, day_weights, k=n))
            within = _flags(rng, n, DESIGN["within_1wd"][i])
            outcomes = _quota(rng, n, OUTCOME_SHARES)
            batch: list[Contact] = []
            for day, ok, outcome in zip(dates, within, outcomes):
                if ok:
                    decided = day if is_working_day(day) and rng.random() < 0.55 else add_working_days(day, 1)
                else:
                    decided = add_working_days(day, rng.choices((2, 3, 4, 5, 7, 10), (50, 25, 12, 7, 4, 2))[0])
                minute = rng.randint(8 * 60 + 30, 19 * 60)
                stamp = dt.datetime.combine(decided, dt.time(minute // 60, minute % 60))
                batch.append(Contact(day, rng.choices(codes, weights)[0], stamp, outcome, None))
            # neglect recorded on ~93%; "Yes" on an exact share, more likely where the contact went further
            recorded = [c for c in batch if rng.random() < 0.93]
            bias = {"Referral": 3.0, "Strategy discussion": 3.5, "Early help": 2.0, "Advice": 0.7, "NFA": 0.4}
            keyed = sorted(recorded, key=lambda c: rng.random() ** (1 / bias[c.outcome]), reverse=True)
            k = round(DESIGN["neglect_yes"][i] * len(recorded))
            for j, c in enumerate(keyed):
                c.neglect = "Yes" if j < k else "No"
            self.data.contacts += batch
        for c in self.data.contacts:  # decisions after the last return are still awaited
            if c.decided and c.decided.date() > END:
                c.decided = c.outcome = c.neglect = None

    # children and referrals --------------------------------------------------------------------
    def referrals(self) -> None:
        rng = self.rng
        to_refer = sorted((c for c in self.data.contacts if c.outcome in ("Referral", "Strategy discussion")),
                          key=lambda c: (c.decided, c.date))
        by_quarter: dict[Quarter, list[Contact]] = defaultdict(list)
        for c in to_refer:
            by_quarter[Quarter.of(c.decided.date())].append(c)
        ref_dates: list[dt.date] = []  # all referral dates so far, ascending
        ref_children: list[Child] = []
        last_referral: dict[str, dt.date] = {}
        history: dict[str, list[dt.date]] = defaultdict(list)
        for q in QUARTERS:
            batch = by_quarter[q]
            i = QUARTERS.index(q)
            repeat = _flags(rng, len(batch), DESIGN["rereferral"][i])
            nfa = _flags(rng, len(batch), DESIGN["referral_nfa"][i])
            pending = 0
            for c, want, is_nfa in zip(batch, repeat, nfa):
                day = c.decided.date()
                child = None
                if want or pending:
                    lo = bisect.bisect_left(ref_dates, day - dt.timedelta(days=365))
                    hi = bisect.bisect_left(ref_dates, day)
                    for _ in range(12 if hi > lo else 0):
                        cand = ref_children[rng.randrange(lo, hi)]
                        if self.usable(cand, c.date) and last_referral[cand.id] < day:
                            child = cand
                            break
                    if child is not None and not want:
                        pending -= 1
                    elif child is None and want:
                        pending += 1
                if child is None:
                    child = self._fresh_referral_child(c.date, day, last_referral)
                c.child = child
                self.contact_days[child.id].add(c.date)
                last_referral[child.id] = day
                history[child.id].append(day)
                ref_dates.append(day)
                ref_children.append(child)
                n12 = sum(1 for d in history[child.id] if d >= day - dt.timedelta(days=365))
                self.data.referrals.append(Referral(child, day, c.source, is_nfa, c.outcome == "Strategy discussion",
                                                    n12))

    def _fresh_referral_child(self, contact_day: dt.date, day: dt.date, last: dict[str, dt.date]) -> Child:
        # now and then a child last referred more than a year ago; otherwise a child new to the MASH
        if last and self.rng.random() < 0.08:
            for _ in range(6):
                cand = self.data.children[self.rng.randrange(len(self.data.children))]
                if cand.id in last and last[cand.id] < day - dt.timedelta(days=365) and self.usable(cand, contact_day):
                    return cand
        return self.new_child(contact_day, (0, 17))

    def other_contacts(self) -> None:
        rng = self.rng
        for c in self.data.contacts:
            if c.child is not None:
                continue
            child = None
            if self.data.children and rng.random() < 0.35:
                pool = self.data.children[-4000:]
                for _ in range(6):
                    cand = pool[rng.randrange(len(pool))]
                    if self.usable(cand, c.date):
                        child = cand
                        break
            if child is None:
                child = self.new_child(c.date)
            c.child = child
            self.contact_days[child.id].add(c.date)

    # child protection plans --------------------------------------------------------------------
    def plans(self) -> None:
        rng = self.rng
        strategy = sorted((r for r in self.data.referrals if r.strategy), key=lambda r: r.date)
        strategy_dates = [r.date for r in strategy]
        on_plan: dict[str, dt.date | None] = {}  # child -> end of their latest plan
        plan_count: dict[str, int] = defaultdict(int)
        workers = [f"Worker {chr(65 + k)}" for k in range(12)]
        for i, q in enumerate(QUARTERS):
            n = int(DESIGN["cp_started"][i])
            working = [d for d in _days(q.start, q.end) if is_working_day(d)]
            starts = sorted(rng.choice(working) for _ in range(n))
            neglect = _flags(rng, n, DESIGN["cp_neglect"][i])
            second = _flags(rng, n, DESIGN["cp_second"][i])
            for start, is_neglect, is_second in zip(starts, neglect, second):
                child = None
                lo = bisect.bisect_left(strategy_dates, start - dt.timedelta(days=50))
                hi = bisect.bisect_right(strategy_dates, start - dt.timedelta(days=10))
                for _ in range(10 if hi > lo else 0):
                    cand = strategy[rng.randrange(lo, hi)].child
                    # a child with an earlier plan here can only start a second or subsequent one
                    busy = cand.id in on_plan and (not is_second or on_plan[cand.id] is None
                                                   or on_plan[cand.id] >= start)
                    if not busy and _age_at(cand.dob, start) <= 16:
                        child = cand
                        break
                if child is None:
                    child = self.new_child(start, (0, 15))
                initial = 0 if is_neglect else rng.choices((1, 2, 3, 4), (30, 10, 50, 10))[0]
                latest = initial if rng.random() > 0.08 else rng.choice([k for k in range(5) if k != initial])
                first_review = on_or_after_working_day(start + dt.timedelta(days=rng.randint(80, 92)))
                n_reviews = rng.choices((1, 2, 3, 4), (20, 45, 25, 10))[0]
                reviews = [first_review] + [on_or_after_working_day(first_review + dt.timedelta(days=182 * k))
                                            for k in range(1, 5)]
                end = reviews[n_reviews - 1]
                reviews = reviews[:n_reviews]
                if end > END:
                    end = None
                    reviews = [r for r in reviews if r <= END]
                on_plan[child.id] = end
                earlier = plan_count[child.id]
                plan_count[child.id] += 1
                previous = max(earlier, 1 if rng.random() < 0.8 else 2) if is_second else 0
                self.data.plans.append(Plan(
                    child, start, initial, latest, previous, reviews, end,
                    seen_alone=_age_at(child.dob, start) >= 4 and rng.random() < 0.85, epo=rng.random() < 0.03,
                    team=f"Child Protection Team {rng.randint(1, 3)}", worker=rng.choice(workers)))

    # training ----------------------------------------------------------------------------------
    def training(self) -> None:
        rng = self.rng
        delegates = []
        for k in range(1, 701):
            name, _, roles, aliases = rng.choices(AGENCIES, [a[1] for a in AGENCIES])[0]
            written = rng.choice(aliases) if aliases and rng.random() < 0.2 else name
            delegates.append(Delegate(f"delegate{k:04d}@example.invalid", name, written, rng.choice(roles)))
        courses = [c[0] for c in COURSES]
        course_weights = [c[1] for c in COURSES]
        session_no = 0
        for i, q in enumerate(QUARTERS):
            working = [d for d in _days(q.start, q.end) if is_working_day(d) and d.month != 8]
            dates = sorted(rng.sample(working, int(DESIGN["training_sessions"][i])))
            sessions = []
            for day in dates:
                session_no += 1
                sessions.append((f"MAT-{day.year}-{session_no:03d}", day, rng.choices(courses, course_weights)[0],
                                 rng.sample(delegates, rng.randint(10, 25))))
            n = sum(len(s[3]) for s in sessions)
            attended = _flags(rng, n, DESIGN["attendance"][i])
            t = i / (len(QUARTERS) - 1)
            uplift_w = [a + (b - a) * t for a, b in zip(DESIGN["uplift_early"], DESIGN["uplift_late"])]
            k = 0
            for sid, day, course, people in sessions:
                for person in people:
                    came = attended[k]
                    k += 1
                    pre = post = follow = None
                    if came:
                        if rng.random() < 0.93:
                            pre = rng.choices((1, 2, 3, 4, 5), (12, 33, 38, 15, 2))[0]
                        if rng.random() < 0.92:
                            base = pre if pre is not None else 3
                            post = max(1, min(5, base + rng.choices((0, 1, 2, 3), uplift_w)[0]))
                        if post is not None and rng.random() < 0.4 and day <= END - dt.timedelta(days=56):
                            follow = max(1, min(5, post + rng.choices((0, -1, 1), (55, 38, 7))[0]))
                    self.data.training.append(TrainingRow(sid, day, course, person, came, pre, post, follow))

    # audits ------------------------------------------------------------------------------------
    def audits(self) -> None:
        rng = self.rng
        plan_children = sorted(self.data.plans, key=lambda p: p.start)
        numbers: dict[int, int] = defaultdict(int)
        for i, q in enumerate(QUARTERS):
            working = [d for d in _days(q.start, q.end) if is_working_day(d)]
            rows: list[AuditRow] = []
            for day in sorted(rng.sample(working, int(DESIGN["audits"][i]))):
                numbers[q.year] += 1
                audit_id = f"MACA-{q.year % 100:02d}{(q.year + 1) % 100:02d}-{numbers[q.year]:02d}"
                earlier = [p.child for p in plan_children if p.start <= day - dt.timedelta(days=30)]
                child = rng.choice(earlier) if earlier else rng.choice(self.data.children[:500])
                kind = rng.choices(AUDIT_TYPES, (6, 3, 2))[0]
                for agency in ("Children's social care", *rng.sample(AUDIT_PARTNERS, rng.randint(2, 4))):
                    written = agency
                    if rng.random() < 0.15:
                        written = _AUDIT_ALIASES.get(agency, agency)
                    rows.append(AuditRow(audit_id, day, agency, written, child, kind, "", {}))
            n = len(rows)
            gob = DESIGN["good_or_better"][i]
            inadequate = 0.16 - 0.015 * i
            grades = _quota(rng, n, {"Good": gob, "Inadequate": inadequate, "Requires improvement": 1.0})
            for row, grade in zip(rows, grades):
                row.grade = "Outstanding" if grade == "Good" and rng.random() < 0.12 else grade
            for theme in THEMES:
                slug = re.sub(r"[^a-z0-9]+", "_", theme.lower()).strip("_")
                na = _THEME_NOT_APPLICABLE.get(theme, set())
                judged = []
                for row in rows:
                    if row.agency in na or (theme == "Early help offered" and rng.random() < 0.1):
                        row.themes[theme] = "N/A"
                    elif rng.random() < 0.03:
                        row.themes[theme] = ""  # not assessed
                    else:
                        judged.append(row)
                yes = DESIGN[f"theme.{slug}"][i]
                values = _quota(rng, len(judged), {"Yes": yes, "Partly": (1 - yes) * 0.6, "No": 1.0})
                for row, value in zip(judged, values):
                    row.themes[theme] = value
            self.data.audits += rows


def generate(seed: int = 2025) -> DemoData:
    """The synthetic records (no files): used by :func:`write_demo_files` and the tests."""
    g = _Generator(seed)
    g.contacts()
    g.referrals()
    g.other_contacts()
    g.plans()
    g.training()
    g.audits()
    return g.data


# --- the metric values this data gives (same definitions as metrics/, in plain Python) -----------


def designed_metrics(data: DemoData) -> dict[str, dict[str, float | None]]:
    """Metric id -> quarter label -> value, for the metrics the demo action plan measures."""
    out: dict[str, dict[str, float | None]] = defaultdict(dict)

    def pct(num: int, den: int) -> float | None:
        return 100.0 * num / den if den else None

    by_q: dict[str, dict[Quarter, list]] = {k: defaultdict(list) for k in ("c", "r", "p", "t", "a")}
    for c in data.contacts:
        by_q["c"][Quarter.of(c.date)].append(c)
    for r in data.referrals:
        by_q["r"][Quarter.of(r.date)].append(r)
    for p in data.plans:
        by_q["p"][Quarter.of(p.start)].append(p)
    for t in data.training:
        by_q["t"][Quarter.of(t.date)].append(t)
    for a in data.audits:
        by_q["a"][Quarter.of(a.date)].append(a)
    ref_history: dict[str, list[dt.date]] = defaultdict(list)
    for r in data.referrals:
        ref_history[r.child.id].append(r.date)
    for q in QUARTERS:
        label = q.label
        cs = by_q["c"][q]
        decided = [c for c in cs if c.decided]
        out["contacts.count"][label] = len(cs)
        out["contacts.awaiting_decision"][label] = len(cs) - len(decided)
        out["contacts.decided_within_1wd"][label] = pct(
            sum(c.decision_date <= add_working_days(c.date, 1) for c in decided), len(decided))
        out["contacts.to_referral"][label] = pct(
            sum(c.outcome in ("Referral", "Strategy discussion") for c in decided), len(decided))
        recorded = [c for c in cs if c.neglect]
        out["contacts.neglect_identified"][label] = pct(sum(c.neglect == "Yes" for c in recorded), len(recorded))
        rs = by_q["r"][q]
        out["referrals.count"][label] = len(rs)
        out["referrals.rereferral_12m"][label] = pct(sum(
            any(r.date - dt.timedelta(days=365) <= d < r.date for d in ref_history[r.child.id]) for r in rs), len(rs))
        known = [r for r in rs if r.date <= END - dt.timedelta(days=20)]
        out["referrals.nfa"][label] = pct(sum(r.nfa for r in known), len(known))
        ps = by_q["p"][q]
        out["cp_plans.started"][label] = len(ps)
        out["cp_plans.neglect_initial"][label] = pct(sum(p.initial == 0 for p in ps), len(ps))
        out["cp_plans.second_or_subsequent"][label] = pct(sum(p.previous > 0 for p in ps), len(ps))
        ts = by_q["t"][q]
        out["training.sessions"][label] = len({t.session_id for t in ts})
        out["training.attendance_rate"][label] = pct(sum(t.attended for t in ts), len(ts))
        both = [t for t in ts if t.attended and t.pre is not None and t.post is not None]
        out["training.confidence_uplift"][label] = (sum(t.post - t.pre for t in both) / len(both)) if both else None
        aus = by_q["a"][q]
        out["audits.count"][label] = len(aus)
        out["audits.good_or_better"][label] = pct(sum(a.grade in ("Outstanding", "Good") for a in aus), len(aus))
        for theme in THEMES:
            slug = re.sub(r"[^a-z0-9]+", "_", theme.lower()).strip("_")
            judged = [a.themes[theme] for a in aus if a.themes[theme] in ("Yes", "Partly", "No")]
            out[f"audits.theme.{slug}"][label] = pct(judged.count("Yes"), len(judged))
    return dict(out)


# --- writing ----------------------------------------------------------------------------------


_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_EPOCH = dt.datetime(1899, 12, 30)
_COLUMNS = [chr(65 + i) for i in range(26)] + [f"A{chr(65 + i)}" for i in range(26)]
_STYLE_DATE, _STYLE_DATETIME, _STYLE_BOLD = 1, 2, 3
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN_NS}">'
    f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/>'
    f'<numFmt numFmtId="165" formatCode="{DATETIME_FORMAT}"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


class _Book:
    """A minimal, deterministic xlsx writer: shared strings, real date cells, bold title and header rows.

    openpyxl's writer serialises each cell through pure-Python XML (lxml is not a dependency) at about
    40 microseconds a cell, which makes the ~800,000 cells of the Annex A returns take a minute; this
    writes the same SpreadsheetML directly and fixes every timestamp, so a seed always gives the same bytes.
    """

    def __init__(self, title: str) -> None:
        self.title = title
        self.sheets: list[_Sheet] = []
        self.strings: dict[str, int] = {}

    def sheet(self, name: str, titles: list[str], headers: list[str]) -> _Sheet:
        sheet = _Sheet(self, name, len(headers))
        for t in titles:
            sheet.append([t], style=_STYLE_BOLD)
        sheet.append([])
        sheet.append(headers, style=_STYLE_BOLD)
        sheet.rows = 0
        self.sheets.append(sheet)
        return sheet

    def string(self, text: str) -> int:
        index = self.strings.get(text)
        if index is None:
            index = self.strings[text] = len(self.strings)
        return index

    def save(self, path: Path) -> None:
        n = len(self.sheets)
        sheet_overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, n + 1))
        content_types = (
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f'{sheet_overrides}'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>')
        root_rels = (
            f'{_XML}<Relationships xmlns="{_PKG_REL_NS}">'
            f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
            'core-properties" Target="docProps/core.xml"/></Relationships>')
        stamp = dt.datetime(*_FIXED_STAMP).strftime("%Y-%m-%dT%H:%M:%SZ")
        core = (
            f'{_XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:title>{_escape(self.title)}</dc:title><dc:creator>{BOROUGH} demo generator</dc:creator>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>')
        sheets = "".join(f'<sheet name="{_escape(s.name)}" sheetId="{i}" r:id="rId{i}"/>'
                         for i, s in enumerate(self.sheets, start=1))
        workbook = (f'{_XML}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
                    f'<bookViews><workbookView/></bookViews><sheets>{sheets}</sheets></workbook>')
        rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                       for i in range(1, n + 1))
        workbook_rels = (
            f'{_XML}<Relationships xmlns="{_PKG_REL_NS}">{rels}'
            f'<Relationship Id="rId{n + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{n + 2}" Type="{_REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
            '</Relationships>')
        items = "".join(f'<si><t xml:space="preserve">{_escape(t)}</t></si>' if t != t.strip() else
                        f"<si><t>{_escape(t)}</t></si>" for t in self.strings)
        shared = (f'{_XML}<sst xmlns="{_MAIN_NS}" count="{len(self.strings)}" '
                  f'uniqueCount="{len(self.strings)}">{items}</sst>')
        parts = [("[Content_Types].xml", content_types), ("_rels/.rels", root_rels), ("docProps/core.xml", core),
                 ("xl/workbook.xml", workbook), ("xl/_rels/workbook.xml.rels", workbook_rels),
                 ("xl/styles.xml", _STYLES), ("xl/sharedStrings.xml", shared)]
        parts += [(f"xl/worksheets/sheet{i}.xml", s.xml()) for i, s in enumerate(self.sheets, start=1)]
        with zipfile.ZipFile(path, "w") as archive:
            for name, text in parts:
                entry = zipfile.ZipInfo(name, date_time=_FIXED_STAMP)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o600 << 16
                archive.writestr(entry, text.encode("utf-8"))


class _Sheet:
    """Rows of one worksheet: title rows, a blank row, the header row, then data rows."""

    def __init__(self, book: _Book, name: str, width: int) -> None:
        self.book = book
        self.name = name
        self.width = width
        self.lines: list[str] = []
        self.rows = 0

    def append(self, row: list[object], style: int = 0) -> None:
        r = len(self.lines) + 1
        bold = f' s="{style}"' if style else ""
        cells = []
        for col, v in zip(_COLUMNS, row, strict=False):
            if v is None or v == "":
                continue
            ref = f"{col}{r}"
            if isinstance(v, str):
                cells.append(f'<c r="{ref}"{bold} t="s"><v>{self.book.string(v)}</v></c>')
            elif isinstance(v, bool):
                cells.append(f'<c r="{ref}" t="b"><v>{int(v)}</v></c>')
            elif isinstance(v, dt.datetime):
                serial = (v - _EPOCH).total_seconds() / 86400
                cells.append(f'<c r="{ref}" s="{_STYLE_DATETIME}"><v>{serial!r}</v></c>')
            elif isinstance(v, dt.date):
                cells.append(f'<c r="{ref}" s="{_STYLE_DATE}"><v>{(v - _EPOCH.date()).days}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{v!r}</v></c>')
        self.lines.append(f'<row r="{r}">{"".join(cells)}</row>')
        self.rows += 1

    def xml(self) -> str:
        last = f"{_COLUMNS[max(self.width, 1) - 1]}{max(len(self.lines), 1)}"
        cols = f'<cols><col min="1" max="{max(self.width, 1)}" width="22" customWidth="1"/></cols>'
        return (f'{_XML}<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><dimension ref="A1:{last}"/>'
                f'<sheetViews><sheetView workbookViewId="0"/></sheetViews>{cols}'
                f'<sheetData>{"".join(self.lines)}</sheetData></worksheet>')


def _uk(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _common_headers(age_header: str) -> list[str]:
    return ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", age_header]


class _AnnexAWriter:
    """One half-year Annex A return; ``style`` varies the spelling the way councils' files do."""

    def __init__(self, data: DemoData, number: int, return_date: dt.date, rng: random.Random) -> None:
        self.data = data
        self.number = number
        self.rd = return_date
        self.first = (Quarter.of(return_date) + -1).start
        self.rng = rng
        self.new_system = return_date >= dt.date(2025, 6, 30)  # the council changed case system in 2025
        self.age_header = "Age" if number == 3 else "Age of Child (Years)"

    def gender(self, child: Child) -> str:
        letter, label = next((g[0], g[1]) for g in GENDERS if g[0] == child.gender)
        return label if self.new_system else f"{letter}) {label}"

    def yes_no(self, value: bool) -> str:
        if self.new_system:
            return "Yes" if value else "No"
        return "a) Yes" if value else "b) No"

    def source(self, code: str) -> str:
        _, letter, label, _ = _SOURCE_BY_CODE[code]
        return f"{code}: {label}" if self.new_system else f"{letter}) {code}: {label}"

    def category(self, index: int) -> str:
        letter, label = CATEGORIES[index]
        return label if self.new_system else f"{letter}) {label}"

    def ethnicity(self, child: Child) -> str:
        return "#N/A" if self.rng.random() < 0.004 else child.ethnicity

    def common(self, child: Child, day: dt.date) -> list[object]:
        age: object = _age_at(child.dob, day)
        if self.number == 5 and self.rng.random() < 0.003:
            age = "#N/A"
        return [child.id, self.gender(child), self.ethnicity(child), child.dob, age]

    def write(self, path: Path) -> dict[str, int]:
        wb = _Book(f"{TITLE} - {BOROUGH} Annex A return {_uk(self.rd)}")
        span = f"{_uk(self.first)} to {_uk(self.rd)}"
        titles = [f"{TITLE} - {BOROUGH}: Ofsted ILACS Annex A return dated {_uk(self.rd)}",
                  "Fictional children and events for demonstration only; no real person is described."]
        counts = {}
        counts["List 1"] = self.list1(wb, titles + [f"List 1: Contacts, {span}"])
        counts["List 2"] = self.list2(wb, titles + [f"List 2: Early help assessments, {span}"])
        counts["List 3"] = self.list3(wb, titles + [f"List 3: Referrals, {span}"])
        counts["List 4"] = self.list4(wb, titles + [f"List 4: Assessments, {span}"])
        counts["List 5"] = self.list5(wb, titles + [f"List 5: Section 47 enquiries, {span}"])
        counts["List 6"] = self.list6(wb, titles + [f"List 6: Children in need, {span}"])
        counts["List 7"] = self.list7(wb, titles + [f"List 7: Child protection, {span}"])
        for n, (what, headers) in enumerate(_UNUSED_LISTS, start=8):
            wb.sheet(f"List {n}", titles + [f"List {n}: {what}, {span}"], headers)
            counts[f"List {n}"] = 0
        wb.save(path)
        return counts

    def in_window(self, day: dt.date) -> bool:
        return self.first <= day <= self.rd

    def list1(self, wb: _Book, titles: list[str]) -> int:
        source_header = "Contact\u00a0Source" if self.number == 2 else "Contact Source"
        headers = [*_common_headers(self.age_header), "Date of Contact", source_header, "MASH decision date",
                   "MASH outcome", "Neglect identified"]
        sheet = wb.sheet("List 1", titles, headers)
        spelling = 1 if self.new_system else 0
        for c in self.data.contacts:
            if not self.in_window(c.date):
                continue
            decided = c.decided if c.decided and c.decided.date() <= self.rd else None
            if decided is None:
                decision: object = None
                outcome = neglect = None
            else:
                decision = decided if self.new_system else decided.date()
                outcome = OUTCOME_SPELLING[c.outcome][spelling]
                neglect = c.neglect
                if neglect and self.new_system:
                    neglect = neglect[0]
                elif neglect is None and self.rng.random() < 0.1:
                    neglect = "#N/A"
            sheet.append([*self.common(c.child, c.date), c.date, self.source(c.source), decision, outcome, neglect])
        return sheet.rows

    def list2(self, wb: _Book, titles: list[str]) -> int:
        headers = [*_common_headers(self.age_header), "Assessment start date", "Assessment completion date",
                   "Organisation completing assessment"]
        sheet = wb.sheet("List 2", titles, headers)
        picked = [c for c in self.data.contacts if c.outcome == "Early help" and c.decided
                  and self.in_window(c.decided.date())][:: 97][:15]
        orgs = ("Early help service", "School", "Health visiting", "Voluntary sector")
        for k, c in enumerate(picked):
            start = add_working_days(c.decided.date(), 3 + k % 5)
            if start > self.rd:
                continue
            done = add_working_days(start, 20 + k % 15)
            sheet.append([*self.common(c.child, start), start, done if done <= self.rd else None, orgs[k % len(orgs)]])
        return sheet.rows

    def referrals_in_window(self) -> list[Referral]:
        return [r for r in self.data.referrals if self.in_window(r.date)]

    def list3(self, wb: _Book, titles: list[str]) -> int:
        headers = [*_common_headers(self.age_header), "Date of referral", "Referral Source", "Referral NFA?",
                   "Number of Referrals in Last 12 Months", "Allocated Team", "Allocated Worker"]
        sheet = wb.sheet("List 3", titles, headers)
        for k, r in enumerate(self.referrals_in_window()):
            known = r.date <= self.rd - dt.timedelta(days=20)
            nfa = self.yes_no(r.nfa) if known else None
            team = "MASH" if not known else ("Assessment Team 1", "Assessment Team 2", "Assessment Team 3")[k % 3]
            worker = None if (known and r.nfa) else f"Worker {chr(65 + (hash_index(r.child.id) % 20))}"
            sheet.append([*self.common(r.child, r.date), r.date, self.source(r.source), nfa, r.count_12m, team, worker])
        return sheet.rows

    def list4(self, wb: _Book, titles: list[str]) -> int:
        headers = [*_common_headers(self.age_header), "Does the Child have a Disability",
                   "Continuous Assessment Start Date", "Child Seen During Continuous Assessment",
                   "Continuous Assessment Date of Authorisation",
                   "Was the child assessed as requiring LA children's social care support?", "Allocated Team",
                   "Allocated Worker"]
        sheet = wb.sheet("List 4", titles, headers)
        for k, r in enumerate([r for r in self.referrals_in_window() if not r.nfa][::83][:15]):
            done = add_working_days(r.date, 25 + k % 20)
            sheet.append([*self.common(r.child, r.date), self.yes_no(k % 11 == 0), r.date, self.yes_no(True),
                          done if done <= self.rd else None, self.yes_no(k % 3 == 0) if done <= self.rd else None,
                          "Assessment Team 1", f"Worker {chr(65 + k % 12)}"])
        return sheet.rows

    def list5(self, wb: _Book, titles: list[str]) -> int:
        headers = [*_common_headers(self.age_header), "Does the Child have a Disability",
                   "Strategy discussion initiating Section 47 Enquiry Start Date",
                   "Was an Initial Child Protection Conference deemed unnecessary?",
                   "Date of Initial Child Protection Conference",
                   "Did the Initial Child Protection Conference Result in a Child Protection Plan",
                   "Number of Section 47 Enquiries in the last 12 months", "Number of ICPCs in the last 12 months",
                   "Allocated Team", "Allocated Worker"]
        sheet = wb.sheet("List 5", titles, headers)
        for k, r in enumerate([r for r in self.referrals_in_window() if r.strategy][::17][:12]):
            needed = k % 3 == 0
            icpc = add_working_days(r.date, 15) if needed else None
            if icpc and icpc > self.rd:
                icpc = None
            sheet.append([*self.common(r.child, r.date), self.yes_no(False), r.date, self.yes_no(not needed), icpc,
                          self.yes_no(True) if icpc else None, 1, 1 if icpc else 0, "Child Protection Team 1",
                          f"Worker {chr(65 + k % 12)}"])
        return sheet.rows

    def list6(self, wb: _Book, titles: list[str]) -> int:
        headers = [*_common_headers(self.age_header), "Does the Child have a Disability", "CIN Start Date",
                   "Primary Need Code", "Date Child Was Last Seen", "CIN Closure Date", "Reason for Closure",
                   "Case Status", "Allocated Team", "Allocated Worker"]
        sheet = wb.sheet("List 6", titles, headers)
        needs = ("N1", "N1", "N2", "N3", "N4", "N5", "N6", "N8")
        for k, r in enumerate([r for r in self.referrals_in_window() if not r.nfa][5::71][:15]):
            closed = add_working_days(r.date, 60 + 7 * k)
            seen = min(self.rd, closed, add_working_days(r.date, 10 + k))
            is_closed = closed <= self.rd
            sheet.append([*self.common(r.child, r.date), self.yes_no(k % 9 == 0), r.date, needs[k % len(needs)],
                          on_or_before_working_day(seen), closed if is_closed else None,
                          "RC4: Case closed after assessment" if is_closed else None,
                          "Closed episode" if is_closed else "Open", "Children in Need Team",
                          f"Worker {chr(65 + k % 12)}"])
        return sheet.rows

    def list7(self, wb: _Book, titles: list[str]) -> int:
        headers = [*_common_headers(self.age_header), "Does the Child have a Disability",
                   "Child Protection Plan Start Date", "Initial Category of Abuse", "Latest Category of Abuse",
                   "Date of the Last Statutory Visit", "Was the Child Seen Alone?", "Date of latest review conference",
                   "Child Protection Plan End Date",
                   "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
                   "Number of Previous Child Protection Plans", "Allocated Team", "Allocated Worker"]
        sheet = wb.sheet("List 7", titles, headers)
        for p in self.data.plans:
            if p.start > self.rd or (p.end is not None and p.end < self.first):
                continue
            end = p.end if p.end is not None and p.end <= self.rd else None
            reviews = [r for r in p.reviews if r <= self.rd]
            latest = p.latest if reviews else p.initial
            ref = end or self.rd
            visit = on_or_before_working_day(ref - dt.timedelta(days=(hash_index(p.child.id) + ref.toordinal()) % 9))
            visit = max(visit, p.start)
            disability = self.yes_no(hash_index(p.child.id) % 13 == 0)
            sheet.append([*self.common(p.child, p.start), disability, p.start, self.category(p.initial),
                          self.category(latest), visit, self.yes_no(p.seen_alone),
                          reviews[-1] if reviews else None, end, "Y" if p.epo else "N", p.previous, p.team, p.worker])
        return sheet.rows


def hash_index(child_id: str) -> int:
    """A stable small number from a synthetic ID (for choices that must not depend on the random stream)."""
    return int(child_id.split("-")[1])


_UNUSED_LISTS = (
    ("Children looked after", [*_common_headers("Age of Child (Years)"), "Does the Child have a Disability",
                               "Date Started to be Looked After", "Legal Status", "Placement Type",
                               "Placement Start Date", "Allocated Team", "Allocated Worker"]),
    ("Care leavers", [*_common_headers("Age of Child (Years)"), "Does the Young Person have a Disability",
                      "Legal Status", "In Touch", "Type of Accommodation", "Suitability of Accommodation",
                      "Activity Status", "Allocated Team", "Allocated Worker"]),
    ("Adoption", [*_common_headers("Age of Child (Years)"), "Date the Child Entered Care",
                  "Date of Placement Order", "Date of Matching", "Date Placed for Adoption", "Date of Adoption Order"]),
    ("Adopters", ["Adopter Household ID", "Date Enquiry Received", "Date Stage One Started",
                  "Date Stage Two Started", "Date Approved", "Number of Children Placed"]),
)

TRAINING_HEADERS_XLSX = ["Session ID", "Course date", "Course title", "Delegate email", "Delegate agency", "Role",
                         "Attendance", "Pre-course confidence", "Post-course confidence", "Follow-up confidence"]
TRAINING_HEADERS_CSV = ["Session ID", "Date", "Course title", "Delegate email", "Organisation", "Job role",
                        "Attended?", "Confidence before", "Confidence after", "Confidence at follow-up"]


def _score(value: int | None, labelled: float, rng: random.Random) -> object:
    """A confidence score, now and then written with its label (``4 - Confident``)."""
    if value is None:
        return None
    return CONFIDENCE_LABELS[value] if rng.random() < labelled else value


def _training_rows(rows: list[TrainingRow], rng: random.Random, as_text: bool) -> list[list[object]]:
    out = []
    for t in rows:
        out.append([
            t.session_id, _uk(t.date) if as_text else t.date, t.course, t.delegate.email, t.delegate.agency_written,
            t.delegate.role, ("Attended" if t.attended else ("Did not attend" if as_text else "DNA")),
            _score(t.pre, 0.0, rng), _score(t.post, 0.0, rng), _score(t.followup, 0.5 if as_text else 0.15, rng)])
    return out


def _write_training_xlsx(path: Path, rows: list[TrainingRow], year: int, rng: random.Random) -> int:
    wb = _Book(f"{TITLE} - {BOROUGH} training register")
    sheet = wb.sheet("Training register", [
        f"{TITLE} - {BOROUGH} Safeguarding Children Partnership: multi-agency training register "
        f"{year}-{(year + 1) % 100:02d}",
        "Fictional delegates for demonstration only (e-mail addresses end .invalid)."], TRAINING_HEADERS_XLSX)
    for row in _training_rows(rows, rng, as_text=False):
        sheet.append(row)
    wb.save(path)
    return sheet.rows


def _write_training_csv(path: Path, rows: list[TrainingRow], year: int, rng: random.Random) -> int:
    width = len(TRAINING_HEADERS_CSV)
    body = _training_rows(rows, rng, as_text=True)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow([f"{TITLE} - {BOROUGH} Safeguarding Children Partnership: multi-agency training register "
                    f"{year}-{(year + 1) % 100:02d} (export)"] + [""] * (width - 1))
        w.writerow([""] * width)
        w.writerow(TRAINING_HEADERS_CSV)
        for row in body:
            w.writerow(["" if v is None else v for v in row])
    return len(body)


AUDIT_HEADERS = ["Audit ID", "Audit date", "Agency", "Child ID", "Audit type", "Overall grade", *THEMES]


def _write_audits(path: Path, rows: list[AuditRow], year: int, rng: random.Random) -> int:
    wb = _Book(f"{TITLE} - {BOROUGH} audit results")
    sheet = wb.sheet("Audit results", [
        f"{TITLE} - {BOROUGH} Safeguarding Children Partnership: multi-agency case audit results "
        f"{year}-{(year + 1) % 100:02d}",
        "One row per audited case per agency. Fictional cases for demonstration only."], AUDIT_HEADERS)
    # a few audits typed in by hand, dates as UK text
    typed_by_hand = {a.audit_id for a in rows[::9][1:4]} if year == 2024 else set()
    for a in rows:
        grade = a.grade
        if grade == "Requires improvement":
            grade = rng.choices(("Requires improvement", "RI", "Requires Improvement to be Good"), (6, 3, 1))[0]
        day: object = _uk(a.date) if a.audit_id in typed_by_hand else a.date
        sheet.append([a.audit_id, day, a.agency_written, a.child.id, a.audit_type, grade,
                      *(a.themes[t] or None for t in THEMES)])
    wb.save(path)
    return sheet.rows


ACTION_HEADERS = ["Action ID", "Priority area", "Action", "Lead agency", "Lead officer", "Measure", "Baseline",
                  "Baseline period", "Target", "Due period", "Status", "Evidence", "Sustainability plan"]
AIMS = ("Measurable outcomes for children", "Workforce knowledge and skills", "Processes and pathways")
BASELINE = QUARTERS[1]  # 2024-25 Q2: the quarter before the plan was agreed

# (id, aim, action, lead agency, lead officer, measure, baseline period, target, due, status, evidence, sustain)
ACTIONS: tuple[tuple, ...] = (
    ("1.1", 0, "Make sure every contact to the MASH gets a decision by the end of the next working day, with "
     "extra screening capacity at peak times.", "Children's social care", "Head of MASH and Assessment",
     "contacts.decided_within_1wd", BASELINE, 90, "2025-26 Q4", "Evidence submitted",
     "Quarterly MASH performance report; dip sample of contacts decided late",
     "Timeliness reviewed weekly by MASH managers and quarterly at the partnership's performance group"),
    ("1.2", 0, "Reduce re-referrals by making sure help offered at the first referral meets the child's needs, "
     "including a step-down plan to early help before a case closes.", "Children's social care",
     "Service Manager, Assessment", "referrals.rereferral_12m", BASELINE, 16, "2026-27 Q2", "In progress",
     "Re-referral audit of 20 cases a quarter", ""),
    ("1.3", 0, "Reduce second and subsequent child protection plans through a neglect-focused step-down review "
     "when a plan ends.", "Children's social care", "Head of Child Protection and Reviewing",
     "cp_plans.second_or_subsequent", BASELINE, 15, "2025-26 Q2", "In progress",
     "Conference chair quality assurance reports", ""),
    ("1.4", 0, "Practitioners in every agency recognise neglect early and record it, using the partnership's "
     "neglect strategy.", "Safeguarding partnership", "Partnership Business Manager",
     "audits.theme.neglect_recognised", BASELINE, 80, "2026-27 Q2", "In progress",
     "Multi-agency case audit programme", ""),
    ("1.5", 0, "Offer early help sooner to families where neglect is emerging, before concerns reach the "
     "threshold for a referral.", "Early help", "Head of Early Help", "audits.theme.early_help_offered",
     BASELINE, 75, "2026-27 Q2", "In progress", "Early help assessments started within 10 working days", ""),
    ("2.1", 1, "Deliver multi-agency training on recognising and responding to neglect, and measure whether "
     "practitioners feel more confident afterwards.", "Safeguarding partnership", "Learning and Development Lead",
     "training.confidence_uplift", BASELINE, 1.5, "2025-26 Q4", "In progress",
     "Pre-, post- and 6-8 week follow-up evaluations", ""),
    ("2.2", 1, "Increase attendance at booked multi-agency training, with managers following up every "
     "non-attendance.", "Safeguarding partnership", "Learning and Development Lead", "training.attendance_rate",
     BASELINE, 92, "2026-27 Q2", "In progress", "Training register by agency", ""),
    ("2.3", 1, "Train practitioners in the Graded Care Profile 2 (GCP2) and make it the expected tool where "
     "neglect is suspected.", "Health", "Designated Nurse for Safeguarding Children", "audits.theme.gcp2_used",
     BASELINE, 60, "2026-27 Q2", "In progress", "GCP2 licence returns; case audits", ""),
    ("2.4", 1, "Refresh the multi-agency neglect strategy and practice toolkit, including GCP2 guidance.",
     "Safeguarding partnership", "Partnership Business Manager", None, None, None, "2025-26 Q2",
     "Agreed complete", "Strategy and toolkit published; launch briefings to all agencies",
     "Annual review by the partnership's quality assurance group"),
    ("2.5", 1, "Include a neglect prompt in supervision policy in every partner agency.", "Safeguarding partnership",
     "Chair of the Quality Assurance Subgroup", None, None, None, "2026-27 Q1", "In progress",
     "Supervision policies collected from 6 of 9 agencies", ""),
    ("3.1", 2, "Adult services (mental health, substance misuse, probation) identify and record the children in "
     "the household and share concerns with children's services (think family).", "Adult social care",
     "Director of Adult Social Services", "audits.theme.think_family", BASELINE, 70, "2026-27 Q2", "In progress",
     "Think family audit of adult services' cases", ""),
    ("3.2", 2, "Raise the quality of multi-agency practice with neglected children, tested through the case "
     "audit programme.", "Safeguarding partnership", "Chair of the Quality Assurance Subgroup",
     "audits.good_or_better", BASELINE, 80, "2026-27 Q2", "In progress", "Multi-agency case audit programme", ""),
    ("3.3", 2, "Agree one multi-agency threshold document and escalation protocol, and brief every agency on it.",
     "Safeguarding partnership", "Partnership Business Manager", None, None, None, "2025-26 Q4",
     "Evidence submitted", "Threshold document signed off by the three statutory partners; briefing attendance",
     "Threshold document reviewed every two years"),
    ("3.4", 2, "Reduce referrals that end in no further action by applying thresholds consistently at the front "
     "door.", "Children's social care", "Head of MASH and Assessment", "referrals.nfa", QUARTERS[-1], 7,
     "2026-27 Q4", "Not started", "", ""),
)


def _write_action_plan(path: Path, metrics: dict[str, dict[str, float | None]]) -> int:
    wb = _Book(f"{TITLE} - {BOROUGH} action plan")
    sheet = wb.sheet("Action plan", [
        f"{TITLE} - {BOROUGH} Safeguarding Children Partnership: neglect JTAI written statement of action",
        "Fictional plan for demonstration only. Baselines are from the demo data."], ACTION_HEADERS)
    for aid, aim, action, agency, officer, measure, base_q, target, due, status, evidence, sustain in ACTIONS:
        baseline = None
        if measure:
            value = metrics[measure][base_q.label]
            baseline = round(value, 2 if measure == "training.confidence_uplift" else 1)
        sheet.append([aid, AIMS[aim], action, agency, officer, measure, baseline,
                      base_q.label if measure else None, target, due, status, evidence or None, sustain or None])
    wb.save(path)
    return sheet.rows


def write_demo_files(out_dir: Path, seed: int = 2025) -> list[Path]:
    """Write the demo spreadsheets into ``out_dir``; return their paths in the order to load them."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    data = generate(seed)
    rng = random.Random(seed * 7919 + 1)  # the writers' own stream: generation never depends on writing
    paths: list[Path] = []
    n = 0

    def name(stem: str) -> Path:
        nonlocal n
        n += 1
        path = out_dir / f"{n:02d}_{stem}"
        paths.append(path)
        return path

    for k, rd in enumerate(RETURN_DATES, start=1):
        _AnnexAWriter(data, k, rd, rng).write(name(f"annex_a_{rd.isoformat()}.xlsx"))
    years = sorted({q.year for q in QUARTERS})
    for year in years:
        rows = [t for t in data.training if Quarter.of(t.date).year == year]
        if year == years[-1]:
            _write_training_csv(name(f"training_{year}-{(year + 1) % 100:02d}.csv"), rows, year, rng)
        else:
            _write_training_xlsx(name(f"training_{year}-{(year + 1) % 100:02d}.xlsx"), rows, year, rng)
    for year in years:
        rows = [a for a in data.audits if Quarter.of(a.date).year == year]
        _write_audits(name(f"audits_{year}-{(year + 1) % 100:02d}.xlsx"), rows, year, rng)
    _write_action_plan(name("action_plan.xlsx"), designed_metrics(data))
    return paths


def submitting_agency(path: Path) -> str:
    """The agency that would upload this demo file (for ``python -m loaders FILE --agency ...``)."""
    stem = re.sub(r"^\d+_", "", Path(path).stem)
    return next(agency for prefix, agency in SUBMITTING_AGENCY.items() if stem.startswith(prefix))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loaders.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="directory to write the demo files into")
    parser.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
    parser.add_argument("--summary", action="store_true",
                        help="also print the metric values the data gives, one JSON object per metric")
    args = parser.parse_args(argv)
    for path in write_demo_files(args.out, args.seed):
        print(path)
    if args.summary:
        for metric, values in designed_metrics(generate(args.seed)).items():
            print(json.dumps({"metric": metric, "values": {k: None if v is None else round(v, 2)
                                                           for k, v in values.items()}}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
