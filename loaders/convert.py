"""Turn one raw cell value into a clean value of a column's kind, or say why it cannot be.

Converters work on a single value; :mod:`loaders.parse` calls them once per distinct value
in a column, so a 200,000-row sheet with a few hundred distinct dates costs a few hundred calls.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable

from loaders import codes
from loaders.agencies import agency_names, match_agency
from loaders.datasets import Column
from loaders.periods import Quarter
from loaders.text import clean_cell_text

EARLIEST = dt.date(1990, 1, 1)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$")
_UK = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]m)?)?$",
                 re.IGNORECASE)
_WORDY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([a-z]{3,9})\.?[\s\-,]+(\d{2}|\d{4})$", re.IGNORECASE)
_LEADING_INT = re.compile(r"^\s*(\d+)(?:\.0+)?\s*(?:[-–:)].*|[a-z].*)?$", re.IGNORECASE)


class Invalid(ValueError):
    """A value that does not fit its column; the message says what was expected.

    The message never quotes the value (the issue carries it apart, for the person uploading): it is
    stored in the upload log and the audit trail, where nothing from a cell may go."""


def _year(text: str) -> int:
    """Two-digit years as Excel reads them: 00-29 are 2000-2029, 30-99 are 1930-1999."""
    year = int(text)
    if year >= 100:
        return year
    return year + (2000 if year < 30 else 1900)


def parse_date(value: object, today: dt.date | None = None) -> dt.date:
    """Excel dates, ISO text and UK day-first text (``03/04/2025`` is 3 April); never month-first."""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, bool):
        raise Invalid("is not a date")
    elif isinstance(value, (int, float)):
        if not 1 <= value < 2958466:
            raise Invalid("is not a date")
        day = _EXCEL_EPOCH + dt.timedelta(days=int(value))
    else:
        day = _parse_date_text(clean_cell_text(str(value)))
    if day < EARLIEST:
        raise Invalid("is before 1990")
    if day > (today or dt.date.today()):
        raise Invalid("is in the future")
    return day


def _parse_date_text(text: str) -> dt.date:
    try:
        if match := _ISO.match(text):
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        if match := _UK.match(text):
            return dt.date(_year(match[3]), int(match[2]), int(match[1]))
        if match := _WORDY.match(text):
            month = _MONTHS.get(match[2][:3].lower())
            if month:
                return dt.date(_year(match[3]), month, int(match[1]))
    except ValueError:
        raise Invalid("is not a real date") from None
    raise Invalid("is not a date")


def _whole_number(value: object) -> int:
    if isinstance(value, bool):
        raise Invalid("is not a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise Invalid("is not a whole number")
    text = clean_cell_text(str(value))
    if re.fullmatch(r"\d+(?:\.0+)?", text):
        return int(float(text))
    raise Invalid("is not a whole number")


def _int(value: object) -> int:
    number = _whole_number(value)
    if number < 0:
        raise Invalid("is negative")
    return number


def _age(value: object) -> int:
    """Age in completed years: Annex A workbooks often work age out with a formula, so the cell holds a
    decimal such as 6.14, which is 6 (floored, as a birthday not yet reached does not count)."""
    if isinstance(value, bool):
        raise Invalid("is not an age")
    if isinstance(value, (int, float)):
        number = value
    else:
        try:
            number = float(clean_cell_text(str(value)))
        except ValueError:
            raise Invalid("is not an age") from None
    if number != number or not 0 <= number < 26:  # NaN, or outside 0-25 once floored
        raise Invalid("is not an age from 0 to 25")
    return math.floor(number)


def _score(value: object) -> int:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = _whole_number(value)
    else:
        match = _LEADING_INT.match(clean_cell_text(str(value)))
        if not match:
            raise Invalid("is not a score from 1 to 5")
        number = int(match[1])
    if not 1 <= number <= 5:
        raise Invalid("is not a score from 1 to 5")
    return number


def _number(value: object) -> float:
    if isinstance(value, bool):
        raise Invalid("is not a number")
    if isinstance(value, (int, float)):
        return float(value)
    text = clean_cell_text(str(value)).replace(",", "").rstrip("%").strip()
    try:
        return float(text)
    except ValueError:
        raise Invalid("is not a number") from None


def as_text(value: object) -> str:
    """Cell text as a person sees it: whole floats lose their ``.0``, dates print as ISO."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return clean_cell_text(str(value))


def _code_text(value: object) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return as_text(value)


def converter_for(column: Column, today: dt.date | None = None) -> Callable[[object], object]:
    """A function from a non-blank raw value to the stored value; raises :class:`Invalid`."""
    kind = column.kind
    if kind in ("date", "dob"):
        latest = dt.date.max if column.future_allowed else today
        return lambda value: parse_date(value, latest)
    if kind == "age":
        return _age
    if kind == "int":
        return _int
    if kind == "score":
        return _score
    if kind == "number":
        return _number
    if kind == "text" or kind == "id":
        return as_text
    if kind == "period":
        def period(value: object) -> str:
            try:
                return Quarter.parse(as_text(value)).label
            except ValueError:
                raise Invalid("is not a financial quarter") from None
        return period
    if kind == "agency":
        def agency(value: object) -> str:
            name = match_agency(as_text(value))
            if name is None:
                raise Invalid("is not a known agency; accepted: " + ", ".join(agency_names()))
            return name
        return agency
    if kind == "source":
        def source(value: object) -> str:
            code = codes.normalise_source(_code_text(value))
            if code is None:
                raise Invalid("is not a recognised source")
            return code
        return source
    if kind == "code":
        codeset = column.codes
        assert codeset is not None, column.key

        def coded(value: object) -> str:
            canonical = codeset.normalise(_code_text(value))
            if canonical is None:
                raise Invalid(f"is not a recognised {codeset.name}")
            return canonical
        return coded
    raise AssertionError(f"no converter for kind {kind}")
