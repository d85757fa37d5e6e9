"""Every metric, declared once: what it counts, in words a scrutiny member can follow, and everything the
rest of the dashboard needs to know about it.

A metric's declaration says which aggregate columns of its dataset's query are its numerator and denominator
(``parts``), whether it has an overall value, how small-number suppression treats it, whether the Summary
shows it as a headline, which way is better (and so the words for it, ``DIRECTIONS``) and its unit (and so
how it is shown, ``metrics.display.UNITS``). The SQL of each aggregate column lives in
``metrics.compute.AGGREGATES``; this module holds only the declarations. To add a metric: one ``_m(...)``
here and, when no existing aggregate column serves, one SQL expression there (see the README).

Audit theme metrics are not listed one by one: the themes come from the audit returns, and each
theme present in the data becomes a metric through ``theme_metric``.

Everything reads the registry at call time (``registry.METRICS``, ``get``), never a copy taken on import,
so a metric added to ``METRICS`` is seen everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from metrics.display import UnitDisplay, unit_display

Unit = Literal["count", "%", "score"]
Polarity = Literal["higher", "lower", "neither"]

THEME_PREFIX = "audits.theme."
# In ``reads``: the audit return's theme columns (every column of an audit return that is not declared).
THEMES = "(themes)"


@dataclass(frozen=True)
class Direction:
    """Which way is better, in the words each place says it."""

    better: str  # the About page's "Which way is better" column
    caption: str  # the sentence under a chart
    headline: str  # under a headline figure on the Summary; empty where there is nothing to say


DIRECTIONS: dict[str, Direction] = {
    "higher": Direction("Higher is better", "Higher is better.", "Higher is better."),
    "lower": Direction("Lower is better", "Lower is better.", "Lower is better."),
    "neither": Direction("Neither higher nor lower is better", "Neither higher nor lower is better in itself.", ""),
}

# What one row of each dataset is, in the words a withheld figure is explained with ("fewer than 6 contacts").
COUNTED_IN: dict[str, str] = {"contacts": "contacts", "referrals": "referrals", "cp_plans": "children",
                              "training": "delegates", "audits": "audits", "assessments": "assessments",
                              "s47_enquiries": "enquiries"}


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
    # The aggregate columns of the dataset's query (``metrics.compute.AGGREGATES``) holding the numerator and
    # the denominator (None for a count). None: computed by a query of its own (the audit themes).
    parts: tuple[str, str | None] | None = None
    # Whether it has an overall value (group null) besides its groups'; a breakdown such as contacts by
    # source has only parts, which add up to another metric's overall value (``totals_from``).
    overall: bool = True
    # --- small-number suppression (metrics/suppress.py) ---
    # Whether its counts are of people; counts of things (sessions) identify nobody and are never suppressed.
    people: bool = True
    # The metric whose overall value its parts add up to, when it has none of its own (secondary suppression).
    totals_from: str | None = None
    # What its counts are of, in the words a withheld figure is explained with; else its dataset's (COUNTED_IN).
    noun: str | None = None
    # --- the Summary ---
    # Its place among the headlines the Summary shows when the action plan names no measures (1 first).
    headline: int | None = None
    # Shown after the headlines, for scale (a volume such as contacts received).
    context: bool = False

    @property
    def counted_in(self) -> str:
        """The noun its counts are in: ``children``, ``contacts``, ``delegates``, ``sessions``…"""
        return self.noun or COUNTED_IN.get(self.dataset) or "cases"

    @property
    def direction(self) -> Direction:
        """Which way is better, in words."""
        return DIRECTIONS[self.polarity]

    @property
    def display(self) -> UnitDisplay:
        """How its values are shown: decimals, sign, the suffix of a chart title, the axis title."""
        return unit_display(self.unit)


def _m(id: str, title: str, description: str, unit: Unit, polarity: Polarity, numerator: str,
       denominator: str | None = None, groups: tuple[str, ...] = (), *, reads: tuple[str, ...],
       parts: tuple[str, str | None], **settings: object) -> Metric:
    return Metric(id, title, description, unit, polarity, numerator, denominator, id.split(".")[0], groups, reads,
                  parts, **settings)


METRICS: tuple[Metric, ...] = (
    # --- contacts, by contact date ---
    _m("contacts.count", "Contacts received",
       "How many contacts about children the MASH received in the quarter. One child in a contact is one row.",
       "count", "neither", "Contacts received in the quarter",
       reads=("contact_date",),
       parts=("n", None), context=True),
    _m("contacts.decided_within_1wd", "MASH decisions within 1 working day",
       "Of the contacts the MASH has decided, the share decided by the end of the next working day after the "
       "contact arrived. Weekends and bank holidays are not working days; only the date counts, not the time.",
       "%", "higher", "Contacts decided on or before the first working day after the contact date",
       "Contacts with a decision date",
       reads=("contact_date", "decision_date"),
       parts=("within_1wd", "decided"), headline=1),
    _m("contacts.awaiting_decision", "Contacts awaiting a decision",
       "Contacts received in the quarter that have no MASH decision recorded yet.",
       "count", "lower", "Contacts with no decision date",
       reads=("contact_date", "decision_date"),
       parts=("awaiting", None)),
    _m("contacts.to_referral", "Contacts leading to a referral",
       "Of the contacts with an outcome recorded, the share that went on to a referral to children's social care "
       "or a strategy discussion.",
       "%", "neither", "Contacts with outcome Referral or Strategy discussion", "Contacts with an outcome recorded",
       reads=("contact_date", "outcome"),
       parts=("to_referral", "with_outcome")),
    _m("contacts.neglect_identified", "Contacts where neglect was identified",
       "Of the contacts where the MASH recorded whether neglect was a concern, the share where it was.",
       "%", "neither", "Contacts with neglect identified", "Contacts with neglect recorded as yes or no",
       reads=("contact_date", "neglect"),
       parts=("neglect_yes", "neglect_recorded"), headline=4),
    _m("contacts.by_source", "Contacts by source",
       "How many contacts came from each kind of agency or person: police, health, education, local authority "
       "services, courts and probation, housing, individuals, anonymous, other and unknown.",
       "count", "neither", "Contacts from the source group", groups=("source_group",),
       reads=("contact_date", "source_code"),
       parts=("n", None), overall=False, totals_from="contacts.count"),
    # --- referrals, by referral date ---
    _m("referrals.count", "Referrals",
       "How many referrals children's social care accepted in the quarter.",
       "count", "neither", "Referrals in the quarter",
       reads=("referral_date",),
       parts=("n", None)),
    _m("referrals.rereferral_12m", "Re-referrals within 12 months",
       "Of the referrals in the quarter, the share where the same child had already been referred in the 365 days "
       "before. Nationally about 22%. Fewer re-referrals suggest children got the right help the first time.",
       "%", "lower", "Referrals of a child with another referral in the 365 days before", "Referrals in the quarter",
       reads=("referral_date", "child_key"),
       parts=("rereferrals", "n"), headline=2),
    _m("referrals.nfa", "Referrals ending in no further action",
       "Of the referrals where the result is recorded, the share that ended with no further action.",
       "%", "lower", "Referrals ending in no further action", "Referrals with no further action recorded yes or no",
       reads=("referral_date", "nfa"),
       parts=("nfa_yes", "nfa_recorded")),
    # --- child protection plans, by plan start date ---
    _m("cp_plans.started", "Child protection plans started",
       "How many children started a child protection plan in the quarter.",
       "count", "neither", "Plans started in the quarter",
       reads=("plan_start",),
       parts=("n", None), context=True),
    _m("cp_plans.neglect_initial", "Plans started under neglect",
       "Of the child protection plans started in the quarter, the share where neglect was the first category of "
       "abuse. Nationally about half.",
       "%", "neither", "Plans started with initial category Neglect", "Plans started in the quarter",
       reads=("plan_start", "initial_category"),
       parts=("neglect", "n")),
    _m("cp_plans.second_or_subsequent", "Second or later child protection plans",
       "Of the plans started where the number of earlier plans is recorded, the share for a child who had been on "
       "a plan before. Fewer suggests earlier plans made lasting change.",
       "%", "lower", "Plans started for a child with 1 or more previous plans",
       "Plans started with the number of previous plans recorded",
       reads=("plan_start", "previous_plans"),
       parts=("previous", "previous_recorded"), headline=3),
    # --- training, by session date ---
    _m("training.sessions", "Training sessions held",
       "How many multi-agency training sessions were held in the quarter.",
       "count", "neither", "Distinct sessions (by session ID, else course and date)",
       reads=("session_date", "session_id", "course"),
       parts=("sessions", None), people=False, noun="sessions"),
    _m("training.attended", "Training places attended",
       "How many delegates attended multi-agency training in the quarter, by their agency.",
       "count", "neither", "Delegates marked attended", groups=("agency",),
       reads=("session_date", "attended", "agency"),
       parts=("attended", None)),
    _m("training.attendance_rate", "Training attendance rate",
       "Of the delegates booked on training in the quarter, the share who attended.",
       "%", "higher", "Delegates marked attended", "Delegates booked", groups=("agency",),
       reads=("session_date", "attended", "agency"),
       parts=("attended", "booked")),
    _m("training.confidence_uplift", "Rise in confidence after training",
       "On a scale of 1 (low) to 5 (high), how much more confident delegates said they were straight after the "
       "course than before it, on average.",
       "score", "higher", "Sum of (post-course minus pre-course confidence)",
       "Delegates who attended and gave both scores", groups=("agency",),
       reads=("session_date", "attended", "confidence_pre", "confidence_post", "agency"),
       parts=("uplift_sum", "uplift_n"), headline=5),
    # --- audits, by audit date ---
    _m("audits.count", "Case audits",
       "How many cases were audited in the quarter, counting each agency's audit of a case once.",
       "count", "neither", "Audit rows (one per audited case per agency)", groups=("agency",),
       reads=("audit_date", "agency"),
       parts=("n", None)),
    _m("audits.good_or_better", "Audits graded good or better",
       "Of the audited cases given an overall grade, the share graded Outstanding or Good.",
       "%", "higher", "Audit rows graded Outstanding or Good", "Audit rows with an overall grade", groups=("agency",),
       reads=("audit_date", "agency", "overall_grade"),
       parts=("good", "graded"), headline=6),
    # --- referrals by source, as the DfE publishes them (issue 14: compared with RefBySource_*) ---
    _m("referrals.from_police", "Referrals from the police",
       "Of the referrals in the quarter, the share the police made (Annex A source 6).",
       "%", "neither", "Referrals with source 6 (police)", "Referrals in the quarter",
       reads=("referral_date", "source_code"), parts=("from_police", "n")),
    _m("referrals.from_health", "Referrals from health services",
       "Of the referrals in the quarter, the share health services made (Annex A sources 3A to 3F).",
       "%", "neither", "Referrals with sources 3A to 3F (health services)", "Referrals in the quarter",
       reads=("referral_date", "source_code"), parts=("from_health", "n")),
    _m("referrals.from_schools", "Referrals from schools",
       "Of the referrals in the quarter, the share schools made (Annex A source 2A).",
       "%", "neither", "Referrals with source 2A (schools)", "Referrals in the quarter",
       reads=("referral_date", "source_code"), parts=("from_schools", "n")),
    # --- assessments (Annex A list 4), by authorisation date ---
    _m("assessments.authorised", "Assessments completed",
       "How many children's social care assessments a manager authorised in the quarter.",
       "count", "neither", "Assessments authorised in the quarter",
       reads=("assessment_start", "authorised_date"), parts=("authorised", None)),
    _m("assessments.within_45wd", "Assessments completed within 45 working days",
       "Of the assessments authorised in the quarter, the share authorised on or before the 45th working day after "
       "the day the assessment started. Weekends and England bank holidays are not working days.",
       "%", "higher", "Assessments authorised no more than 45 working days after their start",
       "Assessments authorised in the quarter",
       reads=("assessment_start", "authorised_date"), parts=("within_45wd", "authorised")),
    # --- section 47 enquiries (Annex A list 5): by strategy discussion date, and ICPCs by their date ---
    _m("s47_enquiries.started", "Section 47 enquiries started",
       "How many section 47 enquiries a strategy discussion started in the quarter.",
       "count", "neither", "Enquiries whose strategy discussion was in the quarter",
       reads=("strategy_date",), parts=("started", None)),
    _m("s47_enquiries.to_icpc", "Section 47 enquiries leading to an ICPC",
       "Of the section 47 enquiries started in the quarter whose outcome is recorded (an initial child protection "
       "conference held, or one deemed unnecessary), the share that led to a conference.",
       "%", "neither", "Enquiries with an ICPC date",
       "Enquiries with an ICPC date or an ICPC deemed unnecessary",
       reads=("strategy_date", "icpc_date", "icpc_unnecessary"), parts=("to_icpc", "concluded")),
    _m("s47_enquiries.icpc_within_15wd", "ICPCs within 15 working days of the strategy discussion",
       "Of the initial child protection conferences held in the quarter, the share held on or before the 15th "
       "working day after the strategy discussion that started the section 47 enquiry. Weekends and England bank "
       "holidays are not working days.",
       "%", "higher", "ICPCs held no more than 15 working days after the strategy discussion",
       "ICPCs held in the quarter",
       reads=("strategy_date", "icpc_date"), parts=("icpc_within_15wd", "icpcs")),
    _m("s47_enquiries.icpc_to_plan", "ICPCs leading to a child protection plan",
       "Of the initial child protection conferences held in the quarter whose result is recorded, the share that "
       "resulted in a child protection plan.",
       "%", "neither", "ICPCs that resulted in a plan", "ICPCs held in the quarter with the result recorded",
       reads=("icpc_date", "icpc_plan"), parts=("icpc_to_plan", "icpc_outcome")),
)



def declared(dataset: str | None = None) -> list[Metric]:
    """The declared metrics in registry order (of one dataset, when given); not the audit themes."""
    return [m for m in METRICS if dataset is None or m.dataset == dataset]


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
    for metric in METRICS:
        if metric.id == metric_id:
            return metric
    if metric_id.startswith(THEME_PREFIX):
        slug = metric_id.removeprefix(THEME_PREFIX)
        if slug:
            return theme_metric(slug, (themes or {}).get(slug) or slug.replace("_", " ").capitalize())
    return None


# ---------------------------------------------------------------- comparison with published figures (issue 14)


@dataclass(frozen=True)
class Published:
    """A figure the DfE publishes for every LA, region and England: LAIT's ``Short Desc`` and its year type
    ("Financial Year": LAIT's 2025 is the year ending 31 March 2025, financial year 2024-25)."""

    measure: str
    year_type: str = "Financial Year"


@dataclass(frozen=True)
class Pair:
    """A local measure and the published one it is compared with. ``metric`` is a registry metric, or for a
    rate per 10,000 children aged 0-17 an id of its own with ``per_10k_of`` naming the count metric divided
    by the ONS population of the partnership's LA (mid-year of the year the financial year starts in)."""

    metric: str
    title: str
    published: Published
    per_10k_of: str | None = None

    @property
    def unit(self) -> str:
        return "per 10,000" if self.per_10k_of else (get(self.metric).unit if get(self.metric) else "%")


PAIRS: tuple[Pair, ...] = (
    Pair("referrals.rereferral_12m", "Re-referrals within 12 months", Published("ReReferral")),
    Pair("referrals.nfa", "Referrals ending in no further action", Published("CIN_Refferals_NFA")),
    Pair("cp_plans.second_or_subsequent", "Second or later child protection plans", Published("PrevRegCPR")),
    # LAIT's "CPP_Total_Rateper10,000" is the referral rate per 10,000 children, despite its name.
    Pair("referrals.per_10k", "Referrals per 10,000 children", Published("CPP_Total_Rateper10,000"),
         per_10k_of="referrals.count"),
    Pair("cp_plans.started_per_10k", "Child protection plans started per 10,000 children",
         Published("CPP_Abuse_Rate"), per_10k_of="cp_plans.started"),
    Pair("assessments.within_45wd", "Assessments completed within 45 working days",
         Published("Continue_Assess_Comp")),
    Pair("s47_enquiries.icpc_within_15wd", "ICPCs within 15 working days of the strategy discussion",
         Published("CP_conf_15days")),
    Pair("s47_enquiries.per_10k", "Section 47 enquiries per 10,000 children", Published("Section_47"),
         per_10k_of="s47_enquiries.started"),
    Pair("referrals.from_police", "Referrals from the police", Published("RefBySource_Police_%")),
    Pair("referrals.from_health", "Referrals from health services", Published("RefBySource_HealthServ_%")),
    Pair("referrals.from_schools", "Referrals from schools", Published("RefBySource_Schl_%")),
)


def pair_of(metric_id: str) -> Pair | None:
    """The comparison a local measure has (by its own id or the count a rate is made from)."""
    return next((p for p in PAIRS if metric_id in (p.metric, p.per_10k_of)), None)
