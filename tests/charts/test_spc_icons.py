"""The Making Data Count icons (issue 15): every variation and assurance icon drawn as SVG and PNG from one
declaration, each carrying its words, in colours that differ and have contrast against white."""

from __future__ import annotations

import base64
import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from charts.spc_icons import ICON_NAMES, ICONS, contrast, icon_data_uri, icon_png, icon_svg
from metrics.spc import ASSURANCE_ICONS, VARIATION_ICONS

SVG = "{http://www.w3.org/2000/svg}"


def test_every_icon_of_the_engine_is_drawn():
    assert set(ICON_NAMES) == set(VARIATION_ICONS) | set(ASSURANCE_ICONS)
    assert len(ICON_NAMES) == 10


@pytest.mark.parametrize("name", ICON_NAMES)
def test_svg_is_valid_sized_and_titled_with_the_words(name):
    root = ET.fromstring(icon_svg(name, size=40))
    words = {**VARIATION_ICONS, **ASSURANCE_ICONS}[name]
    assert root.tag == f"{SVG}svg"
    assert (root.get("width"), root.get("height")) == ("40", "40")
    assert root.get("role") == "img" and root.get("aria-label") == words
    assert root.find(f"{SVG}title").text == words
    # Self-contained: nothing fetched, nothing run.
    text = icon_svg(name)
    assert "href" not in text and "<script" not in text


@pytest.mark.parametrize("name", ICON_NAMES)
def test_the_letter_is_drawn_so_colour_is_not_the_only_cue(name):
    root = ET.fromstring(icon_svg(name))
    letters = [t.text for t in root.iter(f"{SVG}text")]
    expected = {"common_cause": []}.get(name, [ICONS[name].letter])
    assert letters == expected
    if name.endswith("_high"):
        assert letters == ["H"]
    if name.endswith("_low"):
        assert letters == ["L"]
    assert {"pass": ["P"], "fail": ["F"], "hit_and_miss": ["?"]}.get(name, letters) == letters


def test_improvement_concern_and_neither_points_have_different_shapes():
    # Beyond colour and letter: the special-cause points have the SPC chart's marker shapes.
    def polygons(name: str) -> set[int]:
        root = ET.fromstring(icon_svg(name))
        return {len(p.get("points").split()) for p in root.iter(f"{SVG}polygon")}
    assert polygons("improvement_high") == {4} and polygons("concern_high") == {4}
    assert polygons("neutral_high") == {3} and polygons("common_cause") == set()
    diamond = ET.fromstring(icon_svg("improvement_high")).find(f"{SVG}polygon").get("points")
    square = ET.fromstring(icon_svg("concern_high")).find(f"{SVG}polygon").get("points")
    assert diamond != square


@pytest.mark.parametrize("name", ICON_NAMES)
@pytest.mark.parametrize("size", [24, 96])
def test_png_opens_at_the_asked_size(name, size):
    data = icon_png(name, size)
    assert data.startswith(b"\x89PNG")
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.size == (size, size)
    # Something is drawn in the icon's colour (the ring), not a blank picture.
    colour = tuple(int(ICONS[name].colour[i:i + 2], 16) for i in (1, 3, 5))
    pixels = np.asarray(image.convert("RGB"), dtype=int)
    assert (np.abs(pixels - np.array(colour)).max(axis=2) < 12).sum() > size


def test_data_uri_is_the_svg():
    uri = icon_data_uri("pass")
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).decode() == icon_svg("pass")


@pytest.mark.parametrize("call", [icon_svg, icon_png, icon_data_uri])
def test_an_unknown_name_raises(call):
    with pytest.raises(KeyError):
        call("special_cause_improvement")  # a point type, not an icon


def test_colours_differ_by_meaning_and_agree_across_kinds():
    colours = {name: ICONS[name].colour for name in ("improvement_high", "concern_high", "neutral_high",
                                                      "common_cause")}
    assert len(set(colours.values())) == 4
    assert ICONS["improvement_low"].colour == colours["improvement_high"] == ICONS["pass"].colour
    assert ICONS["concern_low"].colour == colours["concern_high"] == ICONS["fail"].colour
    assert ICONS["hit_and_miss"].colour == colours["common_cause"]


@pytest.mark.parametrize("name", ICON_NAMES)
def test_every_colour_has_contrast_against_white(name):
    assert contrast(ICONS[name].colour) >= 3.0  # WCAG 1.4.11, graphics
    # The drawn SVG uses only colours that pass (or white and the decorative line between points).
    root = ET.fromstring(icon_svg(name))
    painted = {e.get(a) for e in root.iter() for a in ("fill", "stroke")} - {None, "none", "#FFFFFF", "#B1B4B6"}
    assert painted and all(contrast(c) >= 3.0 for c in painted)


def test_contrast_is_the_wcag_ratio():
    assert contrast("#000000") == pytest.approx(21.0)
    assert contrast("#FFFFFF") == pytest.approx(1.0)
    assert contrast("#E69F00") < 3.0  # the Okabe-Ito orange fails as a graphic on white: why ours is darker
