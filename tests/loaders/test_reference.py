"""The DfE reference files: the shipped extract, its reproduction, structure checks, values, names."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from loaders import reference
from loaders.read import FileRejected
from scripts import extract_reference

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "reference"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=(
    f"{SHARED} (the DfE source files) is not here; CI checks out ../shared/reference and runs this test"))

LAIT_HEADER = ["Short Desc", "Data item", "Years", "LA and Regions", "Values", "LA Number", "Region"]


@pytest.fixture(scope="module")
def shipped() -> reference.ReferenceData:
    return reference.load_shipped()


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# ---------------------------------------------------------------- the shipped extract


def test_shipped_extract_has_every_paired_measure_year_and_area(shipped: reference.ReferenceData) -> None:
    published = shipped.published
    assert set(reference.MEASURES) | {reference.NEGLECT_COUNT, reference.NEGLECT_PERCENT} == set(published["measure"])
    lait = published[published["measure"].isin(reference.MEASURES)]
    assert sorted(lait["year"].unique()) == [f"{y}-{(y + 1) % 100:02d}" for y in range(2015, 2025)]
    # 153 current councils and 5 former ones; England; the 9 regions and London's inner/outer split
    assert lait.groupby("area_level")["area_code"].nunique().to_dict() == {"la": 158, "england": 1, "region": 11}
    assert len(shipped.neighbours) == 1530 and shipped.neighbours.groupby("la_code").size().eq(10).all()
    assert {"High", "Low"} == set(shipped.measures["polarity"].dropna())
    polarity = dict(zip(shipped.measures["measure"], shipped.measures["polarity"]))
    assert polarity["ReReferral"] == "Low" and polarity["CP_conf_15days"] == "High"
    assert pd.isna(polarity["Section_47"])  # "-" in the dictionary: neither higher nor lower is better


def test_shipped_values_match_the_published_text(shipped: reference.ReferenceData) -> None:
    """Read the extract again with the csv module and compare every number and symbol with the
    normalised table (a different reading path from the pandas one)."""
    with open(reference.SHIPPED_DIR / "lait_bds_long_extract.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    table = shipped.published.set_index(["measure", "period_label", "area_code"])
    assert len(rows) == len(table.loc[list(reference.MEASURES)])
    for row in rows[::97]:
        got = table.loc[(row["Short Desc"], row["Years"], int(row["LA Number"]))]
        if row["Values"] in ("-", "c", "x", "u", "z", ""):
            assert pd.isna(got["value"]) and got["symbol"] == row["Values"]
        else:
            assert got["value"] == float(row["Values"]) and pd.isna(got["symbol"])


def test_neglect_factor_share_is_computed_from_the_c3_counts(shipped: reference.ReferenceData) -> None:
    p = shipped.published.set_index(["measure", "year", "area_code"])["value"]
    assert p[(reference.NEGLECT_COUNT, "2024-25", 970)] == 90370  # England, 2024-25, as published
    assert p[(reference.NEGLECT_PERCENT, "2024-25", 970)] == round(90370 / 513250 * 100, 1)
    assert p[(reference.NEGLECT_PERCENT, "2024-25", 309)] == round(315 / 2730 * 100, 1)


@needs_shared
def test_extract_script_reproduces_the_committed_files_byte_for_byte(tmp_path: Path) -> None:
    shutil.copy(reference.SHIPPED_DIR / "README.md", tmp_path / "README.md")
    assert extract_reference.main(["--source", str(SHARED), "--out", str(tmp_path)]) == 0
    for name in (*reference.SHIPPED_FILES, "README.md"):
        assert (tmp_path / name).read_bytes() == (reference.SHIPPED_DIR / name).read_bytes(), name


@needs_shared
def test_readme_hashes_are_the_sources_and_extracts(tmp_path: Path) -> None:
    readme = (reference.SHIPPED_DIR / "README.md").read_text(encoding="utf-8")
    sums = dict(line.split()[::-1] for line in (SHARED / "SHA256SUMS").read_text().splitlines() if line.strip())
    for source in ("lait_bds_long_0.parquet", "lait_data_dictionary.csv", "sn_model_2025_wide.csv"):
        assert sums[source] in readme
    for name in reference.SHIPPED_FILES:
        assert reference.sha256_of(reference.SHIPPED_DIR / name) in readme


@needs_shared
def test_full_lait_parquet_gives_the_same_figures_as_the_extract(shipped: reference.ReferenceData) -> None:
    full = reference.read_reference_file(SHARED / "lait_bds_long_0.parquet")
    assert full.kind == "lait" and len(full.frame) > 600_000
    dictionary = reference.read_reference_file(SHARED / "lait_data_dictionary.csv")
    from_full = reference.published_from_lait(full.frame, dictionary.frame)
    keys = ["measure", "year", "area_code"]
    ours = shipped.published[shipped.published["measure"].isin(reference.MEASURES)]
    merged = ours.merge(from_full, on=keys, suffixes=("", "_full"), validate="one_to_one")
    assert len(merged) == len(ours) == len(from_full)
    assert ((merged["value"] == merged["value_full"]) | (merged["value"].isna() & merged["value_full"].isna())).all()


@needs_shared
def test_every_published_csv_kind_is_recognised() -> None:
    kinds = {path.name.split("_")[0]: reference.read_reference_file(path).kind for path in SHARED.glob("*.csv")}
    assert kinds == {"c1": "c1", "c3": "c3", "d3": "d3", "lait": "dictionary", "ons": "ons", "sn": "sn_model"}


# ---------------------------------------------------------------- values


def test_no_value_symbols_are_null_never_zero_and_formatted_numbers_parse(tmp_path: Path) -> None:
    cells = ["-", "c", "x", "u", "z", "", " C ", "low", "1,234", "12.5%", " 7 ", "0", "16.100000000000001"]
    rows = [["ReReferral", "Re-referrals", "2025", f"Area {i}", cell, 500 + i, "London"] for i, cell in enumerate(cells)]
    read = reference.read_reference_file(write_csv(tmp_path / "lait.csv", LAIT_HEADER, rows))
    published = reference.published_from_lait(read.frame)
    values = published["value"].tolist()
    assert all(pd.isna(v) for v in values[:8])
    assert published["symbol"].tolist()[:8] == ["-", "c", "x", "u", "z", "", "C", "low"]
    assert values[8:] == [1234.0, 12.5, 7.0, 0.0, 16.1]
    assert published["year"].unique().tolist() == ["2024-25"]


@pytest.mark.parametrize(("text", "expected"), [("c", None), ("", None), ("z", None), ("1,234", 1234.0),
                                                ("12.5%", 12.5), ("0", 0.0), (3, 3.0)])
def test_parse_number(text: object, expected: float | None) -> None:
    assert reference.parse_number(text) == expected


def test_financial_years() -> None:
    assert reference.financial_year("2025") == "2024-25"
    assert reference.financial_year("2000") == "1999-00"
    assert reference.financial_year("2023/24") == "2023-24"
    assert reference.financial_year("2014-16") is None  # a three-year range is not one financial year
    assert reference.financial_year("2025 (prov)") is None
    assert reference.financial_year_start("2024-25") == 2024
    with pytest.raises(ValueError):
        reference.financial_year_start("2025")


def test_a_value_that_is_not_a_number_rejects_the_whole_file(tmp_path: Path) -> None:
    rows = [["ReReferral", "x", "2025", "Haringey", "18.7", 309, "Inner London"],
            ["ReReferral", "x", "2025", "Barnet", "about 15", 302, "Outer London"]]
    with pytest.raises(reference.ReferenceFileRejected, match=r"lait\.csv: column 'Values' has 1 value.*row\(s\) 3"):
        reference.read_reference_file(write_csv(tmp_path / "lait.csv", LAIT_HEADER, rows))


def test_a_figure_published_twice_or_without_an_area_rejects_the_file(tmp_path: Path) -> None:
    twice = [["ReReferral", "x", "2025", "Haringey", "18.7", 309, "Inner London"],
             ["ReReferral", "x", "2025", "Haringey", "19.0", 309, "Inner London"]]
    with pytest.raises(reference.ReferenceFileRejected, match="repeat an earlier row's Short Desc, Years, LA Number"):
        reference.read_reference_file(write_csv(tmp_path / "twice.csv", LAIT_HEADER, twice))
    blank = [["ReReferral", "x", "2025", "Haringey", "18.7", "", "Inner London"]]
    with pytest.raises(reference.ReferenceFileRejected, match="column 'LA Number'.*row\\(s\\) 2"):
        reference.read_reference_file(write_csv(tmp_path / "blank.csv", LAIT_HEADER, blank))


# ---------------------------------------------------------------- structure


def test_wrong_columns_are_rejected_naming_file_missing_and_extra(tmp_path: Path) -> None:
    header = [c if c != "Values" else "Value" for c in LAIT_HEADER] + ["Notes"]
    path = write_csv(tmp_path / "bds_long_new.csv", header, [["ReReferral", "x", "2025", "Haringey", "18.7", 309, "L", ""]])
    with pytest.raises(reference.ReferenceFileRejected) as caught:
        reference.read_reference_file(path)
    message = str(caught.value)
    assert message.startswith("bds_long_new.csv: not the structure of the DfE's LAIT long table")
    assert "missing columns 'Values'" in message and "unexpected columns 'Value', 'Notes'" in message
    assert isinstance(caught.value, FileRejected)  # the loaders' usual refusal


def test_wrong_parquet_is_rejected(tmp_path: Path) -> None:
    frame = pd.DataFrame({"Short Desc": ["ReReferral"], "Years": ["2025"], "LA and Regions": ["Haringey"],
                          "Values": ["18.7"], "LA Number": [309.0], "Region": ["Inner London"]})
    frame.to_parquet(tmp_path / "bds_long_0.parquet")
    with pytest.raises(reference.ReferenceFileRejected, match="missing columns 'Data item'"):
        reference.read_reference_file(tmp_path / "bds_long_0.parquet")


def test_a_file_checked_as_another_kind_is_rejected(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "lait.csv", LAIT_HEADER, [["ReReferral", "x", "2025", "Haringey", "18.7", 309, "L"]])
    with pytest.raises(reference.ReferenceFileRejected, match="statistical neighbour model: missing columns 'old_la_code'"):
        reference.read_reference_file(path, "sn_model")


def test_not_a_table_at_all_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_bytes(b"\xff\xfe\x00garbage\x00\n")
    with pytest.raises(reference.ReferenceFileRejected, match="notes.csv"):
        reference.read_reference_file(path)


def test_c3_may_be_cut_to_the_neglect_factor_but_not_below_it(tmp_path: Path) -> None:
    kind = reference.KINDS["c3"]
    row = ["2025", "Reporting year", "Local authority", "E92000001", "England", "E12000007", "London", "309",
           "E09000014", "Haringey", "Factors identified at the end of assessment", "2730", "315"]
    assert reference.read_reference_file(write_csv(tmp_path / "c3.csv", list(kind.required), [row])).kind == "c3"
    without = [c for c in kind.required if c != "Neglect"]
    with pytest.raises(reference.ReferenceFileRejected, match="missing columns 'Neglect'"):
        reference.read_reference_file(write_csv(tmp_path / "c3b.csv", without, [row[:-1]]))


def test_an_incomplete_set_is_refused() -> None:
    files = [reference.read_reference_file(reference.SHIPPED_DIR / "sn_model_2025_wide.csv")]
    with pytest.raises(reference.ReferenceFileRejected, match="incomplete: no LAIT long table"):
        reference.build_reference(files)


# ---------------------------------------------------------------- names, settings, authorities


def test_names_are_matched_exactly_else_the_closest_are_suggested(shipped: reference.ReferenceData) -> None:
    assert reference.resolve_area("Haringey", shipped) == 309
    assert reference.resolve_area("  Haringey ", shipped) == 309
    for typo, expected in (("Haringy", "Haringey"), ("haringey", "Haringey"), ("Westmorland & Furness",
                                                                             "Westmorland and Furness")):
        with pytest.raises(reference.UnknownArea) as caught:
            reference.resolve_area(typo, shipped)
        assert expected in caught.value.suggestions and f"Did you mean: {expected}" in str(caught.value)
    with pytest.raises(reference.UnknownArea, match="No local authority is called 'Atlantis'.$"):
        reference.resolve_area("Atlantis", shipped)
    with pytest.raises(reference.UnknownArea):
        reference.resolve_area("London", shipped)  # a region, not an LA


def test_every_published_spelling_resolves_to_the_same_council(shipped: reference.ReferenceData) -> None:
    assert reference.resolve_area("Durham", shipped) == reference.resolve_area("County Durham", shipped) == 840
    assert reference.resolve_area("Herefordshire, County of", shipped) == 884
    assert reference.resolve_area("Bedford", shipped) == reference.resolve_area("Bedford Borough", shipped) == 822
    # the CSVs call both the old and the new council "Dorset": the name means the current one
    assert reference.resolve_area("Dorset", shipped) == 838
    assert reference.resolve_area("Dorset (Pre LG)", shipped, current_only=False) == 835


def test_former_councils_are_refused_naming_their_successors(shipped: reference.ReferenceData) -> None:
    with pytest.raises(reference.UnknownArea, match="replaced by North Northamptonshire and West Northamptonshire"):
        reference.resolve_area("Northamptonshire", shipped)
    with pytest.raises(reference.UnknownArea, match="replaced by Cumberland and Westmorland and Furness"):
        reference.resolve_area("Cumbria", shipped)
    assert reference.resolve_area("Cumbria", shipped, current_only=False) == 909


def test_split_councils_never_overlap_in_the_published_years(shipped: reference.ReferenceData) -> None:
    """What the module docstring says the data shows: the old council's last year is the year before
    its successors' first, for every paired measure."""
    p = shipped.published[shipped.published["value"].notna() & shipped.published["measure"].isin(["ReReferral", "CIN"])]
    years = p.groupby("area_code")["year"].agg(["min", "max"])
    for successor, (before, first_year) in reference.PREDECESSORS.items():
        assert years.loc[successor, "min"] >= first_year, successor
        for old in before:
            assert years.loc[old, "max"] < first_year, old


def test_kingston_and_richmond_return_separately_for_every_paired_measure(shipped: reference.ReferenceData) -> None:
    p = shipped.published.pivot_table(index=["measure", "year"], columns="area_code", values="value")
    both = p[[314, 318]].dropna()
    assert len(both) > 100 and (both[314] != both[318]).all()


def test_partnership_settings_are_checked_against_the_published_areas(shipped: reference.ReferenceData,
                                                                     tmp_path: Path) -> None:
    assert reference.read_partnership(data=shipped) == reference.Partnership("Haringey", 309, "London")
    wrong = tmp_path / "partnership.toml"
    wrong.write_text('name = "Haringey"\nold_la_code = 308\nregion = "London"\n')
    with pytest.raises(ValueError, match="'Haringey' is LA 309, not 308"):
        reference.read_partnership(wrong, shipped)
    wrong.write_text('name = "Haringey"\nold_la_code = 309\nregion = "South East"\n')
    with pytest.raises(ValueError, match="Haringey is in London, not South East"):
        reference.read_partnership(wrong, shipped)
    wrong.write_text('name = "Haringey"\n')
    with pytest.raises(ValueError, match="needs name, old_la_code"):
        reference.read_partnership(wrong)
