"""SPC on the pages (issue 15), on the demo data: the MASH page's monthly SPC view reads in words, the Action
plan shows each measured action's variation and assurance beside its rating, the About page explains SPC; the
Making Data Count icons are drawn beside their words everywhere (charts/spc_icons.py)."""

from __future__ import annotations

import base64
import json

from streamlit.testing.v1.element_tree import Block, Image, Markdown

from charts.spc_icons import ICON_NAMES, ICONS, icon_data_uri, icon_svg
from metrics.monthly import monthly_metrics
from metrics.spc import ASSURANCE_ICONS, VARIATION_ICONS
from tests.pages.helpers import page_text, rendered
from ui.spc import TOGGLE


def _svg(url: str) -> str:
    """The SVG an image element shows (st.image sends an SVG string as a base64 data URI)."""
    head, data = url.split(",", 1)
    assert head == "data:image/svg+xml;base64"
    return base64.b64decode(data).decode("utf-8")


def _rows(node) -> list[tuple[list[Image], list[str]]]:
    """Every block that holds images and Markdown side by side: (its images, its Markdown as read)."""
    found = []
    children = list(getattr(node, "children", {}).values())
    images = [c for c in children if isinstance(c, Image)]
    texts = [rendered(str(c.value)) for c in children if isinstance(c, Markdown)]
    if images and texts:
        found.append((images, texts))
    for child in children:
        if isinstance(child, Block):
            found.extend(_rows(child))
    return found


def test_mash_page_spc_view_reads_in_words(demo_db, open_app):
    at = open_app(demo_db, "mash")
    toggle = at.toggle(key="spc-mash")
    assert toggle.label == TOGGLE and not toggle.value
    assert "Variation:" not in page_text(at)  # off until asked for
    before = len(list(at.get("plotly_chart")))
    toggle.set_value(True).run()
    assert not at.exception, [e.message for e in at.exception]
    text = page_text(at)
    charted = [m for m in monthly_metrics() if m.dataset in ("contacts", "referrals", "cp_plans")]
    assert len(list(at.get("plotly_chart"))) >= before + len(charted)
    # The demo's re-referrals fall from September 2025 (designed improvement; lower is better).
    assert "Special cause improvement: 7 months below the average since September 2025." in text
    assert "**Variation:** Special cause improvement (lower values)." in text
    assert "Common cause variation: no sign of real change." in text
    # Action 1.2 measures re-referrals with a target: assurance is given against it.
    assert "**Assurance:**" in text
    # The demo plan's "Go-live date" for action 1.1 rebases its measure, decisions within one working day.
    assert text.count("Limits recalculated from January 2025") == 1


def test_action_plan_shows_variation_and_assurance_beside_the_rating(demo_db, open_app):
    at = open_app(demo_db, "actions")
    assert "Real change or noise? (monthly SPC)" in page_text(at)
    [table] = [t.value for t in at.dataframe if "Variation" in t.value.columns]
    assert list(table.columns) == ["Action", "Measure", "Rating", "Variation icon", "Variation", "Assurance icon",
                                   "Assurance", "Reading"]
    row = table.set_index("Action").loc["1.2"]
    assert row["Measure"] == "referrals.rereferral_12m"
    assert row["Rating"] in ("Blue", "Green", "Amber", "Red", "No data")
    assert row["Variation"] == "Special cause improvement (lower values)"
    assert row["Assurance"] in ("The target will reliably be met", "The target will not be met without change",
                                "The target may or may not be met (hit and miss)")


def test_the_open_action_shows_its_icons_and_reading_under_its_rating(demo_db, open_app):
    # The Action plan opens on 1.1, measured monthly (MASH decisions within a working day), whose plan
    # says when its change went live: the reading beside the icons says the limits were recalculated.
    at = open_app(demo_db, "actions")
    [(images, texts)] = [(i, t) for i, t in _rows(at.main) if any("**Monthly SPC:**" in x for x in t)]
    [text] = [t for t in texts if "**Monthly SPC:**" in t]
    assert [image.proto.imgs[0].alt for image in images][0] == VARIATION_ICONS["improvement_high"]
    assert "Special cause improvement (higher values)." in text
    assert "Limits recalculated from January 2025." in text
    assert text.count("The target may or may not be met") <= 1  # the icons' words are not said twice


def test_about_page_explains_spc_and_brag(demo_db, open_app):
    at = open_app(demo_db, "about")
    text = page_text(at)
    assert "Real change or noise: SPC charts" in text
    assert "SPC and BRAG: two different questions." in text and "trial limits" in text


def test_case_audits_page_offers_the_same_spc_view(demo_db, open_app):
    at = open_app(demo_db, "audits")
    at.toggle(key="spc-audits").set_value(True).run()
    assert not at.exception, [e.message for e in at.exception]
    text = page_text(at)
    assert "Case audits, by month" in " ".join(str(c.proto.spec) for c in at.get("plotly_chart"))
    assert "**Variation:**" in text


def test_mash_spc_view_shows_each_icon_beside_its_words(demo_db, open_app):
    at = open_app(demo_db, "mash")
    assert not list(at.main.image)  # no icons until the SPC view is asked for
    at.toggle(key="spc-mash").set_value(True).run()
    rows = _rows(at.main)
    readings = [(images, text) for images, texts in rows for text in texts if "**Variation:**" in text]
    # Every icon is in a reading's row, none elsewhere.
    assert sum(len(images) for images, _ in readings) == len(list(at.main.image)) >= 5
    seen = set()
    for images, text in readings:
        shown = list(zip([image.proto.imgs[0] for image in images], ["variation", "assurance"], strict=False))
        for img, kind in shown:
            words = {**VARIATION_ICONS, **ASSURANCE_ICONS}
            [name] = [n for n in ICON_NAMES if _svg(img.url) == icon_svg(n, 40)]
            seen.add(name)
            # Each icon: its words as alt text, the same words in the reading line beside it.
            assert img.alt == words[name] == ICONS[name].words
            assert f"**{kind.title()}:** {words[name]}." in text
        assert len(images) == text.count("**Variation:**") + text.count("**Assurance:**")
    # The demo's re-referrals fall from September 2025 (improvement, lower is better); action 1.2 sets a target.
    assert {"improvement_low", "common_cause"} <= seen
    assert seen & {"pass", "fail", "hit_and_miss"}


def test_action_plan_table_draws_the_icons_beside_the_words(demo_db, open_app):
    at = open_app(demo_db, "actions")
    [frame] = [t for t in at.dataframe if "Variation" in t.value.columns]
    config = json.loads(frame.proto.columns)
    assert config["Variation icon"]["type_config"]["type"] == "image"
    assert config["Assurance icon"]["type_config"]["type"] == "image"
    table = frame.value
    by_words = {**{w: n for n, w in VARIATION_ICONS.items()}, **{w: n for n, w in ASSURANCE_ICONS.items()}}
    for _, row in table.iterrows():
        assert row["Variation icon"] == icon_data_uri(by_words[row["Variation"]])
        if row["Assurance"] == "No assurance":
            assert row["Assurance icon"] is None
        else:
            assert row["Assurance icon"] == icon_data_uri(by_words[row["Assurance"]])
    assert table.set_index("Action").loc["1.2", "Variation icon"] == icon_data_uri("improvement_low")


def test_about_page_has_a_key_to_every_icon(demo_db, open_app):
    at = open_app(demo_db, "about")
    rows = _rows(at.main)
    assert len(rows) == len(ICON_NAMES) == len(list(at.main.image))
    for name in ICON_NAMES:
        # One row per icon: the image, named by what it shows, and beside it what it means.
        [img] = [image.proto.imgs[0] for images, texts in rows if texts == [ICONS[name].words] for image in images]
        assert _svg(img.url) == icon_svg(name, 40)
        assert img.alt == ICONS[name].looks
    text = page_text(at)
    assert "The icons, and what each means." in text and "H: higher values" in text
