"""The scrutiny summary in words: headline figures with their change, BRAG counts, and sentences per aim.

Everything here returns display-ready values with small-number suppression applied; the sums and
comparisons themselves use the unsuppressed figures. Suppression holds in words too: where a figure is
suppressed (``metrics.suppress.is_withheld``), nothing built from it is said either: not its change, not
its direction, not whether it meets the target, not the rating of the action it measures. A change from a
suppressed previous or baseline figure is withheld the same way, since the change would give it away.
The reader sees ``withheld_words`` instead: "fewer than 6 contacts: not shown".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from loaders.periods import Quarter
from metrics import ratings as rating_kinds
from metrics import registry as metric_registry
from metrics.display import change_words, format_number, round_half_up, shown_or_number, unit_display
from metrics.ratings import WITHHELD
from metrics.registry import Metric
from metrics.suppress import NOT_SHOWN, fewer_than, is_withheld, suppress_values, withheld_words
from metrics.wording import SCORE_WORDS, target_words

# Ratings built from the measure's figures (the others come from the action's status or its lack of data).
_FROM_FIGURES = ("Green", "Amber", "Red")


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
    # "fewer than 6 contacts: not shown" when the latest figure is suppressed, else None.
    withheld: str | None = None
    # The rating of the action this figure measures, as scrutiny may see it (None: no action measures it).
    rating: str | None = None

    @property
    def sentence(self) -> str:
        if self.withheld:
            return f"{self.title} in {self.period}: {self.withheld}."
        return f"{self.title}: {self.value} in {self.period}."


def withheld_change(metric_id: str, period: str) -> str:
    """A change from a suppressed earlier figure: it would give that figure away."""
    return f"{NOT_SHOWN} ({period}: {fewer_than(metric_id)})"


def _shown(values: pd.DataFrame) -> pd.DataFrame:
    """``values`` with its display strings: suppressing every figure is slow, so a caller may do it once."""
    return values if "value_shown" in values.columns else suppress_values(values)


def _withheld_at(shown: pd.DataFrame) -> set[tuple[str, str]]:
    """(metric, quarter) of every overall figure that is suppressed in any part."""
    overall = shown[shown["group"].isna()]
    return {(r["metric"], r["period"]) for r in overall.to_dict("records") if is_withheld(r)}


def withheld_figures(values: pd.DataFrame) -> set[tuple[str, str]]:
    """(metric, quarter) of every overall figure a reader may not be told about, directly or in words."""
    return _withheld_at(_shown(values)) if not values.empty else set()


def headline_metrics(ratings: pd.DataFrame) -> list[str]:
    """The action plan's measures in plan order (else a default set), then volumes for context."""
    measures = [m for m in ratings.get("measure", pd.Series(dtype=object)).dropna().tolist() if m]
    return list(dict.fromkeys([*(measures or default_headlines()), *context_headlines()]))


def default_headlines() -> list[str]:
    """The metrics declared as headlines (``Metric.headline``), in their declared places."""
    return [m.id for m in sorted((m for m in metric_registry.METRICS if m.headline), key=lambda m: m.headline)]


def context_headlines() -> list[str]:
    """The volumes declared to be shown after the headlines for scale (``Metric.context``)."""
    return [m.id for m in metric_registry.METRICS if m.context]


def headlines(values: pd.DataFrame, ratings: pd.DataFrame, registry: dict[str, Metric]) -> list[Headline]:
    """Each headline measure in its latest quarter, with change since the previous quarter and the baseline.
    ``values`` is ``compute_all``'s output, with or without ``suppress_values``' display strings."""
    if values.empty:
        return []
    shown = _shown(values)
    withheld = _withheld_at(shown)
    overall = shown[shown["group"].isna()]
    ratings = withheld_ratings(ratings, shown)   # a card's rating chip is the rating scrutiny may see
    result = []
    for metric_id in headline_metrics(ratings):
        metric = registry.get(metric_id)
        rows = overall[(overall["metric"] == metric_id) & overall["value"].notna()]
        if metric is None or rows.empty:
            continue
        result.append(_headline(metric, rows, ratings, withheld))
    return result


def _headline(metric: Metric, rows: pd.DataFrame, ratings: pd.DataFrame, withheld: set[tuple[str, str]]) -> Headline:
    rows = rows.assign(index=rows["period"].map(lambda p: Quarter.parse(p).index)).sort_values("index")
    latest = rows.iloc[-1]
    previous = rows.iloc[-2] if len(rows) > 1 else None
    action = ratings[ratings["measure"] == metric.id].head(1) if "measure" in ratings else pd.DataFrame()
    baseline = action.iloc[0] if len(action) else None
    now_withheld = (metric.id, latest["period"]) in withheld

    def compare(before: object, period: str | None) -> str:
        if before is None or pd.isna(before):
            return "no earlier figure"
        if now_withheld:
            return NOT_SHOWN
        if (metric.id, period) in withheld:
            return withheld_change(metric.id, str(period))
        if period == latest["period"]:
            return "the baseline is this quarter"
        return change_words(float(latest["value"]), float(before), metric.unit, metric.polarity)

    return Headline(
        metric_id=metric.id, title=metric.title, unit=metric.unit, polarity=metric.polarity,
        period=latest["period"], value=shown_or_number(latest["value"], latest["value_shown"], metric.unit),
        previous_period=previous["period"] if previous is not None else None,
        change_previous=compare(previous["value"], previous["period"]) if previous is not None
        else "no earlier figure",
        baseline_period=baseline["baseline_period"] if baseline is not None else None,
        change_baseline=compare(baseline["baseline"], baseline["baseline_period"]) if baseline is not None
        else "no earlier figure",
        target=format_number(baseline["target"], metric.unit) if baseline is not None and not pd.isna(baseline["target"])
        else None,
        withheld=withheld_words(metric.id) if now_withheld else None,
        rating=str(baseline["rag"]) if baseline is not None and "rag" in action else None,
    )


def common_quarter(figures: list[Headline]) -> str | None:
    """The latest quarter of any card: a card whose own latest quarter is earlier says so."""
    periods = {f.period for f in figures}
    return max(periods, key=lambda p: Quarter.parse(p).index) if periods else None


def withheld_ratings(ratings: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """The ratings as scrutiny may see them. A rating built from a suppressed figure (the latest value, or the
    baseline quarter's figure when the rating compares with the baseline) becomes ``WITHHELD``, its reason the
    withheld words, and its latest and trajectory values are blanked, so no page can show them by mistake."""
    if ratings.empty or values.empty or "rag" not in ratings:
        return ratings
    withheld = _withheld_at(_shown(values))
    # A frame without the column (built elsewhere) is treated as comparing with the baseline: the safe side.
    compared = ratings.get("compared_with_baseline", pd.Series(True, index=ratings.index)).fillna(True)
    hide = []
    for (_, action), with_baseline in zip(ratings.iterrows(), compared, strict=True):
        measure, latest = action.get("measure"), action.get("latest_period")
        from_figures = action["rag"] in _FROM_FIGURES and not pd.isna(measure) and not pd.isna(latest)
        hide.append(from_figures and ((measure, latest) in withheld
                                      or bool(with_baseline) and (measure, action.get("baseline_period")) in withheld))
    hide = pd.Series(hide, index=ratings.index, dtype=bool)
    if not hide.any():
        return ratings
    out = ratings.copy()
    out.loc[hide, "rag"] = WITHHELD
    out.loc[hide, "reason"] = [withheld_words(m) for m in out.loc[hide, "measure"]]
    for column in ("latest_value", "trajectory_value"):
        if column in out:
            out[column] = out[column].astype("float64")
            out.loc[hide, column] = float("nan")
    return out


def withheld_note(ratings: pd.DataFrame) -> str | None:
    """``fewer than 6 contacts or delegates``: why the withheld ratings among ``ratings`` are not shown."""
    measures = ratings.loc[ratings["rag"] == WITHHELD, "measure"] if "rag" in ratings else pd.Series(dtype=object)
    if measures.empty:
        return None
    return fewer_than(*measures)


def rating_words(ratings: pd.DataFrame, values: pd.DataFrame) -> dict[str, str]:
    """Each rating's words for scrutiny; a withheld rating's say why: 'based on fewer than 6 contacts: not shown'."""
    note = withheld_note(withheld_ratings(ratings, values))
    words = rating_kinds.words()
    return {**words, WITHHELD: f"based on {note}: {NOT_SHOWN}"} if note else words


def rag_counts(ratings: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """Number of actions per rating, overall and per aim (priority area): columns aim, rag, count.
    Ratings built from a suppressed figure count as ``WITHHELD``."""
    if ratings.empty:
        return pd.DataFrame(columns=["aim", "rag", "count"])
    ratings = withheld_ratings(ratings, values)
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
    shown = _shown(values) if not values.empty else values
    ratings = withheld_ratings(ratings, shown)
    withheld = _withheld_at(shown) if not shown.empty else set()
    for aim, actions in ratings.groupby("priority_area", sort=False):
        good = int(actions["rag"].isin(["Green", "Blue"]).sum())
        parts = [f"{good} of {len(actions)} actions are on track or complete"]
        off = int((actions["rag"] == "Red").sum())
        if off:
            parts.append(f"{off} {'is' if off == 1 else 'are'} off track")
        hidden = int((actions["rag"] == WITHHELD).sum())
        if hidden:
            parts.append(f"{hidden} {'is' if hidden == 1 else 'are'} based on {withheld_note(actions)}: {NOT_SHOWN}")
        lines = ["; ".join(parts) + "."]
        measured = actions[actions["latest_value"].notna()]
        if len(measured):
            pick = measured[measured["rag"] == "Red"].head(1)
            if pick.empty:
                pick = measured.head(1)
            lines.append(_measure_sentence(pick.iloc[0], shown, registry, withheld))
        sentences[str(aim)] = lines
    return sentences


def _measure_sentence(action: pd.Series, shown: pd.DataFrame, registry: dict[str, Metric],
                      withheld: set[tuple[str, str]]) -> str:
    metric = registry.get(action["measure"])
    title = metric.title if metric else action["measure"]
    unit = metric.unit if metric else "%"
    period = action["latest_period"]
    if (action["measure"], period) in withheld:
        # Not the figure, nor whether it rose, fell or meets the target.
        return f"{title} in {period}: {withheld_words(action['measure'])}."
    row = shown[(shown["metric"] == action["measure"]) & shown["group"].isna() & (shown["period"] == period)]
    value_text = shown_or_number(action["latest_value"], row.iloc[0]["value_shown"] if len(row) else None, unit)
    baseline = action["baseline"]
    verb = "is"
    # A direction from a suppressed baseline figure would give that figure away.
    if not pd.isna(baseline) and (action["measure"], action["baseline_period"]) not in withheld \
            and action["baseline_period"] != period:
        # Compared as shown: a change below the display's precision "stayed at".
        now, then = (round_half_up(float(v), unit_display(unit).decimals) for v in (action["latest_value"], baseline))
        verb = "rose to" if now > then else "fell to" if now < then else "stayed at"
    if unit == "score" and value_text == format_number(action["latest_value"], unit):
        value_text = f"{value_text} {SCORE_WORDS}"
    target = action["target"]
    if pd.isna(target) or metric is None:
        tail = ""
    else:
        tail = ", " + target_words(float(action["latest_value"]), float(target), unit, metric.polarity)
    return f"{title} {verb} {value_text} in {period}{tail}."


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
