"""The upload journey in a real Chromium, through the browser's own file chooser: a valid contacts return is
previewed and loaded; an invalid one shows the error table with the sheet row to fix and cannot be loaded."""

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

    load = main.get_by_role("button", name="Load 1 file(s)")
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

    [error] = _grid_rows(main.get_by_test_id("stDataFrame").nth(1))  # after the sheet table
    # The header is row 1 of the sheet and the good row row 2, so the bad row is row 3.
    assert {k: error.get(k) for k in ("Sheet", "Row", "Column", "Value")} == {
        "Sheet": "Contacts", "Row": "3", "Column": "Contact date", "Value": "31/02/2025"}, error
    assert "is not a real date" in error["Message"], error

    expect(main.get_by_role("button", name="Load 0 file(s)")).to_be_disabled()
