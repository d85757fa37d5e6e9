"""Benchmark: the exports on the demo borough (14 actions, 11 of them measured).

Prints JSON lines {"name", "value", "unit", "baseline", "ratio"}. ``reports.public_page`` is the whole public
page (the content from the store, every chart drawn as SVG, the file written; target ≤ 3 s) against drawing
its charts once; ``reports.static_chart_svg`` and ``..._png`` are the time to draw one trajectory with
matplotlib. Each figure is the best of three runs in this process (imports and the store already warm).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import emit  # noqa: E402
from demo.load import load_demo  # noqa: E402
from loaders.store import Store  # noqa: E402
from reports import static_charts  # noqa: E402
from reports.content import build_content  # noqa: E402
from reports.public import write_public  # noqa: E402

PUBLIC_TARGET_S = 3.0


def best_of(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def demo_store(folder: Path) -> Store:
    store = Store(folder / "demo.duckdb")
    load_demo(store, quiet=True)
    return store


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = demo_store(Path(tmp))
        content = build_content(store, suppressed=True)
        specs = [a.chart for a in content.actions if a.chart is not None]
        static_charts.svg(specs[0], "warm")
        charts_once = best_of(3, lambda: [static_charts.svg(s, f"c{i}") for i, s in enumerate(specs)])
        public = best_of(3, lambda: write_public(build_content(store, suppressed=True), Path(tmp) / "site"))
        emit("reports.public_page", public, "s", charts_once)
        emit("reports.static_chart_svg", charts_once / len(specs), "s")
        emit("reports.static_chart_png", best_of(3, lambda: [static_charts.png(s) for s in specs]) / len(specs), "s")
        bench_pack(store, Path(tmp))
        store.close()
    if public > PUBLIC_TARGET_S:
        print(f"reports.public_page took {public:.2f} s, over the {PUBLIC_TARGET_S} s target", file=sys.stderr)


PACK_TARGET_S = 10.0


def bench_pack(store: Store, folder: Path) -> None:
    """The meeting pack for the demo's 14 actions, PowerPoint and PDF, each from the store to the file written
    (content, every chart drawn as PNG, the slides), against drawing the same charts once (target ≤ 10 s)."""
    from reports.pack import PNG_SIZE, _chart_png, write_pack

    def cold_pack(out: Path) -> None:
        _chart_png.cache_clear()  # every run draws its charts, as the first download does
        write_pack(build_content(store, suppressed=False), out)

    specs = [a.chart for a in build_content(store, suppressed=False).actions if a.chart is not None]
    charts_once = best_of(3, lambda: [static_charts.png(s, **PNG_SIZE) for s in specs])
    for suffix in (".pptx", ".pdf"):
        took = best_of(3, lambda out=folder / f"pack{suffix}": cold_pack(out))
        emit(f"reports.pack_{suffix[1:]}_14_actions", took, "s", charts_once)
        if took > PACK_TARGET_S:
            print(f"the {suffix} pack took {took:.2f} s, over the {PACK_TARGET_S} s target", file=sys.stderr)


if __name__ == "__main__":
    main()
