"""Code lists: every accepted spelling of a coded value, mapped to one canonical value.

Annex A writes codes as ``b) Female`` or ``q) 6: Police``; managers write ``Female``, ``6`` or
``Police``. Each code set says what it accepts so the error message and the template's
drop-down list come from the same place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from loaders.text import normalise_key

_LETTER_PREFIX = re.compile(r"^\s*[a-z]\)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class CodeSet:
    """Canonical values, each with the spellings that mean it, and the named groups of them that measures
    count (which outcomes are a referral, which grades good or better)."""

    name: str
    values: dict[str, tuple[str, ...]]
    hint: str = ""
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _lookup: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for group, members in self.groups.items():
            unknown = [m for m in members if m not in self.values]
            if unknown:
                raise ValueError(f"{self.name} group {group!r} names values it does not have: {unknown}")
        lookup: dict[str, str] = {}
        for canonical, spellings in self.values.items():
            for spelling in (canonical, *spellings):
                lookup[normalise_key(spelling)] = canonical
        object.__setattr__(self, "_lookup", lookup)

    @property
    def canonical(self) -> list[str]:
        return list(self.values)

    def expected(self) -> str:
        return self.hint or "one of: " + ", ".join(self.values)

    def normalise(self, text: str) -> str | None:
        """The canonical value for ``text``, or None when it is not recognised."""
        key = normalise_key(text)
        if key in self._lookup:
            return self._lookup[key]
        stripped = normalise_key(_LETTER_PREFIX.sub("", text))
        return self._lookup.get(stripped)


def sql_list(values: Iterable[str]) -> str:
    """``'Referral', 'Strategy discussion'``: canonical values as the inside of a SQL ``IN (...)``, quotes doubled
    (the values are this module's own constants, never uploaded text)."""
    return ", ".join("'" + value.replace("'", "''") + "'" for value in values)


# --- children in need census source codes (contacts and referrals) -------------------------

SOURCE_GROUPS: dict[str, str] = {
    **dict.fromkeys(["1A", "1B", "1C", "1D"], "individual"),
    **dict.fromkeys(["2A", "2B"], "education"),
    **dict.fromkeys(["3A", "3B", "3C", "3D", "3E", "3F"], "health"),
    "4": "housing",
    **dict.fromkeys(["5A", "5B", "5C", "5D"], "la_services"),
    "6": "police",
    "7": "legal_probation",
    "8": "other",
    "9": "anonymous",
    "10": "unknown",
}

# What each source code means, as the children in need census words it (shown beside the code wherever a
# person chooses one: the value mapping drop-down, the About page's list of mappings).
SOURCE_MEANINGS: dict[str, str] = {
    "1A": "Individual: family member, relative or carer", "1B": "Individual: acquaintance",
    "1C": "Individual: self", "1D": "Individual: other", "2A": "Schools", "2B": "Education services",
    "3A": "Health services: GP", "3B": "Health services: health visitor", "3C": "Health services: school nurse",
    "3D": "Health services: other primary health services", "3E": "Health services: A&E",
    "3F": "Health services: other", "4": "Housing", "5A": "LA services: social care",
    "5B": "LA services: other internal", "5C": "LA services: external", "5D": "LA services: other",
    "6": "Police", "7": "Other legal agency (courts, probation, immigration, Cafcass, prison)", "8": "Other",
    "9": "Anonymous", "10": "Unknown",
}

_SOURCE_LETTERS = dict(zip("abcdefghijklmnopqrstu", [
    "1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F",
    "4", "5A", "5B", "5C", "6", "7", "8", "9", "10",
]))

_SOURCE_NAMES: dict[str, str] = {
    "family member relative carer": "1A", "family": "1A", "relative": "1A", "parent": "1A",
    "carer": "1A", "acquaintance": "1B", "self": "1C", "self referral": "1C",
    "other individual": "1D", "individual": "1D",
    "schools": "2A", "school": "2A", "education services": "2B", "education": "2B",
    "gp": "3A", "general practitioner": "3A", "health visitor": "3B", "school nurse": "3C",
    "other primary health services": "3D", "a and e": "3E", "a e": "3E",
    "accident and emergency": "3E", "emergency department": "3E", "other health services": "3F",
    "health": "3F", "housing": "4", "la housing": "4",
    "social care": "5A", "la social care": "5A", "other internal": "5B",
    "other internal department": "5B", "external la services": "5C",
    "other la services": "5D", "police": "6",
    "other legal agency": "7", "probation": "7", "courts": "7", "court": "7", "cafcass": "7",
    "prison": "7", "immigration": "7", "other": "8", "anonymous": "9", "unknown": "10",
    "not known": "10",
}

_SOURCE_CODE = re.compile(r"^(?:([a-u])\)\s*)?(10|[1-9][a-f]?)\s*(?::.*)?$", re.IGNORECASE)

SOURCE_HINT = (
    "a children in need source code (1A-1D, 2A, 2B, 3A-3F, 4, 5A-5D, 6, 7, 8, 9, 10), "
    "the Annex A form such as 'q) 6: Police', or a name such as Police, Housing, Schools, Anonymous"
)


def normalise_source(text: str) -> str | None:
    """``q) 6: Police``, ``6``, ``6: Police`` and ``Police`` all give ``6``."""
    raw = text.strip()
    match = _SOURCE_CODE.match(raw)
    if match:
        code = match[2].upper()
        if code in SOURCE_GROUPS:
            return code
    stripped = normalise_key(_LETTER_PREFIX.sub("", raw))
    if stripped in _SOURCE_NAMES:
        return _SOURCE_NAMES[stripped]
    letter_only = re.fullmatch(r"([a-u])\)", raw.lower())
    if letter_only:
        return _SOURCE_LETTERS[letter_only[1]]
    return None


# --- other code sets ---------------------------------------------------------------------

YES_NO = CodeSet(
    "yes/no",
    {"Yes": ("y", "true", "1", "a) yes", "yes"), "No": ("n", "false", "0", "b) no")},
    hint="Yes or No (also Y/N, True/False, 1/0)",
)

OUTCOME = CodeSet("outcome", {
    "NFA": ("no further action", "nfa", "no action", "closed nfa", "close no further action"),
    "Advice": ("information and advice", "advice and information", "advice", "information",
               "advice given", "signpost", "signposting", "signposted"),
    "Early help": ("early help", "early help assessment", "refer to early help", "step down to early help",
                   "referral to early help", "targeted early help"),
    "Referral": ("referral to children's social care", "referral to childrens social care",
                 "referral to csc", "referral", "refer to csc", "social care referral",
                 "referral to social care", "progress to referral"),
    "Strategy discussion": ("strategy discussion s47", "strategy discussion", "strategy meeting",
                            "section 47", "s47", "strategy discussion section 47"),
    "Other": ("other",),
}, groups={
    # What counts as a contact leading to a referral (the measure contacts.to_referral and its breakdowns).
    "referral": ("Referral", "Strategy discussion"),
})

CATEGORY = CodeSet("category of abuse", {
    "Neglect": ("neg", "a) neglect", "neglect"),
    "Physical abuse": ("phy", "physical", "b) physical abuse"),
    "Sexual abuse": ("sab", "sexual", "c) sexual abuse"),
    "Emotional abuse": ("emo", "emotional", "d) emotional abuse"),
    "Multiple": ("mul", "multiple not recommended", "e) multiple/not recommended",
                 "multiple/not recommended", "multiple categories"),
}, hint="Neglect, Physical abuse, Sexual abuse, Emotional abuse or Multiple (also a) Neglect, NEG, PHY, SAB, EMO, MUL)")

ATTENDANCE = CodeSet("attendance", {
    "Yes": ("y", "yes", "attended", "present", "true", "1", "completed"),
    "No": ("n", "no", "dna", "did not attend", "absent", "false", "0", "no show", "cancelled"),
}, hint="Yes, No, Attended, DNA or Did not attend")

GRADE = CodeSet("Ofsted grade", {
    "Outstanding": ("1", "outstanding"),
    "Good": ("2", "good"),
    "Requires improvement": ("3", "ri", "requires improvement to be good", "requires improvement"),
    "Inadequate": ("4", "inadequate"),
}, hint="Outstanding, Good, Requires improvement or Inadequate (also RI, or 1-4 with 1 = Outstanding)",
    groups={"good_or_better": ("Outstanding", "Good")})

JUDGEMENT = CodeSet("theme judgement", {
    "Yes": ("y", "yes", "met", "fully"),
    "Partly": ("partly", "partial", "partially", "in part", "some"),
    "No": ("n", "no", "not met"),
    "N/A": ("na", "n a", "not applicable", "n/a"),
}, hint="Yes, Partly, No or N/A", groups={
    # A theme was judged (Yes, Partly or No) or not (N/A, blank): a theme's measure is Yes among the judged.
    "judged": ("Yes", "Partly", "No"),
})

STATUS = CodeSet("action status", {
    "Not started": ("not started", "not yet started"),
    "In progress": ("in progress", "ongoing", "started", "on track"),
    "Evidence submitted": ("evidence submitted", "evidence provided", "awaiting sign off",
                           "awaiting agreement"),
    "Agreed complete": ("agreed complete", "complete", "completed", "closed", "signed off"),
}, hint="Not started, In progress, Evidence submitted or Agreed complete")

GENDER = CodeSet("gender", {
    "Male": ("m", "a) male", "male", "boy"),
    "Female": ("f", "b) female", "female", "girl"),
    "Not stated/recorded": ("c) not stated/recorded", "not stated", "not recorded", "unknown", "u"),
    "Neither": ("d) neither", "neither", "other", "indeterminate"),
})

ACTION_STATUSES = STATUS.canonical

# The groupings measures count, each kept with its code set above.
REFERRAL_OUTCOMES: tuple[str, ...] = OUTCOME.groups["referral"]
GOOD_GRADES: tuple[str, ...] = GRADE.groups["good_or_better"]
JUDGED: tuple[str, ...] = JUDGEMENT.groups["judged"]
