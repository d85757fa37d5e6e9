"""The Summary's ratings chart drawn as SVG (charts/ratings_svg.py): the ratings' order and colours, bars in
proportion, every bar's words above it without overlapping its neighbours, text escaped, words for the alt."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from charts.ratings_svg import ratings_svg
from metrics.ratings import ORDER, rating_kind

SVG = "{http://www.w3.org/2000/svg}"


def _parsed(counts, **kwargs):
    chart = ratings_svg(counts, "Actions by rating", **kwargs)
    return chart, ElementTree.fromstring(chart.svg)


def test_bars_follow_the_ratings_order_colours_and_counts():
    chart, svg = _parsed([("Green", 6), ("No data", 1), ("Red", 3), ("Amber", 0)])
    bars = svg.findall(f"{SVG}rect")
    assert [b.get("fill") for b in bars] == [rating_kind(r).colour for r in ("Red", "Amber", "Green", "No data")]
    heights = [float(b.get("height")) for b in bars]
    assert heights[1] == 0 and heights[0] * 2 == pytest.approx(heights[2])
    labels = [t.text for t in svg.findall(f"{SVG}text")]
    assert labels[-len(bars) * 2 - 2:-2] == ["3", "Red", "0", "Amber", "6", "Green", "1", "No data"]
    assert chart.alt == "Actions by rating: Red: 3; Amber: 0; Green: 6; No data: 1."
    assert svg.get("role") == "img" and svg.find(f"{SVG}title").text == "Actions by rating"


def test_the_tallest_bar_leaves_room_for_its_label_below_the_title():
    _, svg = _parsed([("Red", 14)])
    [bar] = svg.findall(f"{SVG}rect")
    label = next(t for t in svg.findall(f"{SVG}text") if t.text == "14" and t.get("x") != "48")
    title_baseline = float(svg.findall(f"{SVG}text")[0].get("y"))
    assert float(label.get("y")) - 13 > title_baseline + 4 and float(bar.get("y")) > float(label.get("y"))


@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_every_rating_and_two_digit_count_keeps_its_labels_within_its_own_slot(scale):
    counts = [(name, 88) for name in ORDER]
    chart, svg = _parsed(counts, width=round(600 * scale), height=round(320 * scale), scale=scale)
    labels = [t for t in svg.findall(f"{SVG}text") if t.text in ORDER or t.text == "88"]
    centres = sorted({float(t.get("x")) for t in labels})
    slot = centres[1] - centres[0]
    # Arial's widest glyphs are under 0.62 em: an overestimate of each label's width.
    widest = max(len(t.text) for t in labels) * 0.62 * 13 * scale
    assert widest < slot and centres[-1] + widest / 2 <= chart.width


def test_names_are_escaped():
    chart, svg = _parsed([("<b>&", 1)])
    assert "<b>&" in [t.text for t in svg.findall(f"{SVG}text")] and "<b>" not in chart.svg
