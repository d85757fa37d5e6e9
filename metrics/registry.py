"""Every metric, declared once: what it counts, in words a scrutiny member can follow.

The SQL that computes each one lives in ``metrics.compute``; this module holds only the declarations.
Audit theme metrics are not listed one by one: the themes come from the audit returns, and each
theme present in the data becomes a metric through ``theme_metric``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import pandas as pd

Unit = Literal["count", "%", "score"]
Polarity = Literal["higher", "lower", "neither"]

THEME_PREFIX = "audits.theme."
# In ``reads``: the audit return's theme columns (every column of an audit return that is not declared).
THEMES = "(themes)"


def format_number(value: object, unit: str) -> str:
    """A value as pages and sentences show it: ``87.0%``, ``1.50``, ``4,044``; ``no value`` when missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "no value"
    if unit == "%":
        return f"{float(value):.1f}%"
    if unit == "score":
        return f"{float(value):.2f}"
    return f"{float(value):,.0f}"


@dataclass(frozen=True)
class Metric:
    id: str
    title: str
    description: str
    unit: Unit
    polarity: Polarity
    numerator: str
    denominator: str | None
    dataset: str
    groups: tuple[str, ...] = ()
    # Column keys of ``dataset`` (see loaders/datasets.py) the SQL in metrics/compute.py reads for this
    # metric. The loaders derive each column's role from these: a column read here stops a file when wrong.
    reads: tuple[str, ...] = ()

    @property
    def overall(self) -> bool:
        """Whether the metric has an overall value (group null); ``contacts.by_source`` has only parts."""
        return self.id != "contacts.by_source"


def _m(id: str, title: str, description: str, unit: Unit, polarity: Polarity, numerator: str,
       denominator: str | None = None, groups: tuple[str, ...] = (), *, reads: tuple[str, ...]) -> Metric:
    return Metric(id, title, description, unit, polarity, numerator, denominator, id.split(".")[0], groups, reads)


METRICS: tuple[Metric, ...] = (
    # --- contacts, by contact date ---
    _m("contacts.count", "Contacts received",
       "How many contacts about children the MASH received in the quarter. One child in a contact is one row.",
       "count", "neither", "Contacts received in the quarter",
       reads=("contact_date",)),
    _m("contacts.decided_within_1wd", "MASH decisions within 1 working day",
       "Of the contacts the MASH has decided, the share decided by the end of the next working day after the "
       "contact arrived. Weekends and bank holidays are not working days; only the date counts, not the time.",
       "%", "higher", "Contacts decided on or before the first working day after the contact date",
       "Contacts with a decision date",
       reads=("contact_date", "decision_date")),
    _m("contacts.awaiting_decision", "Contacts awaiting a decision",
       "Contacts received in the quarter that have no MASH decision recorded yet.",
       "count", "lower", "Contacts with no decision date",
       reads=("contact_date", "decision_date")),
    _m("contacts.to_referral", "Contacts leading to a referral",
       "Of the contacts with an outcome recorded, the share that went on to a referral to children's social care "
       "or a strategy discussion.",
       "%", "neither", "Contacts with outcome Referral or Strategy discussion", "Contacts with an outcome recorded",
       reads=("contact_date", "outcome")),
    _m("contacts.neglect_identified", "Contacts where neglect was identified",
       "Of the contacts where the MASH recorded whether neglect was a concern, the share where it was.",
       "%", "neither", "Contacts with neglect identified", "Contacts with neglect recorded as yes or no",
       reads=("contact_date", "neglect")),
    _m("contacts.by_source", "Contacts by source",
       "How many contacts came from each kind of agency or person: police, health, education, local authority "
       "services, courts and probation, housing, individuals, anonymous, other and unknown.",
       "count", "neither", "Contacts from the source group", groups=("source_group",),
       reads=("contact_date", "source_code")),
    # --- referrals, by referral date ---
    _m("referrals.count", "Referrals",
       "How many referrals children's social care accepted in the quarter.",
       "count", "neither", "Referrals in the quarter",
       reads=("referral_date",)),
    _m("referrals.rereferral_12m", "Re-referrals within 12 months",
       "Of the referrals in the quarter, the share where the same child had already been referred in the 365 days "
       "before. Nationally about 22%. Fewer re-referrals suggest children got the right help the first time.",
       "%", "lower", "Referrals of a child with another referral in the 365 days before", "Referrals in the quarter",
       reads=("referral_date", "child_key")),
    _m("referrals.nfa", "Referrals ending in no further action",
       "Of the referrals where the result is recorded, the share that ended with no further action.",
       "%", "lower", "Referrals ending in no further action", "Referrals with no further action recorded yes or no",
       reads=("referral_date", "nfa")),
    # --- child protection plans, by plan start date ---
    _m("cp_plans.started", "Child protection plans started",
       "How many children started a child protection plan in the quarter.",
       "count", "neither", "Plans started in the quarter",
       reads=("plan_start",)),
    _m("cp_plans.neglect_initial", "Plans started under neglect",
       "Of the child protection plans started in the quarter, the share where neglect was the first category of "
       "abuse. Nationally about half.",
       "%", "neither", "Plans started with initial category Neglect", "Plans started in the quarter",
       reads=("plan_start", "initial_category")),
    _m("cp_plans.second_or_subsequent", "Second or later child protection plans",
       "Of the plans started where the number of earlier plans is recorded, the share for a child who had been on "
       "a plan before. Fewer suggests earlier plans made lasting change.",
       "%", "lower", "Plans started for a child with 1 or more previous plans",
       "Plans started with the number of previous plans recorded",
       reads=("plan_start", "previous_plans")),
    # --- training, by session date ---
    _m("training.sessions", "Training sessions held",
       "How many multi-agency training sessions were held in the quarter.",
       "count", "neither", "Distinct sessions (by session ID, else course and date)",
       reads=("session_date", "session_id", "course")),
    _m("training.attended", "Training places attended",
       "How many delegates attended multi-agency training in the quarter, by their agency.",
       "count", "neither", "Delegates marked attended", groups=("agency",),
       reads=("session_date", "attended", "agency")),
    _m("training.attendance_rate", "Training attendance rate",
       "Of the delegates booked on training in the quarter, the share who attended.",
       "%", "higher", "Delegates marked attended", "Delegates booked", groups=("agency",),
       reads=("session_date", "attended", "agency")),
    _m("training.confidence_uplift", "Rise in confidence after training",
       "On a scale of 1 (low) to 5 (high), how much more confident delegates said they were straight after the "
       "course than before it, on average.",
       "score", "higher", "Sum of (post-course minus pre-course confidence)",
       "Delegates who attended and gave both scores", groups=("agency",),
       reads=("session_date", "attended", "confidence_pre", "confidence_post", "agency")),
    # --- audits, by audit date ---
    _m("audits.count", "Case audits",
       "How many cases were audited in the quarter, counting each agency's audit of a case once.",
       "count", "neither", "Audit rows (one per audited case per agency)", groups=("agency",),
       reads=("audit_date", "agency")),
    _m("audits.good_or_better", "Audits graded good or better",
       "Of the audited cases given an overall grade, the share graded Outstanding or Good.",
       "%", "higher", "Audit rows graded Outstanding or Good", "Audit rows with an overall grade", groups=("agency",),
       reads=("audit_date", "agency", "overall_grade")),
)

BY_ID: dict[str, Metric] = {m.id: m for m in METRICS}


@dataclass(frozen=True)
class Use:
    """Something other than a registered metric that reads a dataset's columns: a page's breakdown in
    ``metrics/breakdowns.py`` or the action ratings in ``metrics/brag.py``. Declared here beside the metrics
    so that every column a figure depends on is known in one place."""

    name: str
    dataset: str
    reads: tuple[str, ...]


USES: tuple[Use, ...] = (
    Use("MASH outcomes and conversion to referral by source", "contacts", ("contact_date", "source_code", "outcome")),
    Use("Audit grades by quarter", "audits", ("audit_date", "agency", "overall_grade")),
    Use("Confidence before, after and at follow-up", "training",
        ("session_date", "agency", "course", "attended", "confidence_pre", "confidence_post", "confidence_followup")),
    Use("Action ratings", "actions",
        ("action_id", "measure", "baseline", "baseline_period", "target", "due_period", "status", "lead_agency")),
)


def reads_of(dataset: str) -> dict[str, list[str]]:
    """Column key -> what reads it (metric ids and uses), for one dataset; theme metrics as ``THEMES``."""
    readers: dict[str, list[str]] = {}
    theme = theme_metric("theme", "Theme")
    for reader, name in [*((m, m.id) for m in METRICS), (theme, f"{THEME_PREFIX}*"), *((u, u.name) for u in USES)]:
        if reader.dataset == dataset:
            for column in reader.reads:
                readers.setdefault(column, []).append(name)
    return readers


def theme_metric(slug: str, theme: str) -> Metric:
    """The template every audit theme follows: % Yes among Yes, Partly and No."""
    return Metric(
        id=f"{THEME_PREFIX}{slug}",
        title=f"Audits: {theme}",
        description=f"Of the audited cases where auditors judged '{theme}', the share judged Yes. "
                    "'Partly' counts as not yet; N/A and blank are left out.",
        unit="%",
        polarity="higher",
        numerator=f"Audit rows judged Yes for '{theme}'",
        denominator=f"Audit rows judged Yes, Partly or No for '{theme}'",
        dataset="audits",
        reads=("audit_date", THEMES),
    )


def get(metric_id: str, themes: dict[str, str] | None = None) -> Metric | None:
    """The metric with this id; theme metrics need the ``themes`` found in the data (slug -> header)."""
    if metric_id in BY_ID:
        return BY_ID[metric_id]
    if metric_id.startswith(THEME_PREFIX):
        slug = metric_id.removeprefix(THEME_PREFIX)
        if slug:
            return theme_metric(slug, (themes or {}).get(slug) or slug.replace("_", " ").capitalize())
    return None
