"""Suppression holds in words too: every headline card, sentence and rating the scrutiny summary builds from a
suppressed figure (the latest, the previous quarter's or the baseline quarter's) withholds the figure, its
direction, its comparison with the target and any rating built from it, and says "fewer than 6 …: not shown".

Each case is a real DuckDB store with rows as the loaders leave them, computed by ``compute_all`` and rated by
``rate_actions``; the texts checked are exactly what the Summary page shows.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd
import pytest

from metrics import summary
from metrics.brag import rate_actions
from metrics.compute import all_metrics, compute_all
from metrics.summary import (
    WITHHELD,
    aim_sentences,
    headlines,
    rag_counts,
    rating_words,
    withheld_ratings,
)
from metrics.suppress import fewer_than, is_withheld, suppress_values
from tests.metrics.helpers import action, add_rows, contact

TODAY = dt.date(2025, 8, 1)   # 2025-26 Q2: every action below is due later
BASE, PREV, NOW = "2024-25 Q3", "2024-25 Q4", "2025-26 Q1"
# Ten Tuesdays in each quarter, none before a bank holiday: a contact decided the next day is in time.
STARTS = {BASE: dt.date(2024, 10, 1), PREV: dt.date(2025, 1, 7), NOW: dt.date(2025, 4, 8)}
AIM = "Measurable outcomes for children"
QUARTER = re.compile(r"\d{4}-\d{2} Q\d")
DIRECTION = re.compile(r"▲|▼|\b(rose|fell|stayed|up|down|better|worse|no change|meeting|meets|short of|"
                       r"above|below|on track|off track|at risk|complete|Green|Amber|Red)\b", re.IGNORECASE)


def _days(quarter: str, n: int) -> list[dt.date]:
    return [STARTS[quarter] + dt.timedelta(weeks=i) for i in range(n)]


def contacts(quarter: str, n: int, in_time: int | None = None, awaiting: int = 0) -> list[dict]:
    """``n`` contacts in the quarter: ``in_time`` decided the next working day, the others ten days later,
    and the last ``awaiting`` not decided yet."""
    in_time = n if in_time is None else in_time
    rows = []
    for i, day in enumerate(_days(quarter, n)):
        decided = None if i >= n - awaiting else day + dt.timedelta(days=1 if i < in_time else 10)
        rows.append(contact(day, decided, child=f"{quarter}-{i}"))
    return rows


def plans(quarter: str, n: int) -> list[dict]:
    return [{"child_key": f"{quarter}-{i}", "plan_start": day, "initial_category": "Neglect", "previous_plans": 0}
            for i, day in enumerate(_days(quarter, n))]


def delegates(quarter: str, n: int, uplift: int) -> list[dict]:
    return [{"session_date": day, "course": "Neglect", "agency": "Health", "attended": "Yes", "session_id": "S1",
             "confidence_pre": 2, "confidence_post": 2 + uplift} for day in _days(quarter, n)]


def audits(quarter: str, n: int, good: int) -> list[dict]:
    return [{"audit_id": f"{quarter}-{i}", "audit_date": day, "agency": "Police",
             "overall_grade": "Good" if i < good else "Inadequate", "themes": {}}
            for i, day in enumerate(_days(quarter, n))]


@dataclass
class Summary:
    values: pd.DataFrame
    plan: pd.DataFrame
    figures: dict[str, summary.Headline]
    sentences: dict[str, list[str]]
    counts: pd.DataFrame
    words: dict[str, str]
    registry: dict


def build(store, dataset: str, rows: list[dict], *plan: dict) -> Summary:
    """Load the rows and the action plan, then build the summary exactly as the Summary page does."""
    add_rows(store, dataset, rows)
    add_rows(store, "actions", plan, agency="Safeguarding partnership")
    values = compute_all(store)
    rated = rate_actions(store, today=TODAY, values=values)
    registry = {m.id: m for m in all_metrics(store)}
    shown = suppress_values(values)
    return Summary(shown, rated, {h.metric_id: h for h in headlines(shown, rated, registry)},
                   aim_sentences(shown, rated, registry), rag_counts(rated, shown), rating_words(rated, shown),
                   registry)


def assert_says_nothing(text: str, title: str = "") -> None:
    """No digit (but in quarter labels, 'fewer than 6' and the measure's title), no direction, no target
    comparison, no rating."""
    bare = QUARTER.sub("", text.replace(title, "")).replace("fewer than 6", "")
    assert not re.search(r"\d", bare), text
    assert not DIRECTION.search(bare), text
    assert "target" not in text and "baseline" not in text, text


# --- the latest figure is suppressed: rising, falling, no change; %, count and score; target met or missed ---

CURRENT_SUPPRESSED = {
    # name: (metric, dataset, previous rows, current rows, baseline, target, noun)
    "% rising, target met": ("contacts.decided_within_1wd", "contacts",
                             contacts(PREV, 10, 7), contacts(NOW, 3, 3), 70.0, 90.0, "contacts"),
    "% falling, target missed": ("contacts.decided_within_1wd", "contacts",
                                 contacts(PREV, 10, 10), contacts(NOW, 3, 0), 80.0, 90.0, "contacts"),
    "% no change, target met": ("contacts.decided_within_1wd", "contacts",
                                contacts(PREV, 10, 10), contacts(NOW, 3, 3), 100.0, 90.0, "contacts"),
    "count of contacts falling, target met": ("contacts.awaiting_decision", "contacts",
                                              contacts(PREV, 10, awaiting=8), contacts(NOW, 10, awaiting=2),
                                              8.0, 4.0, "contacts"),
    "count of children falling, target met": ("cp_plans.started", "cp_plans", plans(PREV, 9), plans(NOW, 4),
                                              9.0, 6.0, "children"),
    "score rising, target met": ("training.confidence_uplift", "training",
                                 delegates(PREV, 8, 1), delegates(NOW, 3, 2), 1.0, 1.5, "delegates"),
    "% of audits rising, target met": ("audits.good_or_better", "audits", audits(PREV, 10, 5), audits(NOW, 4, 4),
                                       50.0, 80.0, "audits"),
}


@pytest.mark.parametrize("case", CURRENT_SUPPRESSED)
def test_a_suppressed_latest_figure_gives_nothing_away(store, case):
    metric, dataset, before, now, baseline, target, noun = CURRENT_SUPPRESSED[case]
    built = build(store, dataset, before + now, action("1.1", metric, baseline, PREV, target, "2026-27 Q1"))
    withheld = f"fewer than 6 {noun}: not shown"

    # The card: the value is c, with the words; no change since the previous quarter or the baseline.
    card = built.figures[metric]
    assert (card.period, card.value, card.withheld) == (NOW, "c", withheld)
    assert (card.previous_period, card.change_previous) == (PREV, "not shown")
    assert (card.baseline_period, card.change_baseline) == (PREV, "not shown")
    assert card.sentence == f"{built.registry[metric].title} in {NOW}: {withheld}."
    for text in (card.value, card.withheld, card.change_previous, card.change_baseline, card.sentence):
        assert_says_nothing(text, built.registry[metric].title)

    # The rating built from it is withheld with the same words, and its numbers blanked.
    [rated] = withheld_ratings(built.plan, built.values).to_dict("records")
    assert built.plan.iloc[0]["rag"] in ("Green", "Red")              # what it would have said
    assert (rated["rag"], rated["reason"]) == (WITHHELD, withheld)
    assert pd.isna(rated["latest_value"]) and pd.isna(rated["trajectory_value"])
    assert_says_nothing(rated["reason"])
    assert set(built.counts["rag"]) == {WITHHELD}
    assert built.words[WITHHELD] == f"based on {withheld}"

    # The aim's sentence counts it as not shown and says nothing else about it.
    assert built.sentences == {AIM: [f"0 of 1 actions are on track or complete; 1 is based on {withheld}."]}


def test_the_measure_sentence_itself_withholds_a_suppressed_latest_figure(store):
    """Even given a rating that was not withheld, the sentence about its measure gives nothing away."""
    metric = "contacts.decided_within_1wd"
    built = build(store, "contacts", contacts(PREV, 10, 7) + contacts(NOW, 3, 3),
                  action("1.1", metric, 70.0, PREV, 90.0, "2026-27 Q1"))
    withheld = {(m, p) for m, p, w in zip(built.values["metric"], built.values["period"],
                                          [is_withheld(r) for r in built.values.to_dict("records")]) if w}
    sentence = summary._measure_sentence(built.plan.iloc[0], built.values, built.registry, withheld)
    assert sentence == f"MASH decisions within 1 working day in {NOW}: fewer than 6 contacts: not shown."
    assert_says_nothing(sentence, "MASH decisions within 1 working day")


# --- an earlier figure is suppressed: the change from it would give it away ---

def test_a_change_from_a_suppressed_previous_quarter_is_withheld(store):
    metric = "contacts.decided_within_1wd"
    # 2024-25 Q3: 10 contacts, 6 in time (60%); 2024-25 Q4: 3 of 3 (100%, suppressed); 2025-26 Q1: 7 of 10 (70%).
    built = build(store, "contacts", contacts(BASE, 10, 6) + contacts(PREV, 3, 3) + contacts(NOW, 10, 7),
                  action("1.1", metric, 60.0, BASE, 90.0, "2026-27 Q1"))
    card = built.figures[metric]
    assert (card.value, card.withheld) == ("70.0%", None)
    assert card.change_previous == f"not shown ({PREV}: fewer than 6 contacts)"
    assert_says_nothing(card.change_previous)
    assert card.change_baseline == "▲ up 10.0 points, better"     # the baseline quarter is shown: so is the change
    # The rating compares with the (shown) baseline only: it stands.
    assert withheld_ratings(built.plan, built.values)["rag"].tolist() == ["Green"]
    assert built.sentences[AIM][1] == f"MASH decisions within 1 working day rose to 70.0% in {NOW}, " \
                                      "short of the 90.0% target."


def test_a_change_and_a_rating_from_a_suppressed_baseline_are_withheld(store):
    metric = "contacts.decided_within_1wd"
    # Baseline quarter: 2 of 3 in time (66.7%, suppressed); then 7 of 10, then 8 of 10.
    built = build(store, "contacts", contacts(BASE, 3, 2) + contacts(PREV, 10, 7) + contacts(NOW, 10, 8),
                  action("1.1", metric, 66.7, BASE, 90.0, "2026-27 Q1"),    # on its trajectory from the baseline
                  action("1.2", metric, 66.7, BASE, 75.0, "2026-27 Q1"))    # meets its target: no baseline needed
    card = built.figures[metric]
    assert (card.value, card.change_previous) == ("80.0%", "▲ up 10.0 points, better")
    assert card.change_baseline == f"not shown ({BASE}: fewer than 6 contacts)"
    assert_says_nothing(card.change_baseline)

    assert built.plan["rag"].tolist() == ["Green", "Green"]
    assert built.plan["compared_with_baseline"].tolist() == [True, False]
    rated = withheld_ratings(built.plan, built.values)
    assert rated["rag"].tolist() == [WITHHELD, "Green"]
    assert rated.iloc[0]["reason"] == "fewer than 6 contacts: not shown"
    assert "66.7" not in rated.iloc[0]["reason"] and "trajectory" not in rated.iloc[0]["reason"]
    assert dict(zip(built.counts["rag"], built.counts["count"])) == {"Green": 1, WITHHELD: 1}

    first, measure = built.sentences[AIM]
    assert first == "1 of 2 actions are on track or complete; 1 is based on fewer than 6 contacts: not shown."
    # The latest figure and the target may be compared; the direction from the baseline may not.
    assert measure == f"MASH decisions within 1 working day is 80.0% in {NOW}, meeting the 75.0% target."


# --- what is not withheld ---

def test_ratings_not_built_from_figures_stand_and_several_kinds_are_named(store):
    add_rows(store, "training", delegates(NOW, 3, 2))
    built = build(store, "contacts", contacts(PREV, 10, 7) + contacts(NOW, 3, 3),
                  action("1.1", "contacts.decided_within_1wd", 70.0, PREV, 90.0, "2026-27 Q1"),
                  action("1.2", "training.confidence_uplift", 1.0, PREV, 1.5, "2026-27 Q1"),
                  action("1.3", measure=None, status="Agreed complete"),
                  action("1.4", measure=None, status="Not started"))
    assert withheld_ratings(built.plan, built.values)["rag"].tolist() == [WITHHELD, WITHHELD, "Blue", "Amber"]
    assert built.words[WITHHELD] == "based on fewer than 6 contacts or delegates: not shown"
    assert built.sentences[AIM] == ["1 of 4 actions are on track or complete; "
                                    "2 are based on fewer than 6 contacts or delegates: not shown."]
    assert fewer_than("cp_plans.started", "audits.theme.gcp2_used") == "fewer than 6 children or audits"
    assert fewer_than("training.sessions") == "fewer than 6 sessions"


def test_a_secondarily_suppressed_part_counts_as_withheld():
    """A part hidden only so that another cannot be worked out from the total is withheld like any other."""
    values = pd.DataFrame({
        "metric": ["training.attended"] * 4, "period": [NOW] * 4, "group": [None, "Health", "Police", "Education"],
        "value": [30.0, 3.0, 7.0, 20.0], "numerator": [30.0, 3.0, 7.0, 20.0], "denominator": [None] * 4,
    })
    shown = suppress_values(values)
    assert shown["value_shown"].tolist() == ["30", "c", "c", "20"]
    assert [is_withheld(r) for r in shown.to_dict("records")] == [False, True, True, False]
    # A percentage whose value is shown but whose numerator is hidden is withheld too.
    assert is_withheld({"value_shown": "40.0", "numerator_shown": "c", "denominator_shown": "10"})
