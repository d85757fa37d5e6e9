"""Annex A lists 4 (assessments) and 5 (section 47 enquiries): loaded from a real workbook through the loaders,
and their measures, with working days counted across Christmas, New Year, Easter and the May bank holiday."""

from __future__ import annotations

import datetime as dt

import pytest

from loaders.submit import load_file
from metrics.compute import compute_all
from metrics.workdays import working_days_after
from tests.spreadsheets import write_xlsx

D = dt.date
COMMON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
LIST_4 = [*COMMON, "Does the Child have a Disability", "Continuous Assessment Start Date",
          "Child Seen During Continuous Assessment", "Continuous Assessment Date of Authorisation",
          "Was the child assessed as requiring LA children's social care support?", "Allocated Team"]
LIST_5 = [*COMMON, "Does the Child have a Disability", "Strategy discussion initiating Section 47 Enquiry Start Date",
          "Was an Initial Child Protection Conference deemed unnecessary?", "Date of Initial Child Protection Conference",
          "Did the Initial Child Protection Conference Result in a Child Protection Plan", "Allocated Team"]


def _child(n: int) -> list[object]:
    return [f"SYN-{n}", "b) Female", "WBRI", None, 9, "b) No"]


# Started Monday 2 December 2024. The 45th working day after it is Thursday 6 February 2025, counting around
# 25 and 26 December and 1 January; counting weekdays only it would be Monday 3 February.
ASSESSMENTS = [
    [*_child(1), D(2024, 12, 2), "a) Yes", D(2025, 2, 6), "a) Yes", "Team"],  # the 45th working day: in time
    [*_child(2), D(2024, 12, 2), "a) Yes", D(2025, 2, 7), "b) No", "Team"],   # the 46th: late
    [*_child(3), D(2025, 1, 6), "a) Yes", D(2025, 1, 31), "b) No", "Team"],   # 19 working days
    [*_child(4), D(2025, 3, 3), "a) Yes", None, None, "Team"],                # open: not counted
]
# Strategy discussion Thursday 17 April 2025. The 15th working day after it is Tuesday 13 May 2025, counting
# around Good Friday, Easter Monday and the early May bank holiday; weekdays only it would be 8 May.
ENQUIRIES = [
    [*_child(5), D(2025, 4, 17), "b) No", D(2025, 5, 13), "a) Yes", "CP"],  # ICPC on the 15th working day
    [*_child(6), D(2025, 4, 17), "b) No", D(2025, 5, 14), "b) No", "CP"],   # the 16th: late; no plan
    [*_child(7), D(2025, 5, 20), "a) Yes", None, None, "CP"],                # ICPC deemed unnecessary
    [*_child(8), D(2025, 6, 23), None, None, None, "CP"],                    # still open: no outcome yet
]


def test_the_working_day_boundaries_the_rows_rely_on() -> None:
    assert working_days_after(D(2024, 12, 2), D(2025, 2, 6)) == 45
    assert working_days_after(D(2024, 12, 2), D(2025, 2, 7)) == 46
    assert working_days_after(D(2025, 4, 17), D(2025, 5, 13)) == 15
    assert working_days_after(D(2025, 4, 17), D(2025, 5, 14)) == 16
    assert working_days_after(D(2025, 4, 18), D(2025, 4, 21)) == 0  # Good Friday to Easter Monday


@pytest.fixture
def values(store, tmp_path):
    path = write_xlsx(tmp_path / "Annex A lists 4 and 5.xlsx", {"List 4": [LIST_4, *ASSESSMENTS],
                                                                 "List 5": [LIST_5, *ENQUIRIES]})
    report = load_file(store, path, uploaded_by="test", agency="Children's social care")
    assert (report.status, report.errors) == ("accepted", [])
    assert [(s.sheet, s.dataset, s.rows_valid) for s in report.sheets] == [
        ("List 4", "assessments", 4), ("List 5", "s47_enquiries", 4)]
    frame = compute_all(store)
    return {(r.metric, r.period): (r.value, r.numerator, r.denominator) for r in frame.itertuples()}


def test_assessments_within_45_working_days_count_bank_holidays(values) -> None:
    assert values[("assessments.authorised", "2024-25 Q4")][1] == 3
    assert values[("assessments.within_45wd", "2024-25 Q4")] == (pytest.approx(200 / 3), 2, 3)


def test_section_47_measures(values) -> None:
    assert values[("s47_enquiries.started", "2025-26 Q1")][1] == 4
    assert values[("s47_enquiries.to_icpc", "2025-26 Q1")] == (pytest.approx(200 / 3), 2, 3)
    assert values[("s47_enquiries.icpc_within_15wd", "2025-26 Q1")] == (50.0, 1, 2)
    assert values[("s47_enquiries.icpc_to_plan", "2025-26 Q1")] == (50.0, 1, 2)


def test_an_icpc_before_its_strategy_discussion_is_an_error(store, tmp_path) -> None:
    bad = [[*_child(9), D(2025, 4, 17), "b) No", D(2025, 4, 16), "a) Yes", "CP"]]
    report = load_file(store, write_xlsx(tmp_path / "bad.xlsx", {"List 5": [LIST_5, *bad]}), uploaded_by="test",
                       agency="Children's social care")
    assert report.status == "rejected"
    assert [e.column for e in report.errors] == ["Date of Initial Child Protection Conference"]
