"""The ingest's speed-minded steps keep their results: ages worked out once per distinct date (``loaders.parse``),
and a file prepared for the Upload page keeps none of its raw rows until it is committed."""

from __future__ import annotations

import datetime as dt

from loader_helpers import column_values, parse_rows

import loaders.submit
from loaders.submit import prepare, pseudonymiser_for
from tests.spreadsheets import CONTACT_HEADERS, write_xlsx


def test_ages_around_leap_day_birthdays_and_year_ends():
    rows = [[*CONTACT_HEADERS, "Date of birth"],
            ["SYN-1", dt.date(2025, 2, 28), "6", None, None, None, dt.date(2016, 2, 29)],  # day before: 8
            ["SYN-2", dt.date(2025, 3, 1), "6", None, None, None, dt.date(2016, 2, 29)],  # after: 9
            ["SYN-3", dt.date(2024, 2, 29), "6", None, None, None, dt.datetime(2016, 2, 29, 13, 5)],  # on it: 8
            ["SYN-4", dt.date(2025, 12, 31), "6", None, None, None, dt.date(2015, 1, 1)],  # 10
            ["SYN-5", dt.date(2025, 1, 1), "6", None, None, None, dt.date(2015, 12, 31)],  # 9
            ["SYN-6", dt.date(2025, 1, 1), "6", None, None, None, dt.date(2025, 1, 1)]]  # born that day: 0
    parsed = parse_rows(rows)
    assert not parsed.errors
    assert column_values(parsed, "age") == [8, 9, 8, 10, 9, 0]


def test_a_prepared_file_keeps_nothing_raw_and_commits_later(store, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", {"Contacts": [CONTACT_HEADERS, ["SYN-1", dt.date(2025, 4, 3), "6"]]})
    prepared = prepare(path, pseudonymiser_for(store))
    assert prepared.loadable and not hasattr(prepared, "rows")
    report = loaders.submit.commit(store, prepared, uploaded_by="test")
    assert report.status == "accepted" and store.rows("SELECT count(*) FROM contacts") == [(1,)]
