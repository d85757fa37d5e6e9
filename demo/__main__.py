"""``python -m demo --out DIR [--seed N] [--summary]``: write the demo spreadsheets without loading them.

To load them into a store as a manager would, use ``python -m loaders demo`` (what ``make run`` does).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from demo.files import write_demo_files
from demo.generator import designed_metrics, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="directory to write the demo files into")
    parser.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
    parser.add_argument("--summary", action="store_true",
                        help="also print the metric values the data gives, one JSON object per metric")
    args = parser.parse_args(argv)
    for path in write_demo_files(args.out, args.seed):
        print(path)
    if args.summary:
        for metric, values in designed_metrics(generate(args.seed)).items():
            print(json.dumps({"metric": metric, "values": {k: None if v is None else round(v, 2)
                                                           for k, v in values.items()}}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
