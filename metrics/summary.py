"""The scrutiny summary in words: headline figures with their change, BRAG counts, and sentences per aim.

Everything here returns display-ready values with small-number suppression applied; the sums and
comparisons themselves use the unsuppressed figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from loaders.periods import Quarter
from metrics.registry import Metric, format_number
from metrics.suppress import SUPPRESSED, suppress_values

CONTEXT_HEADLINES = ("contacts.count", "cp_plans.started")
DEFAULT_HEADLINES = ("contacts.decided_within_1wd", "referrals.rereferral_12m", "cp_plans.second_or_subsequent",
                     "contacts.neglect_identified", "training.confidence_uplift", "audits.good_or_better")
RAG_WORDS = {"Blue": "complete", "Green": "on track", "Amber": "at risk", "Red": "off track", "No data": "without data"}


@dataclass(frozen=True)
class Headline:
    metric_id: str
    title: str
    unit: str
    polarity: str
    period: str
    value: str
    previous_period: str | None
    change_previous: str
    baseline_period: str | None
    change_baseline: str
    target: str | None

    @property
    def sentence(self) -> str:
        return f"{self.title}: {self.value} in {self.period}."


def shownformat_number(value: float | None, shown: str | None, unit: str) -> str:
    """The suppressed symbol where the display is suppressed, else the value formatted with its unit."""
    if shown in (SUPPRESSED, "x", "z"):
        return shown
    return format_number(value, unit)


def change_words(now: float, before: float, unit: str, polarity: str) -> str:
    """'▲ 3.5 points, better' — the arrow shows the direction, the word whether that is good."""
    difference = now - before
    if abs(difference) < 1e-9:
        return "no change"
    arrow = "▲ up" if difference > 0 else "▼ down"
    size = f"{abs(difference):.1f} points" if unit == "%" else format_number(abs(difference), unit)
    if polarity == "neither":
        judgement = "neither better nor worse"
    else:
        better = (difference > 0) == (polarity == "higher")
        judgement = "better" if better else "worse"
    return f"{arrow} {size}, {judgement}"


def headline_metrics(ratings: pd.DataFrame) -> list[str]:
    """The action plan's measures in plan order (else a default set), then volumes for context."""
    measures = [m for m in ratings.get("measure", pd.Series(dtype=object)).dropna().tolist() if m]
    return list(dict.fromkeys([*(measures or DEFAULT_HEADLINES), *CONTEXT_HEADLINES]))


def headlines(values: pd.DataFrame, ratings: pd.DataFrame, registry: dict[str, Metric]) -> list[Headline]:
    """Each headline measure in its latest quarter, with change since the previous quarter and the baseline."""
    if values.empty:
        return []
    shown = suppress_values(values)
    overall = shown[shown["group"].isna()]
    result = []
    for metric_id in headline_metrics(ratings):
        metric = registry.get(metric_id)
        rows = overall[(overall["metric"] == metric_id) & overall["value"].notna()]
        if metric is None or rows.empty:
            continue
        rows = rows.assign(index=rows["period"].map(lambda p: Quarter.parse(p).index)).sort_values("index")
        latest = rows.iloc[-1]
        previous = rows.iloc[-2] if len(rows) > 1 else None
        action = ratings[ratings["measure"] == metric_id].head(1) if "measure" in ratings else pd.DataFrame()
        baseline = action.iloc[0] if len(action) else None

        def compare(before_value, before_shown: str | None, now=latest, metric=metric) -> str:
            if before_value is None or pd.isna(before_value):
                return "no earlier figure"
            if SUPPRESSED in (now["value_shown"], before_shown):
                return SUPPRESSED
            return change_words(float(now["value"]), float(before_value), metric.unit, metric.polarity)

        baseline_value = baseline["baseline"] if baseline is not None else None
        result.append(Headline(
            metric_id=metric_id, title=metric.title, unit=metric.unit, polarity=metric.polarity,
            period=latest["period"], value=shownformat_number(latest["value"], latest["value_shown"], metric.unit),
            previous_period=previous["period"] if previous is not None else None,
            change_previous=compare(previous["value"] if previous is not None else None,
                                    previous["value_shown"] if previous is not None else None),
            baseline_period=baseline["baseline_period"] if baseline is not None else None,
            change_baseline=compare(baseline_value, None),
            target=format_number(baseline["target"], metric.unit) if baseline is not None and not pd.isna(baseline["target"])
            else None,
        ))
    return result


def rag_counts(ratings: pd.DataFrame) -> pd.DataFrame:
    """Number of actions per rating, overall and per aim (priority area): columns aim, rag, count."""
    if ratings.empty:
        return pd.DataFrame(columns=["aim", "rag", "count"])
    per_aim = ratings.groupby(["priority_area", "rag"]).size().reset_index(name="count")
    per_aim = per_aim.rename(columns={"priority_area": "aim"})
    overall = ratings.groupby("rag").size().reset_index(name="count").assign(aim="All actions")
    return pd.concat([overall[["aim", "rag", "count"]], per_aim], ignore_index=True)


def aim_sentences(values: pd.DataFrame, ratings: pd.DataFrame, registry: dict[str, Metric]) -> dict[str, list[str]]:
    """One or two plain-English sentences per aim, e.g. '7 of 12 actions are on track or complete;
    MASH decisions within 1 working day rose to 87.0%, short of the 95.0% target.'"""
    sentences: dict[str, list[str]] = {}
    if ratings.empty:
        return sentences
    shown = suppress_values(values) if not values.empty else values
    for aim, actions in ratings.groupby("priority_area", sort=False):
        good = int(actions["rag"].isin(["Green", "Blue"]).sum())
        parts = [f"{good} of {len(actions)} actions are on track or complete"]
        off = int((actions["rag"] == "Red").sum())
        if off:
            parts.append(f"{off} {'is' if off == 1 else 'are'} off track")
        lines = ["; ".join(parts) + "."]
        measured = actions[actions["latest_value"].notna()]
        if len(measured):
            pick = measured[measured["rag"] == "Red"].head(1)
            if pick.empty:
                pick = measured.head(1)
            lines.append(_measure_sentence(pick.iloc[0], shown, registry))
        sentences[str(aim)] = lines
    return sentences


def _measure_sentence(action: pd.Series, shown: pd.DataFrame, registry: dict[str, Metric]) -> str:
    metric = registry.get(action["measure"])
    title = metric.title if metric else action["measure"]
    unit = metric.unit if metric else "%"
    row = shown[(shown["metric"] == action["measure"]) & shown["group"].isna()
                & (shown["period"] == action["latest_period"])]
    value_text = shownformat_number(action["latest_value"], row.iloc[0]["value_shown"] if len(row) else None, unit)
    baseline = action["baseline"]
    verb = "is"
    if not pd.isna(baseline):
        verb = "rose to" if action["latest_value"] > baseline else "fell to" if action["latest_value"] < baseline \
            else "stayed at"
    target = action["target"]
    if pd.isna(target) or metric is None:
        tail = ""
    else:
        met = action["latest_value"] >= target if metric.polarity != "lower" else action["latest_value"] <= target
        tail = f", {'meeting' if met else 'short of'} the {format_number(target, unit)} target"
    return f"{title} {verb} {value_text} in {action['latest_period']}{tail}."


def stale_datasets(latest: pd.DataFrame, today: dt.date | None = None) -> list[str]:
    """Warnings for datasets whose newest data ends more than a quarter before the current quarter."""
    if latest.empty:
        return []
    current = Quarter.of(today or dt.date.today())
    warnings = []
    for dataset, rows in latest.groupby("dataset"):
        if dataset == "actions" or rows["data_up_to"].isna().all():
            continue
        newest = pd.Timestamp(rows["data_up_to"].max()).date()
        behind = current.index - Quarter.of(newest).index
        if behind > 1:
            warnings.append(f"{dataset}: the newest data is from {Quarter.of(newest).label}, "
                            f"{behind} quarters before the current quarter {current.label}.")
    return warnings
