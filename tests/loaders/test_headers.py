"""Header recognition: every alias of every dataset, spelling variations, header row position, sheets."""

from __future__ import annotations

import datetime as dt

import pytest
from loader_helpers import column_values, count, fake_hash, load, parse_rows, sample_value

from loaders.convert import converter_for
from loaders.datasets import DATASETS
from loaders.parse import recognise
from loaders.read import RawSheet
from loaders.text import normalise_key
from tests.spreadsheets import CONTACT_HEADERS, VALID_ROW, dataset_rows, write_xlsx

ALIASES = [
    pytest.param(name, column.key, spelling, id=f"{name}-{column.key}-{spelling}")
    for name, dataset in DATASETS.items()
    for column in dataset.columns
    for spelling in dict.fromkeys((column.header, column.key, *column.aliases))
]


def _variants(spelling: str) -> list[str]:
    return [
        spelling,
        spelling.upper(),
        spelling.lower(),
        "  " + spelling.replace(" ", "\u00a0 ") + " ",
        spelling.replace(" ", "   ") + "?",
        "(" + spelling + "):",
        spelling.replace(" ", " - "),
    ]


def _expected(name: str, key: str, value: object) -> object:
    column = DATASETS[name].column(key)
    converted = converter_for(column)(value)
    return fake_hash(converted) if column.kind == "id" else converted


def test_every_alias_belongs_to_one_column_of_its_dataset():
    for dataset in DATASETS.values():
        owners: dict[str, str] = {}
        for column in dataset.columns:
            for key in column.match_keys:
                assert owners.setdefault(key, column.key) == column.key, (dataset.name, key)


@pytest.mark.parametrize(("name", "key", "spelling"), ALIASES)
def test_every_alias_is_recognised_in_every_spelling(name: str, key: str, spelling: str):
    dataset = DATASETS[name]
    row = dict(VALID_ROW[name])
    row[key] = sample_value(name, dataset.column(key))
    for header in _variants(spelling):
        rows = dataset_rows(name, [row], headers={key: header})
        parsed = parse_rows(rows)
        assert parsed.dataset.name == name, header
        assert not parsed.errors, (header, parsed.errors)
        written = " ".join(header.replace("\u00a0", " ").split())
        assert parsed.summary.columns_mapped[written] == dataset.column(key).header, header
        if dataset.column(key).stored:
            assert column_values(parsed, key) == [_expected(name, key, row[key])], header


def test_date_of_birth_alias_gives_age_not_a_stored_column():
    row = {**VALID_ROW["contacts"], "date_of_birth": dt.date(2015, 4, 4)}
    parsed = parse_rows(dataset_rows("contacts", [row], headers={"date_of_birth": "D.O.B."}))
    assert parsed.summary.columns_mapped["D.O.B."] == "Date of birth"
    assert "date_of_birth" not in parsed.table.column_names
    assert column_values(parsed, "age") == [9]  # 3 April 2025, the day before the tenth birthday


def test_header_row_found_below_title_rows_up_to_row_20():
    titles = [["Borough MASH contacts return"], [], ["Period: 2025-26 Q1", None, "Produced by the MASH"]]
    titles += [[f"note {i}"] for i in range(len(titles), 19)]
    assert len(titles) == 19
    rows = [*titles, CONTACT_HEADERS, ["SYN-1", dt.date(2025, 4, 3), "6", None, None, None]]
    parsed = parse_rows(rows)
    assert parsed.summary.header_row == 20
    assert column_values(parsed, "source_row") == [21]


def test_header_row_below_row_20_is_not_searched():
    rows = [[f"title {i}"] for i in range(20)] + [CONTACT_HEADERS, ["SYN-1", dt.date(2025, 4, 3), "6"]]
    assert recognise(RawSheet("Sheet1", rows)) is None


def test_a_title_row_with_one_known_word_is_not_taken_for_the_header():
    rows = [["Contact date"], ["Child ID"], CONTACT_HEADERS, ["SYN-1", dt.date(2025, 4, 3), "6"]]
    assert parse_rows(rows).summary.header_row == 3


def test_sheets_recognised_by_headers_not_names_and_unused_sheets_listed(store, tmp_path):
    path = write_xlsx(tmp_path / "return.xlsx", {
        "Read me": [["This workbook holds the quarter's return"], ["Contact the MASH with questions"]],
        "Referrals": [CONTACT_HEADERS, ["SYN-1", dt.date(2025, 4, 3), "6", None, None, None]],
        "Sheet3": dataset_rows("referrals", [VALID_ROW["referrals"]]),
        "Lookups": [["Code", "Meaning"], ["6", "Police"]],
    })
    report = load(store, path)
    assert report.status == "accepted", report.errors
    assert [(s.sheet, s.dataset) for s in report.sheets] == [("Referrals", "contacts"), ("Sheet3", "referrals")]
    assert report.sheets_not_used == ["Read me", "Lookups"]
    assert report.datasets == ["contacts", "referrals"]
    assert count(store, "contacts") == 1 and count(store, "referrals") == 1


def test_unknown_columns_are_listed_as_not_used_and_not_stored():
    rows = [[*CONTACT_HEADERS, "Team", "Locality"], ["SYN-1", dt.date(2025, 4, 3), "6", None, None, None, "MASH A", "North"]]
    parsed = parse_rows(rows)
    assert parsed.summary.columns_not_used == ["Team", "Locality"]
    assert "Team" not in parsed.table.column_names


def test_repeated_column_uses_the_first_and_warns():
    rows = [["Child ID", "Date of Contact", "Contact date", "Contact Source"],
            ["SYN-1", dt.date(2025, 4, 3), dt.date(2025, 5, 1), "6"]]
    parsed = parse_rows(rows)
    assert column_values(parsed, "contact_date") == [dt.date(2025, 4, 3)]
    assert parsed.summary.columns_not_used == ["Contact date"]
    assert [w.message for w in parsed.warnings] == [
        "column 'Contact date' repeats 'Date of Contact' (Contact date); the first is used"]


def test_header_matching_ignores_case_punctuation_and_spacing():
    assert normalise_key("  Neglect\u00a0 identified? ") == normalise_key("neglect identified")
    assert normalise_key("Age of Child (Years)") == normalise_key("AGE OF CHILD YEARS")
    assert normalise_key("Follow-up confidence") == normalise_key("follow up confidence")


@pytest.mark.parametrize(("rows", "dataset", "missing"), [
    ([["Course date", "Course title", "Delegate agency", "Role"]], "training", ["Attended"]),
    ([["Audit ID", "Audit date", "Agency", "GCP2 used"]], "audits", ["Overall grade"]),
    ([["Child Unique ID", "Date of Contact", "Gender"]], "contacts", ["Contact source"]),
])
def test_a_sheet_missing_a_signature_column_is_told_which_required_column_is_missing(rows, dataset, missing):
    recognition = recognise(RawSheet("Sheet1", rows))
    assert recognition is not None
    assert recognition.dataset.name == dataset
    assert [c.header for c in recognition.missing] == missing


def test_annex_a_lists_without_a_loaded_dataset_are_not_near_misses():
    list_2 = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
              "Assessment start date", "Assessment completion date", "Organisation completing assessment"]
    assert recognise(RawSheet("List 2", [list_2])) is None
