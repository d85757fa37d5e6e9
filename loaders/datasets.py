"""The one declaration of every dataset: columns, header aliases, value rules and keys.

Reading, validation, the database tables, the blank templates and the About page all read
these declarations, so a column is described here once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from loaders import codes
from loaders.codes import CodeSet
from loaders.text import normalise_key

Kind = Literal[
    "id",        # an identifier of a person: stored only as a keyed hash
    "date",      # a calendar date (a date-time keeps only its date)
    "dob",       # a date of birth: turned into age at the event date, never stored
    "age",       # whole years, 0-25
    "int",       # a whole number, 0 or more
    "score",     # a whole number 1-5 (``4 - Confident`` is read as 4)
    "number",    # any number (baselines and targets)
    "code",      # one of a code set's canonical values
    "source",    # a children in need source code, stored with its group
    "agency",    # one of the partnership's agencies (data/agencies.toml)
    "period",    # a financial quarter such as 2025-26 Q1
    "text",      # free text, trimmed
]

SQL_TYPES: dict[str, str] = {
    "id": "BLOB", "date": "DATE", "age": "SMALLINT", "int": "INTEGER", "score": "TINYINT",
    "number": "DOUBLE", "code": "VARCHAR", "source": "VARCHAR", "agency": "VARCHAR",
    "period": "VARCHAR", "text": "VARCHAR",
}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind
    required: bool = False
    aliases: tuple[str, ...] = ()
    codes: CodeSet | None = None
    description: str = ""
    example: object = None
    # For a required column whose cells may be blank: what a blank cell means. The row is loaded with the
    # cell blank (NULL) and one warning lists the rows, instead of an error per row.
    blank_means: str = ""
    # A date the plan may set ahead (a change going live next month), so a future date is not an error.
    future_allowed: bool = False

    @property
    def match_keys(self) -> set[str]:
        return {normalise_key(h) for h in (self.header, self.key, *self.aliases)}

    @property
    def stored(self) -> bool:
        return self.kind != "dob"

    def expected(self) -> str:
        if self.codes:
            return self.codes.expected()
        return {
            "id": "an identifier", "date": "a date such as 03/04/2025 or 2025-04-03",
            "dob": "a date of birth such as 03/04/2015", "age": "an age in whole years from 0 to 25",
            "int": "a whole number, 0 or more", "score": "a whole number from 1 to 5",
            "number": "a number", "source": codes.SOURCE_HINT,
            "agency": "one of the partnership's agencies", "period": "a financial quarter such as 2025-26 Q1",
            "text": "text",
        }[self.kind]


@dataclass(frozen=True)
class NotBefore:
    """A rule across two date columns of a row: ``column`` may not be before ``other`` (a MASH decision is not
    made before its contact). A row breaking it is an error, named in ``column`` with ``words``."""

    column: str
    other: str
    words: str


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    description: str
    source: str
    columns: tuple[Column, ...]
    signature: tuple[str, ...]
    natural_keys: tuple[tuple[str, ...], ...]
    event_date: str | None
    supersede: Literal["range", "snapshot", "plan"]
    themes: bool = False
    rules: tuple[NotBefore, ...] = ()  # rules across columns of a row, checked after each cell on its own

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]

    @property
    def stored_columns(self) -> list[Column]:
        return [c for c in self.columns if c.stored]


CHILD_ID = Column("child_key", "Child ID", "id", True, ("Child Unique ID", "Child UPN", "Unique ID",
                  "Person ID", "Child reference", "LA child ID"),
                  description="The child's identifier in your case recording system. Stored only as a keyed hash.",
                  example="SYN-000123")
DOB = Column("date_of_birth", "Date of birth", "dob", aliases=("DOB", "D.O.B.", "Birth date"),
             description="Used only to work out age at the event; never stored.", example="2015-06-01")
AGE = Column("age", "Age", "age", aliases=("Age of Child (Years)", "Age of child", "Age (years)", "Age in years"),
             description="Age in completed years at the event (a decimal such as 6.14 counts as 6). Where the "
                         "date of birth is given, age is worked out from it and this column only checked.",
             example=9)
GENDER = Column("gender", "Gender", "code", codes=codes.GENDER, aliases=("Sex",), example="Female")
ETHNICITY = Column("ethnicity", "Ethnicity", "text", aliases=("Ethnic group", "Ethnic origin"), example="WBRI")
COMMON_CHILD = (DOB, AGE, GENDER, ETHNICITY)

CONTACTS = Dataset(
    name="contacts",
    title="MASH contacts",
    description="One row per child per contact received by the MASH, with the MASH's decision.",
    source="Annex A List 1 (contacts) from the council's case recording system, plus the MASH's decision date, "
           "outcome and whether neglect was identified.",
    columns=(
        CHILD_ID,
        Column("contact_id", "Contact ID", "id", aliases=("Contact reference", "Contact number", "Contact no"),
               description="The contact's own reference, if your system has one. Stored only as a keyed hash.",
               example="C-100045"),
        Column("contact_date", "Contact date", "date", True, ("Date of Contact", "Contact received date",
               "Date contact received", "Contact received"), example="2025-04-03"),
        Column("source_code", "Contact source", "source", True, ("Contact Source", "Source of contact", "Source"),
               description="Who made the contact: a children in need source code.", example="q) 6: Police"),
        Column("decision_date", "MASH decision date", "date", aliases=("Date of decision", "Decision date",
               "MASH decision", "Date of MASH decision", "Contact decision date", "Decision made date"),
               description="When the MASH decided the next step (a date-time is fine; only the date counts).",
               example="2025-04-04"),
        Column("outcome", "MASH outcome", "code", aliases=("Contact outcome", "Outcome", "MASH decision outcome",
               "Outcome of contact", "Next step"), codes=codes.OUTCOME, example="Referral"),
        Column("neglect", "Neglect identified", "code", aliases=("Neglect", "Neglect identified?",
               "Neglect concern", "Neglect factor"), codes=codes.YES_NO, example="Yes"),
        *COMMON_CHILD,
    ),
    signature=("contact_date",),
    natural_keys=(("contact_id",), ("child_key", "contact_date", "source_code")),
    event_date="contact_date",
    supersede="range",
    rules=(NotBefore("decision_date", "contact_date", "the decision date is before the contact date"),),
)

REFERRALS = Dataset(
    name="referrals",
    title="Referrals to children's social care",
    description="One row per referral accepted by children's social care.",
    source="Annex A List 3 (referrals) from the council's case recording system.",
    columns=(
        CHILD_ID,
        Column("referral_date", "Referral date", "date", True, ("Date of referral", "Referral received date"),
               example="2025-04-07"),
        Column("source_code", "Referral source", "source", True, ("Referral Source", "Source of referral", "Source"),
               example="g) 3A: Health services"),
        Column("nfa", "Referral NFA", "code", aliases=("Referral NFA?", "NFA", "Referral no further action"),
               codes=codes.YES_NO, description="Did the referral end in no further action?", example="No"),
        Column("referrals_12m", "Referrals in last 12 months", "int",
               aliases=("Number of Referrals in Last 12 Months", "Referrals in the last 12 months",
                        "Number of referrals in last 12 months"), example=1),
        *COMMON_CHILD,
    ),
    signature=("referral_date",),
    natural_keys=(("child_key", "referral_date", "source_code"),),
    event_date="referral_date",
    supersede="range",
)

CP_PLANS = Dataset(
    name="cp_plans",
    title="Child protection plans",
    description="One row per child protection plan open in the period of the return.",
    source="Annex A List 7 (child protection) from the council's case recording system.",
    columns=(
        CHILD_ID,
        Column("plan_start", "Plan start date", "date", True, ("Child Protection Plan Start Date", "CP plan start date",
               "Start date of plan", "CPP start date"), example="2025-05-12"),
        Column("initial_category", "Initial category", "code", True, ("Initial Category of Abuse", "Initial category of abuse",
               "Category of abuse", "Initial category of plan"), codes=codes.CATEGORY, example="a) Neglect"),
        Column("latest_category", "Latest category", "code", aliases=("Latest Category of Abuse", "Current category"),
               codes=codes.CATEGORY, example="Neglect"),
        Column("plan_end", "Plan end date", "date", aliases=("Child Protection Plan End Date", "CP plan end date",
               "End date of plan", "CPP end date")),
        Column("previous_plans", "Previous plans", "int", aliases=("Number of Previous Child Protection Plans",
               "Number of previous CP plans", "Previous CP plans"), example=0),
        *COMMON_CHILD,
    ),
    signature=("plan_start",),
    natural_keys=(("child_key", "plan_start"),),
    event_date="plan_start",
    supersede="snapshot",
)

ASSESSMENTS = Dataset(
    name="assessments",
    title="Assessments",
    description="One row per children's social care assessment started or open in the period of the return.",
    source="Annex A List 4 (assessments) from the council's case recording system.",
    columns=(
        CHILD_ID,
        # Not "Assessment start date": that is Annex A List 2's (early help) header.
        Column("assessment_start", "Continuous assessment start date", "date", True, (
               "Continuous assessment start", "CSC assessment start date", "Social care assessment start date",
               "Single assessment start date"), example="2025-04-14"),
        Column("authorised_date", "Assessment authorisation date", "date", aliases=(
               "Continuous Assessment Date of Authorisation", "Date of authorisation", "Assessment authorised date",
               "Assessment authorisation", "Date assessment authorised"),
               description="When a manager authorised the completed assessment; blank while it is open.",
               example="2025-05-30"),
        Column("child_seen", "Child seen during assessment", "code", aliases=(
               "Child Seen During Continuous Assessment", "Child seen", "Was the child seen"),
               codes=codes.YES_NO, example="Yes"),
        Column("needs_support", "Assessed as needing support", "code", aliases=(
               "Was the child assessed as requiring LA children's social care support?",
               "Requires children's social care support", "Outcome of assessment: support required"),
               codes=codes.YES_NO, example="No"),
        *COMMON_CHILD,
    ),
    signature=("assessment_start",),
    natural_keys=(("child_key", "assessment_start"),),
    event_date="assessment_start",
    supersede="range",
    rules=(NotBefore("authorised_date", "assessment_start", "the authorisation date is before the assessment start"),),
)

S47_ENQUIRIES = Dataset(
    name="s47_enquiries",
    title="Section 47 enquiries",
    description="One row per section 47 enquiry (from the strategy discussion that started it), with its initial "
                "child protection conference.",
    source="Annex A List 5 (section 47 enquiries and initial child protection conferences) from the council's case "
           "recording system.",
    columns=(
        CHILD_ID,
        Column("strategy_date", "Strategy discussion date", "date", True, (
               "Strategy discussion initiating Section 47 Enquiry Start Date", "Section 47 enquiry start date",
               "S47 start date", "Date of strategy discussion", "Strategy discussion start date"),
               description="The strategy discussion that started the section 47 enquiry.", example="2025-04-22"),
        Column("icpc_unnecessary", "ICPC deemed unnecessary", "code", aliases=(
               "Was an Initial Child Protection Conference deemed unnecessary?", "ICPC not required",
               "Initial child protection conference deemed unnecessary"), codes=codes.YES_NO, example="No"),
        Column("icpc_date", "ICPC date", "date", aliases=(
               "Date of Initial Child Protection Conference", "Initial child protection conference date",
               "Date of ICPC", "ICPC held date"), example="2025-05-13"),
        Column("icpc_plan", "ICPC resulted in a plan", "code", aliases=(
               "Did the Initial Child Protection Conference Result in a Child Protection Plan",
               "ICPC resulted in a child protection plan", "ICPC outcome: plan"), codes=codes.YES_NO, example="Yes"),
        *COMMON_CHILD,
    ),
    signature=("strategy_date",),
    natural_keys=(("child_key", "strategy_date"),),
    event_date="strategy_date",
    supersede="range",
    rules=(NotBefore("icpc_date", "strategy_date", "the ICPC date is before the strategy discussion"),),
)

CONFIDENCE_ALIASES = {
    "pre": ("Pre-course confidence", "Confidence before", "Pre confidence", "Confidence pre", "Pre course score",
            "Confidence before course"),
    "post": ("Post-course confidence", "Confidence after", "Post confidence", "Confidence post",
             "Post course score", "Confidence after course"),
    "followup": ("Follow-up confidence", "Confidence at follow-up", "Follow up confidence", "Followup confidence",
                 "Confidence 6-8 weeks", "Confidence at 6-8 weeks"),
}

TRAINING = Dataset(
    name="training",
    title="Multi-agency training",
    description="One row per delegate per training session, with confidence scores from 1 (low) to 5 (high).",
    source="The safeguarding partnership's multi-agency training register.",
    columns=(
        Column("session_date", "Session date", "date", True, ("Course date", "Date", "Training date", "Date of session"),
               example="2025-05-20"),
        Column("course", "Course", "text", True, ("Course title", "Course name", "Training course", "Session title"),
               example="Recognising and responding to neglect"),
        Column("agency", "Agency", "agency", True, ("Delegate agency", "Organisation", "Organization",
               "Delegate organisation", "Agency of delegate"), example="Health"),
        Column("attended", "Attended", "code", True, ("Attendance", "Attended?", "Attendance status"),
               codes=codes.ATTENDANCE, example="Attended"),
        Column("session_id", "Session ID", "text", aliases=("Session reference", "Session", "Course ID", "Event ID"),
               example="NEG-2025-05"),
        Column("delegate_key", "Delegate ID", "id", aliases=("Delegate email", "Delegate e-mail", "Email", "E-mail",
               "Delegate reference"), description="Stored only as a keyed hash.", example="delegate001@example.org"),
        Column("role", "Role", "text", aliases=("Job role", "Delegate role", "Job title"), example="Health visitor"),
        Column("confidence_pre", CONFIDENCE_ALIASES["pre"][0], "score", aliases=CONFIDENCE_ALIASES["pre"][1:], example=2),
        Column("confidence_post", CONFIDENCE_ALIASES["post"][0], "score", aliases=CONFIDENCE_ALIASES["post"][1:], example=4),
        Column("confidence_followup", CONFIDENCE_ALIASES["followup"][0], "score",
               aliases=CONFIDENCE_ALIASES["followup"][1:], example="4 - Confident"),
    ),
    signature=("course", "attended"),
    natural_keys=(("session_id", "delegate_key"),),
    event_date="session_date",
    supersede="range",
)

AUDITS = Dataset(
    name="audits",
    title="Multi-agency case audits",
    description="One row per audited case per agency. Every column not listed here is a theme judgement "
                "(Yes, Partly, No or N/A).",
    source="The safeguarding partnership's multi-agency case audit programme.",
    columns=(
        Column("audit_id", "Audit ID", "text", True, ("Audit reference", "Audit ref", "Audit number", "Case audit ID"),
               example="MACA-2025-01"),
        Column("audit_date", "Audit date", "date", True, ("Date of audit", "Date audited"), example="2025-06-15"),
        Column("agency", "Agency", "agency", True, ("Audited agency", "Organisation", "Auditing agency"),
               example="Police"),
        Column("overall_grade", "Overall grade", "code", True, ("Grade", "Overall judgement", "Overall rating",
               "Judgement"), codes=codes.GRADE, example="Good",
               blank_means="ungraded (still being moderated): counted in Case audits, not in Audits graded good "
                           "or better"),
        Column("child_key", "Child ID", "id", aliases=("Child Unique ID", "Child reference"),
               description="Stored only as a keyed hash.", example="SYN-000123"),
        Column("audit_type", "Audit type", "text", aliases=("Type of audit", "Audit theme"), example="Neglect deep dive"),
    ),
    signature=("overall_grade", "audit_date"),
    natural_keys=(("audit_id", "agency"),),
    event_date="audit_date",
    supersede="range",
    themes=True,
)

ACTIONS = Dataset(
    name="actions",
    title="Action plan",
    description="The partnership's action plan after the inspection, one row per action.",
    source="The partnership's written statement of action, kept by the partnership business unit.",
    columns=(
        Column("action_id", "Action ID", "text", True, ("Action ref", "Action reference", "Ref", "Action no",
               "Action number"), example="1.1"),
        Column("priority_area", "Priority area", "text", True, ("Aim", "Priority", "Area", "Theme"),
               example="Measurable outcomes for children"),
        Column("action", "Action", "text", True, ("Action description", "What we will do"),
               example="Improve the timeliness of MASH decisions"),
        Column("lead_agency", "Lead agency", "agency", True, ("Lead", "Owning agency", "Lead partner"),
               example="Children's social care"),
        Column("lead_officer", "Lead officer", "text", aliases=("Lead officer role", "Owner", "Responsible officer"),
               description="The lead's job title (not their name).", example="Head of MASH"),
        Column("measure", "Measure", "text", aliases=("Metric", "Measure ID", "Metric ID"),
               description="A metric id from the About page; blank for a qualitative action.",
               example="contacts.decided_within_1wd"),
        Column("baseline", "Baseline", "number", aliases=("Baseline value",), example=72.0),
        Column("baseline_period", "Baseline period", "period", aliases=("Baseline quarter",), example="2025-26 Q1"),
        Column("target", "Target", "number", aliases=("Target value",), example=95.0),
        Column("due_period", "Due period", "period", aliases=("Due", "Due quarter", "Target date", "Due by"),
               example="2026-27 Q2"),
        Column("status", "Status", "code", aliases=("Progress", "Action status"), codes=codes.STATUS,
               example="In progress"),
        Column("evidence", "Evidence", "text", aliases=("Evidence of impact", "Evidence submitted"),
               example="Quarterly MASH performance report"),
        Column("sustainability_plan", "Sustainability plan", "text", aliases=("Sustainability",),
               example="Timeliness reviewed monthly at MASH strategic board"),
        Column("spc_from", "Live from", "date", aliases=("Went live", "Go-live date", "Go live date", "Live date",
               "Change date", "Implemented from", "Rebase date", "SPC rebase date", "SPC limits from"),
               description="When the change went live: the measure's monthly SPC limits are worked out again "
                           "from that month (a rebase), once there are two months after it. Blank: limits from "
                           "every month.", example="2025-10-01", future_allowed=True),
    ),
    signature=("action_id", "action"),
    natural_keys=(("action_id",),),
    event_date=None,
    supersede="plan",
)

DATASETS: dict[str, Dataset] = {d.name: d for d in (CONTACTS, REFERRALS, CP_PLANS, TRAINING, AUDITS, ACTIONS,
                                                 ASSESSMENTS, S47_ENQUIRIES)}

# Headers whose columns may hold personal data that no measure needs: dropped on reading.
PERSONAL_HEADER_WORDS = (
    "name", "forename", "surname", "address", "postcode", "post code", "nhs number", "nhs no", "phone",
    "telephone", "mobile", "email", "e mail", "allocated worker", "social worker", "worker", "upn",
    "national insurance", "ni number", "street", "town",
)
# Free-text headers in audit returns: dropped rather than read as themes (they may name people).
FREE_TEXT_HEADER_WORDS = ("comment", "notes", "note", "summary", "narrative", "auditor", "learning", "rationale",
                          "findings", "recommendation")


def is_personal_header(header: str) -> bool:
    key = f" {normalise_key(header)} "
    return any(f" {word} " in key for word in PERSONAL_HEADER_WORDS)


def is_free_text_header(header: str) -> bool:
    words = normalise_key(header).split()
    return any(w.rstrip("s") in FREE_TEXT_HEADER_WORDS or w in FREE_TEXT_HEADER_WORDS for w in words)
