"""The Summary's words, for a reader with thirty seconds: the verdict, each Red and Amber action's reason and
what happens next, a figure with its unit, a comparison with a target that suits the measure's direction,
periods in words, jargon explained where it first appears, and one line on how up to date the data is.

Pure functions (no streamlit): the Summary page and the reports both read them. Every function here is given
ratings that ``metrics.summary.withheld_ratings`` has already withheld, and the set of suppressed
(metric, quarter) figures, so nothing built from a small number is said (see ``metrics.summary``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd

from loaders.datasets import DATASETS
from loaders.periods import Quarter
from metrics import ratings as rating_kinds
from metrics.display import format_day, format_number, missing, round_half_up, unit_display
from metrics.registry import Metric

# Jargon a councillor may not know, explained where it first appears (the About page holds the definitions).
# Each term is matched as a whole word; a term already followed by "(" or ")" is taken as explained there.
GLOSSARY: dict[str, tuple[str, str]] = {
    "MASH": (r"\bMASH\b", "the multi-agency safeguarding hub, where concerns about a child are first decided"),
    "GCP2": (r"\bGCP2\b", "Graded Care Profile 2, a tool for assessing neglect"),
    "Think family": (r"(?i)\bThink family\b", "looking at the whole family, including the adults' own needs"),
    "points": (r"\bpoints\b(?! on a)", "percentage points: the difference between two percentages"),
}
# The one score the dashboard has (confidence before and after training) is on a 1 to 5 scale.
SCORE_WORDS = "points on a 1–5 scale"


@dataclass
class Reader:
    """What the reader has already been told on this page: a period's long form and each term's meaning are
    given once, at their first mention."""

    periods: set[str] = field(default_factory=set)
    terms: set[str] = field(default_factory=set)

    def period(self, label: str | None) -> str:
        """``January to March 2026 (2025-26 Q4)`` the first time, ``2025-26 Q4`` after."""
        if not label:
            return ""
        try:
            quarter = Quarter.parse(label)
        except ValueError:
            return str(label)
        if quarter.label in self.periods:
            return quarter.label
        self.periods.add(quarter.label)
        return quarter.long

    def explain(self, text: str) -> str:
        """``text`` with each glossary term not yet explained followed by its meaning, at its first mention."""
        for term, (pattern, meaning) in GLOSSARY.items():
            if term in self.terms:
                continue
            match = re.search(pattern, text)
            if not match:
                continue
            self.terms.add(term)
            if term.isupper() and (text[match.end():].lstrip().startswith("(")
                                   or text[:match.start()].rstrip().endswith("(")):
                continue  # an acronym spelt out in the text itself: "Graded Care Profile 2 (GCP2)"
            # Inside brackets already ("(think family)"): the meaning follows a colon, not more brackets.
            said = f": {meaning}" if text[match.end():].startswith(")") else f" ({meaning})"
            text = f"{text[:match.end()]}{said}{text[match.end():]}"
        return text


def figure_words(value: object, unit: str) -> str:
    """A figure with its unit for a reader: ``16.3%``, ``4,044``, ``1.65 points on a 1–5 scale``."""
    text = format_number(value, unit)
    return f"{text} {SCORE_WORDS}" if unit == "score" and not missing(value) else text


def target_words(value: float, target: float, unit: str, polarity: str) -> str:
    """How a figure stands against its target, in words that suit the measure's direction:
    ``short of the 90.0% target``, ``above the 15.0% target (lower is better)``. Compared as shown."""
    decimals = unit_display(unit).decimals
    shown, goal = round_half_up(value, decimals), round_half_up(target, decimals)
    goal_text = format_number(target, unit)
    if polarity == "lower":
        return f"{'within' if shown <= goal else 'above'} the {goal_text} target (lower is better)"
    if polarity == "neither":
        return f"against a target of {goal_text}"
    return f"{'meeting' if shown >= goal else 'short of'} the {goal_text} target"


def verdict(counts: dict[str, int]) -> str:
    """'Of 14 actions: 2 off track, 4 behind plan, 6 on track, 1 complete, 1 without data yet.' in the
    ratings' order, from the counts per rating name."""
    total = sum(counts.values())
    if not total:
        return ""
    words = rating_kinds.words()
    parts = [f"{counts[name]} {words[name]}" for name in rating_kinds.ORDER if counts.get(name)]
    parts += [f"{n} {name}" for name, n in counts.items() if n and name not in words]
    return f"Of {total} action{'s' if total != 1 else ''}: {', '.join(parts)}."


def rating_chip(name: str) -> str:
    """A rating in words for a card or a line: ``Red: off track``."""
    kind = rating_kinds.rating_kind(name)
    return f"{name}: {kind.words}" if kind.words else name


@dataclass(frozen=True)
class ActionNote:
    """One action as the Summary lists it under its rating."""

    action_id: str
    rag: str
    action: str
    reason: str
    next_step: str


def _number(action: pd.Series, column: str) -> float | None:
    value = action.get(column)
    return None if missing(value) else float(value)


def plain_reason(action: pd.Series, registry: dict[str, Metric], reader: Reader,
                 withheld: set[tuple[str, str]]) -> str:
    """Why the action has its rating, in plain English, from its own figures (never a metric id)."""
    measure = action.get("measure")
    metric = registry.get(measure) if isinstance(measure, str) else None
    latest, period = _number(action, "latest_value"), action.get("latest_period")
    if metric is None or latest is None or missing(period):
        return _reason_without_figure(action, metric, reader)
    unit, baseline_period = metric.unit, action.get("baseline_period")
    parts = [f"{metric.title}: {figure_words(latest, unit)} in {reader.period(period)}"]
    target, trajectory = _number(action, "target"), _number(action, "trajectory_value")
    if target is not None:
        parts.append(target_words(latest, target, unit, metric.polarity))
    due = action.get("due_period")
    if action["rag"] in ("Red", "Amber") and not missing(due):
        if Quarter.parse(str(period)) >= Quarter.parse(str(due)):
            parts.append(f"the target was due by {reader.period(due)}")
        elif trajectory is not None:
            parts.append(f"the plan expected {format_number(trajectory, unit)} by now, "
                         f"on the way to the target by {reader.period(due)}")
    baseline = _number(action, "baseline")
    if action["rag"] == "Red" and baseline is not None and (measure, baseline_period) not in withheld \
            and not missing(baseline_period) and Quarter.parse(str(baseline_period)) < Quarter.parse(str(period)):
        parts.append(f"the baseline was {format_number(baseline, unit)} in {reader.period(baseline_period)}")
    return reader.explain("; ".join(parts) + ".")


def _reason_without_figure(action: pd.Series, metric: Metric | None, reader: Reader) -> str:
    status = action.get("status")
    status_text = str(status).lower() if not missing(status) else "not given"
    if metric is None:
        if action["rag"] == "Blue":
            return "Agreed complete by the partnership."
        return f"No measure to track: its lead reports it as {status_text}."
    baseline_period = action.get("baseline_period")
    if not missing(baseline_period):
        return reader.explain(f"{metric.title}: the baseline was set in {reader.period(baseline_period)}; "
                              "the first progress reading is due after it.")
    return reader.explain(f"{metric.title}: no figure yet.")


def next_step(action: pd.Series, decisions: pd.DataFrame, reader: Reader) -> str:
    """What happens next: the partnership's latest decision on the action, else when it is next measured."""
    if not decisions.empty and "action_id" in decisions:
        mine = decisions[decisions["action_id"].astype(str) == str(action["action_id"])]
        if len(mine):
            latest = mine.sort_values([c for c in ("decided_on", "recorded_at") if c in mine]).iloc[-1]
            day = latest.get("decided_on")
            when = f" on {format_day(pd.Timestamp(day).date())}" if not missing(day) else ""
            note = latest.get("note")
            said = f": {note}" if isinstance(note, str) and note.strip() else ""
            return f"Latest decision{when}: {latest.get('status')}{said}"
    lead = action.get("lead_agency")
    by = f"{lead} leads" if isinstance(lead, str) and lead else "No lead named"
    due, period = action.get("due_period"), action.get("latest_period")
    if not missing(period):
        return f"Next: {by}; the next reading is for {reader.period(str(Quarter.parse(str(period)) + 1))}" + \
               (f"; target due by {reader.period(due)}." if not missing(due) else ".")
    return f"Next: {by}" + (f"; due by {reader.period(due)}." if not missing(due) else ".")


def attention(ratings: pd.DataFrame, decisions: pd.DataFrame, registry: dict[str, Metric], reader: Reader,
              withheld: set[tuple[str, str]], rag: str) -> list[ActionNote]:
    """Every action rated ``rag`` (Red, then Amber on the page), with its reason and what happens next."""
    if ratings.empty or "rag" not in ratings:
        return []
    notes = []
    for _, action in ratings[ratings["rag"] == rag].iterrows():
        notes.append(ActionNote(str(action["action_id"]), rag, reader.explain(str(action.get("action") or "")),
                                plain_reason(action, registry, reader, withheld),
                                next_step(action, decisions, reader)))
    return notes


def _month(day: dt.date) -> str:
    return f"{day:%B %Y}"


def freshness_line(latest: pd.DataFrame, today: dt.date | None = None) -> str:
    """'Data to March 2026. Returns due for April to June 2026: Police, Health (not yet received).' From each
    dataset's and agency's newest data (``loaders.status.latest_submissions``); the action plan has no dates."""
    dated = latest[(latest["dataset"] != "actions") & latest["data_up_to"].notna()] if not latest.empty else latest
    if dated.empty:
        return "No dated returns have been received yet."
    ends = pd.to_datetime(dated["data_up_to"]).dt.date
    newest = max(ends)
    covered = Quarter.of(newest)
    text = f"Data to {_month(newest)}."
    due = covered + 1
    if (today or dt.date.today()) > due.end:
        missing_from = sorted({a for a, end in zip(dated["agency"], ends, strict=True) if end < due.end})
        if missing_from:
            text += f" Returns due for {due.words}: {', '.join(missing_from)} (not yet received)."
    behind = [f"{DATASETS[d].title if d in DATASETS else d} from {a} (to {_month(end)})"
              for d, a, end in zip(dated["dataset"], dated["agency"], ends, strict=True) if end < covered.start]
    if behind:
        text += f" Behind the rest: {'; '.join(behind)}."
    return text
