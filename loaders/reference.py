"""Read and check the DfE's published comparator files (England, regions, local authorities).

Pure reading and validation: nothing here writes to the store. The files are those the DfE publishes
(Open Government Licence v3.0) and that ``data/reference/`` ships an extract of (its README gives the
provenance and the refresh procedure):

| kind | file | one row per |
|---|---|---|
| ``lait`` | LAIT's long table, ``bds_long_0.parquet`` (or the same columns as CSV) | measure, year, area |
| ``dictionary`` | ``lait_data_dictionary.csv`` | LAIT measure (polarity, year type, description) |
| ``sn_model`` | ``sn_model_2025_wide.csv`` | LA, with its ten statistical neighbours |
| ``ons`` | ``ons_mid-year_population_estimates_*.csv`` | area, mid-year: children aged 0-17 |
| ``c1`` ``c3`` ``d3`` | the children in need release's CSVs | area, year |

**Structure.** A file is recognised by its header. Its columns must be exactly the kind's (any order);
for ``c3`` the factor columns other than ``Neglect`` may be left out (the shipped extract keeps only
the neglect factor). A file of any other structure is rejected whole (``ReferenceFileRejected``)
naming the file and the missing and unexpected columns; so is one with a value that is neither a
number nor a "no value" symbol, naming the first rows.

**Values.** ``-``, ``c`` (suppressed), ``x`` (unavailable), ``u`` (low reliability), ``z`` (not
applicable), ``k``/``low`` (rounds to 0 but is not 0), ``:``, ``..``, ``NA`` and blanks are *no value*
(NULL, with the symbol kept), never zero. ``1,234`` and ``12.5%`` parse as 1234 and 12.5.

**Years.** LAIT writes a financial-year measure's year as ``2025`` for the year ending 31 March 2025,
i.e. financial year ``2024-25``; the CSVs' ``time_period`` 2025 is the same year. ``CIN`` (year type
"Annual") is the position at 31 March, so ``2025`` is also labelled ``2024-25``. The ONS estimates are
for mid-year (``2024`` = 30 June 2024); the DfE's rates for 2024-25 divide by the mid-2024 estimate
(checked: Haringey's 3,312 referrals in 2024-25 / 53,648 children x 10,000 = 617.4, as published).

**What the data shows for joint, renamed and split authorities** (old LA codes; "2019-20" etc. are
financial years):

- *Northamptonshire* (928) has figures to 2020-21; *North Northamptonshire* (940) and *West
  Northamptonshire* (941) from 2021-22. Each new council returns its own figures (no joint return).
- *Cumbria* (909) has figures to 2022-23; *Cumberland* (942) and *Westmorland and Furness* (943) from
  2023-24.
- *Bournemouth* (837), *Poole* (836) and the old *Dorset* (835) have figures to 2018-19; *Bournemouth,
  Christchurch and Poole* (839) and the new *Dorset* (838) from 2019-20 (Christchurch moved from Dorset
  to BCP). LAIT names the old three "... (Pre LG)"; the CSVs call both Dorsets "Dorset", so the name
  "Dorset" means the current council (838) and "Dorset (Pre LG)" the old one.
- *Kingston upon Thames* (314) and *Richmond upon Thames* (318) share a children's services trust
  (Achieving for Children), but the children in need census figures are returned separately: every
  measure paired here has different values for the two. LAIT repeats a joint return under both
  councils for some measures (the social work workforce ones: identical values), so comparators count
  a joint pair with identical values once (``JOINT_RETURNS``). No LA has both among its neighbours in
  the 2025 model.
- The 2025 statistical-neighbour model has the current 153 councils only. A neighbour that did not
  exist in an earlier year (e.g. Cumberland before 2023-24) has no value then: the count of
  neighbours behind the median goes down, and is shown. A former authority's figures are never
  presented as its successor's (``PREDECESSORS`` lets a trend say where the earlier figures are).
- LAIT places London boroughs in "Inner London"/"Outer London" (its own grouping; e.g. Haringey is
  Inner, Greenwich Outer); the region compared with is the government office region, London (986), as
  in the statistical-neighbour model. "Yorkshire and The Humber" and "Yorkshire and the Humber" are
  the same region. Names differ between files ("Durham"/"County Durham", "Herefordshire"/
  "Herefordshire, County of", "Bedford Borough"/"Bedford"): every spelling found resolves to the code.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

# Reading one file lives in reference_files (this module would be too long); its names are used from here.
from loaders.reference_files import (
    KINDS,
    MAX_FILE_BYTES,
    MEASURES,
    NEGLECT_COUNT,
    NEGLECT_PERCENT,
    NO_VALUE,
    Kind,
    ReferenceFile,
    ReferenceFileRejected,
    detect_kind,
    financial_year,
    financial_year_start,
    parse_number,
    parse_values,
    read_reference_file,
    sha256_of,
)

__all__ = [
    "ENGLAND_CODE", "JOINT_RETURNS", "KINDS", "MAX_FILE_BYTES", "MEASURES", "NEGLECT_COUNT", "NEGLECT_PERCENT",
    "NO_VALUE", "PREDECESSORS", "SHIPPED_DIR", "SHIPPED_FILES", "Kind", "Partnership", "ReferenceData",
    "ReferenceFile", "ReferenceFileRejected", "UnknownArea", "area_name", "build_reference", "detect_kind",
    "financial_year", "financial_year_start", "load_shipped", "measures_from_dictionary", "neglect_rows",
    "neighbours_from_sn", "parse_number", "parse_values", "population_from_ons", "published_from_lait",
    "read_files", "read_partnership", "read_reference_file", "region_key", "resolve_area", "sha256_of",
]

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_DIR = ROOT / "data" / "reference"
PARTNERSHIP_FILE = ROOT / "data" / "partnership.toml"
ENGLAND_CODE = 970
JOINT_RETURNS: tuple[tuple[int, int], ...] = ((314, 318),)  # (kept, partner): Kingston and Richmond
# Successor council -> the council(s) whose area it took over, and the first financial year it returned.
PREDECESSORS: dict[int, tuple[tuple[int, ...], str]] = {
    838: ((835,), "2019-20"),
    839: ((836, 837, 835), "2019-20"),
    940: ((928,), "2021-22"),
    941: ((928,), "2021-22"),
    942: ((909,), "2023-24"),
    943: ((909,), "2023-24"),
}


class UnknownArea(ValueError):
    """A name that is not exactly an area's; ``suggestions`` are the closest names."""

    def __init__(self, message: str, suggestions: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.suggestions = list(suggestions)


@dataclass(frozen=True)
class Partnership:
    name: str
    old_la_code: int
    region: str


# ---------------------------------------------------------------- normalised tables


def _code(value: object) -> int | None:
    text = str(value).strip()
    return int(float(text)) if text else None


def _level_of_lait(name: str, region: str) -> str:
    if region.strip() not in ("", "NA"):
        return "la"
    return "england" if name.strip() == "England" else "region"


def region_key(name: str) -> str:
    """Region names compared without case, LAIT's London split folded into London:
    "Inner London" -> "london", "Yorkshire and The Humber" -> "yorkshire and the humber"."""
    key = " ".join(str(name).split()).casefold()
    return "london" if key in ("inner london", "outer london") else key


_REGION_ROW_ALIASES = {"inner london": "london (inner)", "outer london": "london (outer)"}


def published_from_lait(lait: pd.DataFrame, dictionary: pd.DataFrame | None = None,
                        measures: Iterable[str] = MEASURES) -> pd.DataFrame:
    """LAIT rows for ``measures`` as (measure, year, period_label, area_code, area_name, area_level, value,
    symbol). ``year`` is the financial year where the measure's year type is financial or annual (at
    31 March); else None."""
    rows = lait[lait["Short Desc"].isin(list(measures))]
    values, symbols, _ = parse_values(rows["Values"])
    year_types = {} if dictionary is None else dict(zip(dictionary["Measure_short"], dictionary["Year_Type"]))
    yearly = rows["Short Desc"].map(lambda m: year_types.get(m, "Financial Year") in ("Financial Year", "Annual"))
    return pd.DataFrame({
        "measure": rows["Short Desc"].to_numpy(),
        "year": [financial_year(label) if ok else None for label, ok in zip(rows["Years"], yearly)],
        "period_label": rows["Years"].to_numpy(),
        "area_code": rows["LA Number"].map(_code).astype("Int64").to_numpy(),
        "area_name": rows["LA and Regions"].to_numpy(),
        "area_level": [_level_of_lait(n, r) for n, r in zip(rows["LA and Regions"], rows["Region"])],
        "value": values.to_numpy(),
        "symbol": symbols.to_numpy(),
    })


def measures_from_dictionary(dictionary: pd.DataFrame, measures: Iterable[str] = MEASURES) -> pd.DataFrame:
    """(measure, title, polarity High/Low/None, year_type, unit, description, last_update) per measure;
    polarity "-" (neither) and "NA" are None: no "better" or "worse" is said for them."""
    rows = dictionary[dictionary["Measure_short"].isin(list(measures))].drop_duplicates("Measure_short")
    frame = pd.DataFrame({
        "measure": rows["Measure_short"].to_numpy(),
        "title": rows["Chart_title"].to_numpy(),
        "polarity": rows["Polarity"].map(lambda p: p if p in ("High", "Low") else None).to_numpy(),
        "year_type": rows["Year_Type"].to_numpy(),
        "unit": rows["y_axis_name"].to_numpy(),
        "description": rows["Description"].map(lambda d: re.sub(r"\r*\n|\r", "\n", d).strip()).to_numpy(),
        "last_update": rows["Last Update"].map(_excel_date).to_numpy(),
    })
    return pd.concat([frame, _NEGLECT_MEASURES], ignore_index=True)


def _excel_date(serial: str) -> str | None:
    """The dictionary writes dates as Excel serial numbers (45931 = 2025-10-01)."""
    try:
        return (pd.Timestamp("1899-12-30") + pd.Timedelta(days=int(float(serial)))).date().isoformat()
    except ValueError:
        return None


_NEGLECT_MEASURES = pd.DataFrame({
    "measure": [NEGLECT_COUNT, NEGLECT_PERCENT],
    "title": ["Episodes with neglect identified at the end of assessment",
              "Neglect identified at the end of assessment (% of episodes with factors recorded)"],
    "polarity": [None, None],
    "year_type": ["Financial Year", "Financial Year"],
    "unit": ["Number of episodes", "% of episodes with factors"],
    "description": [
        "Children in need episodes with an assessment completed in the year ending 31 March where neglect was "
        "identified as a factor (DfE children in need release, table C3).",
        "Neglect as a percentage of episodes with at least one factor identified at the end of assessment: "
        "Neglect / Episodes_with_assessment_factor x 100, computed here from the DfE's C3 counts (unrounded)."],
    "last_update": [None, None],
})


def _ees_area_codes(frame: pd.DataFrame, region_codes: dict[str, int]) -> pd.Series:
    """Area codes for explore-education-statistics rows: LAs by old_la_code, England 970, regions by name."""
    def code(level: str, la_code: str, region: str) -> int | None:
        if level == "National":
            return ENGLAND_CODE
        if level == "Regional":
            key = " ".join(region.split()).casefold()
            return region_codes.get(_REGION_ROW_ALIASES.get(key, key))
        return _code(la_code)
    return pd.Series([code(lv, la, rg) for lv, la, rg in zip(frame["geographic_level"], frame["old_la_code"],
                                                             frame["region_name"])], index=frame.index, dtype="Int64")


def _level_of_ees(level: str) -> str:
    return {"National": "england", "Regional": "region"}.get(level, "la")


def neglect_rows(c3: pd.DataFrame, region_codes: dict[str, int]) -> pd.DataFrame:
    """The c3 neglect factor as published rows: the count, and its share of episodes with a factor."""
    rows = c3[c3["geographic_level"].isin(["National", "Regional", "Local authority"])]
    codes = _ees_area_codes(rows, region_codes)
    keep = codes.notna()
    rows, codes = rows[keep], codes[keep]
    neglect, neglect_symbol, _ = parse_values(rows["Neglect"])
    episodes, episodes_symbol, _ = parse_values(rows["Episodes_with_assessment_factor"])
    percent = (neglect / episodes.where(episodes > 0) * 100).round(1)
    common = {
        "year": rows["time_period"].map(financial_year).to_numpy(),
        "period_label": rows["time_period"].to_numpy(),
        "area_code": codes.to_numpy(),
        "area_name": rows.apply(lambda r: r["la_name"] or r["region_name"] or r["country_name"], axis=1).to_numpy(),
        "area_level": rows["geographic_level"].map(_level_of_ees).to_numpy(),
    }
    count = pd.DataFrame({"measure": NEGLECT_COUNT, **common, "value": neglect.to_numpy(),
                          "symbol": neglect_symbol.to_numpy()})
    share = pd.DataFrame({"measure": NEGLECT_PERCENT, **common, "value": percent.to_numpy(),
                          "symbol": neglect_symbol.fillna(episodes_symbol).to_numpy()})
    return pd.concat([count, share], ignore_index=True)


def neighbours_from_sn(sn: pd.DataFrame) -> pd.DataFrame:
    """(la_code, rank, neighbour_code, closeness): ten rows per LA, rank 1 the closest."""
    parts = [pd.DataFrame({"la_code": sn["old_la_code"].map(_code), "rank": n,
                           "neighbour_code": sn[f"SN_{n}"].map(_code), "closeness": sn[f"SN_{n}P"].str.strip()})
             for n in range(1, 11)]
    frame = pd.concat(parts, ignore_index=True).dropna(subset=["neighbour_code"])
    return frame.astype({"la_code": "int64", "neighbour_code": "int64"}).sort_values(["la_code", "rank"],
                                                                                     ignore_index=True)


def population_from_ons(ons: pd.DataFrame, region_codes: dict[str, int]) -> pd.DataFrame:
    """(area_code, year, population): ``year`` the mid-year of the estimate (2024 = mid-2024)."""
    rows = ons[ons["age_group"].str.strip().str.casefold().str.startswith("children aged 0 to 17")]
    codes = _ees_area_codes(rows, region_codes)
    values, _, _ = parse_values(rows["population_estimate"])
    frame = pd.DataFrame({"area_code": codes.to_numpy(), "year": rows["time_period"].astype(int).to_numpy(),
                          "population": values.to_numpy()})
    return frame.dropna(subset=["area_code"]).astype({"area_code": "int64"}).reset_index(drop=True)


# ---------------------------------------------------------------- the whole reference set


@dataclass(frozen=True)
class ReferenceData:
    """The normalised tables the comparators read (see ``metrics/comparators.py`` for their columns)."""

    published: pd.DataFrame
    measures: pd.DataFrame
    areas: pd.DataFrame
    area_names: pd.DataFrame
    neighbours: pd.DataFrame
    population: pd.DataFrame
    files: tuple[ReferenceFile, ...]


def build_reference(files: Sequence[ReferenceFile], measures: Iterable[str] = MEASURES) -> ReferenceData:
    """Normalise a complete set: one file each of lait, dictionary, sn_model and ons; c3 optional."""
    by_kind: dict[str, ReferenceFile] = {}
    for file in files:
        if file.kind in by_kind:
            raise ReferenceFileRejected(f"{file.path.name}: a second {KINDS[file.kind].title} file "
                                        f"(the first was {by_kind[file.kind].path.name})")
        by_kind[file.kind] = file
    missing = [KINDS[k].title for k in ("lait", "dictionary", "sn_model", "ons") if k not in by_kind]
    if missing:
        raise ReferenceFileRejected("the reference set is incomplete: no " + "; no ".join(missing) + " file")
    measures = tuple(measures)
    lait, sn = by_kind["lait"].frame, by_kind["sn_model"].frame
    published = published_from_lait(lait, by_kind["dictionary"].frame, measures)
    region_codes = {" ".join(n.split()).casefold(): int(c) for n, c, lv in
                    zip(published["area_name"], published["area_code"], published["area_level"]) if lv != "la"}
    if "c3" in by_kind:
        published = pd.concat([published, neglect_rows(by_kind["c3"].frame, region_codes)], ignore_index=True)
    areas, names = _areas(lait, sn, [f.frame for f in by_kind.values() if f.kind in ("ons", "c1", "c3", "d3")])
    return ReferenceData(
        published=published.astype({"area_code": "int64"}),
        measures=measures_from_dictionary(by_kind["dictionary"].frame, measures),
        areas=areas, area_names=names, neighbours=neighbours_from_sn(sn),
        population=population_from_ons(by_kind["ons"].frame, region_codes), files=tuple(files))


def _areas(lait: pd.DataFrame, sn: pd.DataFrame, ees: Sequence[pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(areas, area_names): one row per area code (LAIT's name, level, region and whether it is in the
    neighbour model), and every spelling of a name seen in any file with the code it stands for."""
    base = lait[["LA Number", "LA and Regions", "Region"]].drop_duplicates("LA Number")
    sn_regions = dict(zip(sn["old_la_code"].map(_code), sn["region_name"]))
    areas = pd.DataFrame({
        "area_code": base["LA Number"].map(_code).astype("int64").to_numpy(),
        "area_name": base["LA and Regions"].to_numpy(),
        "area_level": [_level_of_lait(n, r) for n, r in zip(base["LA and Regions"], base["Region"])],
        "lait_region": base["Region"].to_numpy(),
    })
    areas["region_name"] = [sn_regions.get(code, region if level == "la" else None)
                            for code, region, level in zip(areas["area_code"], areas["lait_region"], areas["area_level"])]
    areas["in_model"] = areas["area_code"].isin(set(sn_regions))
    areas = areas.sort_values("area_code", ignore_index=True)
    spellings = [(name, code) for name, code in zip(areas["area_name"], areas["area_code"])]
    spellings += [(n, c) for n, c in zip(sn["la_name"], sn["old_la_code"].map(_code))]
    for frame in ees:
        la_rows = frame[frame["geographic_level"] == "Local authority"]
        spellings += [(n, _code(c)) for n, c in zip(la_rows["la_name"], la_rows["old_la_code"])]
    return areas, _name_table(spellings, areas)


def _name_table(spellings: list[tuple[str, int | None]], areas: pd.DataFrame) -> pd.DataFrame:
    """One code per spelling; a spelling used for two codes (the CSVs' "Dorset" for 835 and 838) means
    the council in the current neighbour model."""
    current = set(areas.loc[areas["in_model"], "area_code"])
    chosen: dict[str, int] = {}
    for name, code in spellings:
        name = str(name).strip()
        if not name or code is None:
            continue
        if name not in chosen or (code in current and chosen[name] not in current):
            chosen[name] = int(code)
    return pd.DataFrame({"name": list(chosen), "area_code": list(chosen.values())}).sort_values("name", ignore_index=True)


# ---------------------------------------------------------------- shipped data, names, settings

SHIPPED_FILES = ("lait_bds_long_extract.csv", "lait_data_dictionary_extract.csv", "sn_model_2025_wide.csv",
                 "ons_population_0_17.csv", "c3_neglect_factor.csv")


def read_files(paths: Iterable[str | Path]) -> list[ReferenceFile]:
    return [read_reference_file(path) for path in paths]


def load_shipped(folder: str | Path = SHIPPED_DIR) -> ReferenceData:
    """The extract shipped in ``data/reference/`` (no dependency on ../shared at run time)."""
    folder = Path(folder)
    return build_reference(read_files(folder / name for name in SHIPPED_FILES))


def resolve_area(name: str, data: ReferenceData, *, current_only: bool = True) -> int:
    """The code of the LA called exactly ``name`` (surrounding spaces ignored); else ``UnknownArea`` with
    the closest names. With ``current_only``, a former council (not in the neighbour model) is refused
    naming its successors."""
    wanted = str(name).strip()
    names = data.area_names
    hits = names.loc[names["name"] == wanted, "area_code"]
    las = set(data.areas.loc[data.areas["area_level"] == "la", "area_code"])
    if hits.empty or int(hits.iloc[0]) not in las:
        candidates = {n: n.casefold() for n, c in zip(names["name"], names["area_code"]) if c in las}
        close = difflib.get_close_matches(wanted.casefold(), list(candidates.values()), n=3, cutoff=0.6)
        suggestions = [n for folded in close for n, f in candidates.items() if f == folded][:3]
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        raise UnknownArea(f"No local authority is called '{wanted}'.{hint}", suggestions)
    code = int(hits.iloc[0])
    if current_only and not bool(data.areas.loc[data.areas["area_code"] == code, "in_model"].iloc[0]):
        successors = [data.areas.loc[data.areas["area_code"] == s, "area_name"].iloc[0]
                      for s, (before, _) in PREDECESSORS.items() if code in before]
        raise UnknownArea(f"'{wanted}' no longer returns figures; it was replaced by {' and '.join(successors)}.",
                          successors)
    return code


def area_name(code: int, data: ReferenceData) -> str:
    return str(data.areas.loc[data.areas["area_code"] == code, "area_name"].iloc[0])


def read_partnership(path: str | Path = PARTNERSHIP_FILE, data: ReferenceData | None = None) -> Partnership:
    """The partnership's own LA from its settings file; with ``data``, checked against the published
    areas (the name must be the code's, the region the LA's)."""
    with open(path, "rb") as handle:
        settings = tomllib.load(handle)
    try:
        partnership = Partnership(str(settings["name"]), int(settings["old_la_code"]), str(settings["region"]))
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{Path(path).name}: needs name, old_la_code (a number) and region") from error
    if data is not None:
        code = resolve_area(partnership.name, data)
        if code != partnership.old_la_code:
            raise ValueError(f"{Path(path).name}: '{partnership.name}' is LA {code}, not {partnership.old_la_code}")
        region = data.areas.loc[data.areas["area_code"] == code, "region_name"].iloc[0]
        if region_key(region) != region_key(partnership.region):
            raise ValueError(f"{Path(path).name}: {partnership.name} is in {region}, not {partnership.region}")
    return partnership
