"""Reading one DfE reference file: its kind (by its header), its structure and its cells.

Split from ``loaders/reference.py`` (whose docstring describes the files, the values and the years); import
from there. Nothing here writes anything.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from loaders.read import FileRejected

MAX_FILE_BYTES = 200 * 1024 * 1024  # the full LAIT parquet is 1.8 MB; anything near this is not a DfE file

# The published measures the dashboard pairs with local ones (LAIT ``Short Desc``), and the referral
# count behind the referral rate.
MEASURES: tuple[str, ...] = (
    "ReReferral", "CIN_Refferals_NFA", "PrevRegCPR", "CPP_Total_Rateper10,000", "CPP_Abuse_Rate",
    "CP_conf_15days", "Continue_Assess_Comp", "Section_47", "RefBySource_Police_%",
    "RefBySource_HealthServ_%", "RefBySource_Schl_%", "CPP_Total_NumRef", "CIN",
)
# Not LAIT measures: made from the c3 factors file (see ``neglect_rows``).
NEGLECT_COUNT = "AssessFactor_Neglect"
NEGLECT_PERCENT = "AssessFactor_Neglect_%"

NO_VALUE = frozenset({"", "-", "c", "x", "u", "z", "k", "low", ":", "..", "na", "n/a"})

_EES_ID = ("time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
           "region_name", "old_la_code", "new_la_code", "la_name")
_C3_FACTORS = tuple(f"{factor}_{who}" for factor in ("Alcohol_Misuse", "Drug_Misuse", "Domestic_Abuse",
                                                    "Mental_Health", "Learning_Disability", "Physical_Disability")
                    for who in ("child", "parent", "person")) + (
    "Young_Carer", "Privately_fostered", "Unaccompanied_asylum_seeker", "Going_missing", "Child_sexual_exploitation",
    "Trafficking", "Gangs", "Socially_unacceptable_behaviour", "Self_harm", "Neglect", "Emotional_Abuse",
    "Physical_Abuse_unknown", "Physical_Abuse_child_on_child", "Physical_Abuse_adult_on_child", "Sexual_Abuse_unknown",
    "Sexual_Abuse_child_on_child", "Sexual_Abuse_adult_on_child", "Female_Genital_Mutilation", "Faith_linked_abuse",
    "Child_criminal_exploitation", "Other")


@dataclass(frozen=True)
class Kind:
    """One DfE file structure: its columns, those the app needs, and which hold numbers."""

    name: str
    title: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    numeric: tuple[str, ...]  # each cell a number or a no-value symbol
    codes: tuple[str, ...] = ()  # each cell an LA code (an integer), blank allowed where the row is not an LA


def _kind(name: str, title: str, columns: Sequence[str], numeric: Sequence[str], required: Sequence[str] = (),
          codes: Sequence[str] = ()) -> Kind:
    return Kind(name, title, tuple(columns), tuple(required or columns), tuple(numeric), tuple(codes))


_SN_PAIRS = tuple(column for n in range(1, 11) for column in (f"SN_{n}", f"SN_{n}P"))
KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    _kind("lait", "LAIT long table (bds_long)",
          ("Short Desc", "Data item", "Years", "LA and Regions", "Values", "LA Number", "Region"),
          numeric=(), codes=("LA Number",)),
    _kind("dictionary", "LAIT data dictionary",
          ("Measure_code", "Topic", "Measure", "Chart_title", "Measure_short", "Polarity", "y_axis_name",
           "state_funded_flag", "Table_status", "Description", "Last Update", "Next Update",
           "Data Owner (DO) /Supplier and Contact Details", "Methodology", "Hyperlink(s)", "dps", "Year_Type",
           "No_Quartile"), numeric=()),
    _kind("sn_model", "statistical neighbour model", ("old_la_code", "la_name", "region_ind", "region_name") + _SN_PAIRS,
          numeric=(), codes=("old_la_code",) + tuple(f"SN_{n}" for n in range(1, 11))),
    _kind("ons", "ONS mid-year population estimates (children aged 0 to 17)", _EES_ID + ("age_group", "population_estimate"),
          numeric=("population_estimate",), codes=("old_la_code",)),
    _kind("c1", "children in need: referrals and re-referrals (c1)",
          _EES_ID + ("category", "referral_count", "rereferral_count", "rereferral_percent", "no_further_action_count",
                     "no_further_action_percent", "not_in_need_count", "not_in_need_percent", "referral_child_count",
                     "rereferral_child_count", "rereferral_child_percent"),
          numeric=("referral_count", "rereferral_count", "rereferral_percent", "no_further_action_count",
                   "no_further_action_percent"), codes=("old_la_code",)),
    _kind("c3", "children in need: factors identified at the end of assessment (c3)",
          _EES_ID + ("category", "Episodes_with_assessment_factor") + _C3_FACTORS,
          required=_EES_ID + ("category", "Episodes_with_assessment_factor", "Neglect"),
          numeric=("Episodes_with_assessment_factor", "Neglect"), codes=("old_la_code",)),
    _kind("d3", "child protection plans: second or subsequent plans (d3)",
          _EES_ID + ("category", "CPP_start", "CPP_subsequent", "CPP_subsequent_percent"),
          numeric=("CPP_start", "CPP_subsequent", "CPP_subsequent_percent"), codes=("old_la_code",)),
)}


class ReferenceFileRejected(FileRejected):
    """A reference file refused whole; the message names the file and what is wrong with it."""




@dataclass(frozen=True)
class ReferenceFile:
    """One file as read: every cell as its text, after the structure and values were checked."""

    kind: str
    path: Path
    sha256: str
    frame: pd.DataFrame




# ---------------------------------------------------------------- values and years


def parse_number(text: object) -> float | None:
    """One published cell as a number; None for a no-value symbol; ValueError for anything else."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None
    if isinstance(text, int | float):
        return float(text)
    cleaned = str(text).strip()
    if cleaned.casefold() in NO_VALUE:
        return None
    return float(cleaned.replace(",", "").removesuffix("%").strip())


def parse_values(cells: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(numbers, symbols, bad) for a column of published text, vectorised: numbers are NaN where there is
    no value; ``symbols`` holds the no-value symbol as written ("" for a blank); ``bad`` marks cells that
    are neither."""
    text = cells.astype("string").fillna("").str.strip()
    no_value = text.str.casefold().isin(NO_VALUE)
    numbers = pd.to_numeric(text.str.replace(",", "", regex=False).str.removesuffix("%").str.strip()
                            .where(~no_value, None), errors="coerce").astype("float64")
    bad = ~no_value & numbers.isna()
    symbols = text.where(no_value, None)
    return numbers, symbols, bad


_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_RANGE = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{2})\s*$")


def financial_year(label: object) -> str | None:
    """The financial year a published year label stands for: ``2025`` (year ending 31 March 2025) and
    ``2024-25``/``2024/25`` are ``2024-25``; anything else (3-year ranges, "(prov)") is None."""
    text = "" if label is None else str(label)
    if match := _YEAR.match(text):
        end = int(match[1])
        return f"{end - 1}-{end % 100:02d}"
    if (match := _RANGE.match(text)) and (int(match[1]) + 1) % 100 == int(match[2]):
        return f"{match[1]}-{match[2]}"
    return None


def financial_year_start(year: str) -> int:
    """``2024-25`` -> 2024, the calendar year it starts in (and the ONS mid-year estimate it uses)."""
    if not re.fullmatch(r"\d{4}-\d{2}", year):
        raise ValueError(f"not a financial year like 2024-25: {year!r}")
    return int(year[:4])


# ---------------------------------------------------------------- reading one file


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_table(path: Path) -> pd.DataFrame:
    """Every cell as text (parquet numbers too: LA Number 309.0 is "309"), with the header as written."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ReferenceFileRejected(f"{path.name}: larger than {MAX_FILE_BYTES // 2**20} MB; not a DfE reference file")
    with open(path, "rb") as handle:
        magic = handle.read(4)
    try:
        if magic == b"PAR1":
            frame = pd.read_parquet(path)
            return frame.apply(_as_text)
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError, OSError) as error:
        raise ReferenceFileRejected(f"{path.name}: cannot be read as CSV or parquet ({type(error).__name__})") from error


def _as_text(column: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(column):
        whole = column.dropna().mod(1).eq(0).all()
        return column.map(lambda v: "" if pd.isna(v) else (str(int(v)) if whole else repr(float(v))))
    return column.astype("string").fillna("").astype(object)


def _structure_problem(kind: Kind, columns: Sequence[str]) -> tuple[list[str], list[str]]:
    present = set(columns)
    missing = [column for column in kind.required if column not in present]
    extra = [column for column in columns if column not in kind.columns]
    return missing, extra


def detect_kind(columns: Sequence[str], file_name: str = "file") -> Kind:
    """The kind whose structure the header has exactly; else rejected naming the nearest kind's
    missing and unexpected columns."""
    for kind in KINDS.values():
        if _structure_problem(kind, columns) == ([], []):
            return kind
    nearest = max(KINDS.values(), key=lambda kind: len(set(kind.columns) & set(columns)))
    raise _structure_rejection(file_name, nearest, columns)


def _structure_rejection(file_name: str, kind: Kind, columns: Sequence[str]) -> ReferenceFileRejected:
    missing, extra = _structure_problem(kind, columns)
    parts = []
    if missing:
        parts.append("missing columns " + ", ".join(f"'{c}'" for c in missing))
    if extra:
        parts.append("unexpected columns " + ", ".join(f"'{c}'" for c in extra))
    return ReferenceFileRejected(
        f"{file_name}: not the structure of the DfE's {kind.title}: {'; '.join(parts) or 'columns differ'}. "
        "Nothing was loaded from it.")


def _check_cells(file_name: str, kind: Kind, frame: pd.DataFrame) -> None:
    """Reject the whole file at the first cells that are neither numbers nor no-value symbols."""
    checks = [(column, parse_values(frame[column])[2]) for column in kind.numeric if column in frame]
    for column in kind.codes:
        if column in frame:
            text = frame[column].astype("string").fillna("").str.strip()
            checks.append((column, ~text.str.fullmatch(r"\d{1,4}(\.0)?|").fillna(False).astype(bool)))
    if kind.name == "lait":
        checks.append(("Values", parse_values(frame["Values"])[2]))
        checks.append(("LA Number", frame["LA Number"].astype("string").fillna("").str.strip().eq("")))
    for column, bad in checks:
        if bad.any():
            rows = [str(int(i) + 2) for i in bad[bad].index[:5]]  # + header row, 1-based
            raise ReferenceFileRejected(
                f"{file_name}: column '{column}' has {int(bad.sum())} value(s) that are neither a number nor a "
                f"no-value symbol (- c x u z or blank), first at row(s) {', '.join(rows)}. Nothing was loaded from it.")


_KEYS = {"lait": ("Short Desc", "Years", "LA Number"), "dictionary": ("Measure_short",), "sn_model": ("old_la_code",)}


def _check_unique(file_name: str, kind: Kind, frame: pd.DataFrame) -> None:
    """A figure published twice for the same measure, year and area would be counted twice: refused.
    (The dictionary repeats a few measures we do not use; only the ones we use must be single.)"""
    keys = _KEYS.get(kind.name)
    if keys is None:
        return
    rows = frame[frame["Measure_short"].isin(MEASURES)] if kind.name == "dictionary" else frame
    twice = rows.duplicated(list(keys), keep="first")
    if twice.any():
        first = str(int(twice[twice].index[0]) + 2)
        raise ReferenceFileRejected(f"{file_name}: {int(twice.sum())} row(s) repeat an earlier row's "
                                    f"{', '.join(keys)}, first at row {first}. Nothing was loaded from it.")


def read_reference_file(path: str | Path, kind: str | None = None) -> ReferenceFile:
    """Read one DfE file, recognise its kind by its header (or check it is ``kind``) and its cells."""
    path = Path(path)
    if not path.is_file():
        raise ReferenceFileRejected(f"{path.name}: no such file")
    frame = _read_table(path)
    columns = [str(column).strip().lstrip("\ufeff") for column in frame.columns]
    if len(set(columns)) != len(columns):
        raise ReferenceFileRejected(f"{path.name}: a column name appears twice. Nothing was loaded from it.")
    frame.columns = columns
    found = detect_kind(columns, path.name) if kind is None else KINDS[kind]
    if _structure_problem(found, columns) != ([], []):
        raise _structure_rejection(path.name, found, columns)
    if frame.empty:
        raise ReferenceFileRejected(f"{path.name}: has a header but no rows. Nothing was loaded from it.")
    _check_cells(path.name, found, frame)
    _check_unique(path.name, found, frame)
    return ReferenceFile(found.name, path, sha256_of(path), frame.reset_index(drop=True))
