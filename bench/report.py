"""How every benchmark reports: one JSON object per line, ``{name, value, unit, baseline, ratio}``."""

from __future__ import annotations

import json


def emit(name: str, value: float, unit: str, baseline: float | None = None) -> None:
    """Print one measurement beside its baseline (the ratio is value / baseline, when there is one)."""
    ratio = value / baseline if baseline else None
    print(json.dumps({"name": name, "value": round(value, 4), "unit": unit,
                      "baseline": round(baseline, 4) if baseline is not None else None,
                      "ratio": round(ratio, 3) if ratio is not None else None}), flush=True)
