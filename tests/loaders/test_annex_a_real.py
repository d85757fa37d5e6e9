"""An Annex A workbook as councils really fill it (decimal ages, local labels, totals rows): it loads with warnings, and its
contacts, referrals and plans give the same metrics as the same file with whole ages.

Lists 1, 3 and 7 with title rows above the headers; Age worked out by a formula, so the cell holds a
decimal (the formula and its cached value are both written, as Excel saves them); #N/A formula errors;
formulas in date and code cells; ``Date of Referral``; ``Female`` beside ``b) Female``; workers' names
with non-breaking spaces; a totals row under List 1. All synthetic."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from loader_helpers import load, user_tables

from loaders.store import Store
from metrics.compute import compute_all
from tests.spreadsheets import Formula, sheet_xml, write_raw_xlsx

D = dt.date
EPOCH = D(1899, 12, 30)
NA = Formula("NA()", "__NA__")  # turned into a real error cell (t="e", #N/A) below
WORKERS = ["Ophelia\u00a0Quaintance", "Barnaby\u00a0Featherstonehaugh", "Cressida Vandersloot\u00a0"]
COMMON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
TEAM = ["Allocated Team", "Allocated\u00a0Worker"]
HEADERS = {
    "List 1": [*COMMON, "Date of Contact", "Contact Source", "MASH decision date", "MASH outcome",
               "Neglect identified?", *TEAM],
    "List 3": [*COMMON, "Date of Referral", "Referral Source", "Referral NFA?", "Number of Referrals in Last 12 Months",
               *TEAM],
    "List 7": [*COMMON, "Does the Child have a Disability", "Child Protection Plan Start Date",
               "Initial Category of Abuse", "Latest Category of Abuse", "Child Protection Plan End Date",
               "Number of Previous Child Protection Plans", *TEAM],
}

# child, gender, ethnicity, date of birth (None: not given), age when no date of birth, contact date, source,
# decision date, outcome, neglect identified
CONTACTS = [
    ("SYN-AA1", "b) Female", "WBRI", D(2018, 11, 12), None, D(2025, 1, 6), "q) 6: Police", D(2025, 1, 7),
     "Referral", "Yes"),
    ("SYN-AA2", "Female", "WBRI", D(2014, 1, 20), None, D(2025, 1, 7), "g) 3A: Health services", D(2025, 1, 9),
     "Early help", "No"),
    ("SYN-AA3", "a) Male", NA, D(2012, 6, 30), None, D(2025, 1, 8), "e) 2A: Schools", D(2025, 1, 8),
     "Strategy discussion", "Yes"),
    ("SYN-AA4", "Male", "BAFR", None, 11.62, D(2025, 2, 3), "Police", D(2025, 2, 4), "NFA", "No"),
    ("SYN-AA5", "c) Not stated/recorded", None, NA, 6.14, D(2025, 2, 14), "t) 9: Anonymous", None, None, None),
    ("SYN-AA6", "Prefer not to say", "MWBC", None, 31.4, D(2025, 3, 3), "n) 5A: Social care", D(2025, 3, 5),
     "Advice", "No"),
    ("SYN-AA7", "b) Female", "WBRI", D(2009, 3, 3), None, D(2025, 3, 3), "q) 6: Police", D(2025, 3, 4),
     "Referral", "Yes"),
    ("SYN-AA1", "b) Female", "WBRI", D(2018, 11, 12), None, D(2025, 3, 28), "h) 3B: Health visitor",
     D(2025, 3, 31), "Referral", "Yes"),
]
# child, gender, date of birth, age when none, referral date, source, NFA, referrals in the last 12 months
REFERRALS = [
    ("SYN-AA1", "b) Female", D(2018, 11, 12), None, D(2025, 1, 8), "q) 6: Police", "b) No", 0),
    ("SYN-AA3", "a) Male", D(2012, 6, 30), None, D(2025, 1, 10), "e) 2A: Schools", "a) Yes", 1),
    ("SYN-AA7", "Female", None, 15.99, D(2025, 3, 5), "q) 6: Police", "b) No", "N/A"),
    ("SYN-AA1", "b) Female", D(2018, 11, 12), None, D(2025, 3, 31), "h) 3B: Health visitor", "b) No", NA),
]
# child, gender, date of birth, age when none, plan start, initial category, latest category, end, previous plans
PLANS = [
    ("SYN-AA1", "b) Female", D(2018, 11, 12), None, D(2025, 2, 20), "a) Neglect", "Neglect and emotional", None, 0),
    ("SYN-AA3", "a) Male", D(2012, 6, 30), None, D(2025, 1, 30), "NEG", "d) Emotional abuse", None, 1),
    ("SYN-AA8", "Female", None, 2.5, D(2024, 11, 1), "d) Emotional abuse", None, D(2025, 3, 28), 2),
]


def _serial(day: D) -> int:
    return (day - EPOCH).days


def _age(child: tuple, born: object, given: float | None, event: D, whole: bool) -> object:
    """The Age cell: a formula from the date of birth (its cached value a decimal), else the age typed."""
    if isinstance(born, D):
        years = (event - born).days / 365.25
        cached = math.floor(years) if whole else round(years, 2)
        return Formula(f'DATEDIF(D{child},"{event:%d/%m/%Y}","d")/365.25', cached)
    if given is None:
        return NA
    return math.floor(given) if whole else Formula(f"ROUNDDOWN({given}*100,0)/100", given)


def _title(name: str) -> list[list]:
    return [[f"Annex A - {name}"], ["Synthetic return: 1 January to 31 March 2025"]]


def _sheets(whole: bool) -> dict[str, str]:
    contacts = [*_title("List 1"), HEADERS["List 1"]]
    for row, (child, gender, ethnicity, born, given, day, source, decided, outcome, neglect) in enumerate(CONTACTS, 4):
        contacts.append([child, gender, ethnicity, born, _age(row, born, given, day, whole),
                         Formula(f"DATE({day.year},{day.month},{day.day})", _serial(day)),
                         Formula(f'"{source}"', source), decided, outcome, neglect, "MASH", WORKERS[row % 3]])
    contacts.append(["Total", None, None, None, None, Formula("COUNTA(A4:A11)", len(CONTACTS))])
    referrals = [*_title("List 3"), HEADERS["List 3"]]
    for row, (child, gender, born, given, day, source, nfa, previous) in enumerate(REFERRALS, 4):
        referrals.append([child, gender, "WBRI", born, _age(row, born, given, day, whole), day, source, nfa, previous,
                          "Assessment", WORKERS[row % 3]])
    plans = [*_title("List 7"), HEADERS["List 7"]]
    for row, (child, gender, born, given, day, initial, latest, end, previous) in enumerate(PLANS, 4):
        plans.append([child, gender, "WBRI", born, _age(row, born, given, day, whole), "b) No", day, initial, latest,
                      end, previous, "CP team", WORKERS[row % 3]])
    error = '<c r="{}" t="e"><f>NA()</f><v>#N/A</v></c>'
    sheets = {}
    for name, rows in (("List 1", contacts), ("List 3", referrals), ("List 7", plans)):
        xml = sheet_xml(rows)
        while 't="str"><f>NA()</f><v>__NA__</v>' in xml:  # the error cells Excel writes for #N/A
            start = xml.index('t="str"><f>NA()</f><v>__NA__</v>')
            ref_start = xml.rindex('<c r="', 0, start) + 6
            ref = xml[ref_start:xml.index('"', ref_start)]
            end = xml.index("</c>", start) + 4
            xml = xml[:ref_start - 6] + error.format(ref) + xml[end:]
        sheets[name] = xml
    return sheets


@pytest.fixture
def loaded(tmp_path):
    """The decimal-age workbook and the whole-age one, each loaded into its own store."""
    results = {}
    for variant, whole in (("decimal", False), ("whole", True)):
        path = write_raw_xlsx(tmp_path / f"Annex A Q4 {variant}.xlsx", _sheets(whole))
        store = Store(tmp_path / f"{variant}.duckdb")
        results[variant] = (load(store, path), store)
    yield results
    for _, store in results.values():
        store.close()


def test_it_loads_with_warnings_and_no_errors(loaded):
    report, _ = loaded["decimal"]
    assert (report.status, report.errors) == ("accepted", [])
    assert report.datasets == ["contacts", "referrals", "cp_plans"]
    assert [(s.sheet, s.header_row, s.rows_read, s.rows_valid) for s in report.sheets] == [
        ("List 1", 3, 8, 8), ("List 3", 3, 4, 4), ("List 7", 3, 3, 3)]
    assert (report.rows_read, report.rows_loaded, report.rows_skipped) == (15, 15, 0)
    assert report.dropped_columns == ["Allocated Worker"]  # the header as written, its spaces folded
    assert [(w.sheet, w.row, w.column, w.value) for w in report.warnings] == [
        ("List 1", 12, None, None),  # the totals row, skipped
        ("List 1", 9, "Age of Child (Years)", "31.4"),
        ("List 1", 9, "Gender", "Prefer not to say"),
        ("List 3", 6, "Number of Referrals in Last 12 Months", "N/A"),
        ("List 7", 4, "Latest Category of Abuse", "Neglect and emotional"),
    ]
    assert report.warnings[0].message == "row 12: a totals row at the end of the data: skipped, not loaded"
    assert [(u.dataset, u.column_key, u.value, u.count, u.rows) for u in report.unrecognised] == [
        ("contacts", "gender", "Prefer not to say", 1, (9,)),
        ("cp_plans", "latest_category", "Neglect and emotional", 1, (4,))]


def test_the_rows_loaded(loaded):
    _, store = loaded["decimal"]
    assert store.rows("""SELECT source_row, contact_date, source_code, gender, ethnicity, age, outcome
                         FROM contacts ORDER BY source_row""") == [
        (4, D(2025, 1, 6), "6", "Female", "WBRI", 6, "Referral"),
        (5, D(2025, 1, 7), "3A", "Female", "WBRI", 10, "Early help"),
        (6, D(2025, 1, 8), "2A", "Male", None, 12, "Strategy discussion"),
        (7, D(2025, 2, 3), "6", "Male", "BAFR", 11, "NFA"),
        (8, D(2025, 2, 14), "9", "Not stated/recorded", None, 6, None),
        (9, D(2025, 3, 3), "5A", None, "MWBC", None, "Advice"),
        (10, D(2025, 3, 3), "6", "Female", "WBRI", 16, "Referral"),
        (11, D(2025, 3, 28), "3B", "Female", "WBRI", 6, "Referral"),
    ]
    assert store.rows("SELECT referral_date, source_code, nfa, referrals_12m, age FROM referrals ORDER BY 1") == [
        (D(2025, 1, 8), "6", "No", 0, 6), (D(2025, 1, 10), "2A", "Yes", 1, 12), (D(2025, 3, 5), "6", "No", None, 15),
        (D(2025, 3, 31), "3B", "No", None, 6)]
    assert store.rows("""SELECT plan_start, initial_category, latest_category, plan_end, previous_plans, age
                         FROM cp_plans ORDER BY plan_start""") == [
        (D(2024, 11, 1), "Emotional abuse", None, D(2025, 3, 28), 2, 2),
        (D(2025, 1, 30), "Neglect", "Emotional abuse", None, 1, 12),
        (D(2025, 2, 20), "Neglect", None, None, 0, 6)]


def test_worker_names_are_not_stored(loaded):
    _, store = loaded["decimal"]
    text = "\n".join(repr(r) for t in user_tables(store) for r in store.rows(f"SELECT * FROM {t}"))
    for name in WORKERS:
        for part in name.split():
            assert part not in text


def test_the_same_metrics_as_with_whole_ages(loaded):
    (decimal, decimal_store), (whole, whole_store) = loaded["decimal"], loaded["whole"]
    assert (whole.status, whole.errors) == ("accepted", [])
    assert decimal.rows_loaded == whole.rows_loaded == 15
    by_decimal, by_whole = compute_all(decimal_store), compute_all(whole_store)
    pd.testing.assert_frame_equal(by_decimal, by_whole)
    ages = "SELECT source_row, age FROM {} ORDER BY source_row"
    for table in ("contacts", "referrals", "cp_plans"):
        assert decimal_store.rows(ages.format(table)) == whole_store.rows(ages.format(table))

    def value(metric: str, period: str = "2024-25 Q4") -> tuple:
        (row,) = by_decimal[(by_decimal["metric"] == metric) & (by_decimal["period"] == period)
                            & by_decimal["group"].isna()].itertuples()
        return row.value, row.numerator, None if pd.isna(row.denominator) else row.denominator

    assert value("contacts.count") == (8.0, 8, None)
    assert value("contacts.to_referral") == (pytest.approx(400 / 7), 4, 7)
    assert value("contacts.neglect_identified") == (pytest.approx(400 / 7), 4, 7)
    assert value("referrals.count") == (4.0, 4, None)
    assert value("referrals.rereferral_12m") == (25.0, 1, 4)
    assert value("referrals.nfa") == (25.0, 1, 4)
    assert value("cp_plans.started") == (2.0, 2, None)
    assert value("cp_plans.neglect_initial") == (100.0, 2, 2)
    assert value("cp_plans.started", "2024-25 Q3") == (1.0, 1, None)
