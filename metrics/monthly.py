"""Monthly SPC charts of the registered metrics (issue 15): the months come from ``compute.compute_monthly``
(the quarterly SQL grouped by month), the charts from the pure engine in ``metrics.spc``.

Which measures have months: those of *event datasets*, where each row is one event in a child's life (a child
ID and an event date: contacts, referrals, child protection plans and any Annex A list declared the same way),
with an overall value. Training and audits are monthly too in SQL, but their volumes are too small for monthly
points. Small numbers: a month whose figure scrutiny must not see (``metrics.suppress``) is a gap on their view.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from loaders.datasets import DATASETS
from loaders.store import Store
from metrics import registry
from metrics.compute import compute_monthly
from metrics.display import format_day
from metrics.display import missing as _missing
from metrics.registry import Metric
from metrics.spc import ASSURANCE_ICONS, VARIATION_ICONS, SpcError, SpcInput, SpcResult, compute_spc_many
from metrics.suppress import suppress_values

SPC_COLUMNS = ["action_id", "measure", "variation", "variation_words", "assurance", "assurance_words", "words"]


def event_datasets() -> list[str]:
    """Datasets whose rows are events in a child's life: a child ID and an event date."""
    return [d.name for d in DATASETS.values()
            if d.event_date and any(c.key == "child_key" for c in d.columns)]


def monthly_metrics() -> list[Metric]:
    """The registered metrics charted by month: event datasets' metrics with an overall value."""
    events = set(event_datasets())
    return [m for m in registry.METRICS if m.dataset in events and m.overall]


def monthly_values(store: Store) -> pd.DataFrame:
    """Every monthly metric's months (``compute_monthly`` of the event datasets)."""
    return compute_monthly(store, event_datasets())


def months_of(monthly: pd.DataFrame, metric_id: str, *, withhold_small: bool = False) -> list[tuple[str, Any]]:
    """The metric's overall value per month, oldest first; ``withhold_small`` turns a month scrutiny may not
    see (small numbers, ``metrics.suppress``) into a gap."""
    rows = monthly[(monthly["metric"] == metric_id) & monthly["group"].isna()]
    if withhold_small and not rows.empty:
        shown = suppress_values(monthly[monthly["metric"] == metric_id])
        shown = shown[shown["group"].isna()]
        rows = rows.assign(value=[None if s == "c" else v for s, v in zip(shown["value_shown"], rows["value"])])
    rows = rows.sort_values("period")
    return [(p, None if pd.isna(v) else float(v)) for p, v in zip(rows["period"], rows["value"])]


def spc_many(monthly: pd.DataFrame, metric_ids: Sequence[str], *, targets: Mapping[str, float] | None = None,
             rebase: Sequence[str] = (), withhold_small: bool = False,
             went_live: Mapping[str, dt.date] | None = None) -> dict[str, SpcResult | SpcError]:
    """The SPC chart of each metric (or why it cannot be charted), in one pass of the engine. ``rebase`` applies
    to every metric as given; ``went_live`` (metric id -> the date the plan says its change went live,
    ``action_went_live``) rebases that metric from that month once the limits can be set from it, and
    otherwise says why not in the reading. An explicit ``rebase`` wins over the plan's date."""
    specs, waiting = [], {}
    for metric_id in metric_ids:
        metric = registry.get(metric_id)
        if metric is None:
            raise KeyError(f"unknown metric {metric_id!r}")
        months = months_of(monthly, metric_id, withhold_small=withhold_small)
        own = tuple(rebase)
        live = (went_live or {}).get(metric_id)
        if live is not None and not own and months:
            waiting_for = plan_rebase_wait(months, live)
            if waiting_for is None:
                own = (f"{live:%Y-%m}",)
            else:
                waiting[metric_id] = waiting_for
        specs.append(SpcInput(months, metric.polarity, (targets or {}).get(metric_id), own, metric=metric_id))
    results = dict(zip(metric_ids, compute_spc_many(specs), strict=True))
    for metric_id, note in waiting.items():
        result = results[metric_id]
        if isinstance(result, SpcResult):
            results[metric_id] = dataclasses.replace(result, notes=(*result.notes, note))
    return results


def _month_number(period: str) -> int:
    year, month = period[:7].split("-")
    return int(year) * 12 + int(month)


def plan_rebase_wait(months: Sequence[tuple[str, Any]], live: dt.date) -> str | None:
    """None when the limits can be recalculated from the month ``live`` falls in: a month after the series'
    first with a value, and two consecutive months with values from it on (the least a moving range needs).
    Otherwise the note saying why the limits still come from every month."""
    start = live.year * 12 + live.month
    present = {_month_number(period) for period, value in months if not _missing(value)}
    when = f"The change went live on {format_day(live)}"
    if not present or start <= min(present):
        return f"{when}, before the first month shown: the limits are from every month"
    if any(m in present and m + 1 in present for m in range(start, max(present))):
        return None
    return f"{when}: the limits are recalculated from that month once two months in a row from it have values"


def action_went_live(ratings: pd.DataFrame) -> dict[str, dt.date]:
    """Metric id -> the date the plan says the change went live (the ``Live from`` column), from the first
    action that measures the metric and gives one (the plan's order, as ``action_targets``)."""
    live: dict[str, dt.date] = {}
    if ratings.empty or "spc_from" not in ratings:
        return live
    for measure, day in zip(ratings["measure"], ratings["spc_from"]):
        if isinstance(measure, str) and not pd.isna(day) and measure not in live:
            live[measure] = pd.Timestamp(day).date()
    return live


def spc_all(store: Store, targets: Mapping[str, float] | None = None) -> dict[str, SpcResult | SpcError]:
    """Every monthly metric's SPC chart, from the store."""
    return spc_many(monthly_values(store), [m.id for m in monthly_metrics()], targets=targets)


def action_targets(ratings: pd.DataFrame) -> dict[str, float]:
    """Metric id -> the target of the first action that measures it (the plan's order)."""
    targets: dict[str, float] = {}
    if ratings.empty:
        return targets
    for measure, target in zip(ratings["measure"], ratings["target"]):
        if isinstance(measure, str) and not pd.isna(target) and measure not in targets:
            targets[measure] = float(target)
    return targets


def action_result(action: Mapping[str, Any], monthly: pd.DataFrame, *,
                  withhold_small: bool = False) -> SpcResult | SpcError:
    """One action's SPC chart of its monthly measure: against the action's own target, rebased from the month
    the plan says its change went live. The Action plan and the exports read an action through this."""
    measure = action["measure"]
    target = action.get("target")
    live = action.get("spc_from")
    return spc_many(monthly, [measure], targets=None if pd.isna(target) else {measure: float(target)},
                    withhold_small=withhold_small,
                    went_live=None if pd.isna(live) else {measure: pd.Timestamp(live).date()})[measure]


def action_spc(ratings: pd.DataFrame, monthly: pd.DataFrame) -> pd.DataFrame:
    """Each action measured by a monthly metric: its variation and assurance (icon names and words), against
    that action's own target. Actions without such a measure, or whose series cannot be charted, are left out."""
    charted = {m.id for m in monthly_metrics()}
    records = []
    for action in ratings.to_dict("records") if not ratings.empty else []:
        measure = action.get("measure")
        if measure not in charted:
            continue
        result = action_result(action, monthly)
        if isinstance(result, SpcError):
            continue
        records.append({"action_id": action["action_id"], "measure": measure, "variation": result.variation,
                        "variation_words": VARIATION_ICONS[result.variation], "assurance": result.assurance,
                        "assurance_words": ASSURANCE_ICONS.get(result.assurance or "", ""), "words": result.reading})
    return pd.DataFrame.from_records(records, columns=SPC_COLUMNS)
