import datetime as dt

from metrics.workdays import bank_holidays, next_working_day, next_working_day_sql

D = dt.date


def test_bank_holidays_are_england_and_wales():
    days = bank_holidays(2025, 2025)
    assert D(2025, 4, 18) in days and D(2025, 4, 21) in days  # Good Friday, Easter Monday
    assert D(2025, 8, 25) in days  # summer bank holiday (England, not Scotland's August date)
    assert D(2025, 8, 4) not in days


def test_next_working_day_python():
    assert next_working_day(D(2025, 4, 5)) == D(2025, 4, 7)  # Saturday -> Monday
    assert next_working_day(D(2025, 4, 7)) == D(2025, 4, 8)  # Monday -> Tuesday
    assert next_working_day(D(2025, 4, 17)) == D(2025, 4, 22)  # Thursday before Easter -> Tuesday
    assert next_working_day(D(2025, 12, 24)) == D(2025, 12, 29)


def test_sql_lookup_matches_python(store):
    first, last = D(2024, 12, 1), D(2026, 1, 31)
    rows = store.rows(f"SELECT day, next_working_day FROM ({next_working_day_sql(first, last)}) "
                      "WHERE day <= ? ORDER BY day", [last])
    assert rows[0][0] == first and rows[-1][0] == last
    assert all(nwd == next_working_day(day) for day, nwd in rows)
