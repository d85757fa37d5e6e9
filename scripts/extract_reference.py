"""Make ``data/reference/``: the small extract of the DfE's published files that the app ships.

    .venv/bin/python scripts/extract_reference.py [--source DIR] [--out DIR]

``--source`` (default ``../shared/reference`` beside the project) holds the DfE files as published;
each is read and checked by ``loaders.reference`` (a file of the wrong structure stops the run), then
cut down to what the app needs and written as CSV (UTF-8, LF line endings, minimal quoting, rows in a
fixed order), so the same sources always give the same bytes. The table of SHA-256s between the
markers in ``--out``/README.md is rewritten; the rest of the README is left alone.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from loaders import reference  # noqa: E402

DEFAULT_SOURCE = ROOT.parent / "shared" / "reference"
DEFAULT_OUT = ROOT / "data" / "reference"
BEGIN, END = "<!-- BEGIN GENERATED: scripts/extract_reference.py -->", "<!-- END GENERATED -->"


@dataclass(frozen=True)
class Extract:
    source_pattern: str  # a glob in the source folder: exactly one file must match
    kind: str
    out: str
    cut: Callable[[pd.DataFrame], pd.DataFrame]


def _lait(frame: pd.DataFrame) -> pd.DataFrame:
    rows = frame[frame["Short Desc"].isin(reference.MEASURES)].copy()
    rows["_code"] = rows["LA Number"].astype(int)
    return rows.sort_values(["Short Desc", "Years", "_code", "LA and Regions"], kind="stable").drop(columns="_code")


def _dictionary(frame: pd.DataFrame) -> pd.DataFrame:
    rows = frame[frame["Measure_short"].isin(reference.MEASURES)].sort_values(["Measure_short", "Measure_code"],
                                                                              kind="stable")
    # Descriptions hold CR CR LF line breaks: one LF each, so the file's bytes survive any git checkout.
    return rows.apply(lambda column: column.map(lambda text: re.sub(r"\r*\n|\r", "\n", text)))


def _c3(frame: pd.DataFrame) -> pd.DataFrame:
    kind = reference.KINDS["c3"]
    return frame[list(kind.required)]


def _unchanged(frame: pd.DataFrame) -> pd.DataFrame:
    return frame


EXTRACTS = (
    Extract("lait_bds_long_0.parquet", "lait", "lait_bds_long_extract.csv", _lait),
    Extract("lait_data_dictionary.csv", "dictionary", "lait_data_dictionary_extract.csv", _dictionary),
    Extract("sn_model_2025_wide.csv", "sn_model", "sn_model_2025_wide.csv", _unchanged),
    Extract("ons_mid-year_population_estimates_*.csv", "ons", "ons_population_0_17.csv", _unchanged),
    Extract("c3_factors_identified_at_end_of_assessment_*.csv", "c3", "c3_neglect_factor.csv", _c3),
)
assert tuple(e.out for e in EXTRACTS) == reference.SHIPPED_FILES


def csv_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(frame.columns)
    writer.writerows(frame.itertuples(index=False, name=None))
    return buffer.getvalue().encode("utf-8")


def _source(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    if len(found) != 1:
        raise SystemExit(f"{folder}: expected one file matching {pattern}, found {len(found)}")
    return found[0]


def extract(source: Path, out: Path) -> list[dict[str, str]]:
    """Write every extract into ``out``; return one provenance row per file."""
    out.mkdir(parents=True, exist_ok=True)
    manifest = []
    for item in EXTRACTS:
        path = _source(source, item.source_pattern)
        read = reference.read_reference_file(path, item.kind)
        frame = item.cut(read.frame)
        data = csv_bytes(frame)
        (out / item.out).write_bytes(data)
        reference.read_reference_file(out / item.out, item.kind)  # the extract reads back as the same kind
        manifest.append({"source": path.name, "source_sha256": read.sha256, "extract": item.out,
                         "extract_sha256": reference.sha256_of(out / item.out), "rows": str(len(frame)),
                         "bytes": f"{len(data):,}"})
    return manifest


def provenance_table(manifest: list[dict[str, str]]) -> str:
    lines = ["| extract | rows | bytes | SHA-256 of the extract | from | SHA-256 of the source |",
             "|---|---:|---:|---|---|---|"]
    lines += [f"| `{m['extract']}` | {m['rows']} | {m['bytes']} | `{m['extract_sha256']}` | `{m['source']}` | "
              f"`{m['source_sha256']}` |" for m in manifest]
    return "\n".join(lines)


def write_readme_table(readme: Path, table: str) -> None:
    """Replace the generated block of the README (or start a README holding only that block)."""
    block = f"{BEGIN}\n{table}\n{END}"
    text = readme.read_text(encoding="utf-8") if readme.exists() else f"{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{readme}: the generated-table markers are missing")
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    readme.write_text(head + block + tail, encoding="utf-8", newline="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if not args.source.is_dir():
        print(f"no source folder {args.source}", file=sys.stderr)
        return 2
    try:
        manifest = extract(args.source, args.out)
    except reference.ReferenceFileRejected as error:
        print(error, file=sys.stderr)
        return 1
    write_readme_table(args.out / "README.md", provenance_table(manifest))
    for row in manifest:
        print(f"{row['extract']}: {row['rows']} rows, {row['bytes']} bytes, sha256 {row['extract_sha256']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
