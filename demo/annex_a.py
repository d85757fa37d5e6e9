"""One half-year Annex A return of the demo borough: lists 1 to 11, spelt as the council's systems spell them."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from demo.design import BOROUGH, CATEGORIES, GENDERS, OUTCOME_SPELLING, SOURCE_BY_CODE, TITLE
from demo.records import (
    Child,
    DemoData,
    Referral,
    add_working_days,
    age_at,
    hash_index,
    on_or_before_working_day,
)
from demo.xlsx import Book, uk_date
from loaders.periods import Quarter


def _common_headers(age_header: str) -> list[str]:
    return ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", age_header]


class AnnexAWriter:
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
        _, letter, label, _ = SOURCE_BY_CODE[code]
        return f"{code}: {label}" if self.new_system else f"{letter}) {code}: {label}"

    def category(self, index: int) -> str:
        letter, label = CATEGORIES[index]
        return label if self.new_system else f"{letter}) {label}"

    def ethnicity(self, child: Child) -> str:
        return "#N/A" if self.rng.random() < 0.004 else child.ethnicity

    def common(self, child: Child, day: dt.date) -> list[object]:
        age: object = age_at(child.dob, day)
        if self.number == 5 and self.rng.random() < 0.003:
            age = "#N/A"
        return [child.id, self.gender(child), self.ethnicity(child), child.dob, age]

    def write(self, path: Path) -> dict[str, int]:
        wb = Book(f"{TITLE} - {BOROUGH} Annex A return {uk_date(self.rd)}")
        span = f"{uk_date(self.first)} to {uk_date(self.rd)}"
        titles = [f"{TITLE} - {BOROUGH}: Ofsted ILACS Annex A return dated {uk_date(self.rd)}",
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

    def list1(self, wb: Book, titles: list[str]) -> int:
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

    def list2(self, wb: Book, titles: list[str]) -> int:
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

    def list3(self, wb: Book, titles: list[str]) -> int:
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

    def list4(self, wb: Book, titles: list[str]) -> int:
        headers = [*_common_headers(self.age_header), "Does the Child have a Disability",
                   "Continuous Assessment Start Date", "Child Seen During Continuous Assessment",
                   "Continuous Assessment Date of Authorisation",
                   "Was the child assessed as requiring LA children's social care support?", "Allocated Team",
                   "Allocated Worker"]
        sheet = wb.sheet("List 4", titles, headers)
        # Half the referrals not closed as NFA, chosen by child so that every return sends the same ones; each
        # takes 15 to 50 working days to authorise (about 86% within 45), the same in every return.
        for r in self.referrals_in_window():
            if r.nfa or hash_index(r.child.id) % 2:
                continue
            k = hash_index(r.child.id) + r.date.toordinal()
            done = add_working_days(r.date, 15 + k % 36)
            sheet.append([*self.common(r.child, r.date), self.yes_no(k % 11 == 0), r.date, self.yes_no(True),
                          done if done <= self.rd else None, self.yes_no(k % 3 == 0) if done <= self.rd else None,
                          "Assessment Team 1", f"Worker {chr(65 + k % 12)}"])
        return sheet.rows

    def list5(self, wb: Book, titles: list[str]) -> int:
        headers = [*_common_headers(self.age_header), "Does the Child have a Disability",
                   "Strategy discussion initiating Section 47 Enquiry Start Date",
                   "Was an Initial Child Protection Conference deemed unnecessary?",
                   "Date of Initial Child Protection Conference",
                   "Did the Initial Child Protection Conference Result in a Child Protection Plan",
                   "Number of Section 47 Enquiries in the last 12 months", "Number of ICPCs in the last 12 months",
                   "Allocated Team", "Allocated Worker"]
        sheet = wb.sheet("List 5", titles, headers)
        # Every referral that went to a strategy discussion; 2 in 5 lead to an ICPC, 8 to 17 working days later
        # (about 80% within 15), 4 in 5 of those to a plan.
        for r in self.referrals_in_window():
            if not r.strategy:
                continue
            k = hash_index(r.child.id) + r.date.toordinal()
            needed = k % 5 < 2
            icpc = add_working_days(r.date, 8 + k // 5 % 10) if needed else None
            if icpc and icpc > self.rd:
                icpc = None
            decided = icpc is not None or not needed
            sheet.append([*self.common(r.child, r.date), self.yes_no(False), r.date,
                          self.yes_no(not needed) if decided else None, icpc,
                          self.yes_no(k // 7 % 5 < 4) if icpc else None, 1, 1 if icpc else 0, "Child Protection Team 1",
                          f"Worker {chr(65 + k % 12)}"])
        return sheet.rows

    def list6(self, wb: Book, titles: list[str]) -> int:
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

    def list7(self, wb: Book, titles: list[str]) -> int:
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
