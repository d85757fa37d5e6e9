"""Loader benchmark: a 200,000-row contacts workbook, our whole ingest against the raw read.

Prints one JSON object per line: {"name", "value", "unit", "baseline", "ratio"}.
Target: ingest within 1.5x the raw read with the fastest reader; peak memory under 1 GB; peak memory of the
largest files allowed under 1.5 GB: a 1,000,000-row contacts CSV, and a contacts workbook just under the
200 MB limit on its XML.

The raw read and the ingest run side by side in each of several rounds; the ratio is taken within a
round and the median round is reported, with the best time of each over all rounds beside it. On a
shared machine a slow spell then slows both sides of a ratio instead of one.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import emit  # noqa: E402

ROWS = 200_000
ROUNDS = 7
WORKBOOK = ROOT / "bench" / "out" / f"contacts_{ROWS}.xlsx"
LARGEST_CSV_ROWS = 1_000_000  # the row limit: a title row, the headers and 999,998 contacts
LARGEST_CSV = ROOT / "bench" / "out" / f"contacts_{LARGEST_CSV_ROWS}_rows.csv"
# the largest workbook of these columns: 330,000 contacts are 185 MB of worksheet XML (the limit is 200 MB)
LARGEST_XLSX_ROWS = 330_000
LARGEST_XLSX = ROOT / "bench" / "out" / f"contacts_{LARGEST_XLSX_ROWS}.xlsx"
SOURCES = ["q) 6: Police", "g) 3A: Health services", "e) 2A: Schools", "n) 5A: LA social care", "a) 1A: Family",
           "t) 9: Anonymous", "m) 4: Housing", "r) 7: Other legal agency"]
OUTCOMES = ["No further action", "Information and advice", "Early help", "Referral to children's social care",
            "Strategy discussion/S47"]


CONTACT_HEADERS = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)", "Date of Contact",
                   "Contact Source", "MASH decision date", "MASH outcome", "Neglect identified?", "Allocated Worker"]


def contact_rows(count: int) -> Iterator[list]:
    """A synthetic Annex A List 1 with the MASH's decision columns (seeded): a title row, the headers,
    then ``count`` contacts."""
    rng = random.Random(7)
    yield ["SYNTHETIC BENCHMARK DATA"]
    yield CONTACT_HEADERS
    start = dt.date(2023, 4, 1)
    for i in range(count):
        contact = start + dt.timedelta(days=rng.randrange(3 * 365))
        decision = contact + dt.timedelta(days=rng.choice((0, 0, 1, 1, 1, 2, 3)))
        age = rng.randrange(0, 18)
        yield [
            f"SYN-{rng.randrange(150_000):06d}", rng.choice(("a) Male", "b) Female")), "WBRI",
            contact - dt.timedelta(days=365 * age + rng.randrange(365)), age, contact, rng.choice(SOURCES),
            decision if rng.random() > 0.02 else None, rng.choice(OUTCOMES), rng.choice(("Yes", "No", "")),
            f"Worker {i % 50}",
        ]


def build_workbook(path: Path, count: int = ROWS) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("List 1")
    for row in contact_rows(count):
        sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def build_csv(path: Path, count: int) -> None:
    """The same contacts as a CSV file, dates written as Excel exports them (dd/mm/yyyy)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for row in contact_rows(count):
            writer.writerow([f"{v:%d/%m/%Y}" if isinstance(v, dt.date) else v for v in row])


def paired_rounds(rounds: int, first, second) -> list[tuple[float, float]]:
    """Time two actions side by side, ``rounds`` times, alternating which goes first, so a slow spell on
    a shared machine hits both sides of a pair alike. Returns (first, second) seconds per round.

    An action is a context manager factory yielding the function to time: set-up is not timed."""
    pairs = []
    for round_number in range(rounds):
        order = (0, 1) if round_number % 2 == 0 else (1, 0)
        seconds = [0.0, 0.0]
        for index in order:
            with (first, second)[index]() as timed:
                started = time.perf_counter()
                timed()
                seconds[index] = time.perf_counter() - started
        pairs.append((seconds[0], seconds[1]))
    return pairs


@contextmanager
def raw_read(path: Path):
    """Every cell of every sheet into Python with calamine, under the same garbage-collector setting as
    our ingest (paused), so the ratio measures only our own work."""
    import python_calamine

    def read() -> None:
        gc.disable()
        try:
            workbook = python_calamine.CalamineWorkbook.from_path(str(path))
            for name in workbook.sheet_names:
                workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            workbook.close()
        finally:
            gc.enable()
    yield read


@contextmanager
def ingest(path: Path, expected_rows: int = ROWS):
    """``load_file`` into an open, empty store, as the app and the command line run it: read, validate,
    pseudonymise and write in one committed transaction. Creating the empty database is set-up."""
    from loaders.store import Store
    from loaders.submit import load_file

    def load() -> None:
        report = load_file(store, path, uploaded_by="bench")
        assert report.status == "accepted", [str(e) for e in report.errors[:5]]
        assert report.rows_loaded > expected_rows * 0.9

    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "bench.duckdb") as store:
        yield load


def peak_memory_mb(path: Path, expected_rows: int = ROWS) -> float:
    """Peak resident memory of a fresh process that runs one ingest (the store set-up included)."""
    code = "\n".join([
        "import resource, sys",
        "from pathlib import Path",
        "sys.path.insert(0, sys.argv[1])",
        "from bench.bench_loaders import ingest",
        "with ingest(Path(sys.argv[2]), int(sys.argv[3])) as load:",
        "    load()",
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)",
    ])
    output = subprocess.run([sys.executable, "-c", code, str(ROOT), str(path), str(expected_rows)], check=True,
                            capture_output=True, text=True, env={**os.environ, "DASHBOARD_SECRET": "bench"}).stdout
    return float(output.strip().splitlines()[-1])


def main(ingest_only: bool = False) -> None:
    """Every loader benchmark; ``ingest_only`` (``--ingest-only``): the ingest against the raw read alone."""
    os.environ.setdefault("DASHBOARD_SECRET", "bench")
    if not WORKBOOK.exists():
        build_workbook(WORKBOOK)
    pairs = paired_rounds(ROUNDS, lambda: raw_read(WORKBOOK), lambda: ingest(WORKBOOK))
    # The ratio is read in each round (the two runs side by side); the round with the median ratio is reported.
    read_seconds, ingest_seconds = sorted(pairs, key=lambda pair: pair[1] / pair[0])[len(pairs) // 2]
    emit("loaders.raw_read_200k_contacts_calamine", read_seconds, "s")
    emit("loaders.ingest_200k_contacts", ingest_seconds, "s", read_seconds)
    best_read, best_ingest = min(read for read, _ in pairs), min(ingest for _, ingest in pairs)
    emit("loaders.ingest_200k_contacts_best_of_rounds", best_ingest, "s", best_read)
    if ingest_only:
        return
    emit("loaders.ingest_peak_memory", peak_memory_mb(WORKBOOK), "MB", 1024.0)
    if not LARGEST_CSV.exists():
        build_csv(LARGEST_CSV, LARGEST_CSV_ROWS - 2)
    emit("loaders.largest_csv_peak_memory", peak_memory_mb(LARGEST_CSV, LARGEST_CSV_ROWS - 2), "MB", 1536.0)
    if not LARGEST_XLSX.exists():
        build_workbook(LARGEST_XLSX, LARGEST_XLSX_ROWS)
    emit("loaders.largest_xlsx_peak_memory", peak_memory_mb(LARGEST_XLSX, LARGEST_XLSX_ROWS), "MB", 1536.0)


if __name__ == "__main__":
    main(ingest_only="--ingest-only" in sys.argv[1:])
