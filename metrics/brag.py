"""BRAG ratings of the action plan: each action's progress by one rule anyone in the room can check.

The rule, in the order the partnership agreed (the About page states it):
1. Blue when agreed complete; 2. No data when the measure has no value after the baseline period;
3. Green when the latest value meets the target; 4. Red when past due; 5. Red when no better than the
baseline; 6. Green when on or better than the straight-line trajectory; 7. Amber otherwise.
An action without a measure is rated by its status. Each rating's colour, words and badge: ``metrics.ratings``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass

import pandas as pd

from loaders.periods import Quarter
from loaders.store import Store
from metrics.compute import COLUMNS, compute_dataset
from metrics.decisions import current_statuses
from metrics.display import format_value
from metrics.display import missing as _missing
from metrics.registry import Metric, get

# Float noise must not turn "exactly on the trajectory" into "just below it".
_EPS = 1e-9

PLAN_FIELDS = ("action_id", "priority_area", "action", "lead_agency", "lead_officer", "measure", "baseline",
               "baseline_period", "target", "due_period", "status", "evidence", "sustainability_plan", "spc_from")


@dataclass(frozen=True)
class Rating:
    rag: str
    reason: str
    latest_period: str | None = None
    latest_value: float | None = None
    trajectory_value: float | None = None
    # Whether the rating compares the latest value with the baseline (directly, or through the trajectory
    # drawn from it): scrutiny must withhold such a rating when the baseline quarter's figure is suppressed.
    compared_with_baseline: bool = False


def _by_status(status: str | None, due_period: str | None, today: dt.date, note: str = "") -> Rating:
    now = Quarter.of(today)
    due = Quarter.parse(due_period) if not _missing(due_period) else None
    past_due = due is not None and due < now
    if status == "Evidence submitted":
        return Rating("Green", f"{note}status is Evidence submitted")
    if status == "In progress":
        return Rating("Amber", f"{note}status is In progress")
    said = "status is Not started" if status == "Not started" else "no status recorded"
    if past_due:
        return Rating("Red", f"{note}{said} and it was due by {due.label} (now {now.label})")
    return Rating("Amber", f"{note}{said}" + (f", due by {due.label}" if due else ""))


def _no_reading_yet(measure: str, base_q: Quarter, values: Mapping[str, float]) -> Rating:
    """No value after the baseline quarter. When the data reaches the baseline quarter (the chart has points),
    say that progress is measured from the next quarter rather than that there is no data."""
    if any(not _missing(v) and Quarter.parse(p) == base_q for p, v in values.items()):
        return Rating("No data", f"baseline set in {base_q.label}; first progress reading due after it")
    return Rating("No data", f"No value for {measure} after the baseline period {base_q.label}")


def rate(action: Mapping[str, object], values: Mapping[str, float], metric: Metric | None,
         today: dt.date | None = None) -> Rating:
    """Rate one action. ``values`` maps quarter label to the metric's overall value (quarters with a value).

    ``action`` holds the plan fields, with ``status`` the current status (latest decision, else the plan's).
    """
    today = today or dt.date.today()
    status = None if _missing(action.get("status")) else str(action["status"])
    measure = None if _missing(action.get("measure")) else str(action["measure"])
    if status == "Agreed complete":
        return Rating("Blue", "Agreed complete by the partnership")
    if measure is None:
        return _by_status(status, action.get("due_period"), today, "No measure: ")
    if metric is None:
        return _by_status(status, action.get("due_period"), today, f"Measure {measure!r} is not a known metric: ")
    needed = ("baseline", "baseline_period", "target", "due_period")
    lacking = [f for f in needed if _missing(action.get(f))]
    if lacking:
        return _by_status(status, action.get("due_period"), today,
                          f"Measure has no {' or '.join(f.replace('_', ' ') for f in lacking)}: ")

    baseline, target = float(action["baseline"]), float(action["target"])
    base_q, due_q = Quarter.parse(str(action["baseline_period"])), Quarter.parse(str(action["due_period"]))
    after = {Quarter.parse(p): v for p, v in values.items() if not _missing(v) and Quarter.parse(p) > base_q}
    if not after:
        return _no_reading_yet(measure, base_q, values)
    latest_q = max(after)
    latest = float(after[latest_q])
    higher = metric.polarity == "higher" or (metric.polarity == "neither" and target >= baseline)

    def better_or_equal(a: float, b: float) -> bool:
        return a >= b - _EPS if higher else a <= b + _EPS

    def fmt(v: float) -> str:
        return format_value(v, metric.unit)

    trajectory = None
    if base_q < due_q and latest_q <= due_q:
        trajectory = baseline + (target - baseline) * (latest_q.index - base_q.index) / (due_q.index - base_q.index)
    at = f"{fmt(latest)} in {latest_q.label}"
    done = dict(latest_period=latest_q.label, latest_value=latest, trajectory_value=trajectory)
    if better_or_equal(latest, target):
        return Rating("Green", f"{at} meets the target of {fmt(target)} due by {due_q.label}", **done)
    if due_q < latest_q:
        return Rating("Red", f"{at} has not met the target of {fmt(target)}, which was due by {due_q.label}", **done)
    done["compared_with_baseline"] = True
    if better_or_equal(baseline, latest):
        return Rating("Red", f"{at} is no better than the baseline of {fmt(baseline)} in {base_q.label}", **done)
    reason = f"{at} against a trajectory of {fmt(trajectory)} towards {fmt(target)} by {due_q.label}"
    return Rating("Green" if better_or_equal(latest, trajectory) else "Amber", reason, **done)


def rate_actions(store: Store, today: dt.date | None = None, values: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every current action with its rating: the plan's fields, ``plan_status``, current ``status``,
    latest_period, latest_value, trajectory_value, rag, reason and compared_with_baseline. ``values`` may be
    ``compute_all``'s output."""
    plan = store.query(f"SELECT {', '.join(PLAN_FIELDS)} FROM actions WHERE is_current ORDER BY source_row, action_id")
    statuses = current_statuses(store)
    themes = dict(store.rows("SELECT theme_slug, mode(theme) FROM audit_themes GROUP BY theme_slug"))
    measures = {m: get(m, themes) for m in plan["measure"].dropna().map(lambda m: str(m).strip()) if m}
    if values is None:
        datasets = {metric.dataset for metric in measures.values() if metric}
        values = _stack([compute_dataset(store, d) for d in sorted(datasets)])
    records = []
    for action in plan.to_dict("records"):
        measure = None if _missing(action["measure"]) else str(action["measure"]).strip() or None
        metric = measures.get(measure) if measure else None
        current = {**action, "measure": measure, "status": statuses.get(action["action_id"], action["status"])}
        rating = rate(current, _overall(values, measure) if metric else {}, metric, today)
        records.append({**action, "measure": measure, "plan_status": action["status"],
                        "status": current["status"], **asdict(rating)})
    columns = [*PLAN_FIELDS, "plan_status", "latest_period", "latest_value", "trajectory_value", "rag", "reason",
               "compared_with_baseline"]
    return pd.DataFrame.from_records(records, columns=columns)


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)


def _overall(values: pd.DataFrame, metric_id: str) -> dict[str, float]:
    """Quarter label -> the metric's overall value, for quarters that have one."""
    rows = values[(values["metric"] == metric_id) & values["group"].isna() & values["value"].notna()]
    return dict(zip(rows["period"], rows["value"].astype(float), strict=True))
