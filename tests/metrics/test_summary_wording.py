"""The Summary's words (``metrics.wording``): periods in words on first mention, jargon explained once, target
comparisons that suit the measure's direction, scores with their scale, changes below the display's precision
as "no change", the verdict in the ratings' words and one line on how up to date the data is."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from loaders.periods import Quarter
from metrics.display import change_words
from metrics.ratings import ORDER
from metrics.wording import Reader, figure_words, freshness_line, rating_chip, target_words, verdict


def test_a_quarter_in_words_then_short():
    assert Quarter.parse("2025-26 Q4").long == "January to March 2026 (2025-26 Q4)"
    assert Quarter.parse("2025-26 Q3").words == "October to December 2025"
    reader = Reader()
    assert reader.period("2025-26 Q4") == "January to March 2026 (2025-26 Q4)"
    assert reader.period("2025-26 Q4") == "2025-26 Q4"
    assert reader.period("2025-26 Q1") == "April to June 2025 (2025-26 Q1)"
    assert reader.period(None) == ""


def test_jargon_is_explained_at_its_first_mention_only():
    reader = Reader()
    first = reader.explain("MASH decisions: up 3.5 points")
    assert first.startswith("MASH (the multi-agency safeguarding hub")
    assert "3.5 points (percentage points: the difference between two percentages)" in first
    assert reader.explain("MASH decisions: up 1.0 points") == "MASH decisions: up 1.0 points"
    # An acronym the text spells out itself is not explained again; a score's points are not percentage points.
    assert reader.explain("Graded Care Profile 2 (GCP2) used") == "Graded Care Profile 2 (GCP2) used"
    assert Reader().explain("1.65 points on a 1–5 scale") == "1.65 points on a 1–5 scale"
    assert Reader().explain("share concerns (think family).") == \
        "share concerns (think family: looking at the whole family, including the adults' own needs)."


def test_a_target_comparison_suits_the_direction():
    assert target_words(87.0, 95.0, "%", "higher") == "short of the 95.0% target"
    assert target_words(95.0, 95.0, "%", "higher") == "meeting the 95.0% target"
    assert target_words(16.3, 15.0, "%", "lower") == "above the 15.0% target (lower is better)"
    assert target_words(14.0, 15.0, "%", "lower") == "within the 15.0% target (lower is better)"
    assert target_words(94.96, 95.0, "%", "higher") == "meeting the 95.0% target"   # as shown: 95.0% = 95.0%


def test_a_score_has_its_scale_and_noise_is_no_change():
    assert figure_words(1.65, "score") == "1.65 points on a 1–5 scale"
    assert figure_words(16.3, "%") == "16.3%"
    assert change_words(70.0, 70.0, "%", "higher") == "no change"
    assert change_words(70.0, 70.04, "%", "higher") == "no change"            # below the 0.1 shown
    assert change_words(70.04, 69.96, "%", "lower") == "no change"            # both shown as 70.0%
    assert change_words(1.651, 1.649, "score", "higher") == "no change"
    assert change_words(70.0, 69.0, "%", "lower") == "▲ up 1.0 points, worse"


def test_the_verdict_in_the_ratings_words():
    counts = {"Green": 6, "Red": 2, "Amber": 4, "Blue": 1, "No data": 1}
    assert verdict(counts) == "Of 14 actions: 2 off track, 4 behind plan, 6 on track, 1 complete, 1 without data yet."
    assert verdict({"Not shown": 1}) == "Of 1 action: 1 based on small numbers."
    assert verdict({}) == ""
    assert [rating_chip(r) for r in ORDER[:2]] == ["Red: off track", "Amber: behind plan"]


def _latest(*rows: tuple[str, str, str | None]) -> pd.DataFrame:
    return pd.DataFrame([{"dataset": d, "agency": a, "data_up_to": pd.Timestamp(day) if day else pd.NaT,
                          "last_uploaded": pd.Timestamp("2026-04-02")} for d, a, day in rows])


def test_one_plain_line_on_how_up_to_date_the_data_is():
    latest = _latest(("contacts", "Children's social care", "2026-03-31"), ("training", "Police", "2026-03-20"),
                     ("audits", "Health", "2025-12-15"), ("actions", "Safeguarding partnership", None))
    assert freshness_line(latest, dt.date(2026, 5, 1)) == \
        "Data to March 2026. Behind the rest: Multi-agency case audits from Health (to December 2025)."
    assert freshness_line(latest, dt.date(2026, 7, 15)) == (
        "Data to March 2026. Returns due for April to June 2026: Children's social care, Health, Police "
        "(not yet received). Behind the rest: Multi-agency case audits from Health (to December 2025).")
    assert "None" not in freshness_line(latest, dt.date(2026, 7, 15))
    assert freshness_line(_latest(("actions", "Safeguarding partnership", None))) == \
        "No dated returns have been received yet."
