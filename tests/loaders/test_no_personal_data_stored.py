"""Nothing that comes from a cell, a data row taken for headers or a sheet name is ever stored.

Every kind of rejection, error and warning the loaders produce is provoked with a real file holding planted
strings (a name, an e-mail address, a postcode, an NHS-like number, a phone number, an identifier, sheet names,
dates). The file goes through the real ``load_file`` into a real DuckDB file, whole and with skip-invalid-rows;
then every column of every table, and the database file's bytes after a checkpoint, must hold none of them —
while the report shown to the person uploading still quotes them, so the message stays useful.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from loader_helpers import load

from loaders.read import Limits
from loaders.report import LoadReport
from loaders.store import Store
from tests.spreadsheets import CONTACT_HEADERS, OLE_BYTES, sheet_xml, write_csv, write_raw_xlsx, write_xlsx

D = dt.date
NAME = "Zqxname Plantedsurname"
EMAIL = "planted@example.invalid"
POSTCODE = "ZZ99 9ZZ"
NHS = "9990001112"
PHONE = "07700 900999"
CHILD = "PLANTEDID-7731"
SHEET = "Zqxsheet Plantedname"
SHEET_2 = "Zqxsheet Secondplanted"
TOO_EARLY, FUTURE, CONTACTED, DECIDED = "17/03/1911", "17/03/2091", "13/02/2025", "11/02/2025"
PERSON = [CHILD, NAME, EMAIL, POSTCODE, NHS, PHONE]  # a data row: what a header-less file starts with
TOKENS = ["Zqxname", "Plantedsurname", "planted@example", POSTCODE, NHS, PHONE, "PLANTEDID", "Zqxsheet",
          "Plantedname", "Secondplanted", TOO_EARLY, FUTURE, CONTACTED, DECIDED]
CONTROL = "ctrlmarker"  # in every file name, which is stored on purpose: proves each scan sees stored text
GOOD = ["SYN-OK-1", D(2025, 4, 3), "6", D(2025, 4, 4), "Referral", "Yes"]
GOOD_2 = ["SYN-OK-2", D(2025, 4, 5), "4", None, None, None]


@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[Path], Path]
    status: str | None  # loading the whole file; None where another helper's change decides (CSV faults)
    skipping: str | None  # with skip-invalid-rows
    shown: tuple[str, ...] = ()  # planted strings the person uploading must still see
    load_kwargs: dict = field(default_factory=dict)
    loaded_before_as: str | None = None  # load the same file first under this agency


def _xlsx(sheets: dict[str, list]) -> Callable[[Path], Path]:
    return lambda folder: write_xlsx(folder / f"{CONTROL}.xlsx", sheets)


def _raw(name: str, xml: str) -> Callable[[Path], Path]:
    return lambda folder: write_raw_xlsx(folder / f"{CONTROL}.xlsx", {name: xml})


def _bytes(suffix: str, data: bytes) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / f"{CONTROL}{suffix}"
        path.write_bytes(data)
        return path
    return build


def _docx(folder: Path) -> Path:
    path = folder / f"{CONTROL}.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f"<document><body>{NAME}, {EMAIL}</body></document>")
    return path


def _contacts_csv(text: str, encoding: str = "utf-8") -> Callable[[Path], Path]:
    header = "Child ID,Contact date,Contact source,Child name,Referrer email\n"
    good = "".join(f"SYN-OK-{i},03/04/2025,6,,\n" for i in range(400))  # past the first 8 KB
    return _bytes(".csv", (header + good).encode() + text.encode(encoding, errors="surrogateescape"))


CONTACT_CELL_ERRORS = [
    CONTACT_HEADERS, GOOD,
    [CHILD, NAME, "6"], [CHILD + "b", TOO_EARLY, "6"], [CHILD + "c", FUTURE, "6"],  # dates: not one, too old, future
    [CHILD + "d", D(2025, 4, 3), EMAIL, None, POSTCODE, PHONE],  # source, outcome and neglect codes
    [CHILD + "e", None, "6", None, None, NHS],  # blank required date
    [CHILD + "f", CONTACTED, "6", DECIDED, "NFA", "No"],  # decided before the contact
]
CASES = [
    Case("header-less CSV", lambda folder: write_csv(folder / f"{CONTROL}.csv", [PERSON, PERSON[::-1]]),
         "rejected", "rejected", (NAME, EMAIL, POSTCODE, NHS, PHONE, CHILD)),
    Case("header-less sheet with a planted name", _xlsx({SHEET: [PERSON, PERSON]}),
         "rejected", "rejected", (SHEET, NAME, EMAIL)),
    Case("missing required column; headers found include data", _xlsx({
        SHEET: [["Child ID", "Contact date", NAME, EMAIL], [CHILD, D(2025, 4, 3), "x", "y"]]}),
         "rejected", "rejected", (SHEET, NAME, EMAIL)),
    Case("headers but no data rows", _xlsx({SHEET: [[*CONTACT_HEADERS, NAME]]}), "rejected", "rejected", (SHEET,)),
    Case("contacts: invalid dates, codes, blanks, decision before contact", _xlsx({SHEET: CONTACT_CELL_ERRORS}),
         "rejected", "accepted", (SHEET, NAME, TOO_EARLY, FUTURE, EMAIL, POSTCODE, PHONE, CONTACTED, DECIDED)),
    # Descriptive columns (no measure reads them): the file loads, and the warnings stored with it hold no value.
    Case("referrals: invalid whole number and age", _xlsx({SHEET: [
        ["Child ID", "Referral date", "Referral source", "Referrals in last 12 months", "Age"],
        ["SYN-OK-1", D(2025, 4, 7), "6", 1, 9], [CHILD, D(2025, 4, 7), "6", PHONE, NHS]]}),
         "accepted", "accepted", (SHEET, PHONE, NHS)),
    Case("training: unknown agency in a cell, attendance, score", _xlsx({SHEET: [
        ["Session date", "Course", "Agency", "Attended", "Pre-course confidence", "Delegate ID"],
        [D(2025, 5, 20), "Neglect basics", "Health", "Yes", 2, "delegate1@example.org"],
        [D(2025, 5, 20), "Neglect basics", NAME, POSTCODE, EMAIL, CHILD]]}),
         "rejected", "accepted", (SHEET, NAME, POSTCODE, EMAIL)),
    Case("actions: lead agency, number, period, status", _xlsx({SHEET: [
        ["Action ID", "Priority area", "Action", "Lead agency", "Baseline", "Due period", "Status"],
        ["1.1", "Workforce", "Train staff", "Health", 72, "2026-27 Q2", "In progress"],
        ["1.2", "Workforce", "Train more staff", NAME, NHS + "x", POSTCODE, PHONE]]}),
         "rejected", "accepted", (SHEET, NAME, NHS, POSTCODE, PHONE)),
    Case("audits: grade and theme judgement", _xlsx({SHEET: [
        ["Audit ID", "Audit date", "Agency", "Overall grade", "Neglect recognised"],
        ["A-1", D(2025, 6, 15), "Police", "Good", "Yes"], ["A-2", D(2025, 6, 15), "Police", EMAIL, NAME]]}),
         "rejected", "accepted", (SHEET, EMAIL, NAME)),
    Case("repeated rows warning", _xlsx({SHEET: [CONTACT_HEADERS, GOOD, GOOD, GOOD_2]}),
         "accepted", "accepted", (SHEET,)),
    Case("repeated header warning", _xlsx({SHEET: [["Child ID", "Contact date", "Contact source", "Source"],
                                                   ["SYN-OK-1", D(2025, 4, 3), "6", "4"]]}),
         "accepted", "accepted", (SHEET,)),
    Case("several sheets hold one dataset", _xlsx({SHEET: [CONTACT_HEADERS, GOOD], SHEET_2: [CONTACT_HEADERS, GOOD_2]}),
         "accepted", "accepted", (SHEET, SHEET_2)),
    Case("unrecognised sheet beside a good one", _xlsx({"Contacts": [CONTACT_HEADERS, GOOD],
                                                        SHEET: [PERSON, PERSON]}),
         "accepted", "accepted", (SHEET,)),
    Case("personal columns dropped", _xlsx({SHEET: [
        [*CONTACT_HEADERS[:3], "Child name", "Postcode", "NHS number", "Phone", "Referrer email"],
        [CHILD, D(2025, 4, 3), "6", NAME, POSTCODE, NHS, PHONE, EMAIL]]}), "accepted", "accepted", (SHEET,)),
    Case("unknown agency chosen", _xlsx({SHEET: [CONTACT_HEADERS, GOOD]}), "rejected", "rejected", (NAME,),
         load_kwargs={"agency": NAME}),
    Case("already loaded for another agency", _xlsx({SHEET: [CONTACT_HEADERS, GOOD]}), "rejected", "rejected",
         load_kwargs={"agency": "Health"}, loaded_before_as="Police"),
    Case("refused: more rows than allowed in a named sheet",
         _raw(SHEET, sheet_xml([CONTACT_HEADERS, *[[f"{CHILD}-{i}", D(2025, 4, 3), "6"] for i in range(40)]])),
         "rejected", "rejected", load_kwargs={"limits": Limits(max_rows=10)}),
    Case("refused: a named sheet that cannot be read",
         _raw(SHEET, sheet_xml([CONTACT_HEADERS, [CHILD, NAME, "6"]]).replace("</sheetData>", "<row>")),
         "rejected", "rejected"),
    Case("refused: XML entities in a named sheet",
         _raw(SHEET, sheet_xml([CONTACT_HEADERS, [CHILD, "&a;", "6"]], prolog=f'<!DOCTYPE x [<!ENTITY a "{NAME}">]>')),
         "rejected", "rejected"),
    Case("refused: a Word document", _docx, "rejected", "rejected"),
    Case("refused: old format or password", _bytes(".xlsx", OLE_BYTES + NAME.encode()), "rejected", "rejected"),
    Case("refused: a web page", _bytes(".csv", f"<html><body>{NAME} {EMAIL}</body></html>".encode()),
         "rejected", "rejected"),
    Case("CSV: unclosed quote", _contacts_csv(f'"{CHILD},03/04/2025,6,{NAME},{EMAIL}\n{NAME},x,y\n'), None, None),
    Case("CSV: NUL byte past the first 8 KB", _contacts_csv(f"{CHILD},03/04/2025,6,{NAME}\x00,{EMAIL}\n"), None, None),
    Case("CSV: undecodable byte", _contacts_csv(f"{CHILD},03/04/2025,6,{NAME}\udc81,{EMAIL}\n"), None, None),
]


def _shown(report: LoadReport) -> str:
    """Everything the person uploading sees of the report: on the Upload page or in the CLI's output."""
    issues = [str(issue) for issue in (*report.errors, *report.warnings)]
    return "\n".join([*issues, *(s.sheet for s in report.sheets), *report.sheets_not_used, report.message])


def _hits_in_tables(store: Store, tokens: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, value) for every value of every column of every table, cast to text, that holds a token.

    One case-insensitive pattern of all the tokens per column: the same test as ``ILIKE '%token%'`` for each,
    fifteen times faster."""
    pattern = "(?i)" + "|".join(re.escape(token) for token in tokens)
    hits = []
    for table, column in store.rows("""SELECT table_name, column_name FROM information_schema.columns
                                       WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"""):
        text = f'CAST("{column}" AS VARCHAR)'
        found = store.rows(f'SELECT DISTINCT {text} FROM "{table}" WHERE regexp_matches({text}, ?)', [pattern])
        hits.extend((table, column, value) for (value,) in found)
    return hits


@pytest.mark.parametrize("skip", [False, True], ids=["whole file", "skip invalid rows"])
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_nothing_from_a_cell_or_a_sheet_name_is_stored(tmp_path, case, skip):
    path = case.build(tmp_path)
    db = tmp_path / "planted" / "store.duckdb"
    with Store(db) as store:
        if case.loaded_before_as:
            assert load(store, path, agency=case.loaded_before_as).status == "accepted"
        report = load(store, path, skip_invalid_rows=skip, **case.load_kwargs)
        expected = case.skipping if skip else case.status
        assert report.status == (expected or report.status), _shown(report)
        shown = _shown(report)
        assert [token for token in case.shown if token not in shown] == [], shown
        assert _hits_in_tables(store, [CONTROL]), "the scan sees the stored file name"
        assert _hits_in_tables(store, TOKENS) == []
        store.con.execute("CHECKPOINT")
    data = b"".join(p.read_bytes() for p in db.parent.iterdir() if p.name.startswith(db.name))
    assert CONTROL.encode() in data  # the byte scan sees plain stored text
    leaked = [token for token in TOKENS for text in {token, token.lower()}
              if text.encode() in data or text.encode("utf-16-le") in data]
    assert leaked == []


def test_a_header_less_csv_leaves_only_where_and_what_in_the_logs(tmp_path):
    """The case that started it: the stored lines say which file and what kind of problem, nothing more."""
    path = write_csv(tmp_path / "children.csv", [PERSON, PERSON])
    with Store(tmp_path / "store.duckdb") as store:
        report = load(store, path)
        assert "Headers found — 'children.csv': " + ", ".join(PERSON) in report.errors[0].message
        expected = ("children.csv: no sheet matches a dataset (contacts, referrals, cp_plans, training, audits, "
                    "actions); 1 sheet looked at")
        assert store.rows("SELECT first_error FROM upload_log") == [(expected,)]
        assert store.rows("SELECT detail FROM audit_log") == [
            (f"children.csv: no dataset; 0 rows loaded; 1 error(s), first: {expected}",)]


def test_stored_sheet_is_its_position_and_stored_column_is_as_declared(tmp_path):
    rows = [["child unique ID", "DATE of  Contact", "Contact Source"], ["SYN-1", D(2025, 4, 3), "6"],
            ["SYN-2", "32/04/2025", "6"]]
    path = write_xlsx(tmp_path / "q1.xlsx", {"Read me": [["notes"]], SHEET: rows})
    with Store(tmp_path / "store.duckdb") as store:
        report = load(store, path, skip_invalid_rows=True)
        assert report.status == "accepted"
        (error,) = report.errors
        assert str(error) == (f"sheet '{SHEET}', row 3, column 'DATE of Contact': value '32/04/2025': "
                              "is not a real date; expected a date such as 03/04/2025 or 2025-04-03")
        assert error.stored() == ("sheet 2, row 3, column B ('Contact date'): is not a real date; "
                                  "expected a date such as 03/04/2025 or 2025-04-03")
        assert store.rows("SELECT first_error FROM upload_log") == [(error.stored(),)]
        assert store.rows("SELECT sheet FROM submission_parts") == [("Sheet 2",)]
        assert store.rows("SELECT sheet, source_row FROM contacts") == [("Sheet 2", 2)]


def test_an_issue_made_without_a_kind_is_stored_withheld():
    from loaders.report import Issue

    issue = Issue(SHEET, 4, "Child name", NAME, f"{NAME} looks odd", sheet_number=2)
    assert NAME in str(issue)
    assert issue.stored() == "sheet 2, row 4: a problem whose details were shown only to the person uploading"


def test_a_refusal_quoting_a_name_is_stored_without_it(tmp_path, monkeypatch):
    """Second guard: were read.py ever to quote a sheet's name in a refusal, the stored line would not."""
    import loaders.submit
    from loaders.read import FileRejected

    def refuse(*args, **kwargs):
        raise FileRejected(f"sheet '{SHEET}' cannot be read; save it again as \"CSV UTF-8\"")

    monkeypatch.setattr(loaders.submit, "read_sheets", refuse)
    with Store(tmp_path / "store.duckdb") as store:
        report = load(store, write_csv(tmp_path / "c.csv", [["a"]]))
        assert SHEET in report.errors[0].message
        assert store.rows("SELECT first_error FROM upload_log") == [
            ('c.csv: sheet (withheld) cannot be read; save it again as "CSV UTF-8"',)]
        assert _hits_in_tables(store, TOKENS) == []


def test_a_store_from_before_withholds_file_text_it_had_logged(tmp_path, monkeypatch):
    """A version-3 store (before this rule) that logged a quoted cell and sheet names: upgrading withholds them
    before the audit trail is chained, keeps each submission's sheets apart, and leaves the chain intact."""
    import loaders.store
    from loaders.audit import verify_chain
    from loaders.store import EARLIER_LOG_TEXT, MIGRATIONS

    db = tmp_path / "v3.duckdb"
    monkeypatch.setattr(loaders.store, "MIGRATIONS", MIGRATIONS[:3])
    with Store(db) as old:
        assert old.schema_version == 3
        leaked = f"sheet '{SHEET}', row 2: value '{NAME}': is not a date"
        old.con.execute("INSERT INTO upload_log VALUES (1, now()::TIMESTAMP, 'q1.xlsx', 'ab', 'Police', 'a', "
                        "'rejected', NULL, ['contacts'], 1, ?)", [leaked])
        old.con.execute("INSERT INTO submissions VALUES (1, 'q2.xlsx', 'cd', 'Police', 'a', now()::TIMESTAMP, "
                        "['contacts'], NULL, NULL, 2, 2, 0, false, ?, NULL, NULL)", [f'["{leaked}", "x"]'])
        for sheet in (SHEET, SHEET_2):
            old.con.execute("INSERT INTO submission_parts VALUES (1, 'contacts', ?, NULL, NULL, 1, 1, 0)", [sheet])
            old.con.execute("INSERT INTO contacts (submission_id, sheet, source_row, submitter_agency, contact_date,"
                            " source_code) VALUES (1, ?, 2, 'Police', DATE '2025-04-03', '6')", [sheet])
        old.con.execute("INSERT INTO audit_log (audit_id, who, action, target, outcome, detail) VALUES "
                        "(1, 'a', 'upload', 'q1.xlsx', 'rejected', ?)",
                        [f"q1.xlsx: contacts; 0 rows loaded; 1 error(s), first: {leaked}"])
        old.con.execute("SELECT setval('audit_id_seq', 1)")
    monkeypatch.undo()
    with Store(db) as store:
        assert _hits_in_tables(store, TOKENS) == []
        assert store.rows("SELECT first_error FROM upload_log") == [(EARLIER_LOG_TEXT,)]
        assert store.rows("SELECT detail FROM audit_log") == [
            (f"q1.xlsx: contacts; 0 rows loaded; 1 error(s), first: {EARLIER_LOG_TEXT}",)]
        assert store.scalar("SELECT json_array_length(warnings) FROM submissions") == 2
        assert store.rows("SELECT sheet FROM submission_parts ORDER BY sheet") == [("Sheet 1",), ("Sheet 2",)]
        assert store.rows("SELECT count(DISTINCT sheet) FROM contacts") == [(2,)]
        assert verify_chain(store).intact
