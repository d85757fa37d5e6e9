"""Working days: Monday to Friday, less England and Wales bank holidays.

The ``holidays`` package supplies the bank holidays; they become a VALUES list so that the
first working day after a date is looked up in SQL, by joining on the date, not computed per row.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

# Longest run of non-working days after a date (Christmas and Boxing Day around a weekend, with slack).
_TAIL_DAYS = 14


@lru_cache(maxsize=64)
def bank_holidays(first_year: int, last_year: int) -> tuple[dt.date, ...]:
    """England and Wales bank holidays in the calendar years ``first_year`` to ``last_year``."""
    found = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return tuple(sorted(found))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year, day.year)


def next_working_day(day: dt.date) -> dt.date:
    """The first working day after ``day`` (Python twin of the SQL, for tests and explanations)."""
    candidate = day + dt.timedelta(days=1)
    while not is_working_day(candidate):
        candidate += dt.timedelta(days=1)
    return candidate


def next_working_day_sql(first: dt.date, last: dt.date) -> str:
    """A SELECT giving ``day, next_working_day`` for every date from ``first`` to ``last``.

    ``next_working_day`` is the first working day strictly after ``day``; join it on the date.
    """
    end = last + dt.timedelta(days=_TAIL_DAYS)
    days = bank_holidays(first.year, end.year)
    holiday_list = ", ".join(f"DATE '{d.isoformat()}'" for d in days) or "NULL"
    return f"""
        SELECT day, min(CASE WHEN working THEN day END) OVER (
                   ORDER BY day ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_working_day
        FROM (
            SELECT CAST(d AS DATE) AS day,
                   isodow(d) <= 5 AND CAST(d AS DATE) NOT IN ({holiday_list}) AS working
            FROM generate_series(DATE '{first.isoformat()}', DATE '{end.isoformat()}', INTERVAL 1 DAY) AS t(d)
        )
    """


def working_days_after(start: dt.date, end: dt.date) -> int:
    """How many working days fall after ``start`` up to and including ``end`` (Python twin of
    ``working_day_index_sql``): an assessment started on a Monday and authorised on the Friday took 4."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count


def working_day_index_sql(first: dt.date, last: dt.date) -> str:
    """A SELECT giving ``day, wd`` for every date from ``first`` to ``last``: ``wd`` counts the working days
    from ``first`` up to and including ``day``, so ``wd(end) - wd(start)`` is ``working_days_after(start, end)``
    (a non-working end day counts as the working day before it). Join it twice, on each date."""
    days = bank_holidays(first.year, last.year)
    holiday_list = ", ".join(f"DATE '{d.isoformat()}'" for d in days) or "NULL"
    return f"""
        SELECT CAST(d AS DATE) AS day,
               sum(CASE WHEN isodow(d) <= 5 AND CAST(d AS DATE) NOT IN ({holiday_list}) THEN 1 ELSE 0 END)
                   OVER (ORDER BY d ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS wd
        FROM generate_series(DATE '{first.isoformat()}', DATE '{last.isoformat()}', INTERVAL 1 DAY) AS t(d)
    """
