"""Cell values: every date form, blanks and Excel errors, formulas, and every code set."""

from __future__ import annotations

import datetime as dt

import pytest
from loader_helpers import TODAY, column_values, load, parse_rows

from loaders.agencies import agency_names
from loaders.convert import Invalid, parse_date
from tests.spreadsheets import (
    CONTACT_HEADERS,
    VALID_ROW,
    Formula,
    dataset_rows,
    sheet_xml,
    write_csv,
    write_raw_xlsx,
    write_xlsx,
)

APRIL_3 = dt.date(2025, 4, 3)


def _contacts(*rows: list) -> list[list]:
    return [CONTACT_HEADERS, *rows]


def _one_column(dataset: str, key: str, values: list, header: str | None = None):
    """Parse one row per value, the other columns taken from the valid row (unique keys per row)."""
    base = VALID_ROW[dataset]
    rows = []
    for i, value in enumerate(values):
        row = {**base, key: value}
        for id_key in ("child_key", "audit_id", "action_id", "session_id"):
            if id_key in row and id_key != key:
                row[id_key] = f"{row[id_key]}-{i}"
        rows.append(row)
    return parse_rows(dataset_rows(dataset, rows, headers={key: header} if header else None))


# --- dates -------------------------------------------------------------------------------

DATE_FORMS = [
    APRIL_3,
    dt.datetime(2025, 4, 3, 23, 59, 59),
    45750,
    45750.75,
    "2025-04-03",
    "2025-04-03 14:30:00",
    "2025-04-03T14:30:00Z",
    "03/04/2025",
    "3/4/2025",
    "3/4/25",
    "03.04.2025",
    "03-04-2025",
    "03/04/2025 14:30",
    "3 Apr 2025",
    "3 April 2025",
    "3rd April 2025",
    "03-Apr-2025",
    "3 Apr. 2025",
    "\u00a003/04/2025  ",
]


def test_every_date_form_in_a_workbook_is_stored_as_the_same_date(store, tmp_path):
    rows = [CONTACT_HEADERS] + [[f"SYN-{i}", form, "6"] for i, form in enumerate(DATE_FORMS)]
    report = load(store, write_xlsx(tmp_path / "dates.xlsx", {"Contacts": rows}))
    assert report.status == "accepted", report.errors
    stored = store.rows("SELECT source_row, contact_date FROM contacts ORDER BY source_row")
    assert stored == [(i + 2, APRIL_3) for i in range(len(DATE_FORMS))]


def test_dates_as_text_in_a_csv(store, tmp_path):
    texts = [f for f in DATE_FORMS if isinstance(f, str)]
    rows = [CONTACT_HEADERS] + [[f"SYN-{i}", form, "6"] for i, form in enumerate(texts)]
    report = load(store, write_csv(tmp_path / "dates.csv", rows))
    assert report.status == "accepted", report.errors
    assert store.rows("SELECT DISTINCT contact_date FROM contacts") == [(APRIL_3,)]
    assert report.rows_loaded == len(texts)


@pytest.mark.parametrize(("text", "expected"), [
    ("03/04/2025", dt.date(2025, 4, 3)),
    ("12/01/2025", dt.date(2025, 1, 12)),
    ("01/12/2025", dt.date(2025, 12, 1)),
    ("13/01/2025", dt.date(2025, 1, 13)),
    ("29/02/2024", dt.date(2024, 2, 29)),
    ("1/1/90", dt.date(1990, 1, 1)),
    ("15/06/98", dt.date(1998, 6, 15)),
    ("3/4/25", dt.date(2025, 4, 3)),
])
def test_uk_dates_are_day_first(text, expected):
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(("value", "message"), [
    ("04/13/2025", "is not a real date"),  # month-first would be 13 April: never read that way
    ("31/02/2025", "is not a real date"),
    ("29/02/2025", "is not a real date"),
    ("2025-02-30", "is not a real date"),
    ("2025-13-01", "is not a real date"),
    ("not known", "is not a date"),
    ("April 3 2025", "is not a date"),
    ("3 Foo 2025", "is not a date"),
    ("20250403", "is not a date"),
    (True, "is not a date"),
    (0, "is not a date"),
    (-5, "is not a date"),
    ("31/12/1989", "is before 1990"),
    ("1/1/30", "is before 1990"),  # two-digit years 30-99 are 19xx, as Excel reads them
    ("1/1/29", "is in the future"),
    (dt.date(1989, 12, 31), "is before 1990"),
    ("01/04/2026", "is in the future"),
    (dt.datetime(2026, 4, 1, 0, 0), "is in the future"),
])
def test_unreadable_early_and_future_dates_are_errors(value, message):
    with pytest.raises(Invalid) as caught:
        parse_date(value, TODAY)
    assert str(caught.value) == message


def test_today_itself_and_1_january_1990_are_accepted():
    assert parse_date(TODAY, TODAY) == TODAY
    assert parse_date("01/01/1990", TODAY) == dt.date(1990, 1, 1)


def test_future_and_old_dates_in_a_file_are_row_errors(store, tmp_path):
    future = dt.date.today() + dt.timedelta(days=2)
    rows = _contacts(["SYN-1", future, "6"], ["SYN-2", dt.date(1985, 1, 1), "6"], ["SYN-3", "31/02/2025", "6"])
    report = load(store, write_xlsx(tmp_path / "bad.xlsx", {"Contacts": rows}))
    assert report.status == "rejected"
    assert [(e.row, e.column, e.value, e.message.split(";")[0]) for e in report.errors] == [
        (2, "Date of Contact", future.isoformat(), "is in the future"),
        (3, "Date of Contact", "1985-01-01", "is before 1990"),
        (4, "Date of Contact", "31/02/2025", "is not a real date"),
    ]


def test_decision_date_time_keeps_only_the_date():
    parsed = parse_rows(_contacts(["SYN-1", APRIL_3, "6", dt.datetime(2025, 4, 4, 9, 30), "NFA"],
                                  ["SYN-2", APRIL_3, "6", "04/04/2025 17:45", "NFA"],
                                  ["SYN-3", APRIL_3, "6", dt.datetime(2025, 4, 3, 0, 1), "NFA"]))
    assert not parsed.errors
    assert column_values(parsed, "decision_date") == [dt.date(2025, 4, 4), dt.date(2025, 4, 4), APRIL_3]


def test_decision_before_contact_is_an_error_naming_the_contact_date():
    parsed = parse_rows(_contacts(["SYN-1", APRIL_3, "6", dt.date(2025, 4, 3)],
                                  ["SYN-2", APRIL_3, "6", dt.datetime(2025, 4, 2, 16, 0)]))
    assert [(e.sheet, e.row, e.column, e.value, e.message) for e in parsed.errors] == [
        ("Sheet1", 3, "MASH decision date", "2025-04-02 16:00:00",
         "the decision date is before the contact date (03/04/2025)"),
    ]


# --- blanks, Excel errors, spaces, formulas ---------------------------------------------

def test_excel_error_cells_and_error_text_are_blanks(store, tmp_path):
    rows = _contacts(["SYN-1", APRIL_3, "6", "#N/A", "#REF!", "#VALUE!"],
                     ["SYN-2", APRIL_3, "6", "#DIV/0!", "#NAME?", "#N/A"])
    path = write_xlsx(tmp_path / "errors.xlsx", {"Contacts": rows})  # openpyxl writes these as error cells
    report = load(store, path)
    assert report.status == "accepted", report.errors
    assert store.rows("SELECT decision_date, outcome, neglect FROM contacts") == [(None, None, None)] * 2

    text_rows = [["SYN-3", APRIL_3, "6", " #N/A ", "#n/a", "#NULL!"]]
    path = write_raw_xlsx(tmp_path / "text.xlsx", {"Contacts": sheet_xml(_contacts(*text_rows))})
    report = load(store, path)
    assert report.status == "accepted", report.errors
    assert store.rows("SELECT decision_date, outcome, neglect FROM contacts WHERE submission_id = 2") == [
        (None, None, None)]


def test_excel_error_in_a_required_column_is_a_blank_required_value():
    parsed = parse_rows(_contacts(["SYN-1", "#N/A", "6"]))
    assert [(e.row, e.column, e.value, e.message) for e in parsed.errors] == [
        (2, "Date of Contact", "", "is blank; 'Contact date' is required")]


def test_non_breaking_and_repeated_spaces_are_folded():
    parsed = parse_rows([[*CONTACT_HEADERS, "Ethnicity"],
                         ["\u00a0SYN-1\u00a0", "\u00a003/04/2025", "\u00a0Police\u00a0 ", None,
                          "No\u00a0further   action", " Yes\u00a0", "  White\u00a0 British "]])
    assert not parsed.errors
    assert column_values(parsed, "child_key") == [b"h:SYN-1"]
    assert column_values(parsed, "source_code") == ["6"]
    assert column_values(parsed, "outcome") == ["NFA"]
    assert column_values(parsed, "neglect") == ["Yes"]
    assert column_values(parsed, "ethnicity") == ["White British"]


def test_formulas_are_read_by_their_cached_values(store, tmp_path):
    rows = _contacts(
        ["SYN-1", Formula("DATE(2025,4,3)", 45750), Formula('"q) 6: Police"', "q) 6: Police"), None,
         Formula('IF(1=1,"Referral","NFA")', "Referral")],
        ["SYN-2", Formula("A1+1", 45751), Formula("VLOOKUP(X1,Codes!A:B,2,0)", "4"), None,
         Formula("NOW()", "No further action")],
    )
    report = load(store, write_raw_xlsx(tmp_path / "formulas.xlsx", {"Contacts": sheet_xml(rows)}))
    assert report.status == "accepted", report.errors
    assert store.rows("SELECT contact_date, source_code, outcome FROM contacts ORDER BY source_row") == [
        (APRIL_3, "6", "Referral"), (dt.date(2025, 4, 4), "4", "NFA")]


def test_date_styled_numbers_from_a_hand_made_workbook(store, tmp_path):
    rows = _contacts(["SYN-1", APRIL_3, "6", dt.date(2025, 4, 7)])
    report = load(store, write_raw_xlsx(tmp_path / "styled.xlsx", {"Contacts": sheet_xml(rows)}))
    assert report.status == "accepted", report.errors
    assert store.rows("SELECT contact_date, decision_date FROM contacts") == [(APRIL_3, dt.date(2025, 4, 7))]


# --- code sets ---------------------------------------------------------------------------

SOURCES = [
    ("q) 6: Police", "6", "police"), ("6", "6", "police"), (6, "6", "police"), (6.0, "6", "police"),
    ("6: Police", "6", "police"), ("Police", "6", "police"), ("POLICE", "6", "police"), ("q)", "6", "police"),
    ("3a", "3A", "health"), ("3A", "3A", "health"), ("g) 3A: Health services", "3A", "health"),
    ("GP", "3A", "health"), ("k) 3E: A&E", "3E", "health"), ("A&E", "3E", "health"),
    ("a) 1A: Individual", "1A", "individual"), ("1c", "1C", "individual"),
    ("e) 2A: Schools", "2A", "education"), ("Schools", "2A", "education"), ("2B", "2B", "education"),
    ("m) 4: Housing", "4", "housing"), ("Housing", "4", "housing"), (4, "4", "housing"),
    ("n) 5A: Social care", "5A", "la_services"), ("5D", "5D", "la_services"),
    ("r) 7: Other legal agency", "7", "legal_probation"), ("Probation", "7", "legal_probation"),
    ("s) 8: Other", "8", "other"), ("t) 9: Anonymous", "9", "anonymous"), ("Anonymous", "9", "anonymous"),
    ("u) 10: Unknown", "10", "unknown"), (10, "10", "unknown"), ("10", "10", "unknown"),
]


def test_source_codes_in_every_form():
    parsed = _one_column("contacts", "source_code", [value for value, _, _ in SOURCES])
    assert not parsed.errors, parsed.errors
    assert column_values(parsed, "source_code") == [code for _, code, _ in SOURCES]
    assert column_values(parsed, "source_group") == [group for _, _, group in SOURCES]


@pytest.mark.parametrize("value", ["1", "3G", "11", "Martian", "Mrs Smith", "0"])
def test_unrecognised_source_is_an_error_with_the_accepted_forms(value):
    parsed = _one_column("referrals", "source_code", [value], header="Referral Source")
    assert [(e.row, e.column, e.value) for e in parsed.errors] == [(2, "Referral Source", value)]
    message = parsed.errors[0].message
    assert message.startswith("is not a recognised source; expected a children in need source code")
    assert "'q) 6: Police'" in message


CODED = [
    ("contacts", "outcome", [
        ("No further action", "NFA"), ("NFA", "NFA"), ("Information and advice", "Advice"), ("Advice", "Advice"),
        ("Early help", "Early help"), ("Step down to early help", "Early help"),
        ("Referral to children's social care", "Referral"), ("Referral to Children’s Social Care", "Referral"),
        ("Referral", "Referral"), ("Strategy discussion/S47", "Strategy discussion"),
        ("Strategy discussion", "Strategy discussion"), ("S47", "Strategy discussion"), ("Other", "Other"),
    ]),
    ("contacts", "neglect", [
        ("Y", "Yes"), ("N", "No"), ("Yes", "Yes"), ("no", "No"), ("True", "Yes"), ("FALSE", "No"), (True, "Yes"),
        (False, "No"), (1, "Yes"), (0, "No"), ("1", "Yes"), ("0", "No"), ("a) Yes", "Yes"), ("b) No", "No"),
        (None, None),
    ]),
    ("contacts", "gender", [
        ("b) Female", "Female"), ("Female", "Female"), ("F", "Female"), ("a) Male", "Male"), ("m", "Male"),
        ("c) Not stated/recorded", "Not stated/recorded"), ("d) Neither", "Neither"),
    ]),
    ("referrals", "nfa", [("Yes", "Yes"), ("a) Yes", "Yes"), ("b) No", "No"), ("No", "No")]),
    ("cp_plans", "initial_category", [
        ("NEG", "Neglect"), ("a) Neglect", "Neglect"), ("Neglect", "Neglect"), ("neglect", "Neglect"),
        ("PHY", "Physical abuse"), ("b) Physical abuse", "Physical abuse"), ("SAB", "Sexual abuse"),
        ("c) Sexual abuse", "Sexual abuse"), ("EMO", "Emotional abuse"), ("d) Emotional abuse", "Emotional abuse"),
        ("MUL", "Multiple"), ("e) Multiple/not recommended", "Multiple"), ("Multiple", "Multiple"),
    ]),
    ("cp_plans", "latest_category", [("a) Neglect", "Neglect"), ("EMO", "Emotional abuse"), (None, None)]),
    ("training", "attended", [
        ("Yes", "Yes"), ("Attended", "Yes"), ("Y", "Yes"), ("No", "No"), ("DNA", "No"), ("dna", "No"),
        ("Did not attend", "No"), ("Did Not Attend", "No"),
    ]),
    ("training", "confidence_pre", [
        (1, 1), (5, 5), (3.0, 3), ("4", 4), ("4 - Confident", 4), ("2 – Not very confident", 2), ("5: Very", 5),
        (None, None),
    ]),
    ("training", "agency", [
        ("Police", "Police"), ("Met Police", "Police"), ("MPS", "Police"), ("mps", "Police"),
        ("Metropolitan Police", "Police"), ("NHS", "Health"), ("CSC", "Children's social care"),
        ("childrens social care", "Children's social care"), ("Schools", "Education"),
    ]),
    ("audits", "overall_grade", [
        ("Outstanding", "Outstanding"), ("Good", "Good"), ("RI", "Requires improvement"),
        ("Requires improvement", "Requires improvement"),
        ("Requires Improvement to be Good", "Requires improvement"), ("Inadequate", "Inadequate"),
        (1, "Outstanding"), (2, "Good"), (3, "Requires improvement"), (4, "Inadequate"), ("4", "Inadequate"),
    ]),
    ("actions", "status", [
        ("Not started", "Not started"), ("In progress", "In progress"), ("Evidence submitted", "Evidence submitted"),
        ("Agreed complete", "Agreed complete"), ("complete", "Agreed complete"),
    ]),
    ("actions", "due_period", [
        ("2025-26 Q1", "2025-26 Q1"), ("2025/26 Q2", "2025-26 Q2"), ("2025-2026 q3", "2025-26 Q3"),
        (" 2026-27  Q4 ", "2026-27 Q4"), (None, None),
    ]),
    ("actions", "lead_agency", [("MPS", "Police"), ("Met Police", "Police"), ("ICB", "Health")]),
    ("actions", "baseline", [(72, 72.0), ("72.5", 72.5), ("85%", 85.0), ("1,200", 1200.0)]),
    ("referrals", "referrals_12m", [(0, 0), (3, 3), ("2", 2), (2.0, 2)]),
    ("contacts", "age", [(0, 0), (15, 15), ("9", 9), (25, 25)]),
]


@pytest.mark.parametrize(("dataset", "key", "pairs"), CODED, ids=[f"{d}-{k}" for d, k, _ in CODED])
def test_coded_and_numeric_values_are_normalised(dataset, key, pairs):
    parsed = _one_column(dataset, key, [value for value, _ in pairs])
    assert not parsed.errors, parsed.errors
    assert column_values(parsed, key) == [expected for _, expected in pairs]


BAD = [
    ("contacts", "outcome", "Sent to the moon", "is not a recognised outcome; expected one of: NFA, Advice, "
     "Early help, Referral, Strategy discussion, Other"),
    ("contacts", "neglect", "Maybe", "is not a recognised yes/no; expected Yes or No (also Y/N, True/False, 1/0)"),
    ("cp_plans", "initial_category", "Bullying", "is not a recognised category of abuse; expected Neglect, "
     "Physical abuse, Sexual abuse, Emotional abuse or Multiple (also a) Neglect, NEG, PHY, SAB, EMO, MUL)"),
    ("training", "attended", "Late", "is not a recognised attendance; expected Yes, No, Attended, DNA or "
     "Did not attend"),
    ("training", "confidence_post", 6, "is not a score from 1 to 5; expected a whole number from 1 to 5"),
    ("training", "confidence_post", 0, "is not a score from 1 to 5; expected a whole number from 1 to 5"),
    ("training", "confidence_post", "Confident", "is not a score from 1 to 5; expected a whole number from 1 to 5"),
    ("training", "confidence_post", 3.5, "is not a whole number; expected a whole number from 1 to 5"),
    ("audits", "overall_grade", 5, "is not a recognised Ofsted grade; expected Outstanding, Good, "
     "Requires improvement or Inadequate (also RI, or 1-4 with 1 = Outstanding)"),
    ("actions", "due_period", "Q1 2025", "is not a financial quarter; expected a financial quarter such as "
     "2025-26 Q1"),
    ("actions", "due_period", "2025-27 Q1", "is not a financial quarter; expected a financial quarter such as "
     "2025-26 Q1"),
    ("actions", "status", "Blue", "is not a recognised action status; expected Not started, In progress, "
     "Evidence submitted or Agreed complete"),
    ("actions", "baseline", "high", "is not a number; expected a number"),
]
# Descriptive columns (no measure reads them, see loaders/roles.py): a wrong value is a warning, loaded blank.
BAD_DESCRIPTIVE = [
    ("referrals", "referrals_12m", -1, "is negative; expected a whole number, 0 or more"),
    ("referrals", "referrals_12m", "two", "is not a whole number; expected a whole number, 0 or more"),
    ("contacts", "age", 26, "is not an age from 0 to 25; expected an age in whole years from 0 to 25"),
    ("cp_plans", "latest_category", "Bullying", "is not a recognised category of abuse; expected Neglect, "
     "Physical abuse, Sexual abuse, Emotional abuse or Multiple (also a) Neglect, NEG, PHY, SAB, EMO, MUL)"),
]


@pytest.mark.parametrize(("dataset", "key", "value", "message"), BAD, ids=[f"{d}-{k}-{v}" for d, k, v, _ in BAD])
def test_bad_values_are_errors_saying_what_was_expected(dataset, key, value, message):
    parsed = _one_column(dataset, key, [value])
    assert [(e.row, e.value, e.message) for e in parsed.errors] == [(2, str(value), message)]


@pytest.mark.parametrize(("dataset", "key", "value", "message"), BAD_DESCRIPTIVE,
                         ids=[f"{d}-{k}-{v}" for d, k, v, _ in BAD_DESCRIPTIVE])
def test_bad_values_in_descriptive_columns_are_warnings_and_loaded_blank(dataset, key, value, message):
    parsed = _one_column(dataset, key, [value])
    assert parsed.errors == []
    assert [(w.row, w.value, w.message) for w in parsed.warnings] == [
        (2, str(value), f"{message}. Loaded blank: no measure uses this column")]
    assert column_values(parsed, key) == [None]


def test_unknown_agency_in_a_column_names_the_value_and_every_accepted_name():
    parsed = _one_column("training", "agency", ["Ministry of Magic"], header="Delegate agency")
    (error,) = parsed.errors
    assert (error.column, error.value) == ("Delegate agency", "Ministry of Magic")
    assert error.message.startswith("is not a known agency; accepted: Children's social care, Early help, ")
    for name in agency_names():
        assert name in error.message


def test_submitting_agency_accepts_aliases_and_rejects_unknown_names(store, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", {"Contacts": _contacts(["SYN-1", APRIL_3, "6"])})
    report = load(store, path, agency="met police")
    assert (report.status, report.agency) == ("accepted", "Police")
    assert store.rows("SELECT agency FROM submissions") == [("Police",)]
    assert store.rows("SELECT submitter_agency FROM contacts") == [("Police",)]

    report = load(store, path, agency="Hogwarts")
    assert report.status == "rejected"
    (error,) = report.errors
    assert (error.column, error.value) == ("agency", "Hogwarts")
    assert error.message.startswith("unknown agency 'Hogwarts'; expected one of: Children's social care, ")
    assert all(name in error.message for name in agency_names())
    assert store.scalar("SELECT count(*) FROM submissions") == 1


def test_default_submitting_agency_is_childrens_social_care(store, tmp_path):
    report = load(store, write_xlsx(tmp_path / "c.xlsx", {"Contacts": _contacts(["SYN-1", APRIL_3, "6"])}))
    assert report.agency == "Children's social care"


def test_date_of_birth_becomes_age_at_the_event_and_wins_over_a_given_age():
    # Where date of birth and event date are known, age is worked out from them and the Age
    # column only cross-checked (more than a year apart: a warning); a given age is used only without them.
    rows = [[*CONTACT_HEADERS, "Date of birth", "Age"],
            ["SYN-1", dt.date(2025, 5, 31), "6", None, None, None, dt.date(2015, 6, 1), None],
            ["SYN-2", dt.date(2025, 6, 1), "6", None, None, None, "01/06/2015", None],
            ["SYN-3", dt.date(2025, 6, 1), "6", None, None, None, dt.date(2015, 6, 1), 7],
            ["SYN-4", dt.date(2025, 6, 1), "6", None, None, None, None, None],
            ["SYN-5", dt.date(2025, 6, 1), "6", None, None, None, dt.date(2025, 6, 2), None],
            ["SYN-6", dt.date(2025, 6, 1), "6", None, None, None, None, 7.9],
            ["SYN-7", dt.date(2025, 6, 1), "6", None, None, None, dt.date(2015, 6, 2), 10.2]]
    parsed = parse_rows(rows)
    assert not parsed.errors
    assert column_values(parsed, "age") == [9, 10, 10, None, None, 7, 9]
    assert [(w.row, w.column, w.value) for w in parsed.warnings] == [(4, "Age", "7")]
    assert "date_of_birth" not in parsed.table.column_names


def test_audit_theme_columns_are_judgements_stored_long(store, tmp_path):
    rows = [["Audit ID", "Audit date", "Agency", "Overall grade", "Neglect recognised", "GCP2 used",
             "Voice of the child", "Think family", "Auditor comments"],
            ["A-1", dt.date(2025, 6, 1), "Police", "RI", "Yes", "partly", "N/A", None, "Mr Auditor said ..."],
            ["A-2", dt.date(2025, 6, 2), "MPS", 2, "n", "Not met", "na", "Y", ""]]
    report = load(store, write_xlsx(tmp_path / "audits.xlsx", {"Audits": rows}))
    assert report.status == "accepted", report.errors
    assert report.dropped_columns == ["Auditor comments"]
    assert store.rows("SELECT audit_id, agency, overall_grade FROM audits ORDER BY source_row") == [
        ("A-1", "Police", "Requires improvement"), ("A-2", "Police", "Good")]
    assert store.rows("SELECT source_row, theme, theme_slug, judgement FROM audit_themes ORDER BY 1, 2") == [
        (2, "GCP2 used", "gcp2_used", "Partly"), (2, "Neglect recognised", "neglect_recognised", "Yes"),
        (2, "Voice of the child", "voice_of_the_child", "N/A"),
        (3, "GCP2 used", "gcp2_used", "No"), (3, "Neglect recognised", "neglect_recognised", "No"),
        (3, "Think family", "think_family", "Yes"), (3, "Voice of the child", "voice_of_the_child", "N/A"),
    ]


def test_bad_theme_judgement_is_an_error():
    rows = [["Audit ID", "Audit date", "Agency", "Overall grade", "GCP2 used"],
            ["A-1", dt.date(2025, 6, 1), "Police", "Good", "Sometimes"]]
    parsed = parse_rows(rows)
    assert [(e.row, e.column, e.value, e.message) for e in parsed.errors] == [
        (2, "GCP2 used", "Sometimes", "is not a recognised theme judgement; expected Yes, Partly, No or N/A")]
