"""The upload journey in a real Chromium, through the browser's own file chooser: a valid contacts return is
previewed, its volume confirmed and loaded; an invalid one shows the error table with the sheet row to fix and
cannot be loaded; the file comes back with its problem cells marked; an unrecognised label is mapped to a code and
the file checked again."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import RUN_TIMEOUT_MS, wait_for_run
from tests.spreadsheets import VALID_ROW, dataset_rows, write_xlsx

pytestmark = pytest.mark.browser


def _choose_files(page: Page, *paths: Path) -> None:
    """Click the uploader's "Browse files" button and answer the file chooser that opens, as a person would."""
    dropzone = page.get_by_test_id("stFileUploader").get_by_test_id("stFileUploaderDropzone")
    with page.expect_file_chooser() as chooser:
        dropzone.locator("button").click()  # labelled "Upload" (older Streamlit: "Browse files")
    chooser.value.set_files([str(p) for p in paths])


def _shows(page: Page, wanted) -> None:
    """Wait until ``wanted`` appears or the page shows an exception (then fail with its text)."""
    main = page.get_by_test_id("stMain")
    expect(wanted.or_(main.get_by_test_id("stException")).first).to_be_visible(timeout=RUN_TIMEOUT_MS)
    wait_for_run(page)
    _no_exception(main)
    expect(wanted.first).to_be_visible()


def _no_exception(main) -> None:
    exceptions = main.get_by_test_id("stException")
    assert not exceptions.count(), "the page shows an exception:\n" + "\n---\n".join(exceptions.all_inner_texts())


def _grid_rows(grid) -> list[dict[str, str]]:
    """The rows of an st.dataframe as {column: text}. The grid draws on a canvas but keeps an accessible table of
    the cells it shows in the DOM (role=grid; only the columns in view, so keep the window wide)."""
    table = grid.locator("table[role=grid]")
    expect(table.locator("td").first).to_be_attached()
    headers = table.locator("thead th").all_text_contents()
    return [dict(zip(headers, row.locator("td").all_text_contents())) for row in table.locator("tbody tr").all()]


def test_upload_a_valid_return_and_load_it(open_page, tmp_path: Path) -> None:
    row = dict(VALID_ROW["contacts"], child_key="SYN-BROWSER-001")
    path = write_xlsx(tmp_path / "browser_contacts.xlsx", {"Contacts": dataset_rows("contacts", [row])})
    page = open_page("/upload")

    _choose_files(page, path)
    main = page.get_by_test_id("stMain")
    _shows(page, main.get_by_role("heading", name="browser_contacts.xlsx: ready to load"))
    [sheet] = _grid_rows(main.get_by_test_id("stDataFrame").first)
    assert sheet["Sheet"] == "Contacts", sheet
    assert re.search(r"contact", sheet["Dataset"], re.IGNORECASE), sheet  # the dataset it was recognised as
    assert (sheet["Rows"], sheet["Valid rows"]) == ("1", "1"), sheet
    assert sheet["Dates covered"] == "03/04/2025 to 03/04/2025", sheet
    expect(main.get_by_test_id("stAlertContentError")).to_have_count(0)

    # the demo store holds this agency's earlier quarters: one contact is far below them, so it must be confirmed
    expect(main.get_by_test_id("stAlertContentWarning")).to_contain_text(
        re.compile(r"This return has 1 contact for April to June 2025; Children's social care's last four quarters "
                   r"had a median of [\d,]+\. Is this the whole return\?"))
    expect(main.get_by_role("button", name="Nothing ready to load")).to_be_disabled()
    main.get_by_test_id("stCheckbox").filter(has_text="I have checked this return").locator("label").click()
    load = main.get_by_role("button", name="Load 1 row")
    _shows(page, load)
    expect(load).to_be_enabled()
    load.click()
    _shows(page, main.get_by_test_id("stAlertContentSuccess").or_(main.get_by_test_id("stAlertContentError")))
    expect(main.get_by_test_id("stAlertContentSuccess")).to_have_text(
        re.compile(r"browser_contacts\.xlsx: loaded as submission \d+ \(1 rows\)\."))
    expect(main.get_by_test_id("stAlertContentError")).to_have_count(0)


def test_upload_an_invalid_return_shows_the_row_to_fix(open_page, tmp_path: Path) -> None:
    good = dict(VALID_ROW["contacts"], child_key="SYN-BROWSER-002")
    bad = dict(good, child_key="SYN-BROWSER-003", contact_date="31/02/2025")  # no such date
    path = write_xlsx(tmp_path / "browser_invalid.xlsx", {"Contacts": dataset_rows("contacts", [good, bad])})
    page = open_page("/upload")

    _choose_files(page, path)
    main = page.get_by_test_id("stMain")
    _shows(page, main.get_by_role("heading", name="browser_invalid.xlsx: will not be loaded"))
    expect(main.get_by_test_id("stAlertContentError")).to_contain_text("1 error(s): fix these cells and upload again.")

    [error] = _grid_rows(main.get_by_test_id("stDataFrame").first)  # the errors come first, grouped
    # The header is row 1 of the sheet and the good row row 2, so the bad row is row 3.
    assert {k: error.get(k) for k in ("Column", "Value", "Rows", "First rows")} == {
        "Column": "Contact date", "Value": "31/02/2025", "Rows": "1", "First rows": "3"}, error
    assert "is not a real date" in error["Problem"], error

    expect(main.get_by_role("button", name="Nothing ready to load")).to_be_disabled()


def _mash_export(tmp_path: Path, name: str, label: str, labelled: int) -> Path:
    """``labelled`` contacts whose source is the local ``label``, a contact with an impossible date, two good ones."""
    rows = [dict(VALID_ROW["contacts"], child_key=f"SYN-BRM-{i:03d}", source_code=label) for i in range(labelled)]
    rows.append(dict(VALID_ROW["contacts"], child_key="SYN-BRM-BAD", contact_date="31/02/2025"))
    rows += [dict(VALID_ROW["contacts"], child_key=f"SYN-BRM-OK{i}") for i in range(2)]
    return write_xlsx(tmp_path / name, {"MASH": dataset_rows("contacts", rows)})


def test_download_the_file_back_with_its_problem_cells_marked(open_page, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from loaders.marked import ERROR_FILL

    path = _mash_export(tmp_path, "browser_marked.xlsx", "Social Work Team", 3)
    page = open_page("/upload")
    _choose_files(page, path)
    main = page.get_by_test_id("stMain")
    _shows(page, main.get_by_role("heading", name="browser_marked.xlsx: will not be loaded"))
    with page.expect_download() as download:
        main.get_by_role("button", name="Download your file with the problem cells marked").click()
    assert download.value.suggested_filename == "browser_marked_marked.xlsx"
    saved = tmp_path / "downloaded.xlsx"
    download.value.save_as(saved)

    sheet = load_workbook(saved)["MASH"]
    # headers in row 1: contacts 2-4 carry the label (column C, the source), row 5 the impossible date (column B)
    marked = {cell.coordinate: cell.comment.text for row in sheet.iter_rows() for cell in row
              if cell.fill.fill_type == "solid" and cell.fill.start_color.rgb == ERROR_FILL.start_color.rgb}
    assert sorted(marked) == ["B5", "C2", "C3", "C4"], marked
    assert marked["B5"].startswith("Error ('Contact date'): is not a real date; expected a date")
    assert [[c.value for c in row] for row in sheet.iter_rows(max_row=1)] == [
        ["Child ID", "Contact date", "Contact source", "MASH decision date", "MASH outcome", "Neglect identified"]]
    _no_exception(main)


def test_map_an_unrecognised_label_and_the_file_is_checked_again(open_page, tmp_path: Path) -> None:
    path = _mash_export(tmp_path, "browser_mapping.xlsx", "Childrens Services Dept", 4)
    page = open_page("/upload")
    _choose_files(page, path)
    main = page.get_by_test_id("stMain")
    _shows(page, main.get_by_role("heading", name="browser_mapping.xlsx: will not be loaded"))
    expect(main.get_by_test_id("stAlertContentError")).to_contain_text("5 error(s)")

    main.get_by_test_id("stSelectbox").filter(has_text="'Childrens Services Dept' in Contact source (4 rows)").click()
    page.get_by_role("option", name="5A (LA services: social care)").click()
    main.get_by_role("button", name="Save the mappings and check the file again").click()
    _shows(page, main.get_by_test_id("stAlertContentSuccess"))
    expect(main.get_by_test_id("stAlertContentSuccess").first).to_have_text(
        re.compile(r"'Childrens Services Dept' in Contact source is read as 5A from now on \(mapping \d+\)\."))
    # checked again with the mapping: only the impossible date is left
    expect(main.get_by_test_id("stAlertContentError")).to_contain_text("1 error(s)")
    expect(main.get_by_text("Value mappings applied: 'Childrens Services Dept' read as 5A (4 cells)")).to_be_visible()
    main.get_by_test_id("stCheckbox").filter(has_text="Skip the 1 row with errors").locator("label").click()
    wait_for_run(page)
    main.get_by_test_id("stCheckbox").filter(has_text="I have checked this return").locator("label").click()
    load = main.get_by_role("button", name="Load 6 valid rows, skip 1")
    _shows(page, load)
    load.click()
    _shows(page, main.get_by_text(re.compile(r"browser_mapping\.xlsx: loaded as submission \d+ \(6 rows\)\.")))
    expect(main.get_by_role("button", name="Nothing ready to load")).to_be_disabled()
