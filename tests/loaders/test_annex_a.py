"""A full Ofsted Annex A workbook: lists 1, 3, 4, 5 and 7 load; the other six are listed as not used."""

from __future__ import annotations

import datetime as dt

import pytest
from loader_helpers import load, user_tables

from tests.spreadsheets import Formula, sheet_xml, write_raw_xlsx, write_xlsx

D = dt.date
COMMON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
DISABILITY = "Does the Child have a Disability"
TEAM = ["Allocated Team", "Allocated Worker"]
WORKERS = ["Ophelia Quaintance", "Barnaby\u00a0Featherstonehaugh", "Cressida Vandersloot"]

HEADERS = {
    "List 1": ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Date of Contact", "Contact Source"],
    "List 2": [*COMMON, "Assessment start date", "Assessment completion date", "Organisation completing assessment"],
    "List 3": [*COMMON, "Date of referral", "Referral Source", "Referral NFA?",
               "Number of Referrals in Last 12 Months", *TEAM],
    "List 4": [*COMMON, DISABILITY, "Continuous Assessment Start Date", "Child Seen During Continuous Assessment",
               "Continuous Assessment Date of Authorisation",
               "Was the child assessed as requiring LA children's social care support?", *TEAM],
    "List 5": [*COMMON, DISABILITY, "Strategy discussion initiating Section 47 Enquiry Start Date",
               "Was an Initial Child Protection Conference deemed unnecessary?",
               "Date of Initial Child Protection Conference",
               "Did the Initial Child Protection Conference Result in a Child Protection Plan",
               "Number of Section 47 Enquiries in the last 12 months", "Number of ICPCs in the last 12 months", *TEAM],
    "List 6": [*COMMON, DISABILITY, "CIN Start Date", "Primary Need Code", "Date Child Was Last Seen",
               "CIN Closure Date", "Reason for Closure", "Case Status", *TEAM],
    "List 7": [*COMMON, DISABILITY, "Child Protection Plan Start Date", "Initial Category of Abuse",
               "Latest Category of Abuse", "Date of the Last Statutory Visit", "Was the Child Seen Alone?",
               "Date of latest review conference", "Child Protection Plan End Date",
               "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
               "Number of Previous Child Protection Plans", *TEAM],
    "List 8": [*COMMON, DISABILITY, "Unaccompanied Asylum Seeking Child", "Date Started to be Looked After",
               "Legal Status", "Placement Type", "Placement Start Date", "Number of Placements in Last 12 Months",
               *TEAM],
    "List 9": [*COMMON, DISABILITY, "Date of Leaving Care", "Eligibility Category", "In Touch",
               "Accommodation Type", "Activity", "Allocated Personal Adviser"],
    "List 10": ["Child Unique ID", "Gender", "Date of Birth", "Date Entered Care", "Date of Decision Child Should Be "
                "Placed for Adoption", "Date of Placement Order", "Date of Matching", "Date Placed for Adoption"],
    "List 11": ["Adopter Unique ID", "Date of Enquiry", "Date Stage 1 Started", "Date Stage 2 Started",
                "Date of Approval", "Number of Children Placed"],
}


def _list_rows(name: str, rows: list[list]) -> list[list]:
    number = name.split()[1]
    return [[f"Annex A - {name}"], [f"Return date 31/03/2025. Covers the six months to the return date ({number})."],
            HEADERS[name], *rows]


def _filler(name: str) -> list[list]:
    width = len(HEADERS[name])
    return [[f"SYN-{name[-2:].strip()}-{i}", "b) Female"] + [f"value {j}" for j in range(width - 2)] for i in range(3)]


def _workbook_rows() -> dict[str, list[list]]:
    sheets = {name: _list_rows(name, _filler(name)) for name in HEADERS}
    sheets["List 1"] = _list_rows("List 1", [
        ["SYN-A1", "b) Female", "WBRI", D(2014, 10, 2), 10, D(2025, 1, 6), "q) 6: Police"],
        ["SYN-A2", "a) Male", "#N/A", D(2016, 3, 3), None, D(2025, 1, 7), "g) 3A: Health services"],
        ["SYN-A3", "Female", "BAFR", "04/05/2012", "#N/A", "08/01/2025", "e) 2A: Schools"],
        ["SYN-A4", "c) Not stated/recorded", None, None, None, D(2025, 3, 30), "t) 9: Anonymous"],
    ])
    sheets["List 3"] = _list_rows("List 3", [
        ["SYN-A1", "b) Female", "WBRI", D(2014, 10, 2), 10, D(2025, 1, 8), "q) 6: Police", "b) No", 2, "MASH",
         WORKERS[0]],
        ["SYN-A3", "b) Female", "BAFR", "04/05/2012", 12, D(2025, 2, 1), "e) 2A: Schools", "a) Yes", 0,
         "Assessment", WORKERS[1]],
    ])
    sheets["List 4"] = _list_rows("List 4", [
        ["SYN-A1", "b) Female", "WBRI", D(2014, 10, 2), 10, "b) No", D(2025, 1, 9), "a) Yes", D(2025, 2, 20), "a) Yes",
         "Assessment", WORKERS[0]],
        ["SYN-A3", "b) Female", "BAFR", "04/05/2012", 12, "b) No", D(2025, 2, 3), "a) Yes", None, None, "Assessment",
         WORKERS[1]],
    ])
    sheets["List 5"] = _list_rows("List 5", [
        ["SYN-A1", "b) Female", "WBRI", D(2014, 10, 2), 10, "b) No", D(2025, 1, 9), "b) No", D(2025, 1, 30), "a) Yes",
         1, 1, "CP team", WORKERS[2]],
        ["SYN-A3", "b) Female", "BAFR", "04/05/2012", 12, "b) No", D(2025, 2, 3), "a) Yes", None, None, 1, 0,
         "CP team", WORKERS[0]],
    ])
    sheets["List 7"] = _list_rows("List 7", [
        ["SYN-A1", "b) Female", "WBRI", D(2014, 10, 2), 10, "b) No", D(2025, 2, 20), "a) Neglect", "d) Emotional abuse",
         D(2025, 3, 20), "a) Yes", D(2025, 3, 1), None, "N", 1, "CP team", WORKERS[2]],
        ["SYN-A5", "a) Male", "WBRI", D(2011, 1, 1), "#N/A", "c) Unknown", D(2024, 11, 1), "NEG", None,
         D(2025, 3, 1), "Yes", None, D(2025, 3, 28), "N", 0, "CP team", WORKERS[0]],
    ])
    return sheets


@pytest.fixture
def report_and_store(store, tmp_path):
    report = load(store, write_xlsx(tmp_path / "Annex A March 2025.xlsx", _workbook_rows()))
    assert report.status == "accepted", report.errors
    return report, store


def test_lists_1_3_4_5_and_7_load_and_the_rest_are_listed_not_used(report_and_store):
    report, _ = report_and_store
    assert [(s.sheet, s.dataset, s.header_row, s.rows_valid) for s in report.sheets] == [
        ("List 1", "contacts", 3, 4), ("List 3", "referrals", 3, 2), ("List 4", "assessments", 3, 2),
        ("List 5", "s47_enquiries", 3, 2), ("List 7", "cp_plans", 3, 2)]
    assert report.sheets_not_used == ["List 2", "List 6", "List 8", "List 9", "List 10", "List 11"]
    assert sorted(report.datasets) == ["assessments", "contacts", "cp_plans", "referrals", "s47_enquiries"]
    assert (report.rows_read, report.rows_loaded, report.rows_skipped) == (12, 12, 0)
    assert report.errors == []


def test_contacts_from_list_1(report_and_store):
    _, store = report_and_store
    assert store.rows("""SELECT source_row, contact_date, source_code, source_group, gender, ethnicity, age
                         FROM contacts ORDER BY source_row""") == [
        (4, D(2025, 1, 6), "6", "police", "Female", "WBRI", 10),
        (5, D(2025, 1, 7), "3A", "health", "Male", None, 8),
        (6, D(2025, 1, 8), "2A", "education", "Female", "BAFR", 12),
        (7, D(2025, 3, 30), "9", "anonymous", "Not stated/recorded", None, None),
    ]


def test_referrals_from_list_3(report_and_store):
    report, store = report_and_store
    assert store.rows("SELECT referral_date, source_code, nfa, referrals_12m, age FROM referrals ORDER BY 1") == [
        (D(2025, 1, 8), "6", "No", 2, 10), (D(2025, 2, 1), "2A", "Yes", 0, 12)]
    summary = next(s for s in report.sheets if s.sheet == "List 3")
    assert summary.columns_dropped == ["Allocated Worker"]
    assert summary.columns_not_used == ["Allocated Team"]


def test_plans_from_list_7(report_and_store):
    report, store = report_and_store
    assert store.rows("""SELECT plan_start, initial_category, latest_category, plan_end, previous_plans, age
                         FROM cp_plans ORDER BY plan_start""") == [
        (D(2024, 11, 1), "Neglect", None, D(2025, 3, 28), 0, 13),
        (D(2025, 2, 20), "Neglect", "Emotional abuse", None, 1, 10)]
    summary = next(s for s in report.sheets if s.sheet == "List 7")
    assert "Allocated Worker" in summary.columns_dropped
    assert DISABILITY in summary.columns_not_used


def test_worker_names_are_dropped(report_and_store):
    report, store = report_and_store
    assert report.dropped_columns == ["Allocated Worker"]
    text = "\n".join(repr(r) for t in user_tables(store) for r in store.rows(f"SELECT * FROM {t}"))
    for name in WORKERS:
        for part in name.replace("\u00a0", " ").split():
            assert part not in text
    for raw in ("SYN-A1", "SYN-A3", "SYN-A5"):
        assert raw not in text


def test_annex_a_with_formulas_and_cached_values(store, tmp_path):
    rows = _list_rows("List 1", [
        ["SYN-F1", Formula('IF(1,"b) Female","")', "b) Female"), "WBRI", None, Formula("DATEDIF(D4,F4,\"y\")", 9),
         Formula("DATE(2025,1,6)", 45663), Formula('"q) 6: Police"', "q) 6: Police")],
    ])
    report = load(store, write_raw_xlsx(tmp_path / "annex.xlsx", {"List 1": sheet_xml(rows)}))
    assert report.status == "accepted", report.errors
    assert store.rows("SELECT gender, age, contact_date, source_code FROM contacts") == [
        ("Female", 9, D(2025, 1, 6), "6")]
