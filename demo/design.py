"""The demo borough's design: its quarters, the trends built into it, its code lists and its action plan.

Everything here is invented. The data covers eight financial quarters, 2024-25 Q1 (1 April 2024) to
2025-26 Q4 (31 March 2026). The designed-in trends (exact quotas per quarter, so the figures hardly move with
the seed) are in :data:`DESIGN`; ``demo.generator.designed_metrics`` recomputes the metric values from the
generated records.
"""

from __future__ import annotations

import datetime as dt

from loaders import codes
from loaders.periods import Quarter

TITLE = "SYNTHETIC DEMO DATA"
BOROUGH = "Synthetic Borough"
FIRST = Quarter(2024, 1)
QUARTERS: tuple[Quarter, ...] = tuple(FIRST + i for i in range(8))
START: dt.date = QUARTERS[0].start
END: dt.date = QUARTERS[-1].end
RETURN_DATES: tuple[dt.date, ...] = tuple(q.end for q in QUARTERS[1:])

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
# Children in need source codes with the share of contacts each makes (%). Their Annex A letters and words are
# the loader's own (``loaders.codes``), so the demo writes sources exactly as the loader reads them.
SOURCE_WEIGHTS: dict[str, float] = {
    "1A": 5.0, "1B": 1.0, "1C": 1.5, "1D": 1.5, "2A": 17.0, "2B": 3.0, "3A": 4.0, "3B": 5.0, "3C": 2.0, "3D": 2.0,
    "3E": 4.0, "3F": 3.0, "4": 3.0, "5A": 4.0, "5B": 2.0, "5C": 1.5, "6": 30.0, "7": 4.0, "8": 2.0, "9": 3.0,
    "10": 0.5,
}
# The letter Annex A puts before each code ("q) 6: Police"), as the loader reads a letter on its own.
SOURCE_LETTERS = {codes.normalise_source(f"{letter})"): letter for letter in "abcdefghijklmnopqrstu"}
# (census code, Annex A letter, label, weight %)
SOURCES: tuple[tuple[str, str, str, float], ...] = tuple(
    (code, SOURCE_LETTERS[code], codes.SOURCE_MEANINGS[code], weight) for code, weight in SOURCE_WEIGHTS.items())
SOURCE_BY_CODE = {s[0]: s for s in SOURCES}
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
AUDIT_ALIASES = {"Police": "MPS", "Health": "NHS", "Children's social care": "CSC"}
THEME_NOT_APPLICABLE = {"GCP2 used": {"Police", "Housing", "Probation"}, "Early help offered": {"Police"}}
AUDIT_TYPES = ("Neglect deep dive (children aged 7-15)", "Multi-agency case audit", "Think family thematic audit")

ACTION_HEADERS = ["Action ID", "Priority area", "Action", "Lead agency", "Lead officer", "Measure", "Baseline",
                  "Baseline period", "Target", "Due period", "Status", "Evidence", "Sustainability plan",
                  "Go-live date"]  # a local header for "Live from": the SPC limits are recalculated from it
AIMS = ("Measurable outcomes for children", "Workforce knowledge and skills", "Processes and pathways")
BASELINE = QUARTERS[1]  # 2024-25 Q2: the quarter before the plan was agreed
# When an action's change went live (the plan's "Live from"): action 1.1's extra screening capacity at peak times.
GO_LIVE = {"1.1": dt.date(2025, 1, 6)}

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

