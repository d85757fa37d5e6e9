"""Issues 14 and 15 in the exports: the published comparison of a paired measure and the monthly SPC reading
(icons, their words and the reading) of a measured action, in the meeting pack (PowerPoint and PDF), the
scrutiny report and the public page, each opened with its own library.

The expected figures are worked out here by other routes: the published ones straight from the shipped
extract's frames (pandas, not ``metrics.comparators``' SQL), the local ones and the monthly series from the
referrals the test wrote (``tests.reports.stores.referral_months``), the SPC reading by the engine on that
hand-made series. A store without partnership settings, or with too few months, still exports."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from pptx import Presentation
from pypdf import PdfReader

from loaders.reference import load_shipped, read_partnership
from loaders.store import Store
from metrics import benchmarks
from metrics.display import format_number
from metrics.spc import ASSURANCE_ICONS, VARIATION_ICONS, compute_spc
from metrics.suppress import SMALL
from reports.content import COMPARE_TITLE, NO_SPC, build_content
from reports.pack import write_pack
from reports.public import write_public
from reports.scrutiny import write_scrutiny
from tests.reports.stores import QUALITATIVE, REFERRALS_ACTION, REFERRALS_TARGET, referral_months, referrals_store

TITLE = "Re-referrals within 12 months"
SPC_HEADING = "Real change or noise (monthly SPC)"


def _words(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- what the exports should say, worked out here

def _published() -> str:
    """LAIT's ReReferral for the partnership's LA in the latest year it has a value, from the shipped frames."""
    data, own = load_shipped(), read_partnership()
    rows = data.published[(data.published["measure"] == "ReReferral") & data.published["value"].notna()]
    year = rows.loc[rows["area_code"] == own.old_la_code, "year"].max()
    rows = rows[rows["year"] == year]
    la = float(rows.loc[rows["area_code"] == own.old_la_code, "value"].iloc[0])
    england = float(rows.loc[rows["area_level"] == "england", "value"].iloc[0])
    codes = data.neighbours.loc[data.neighbours["la_code"] == own.old_la_code, "neighbour_code"]
    neighbours = rows.loc[rows["area_code"].isin(codes), "value"]
    others = rows.loc[(rows["area_level"] == "la") & (rows["area_code"] != own.old_la_code), "value"]
    # Lower re-referrals are better: the LA is banded by the other LAs above and below it.
    lower, higher = int((others < la).sum()), int((others > la).sum())
    band = ("worse than 3 in 4 areas" if 4 * lower >= 3 * len(others) else
            "better than 3 in 4 areas" if 4 * higher >= 3 * len(others) else "in the middle half of areas")
    return (f"Published for {year}: {own.name} {format_number(la, '%')} ({band}), similar areas (median of "
            f"{len(neighbours)}) {format_number(neighbours.median(), '%')}, England {format_number(england, '%')}.")


def _local(months: list[tuple]) -> str:
    again = sum(a for _, _, a in months)
    return format_number(again / sum(f + a for _, f, a in months) * 100, "%")


def _spc_words(months: list[tuple], *, gaps: bool = False) -> tuple[list[str], str]:
    """(the icons' words, the whole SPC text) of the hand-made monthly series; ``gaps``: scrutiny's, small
    re-referral counts left out."""
    series = [(month, None if gaps and again <= SMALL else again / (first + again) * 100)
              for month, first, again in months]
    result = compute_spc(series, "lower", REFERRALS_TARGET)
    icons = [VARIATION_ICONS[result.variation], *([ASSURANCE_ICONS[result.assurance]] if result.assurance else [])]
    text = " ".join([f"Variation: {icons[0]}.", *([f"Assurance: {icons[1]}."] if len(icons) > 1 else []),
                     result.reading])
    return icons, text


# ---------------------------------------------------------------- the exports of one store

@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The referrals store's pack (both formats, for partners), scrutiny report and public page."""
    folder = tmp_path_factory.mktemp("compare-spc")
    with Store(referrals_store(folder / "store")) as store:
        # No reference set of its own: the shipped extract, as the pages use.
        assert store.scalar("SELECT count(*) FROM reference_loads") == 0
        pack, scrutiny = build_content(store, suppressed=False), build_content(store, suppressed=True)
    return {"pptx": write_pack(pack, folder / "pack.pptx"), "pdf": write_pack(pack, folder / "pack.pdf"),
            "docx": write_scrutiny(scrutiny, folder / "scrutiny.docx"),
            "html": write_public(scrutiny, folder / "site")}


def _pptx_slides(path: Path) -> dict[str, tuple[str, list[str]]]:
    """Each slide by its title: its words and its pictures' alt texts, in order."""
    found = {}
    for slide in Presentation(str(path)).slides:
        words = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        alts = [s._element.nvPicPr.cNvPr.get("descr") for s in slide.shapes if s.shape_type == 13]
        found[slide.shapes.title.text] = (_words(words), alts)
    return found


def test_the_pptx_names_the_published_figures_and_the_spc_reading_with_its_icons(written) -> None:
    slides = _pptx_slides(written["pptx"])
    months = referral_months()
    sentence = f"Here: {_local(months)} for 2024-25, the same financial year. {_published()}"
    compare, _ = slides[COMPARE_TITLE]
    assert f"{TITLE} {sentence}" in compare and "financial years ending 31 March" in compare
    text, alts = slides[f"{REFERRALS_ACTION[0]} · {REFERRALS_ACTION[1]}"]
    icons, reading = _spc_words(months)
    assert len(icons) == 2  # a year of months: variation and assurance
    assert f"How it compares {sentence}" in text and f"{SPC_HEADING} {reading}" in text
    assert alts[1:] == icons and alts[0].startswith("Line chart")  # the chart, then the two icons
    text, alts = slides[f"{QUALITATIVE[0]} · {QUALITATIVE[1]}"]
    assert alts == [] and "How it compares" not in text and SPC_HEADING not in text


def test_the_pdf_names_them_and_embeds_the_icons(written) -> None:
    pages = [page for page in PdfReader(str(written["pdf"])).pages]
    texts = ["".join(page.extract_text().split()) for page in pages]
    months = referral_months()
    sentence = "".join(f"Here: {_local(months)} for 2024-25, the same financial year. {_published()}".split())
    _, reading = _spc_words(months)
    [compare] = [i for i, t in enumerate(texts) if t.startswith("".join(COMPARE_TITLE.split()))]
    assert sentence in texts[compare]
    [measured] = [i for i, t in enumerate(texts) if t.startswith(f"{REFERRALS_ACTION[0]}·")]
    assert sentence in texts[measured] and "".join(reading.split()) in texts[measured]
    assert len(pages[measured].images) == 3  # the chart and the two icons
    [qualitative] = [i for i, t in enumerate(texts) if t.startswith(f"{QUALITATIVE[0]}·")]
    assert len(pages[qualitative].images) == 0


def test_the_scrutiny_report_has_the_comparison_and_the_icons_beside_the_rating(written) -> None:
    document = docx.Document(str(written["docx"]))
    paragraphs = [p.text for p in document.paragraphs]
    months = referral_months()
    # Every quarter's figures are shown to scrutiny (no small numbers), so the year's figure is too.
    sentence = f"Here: {_local(months)} for 2024-25, the same financial year. {_published()}"
    heading = paragraphs.index(COMPARE_TITLE)
    assert paragraphs[heading + 1] == f"{TITLE}: {sentence}"
    assert paragraphs[heading + 2] == benchmarks.PERIOD_NOTE
    icons, reading = _spc_words(months, gaps=True)
    [spc] = [p for p in document.paragraphs if p.text.startswith(f"{REFERRALS_ACTION[0]}: rated ")]
    assert _words(spc.text).endswith(f"Real change or noise (monthly SPC): {reading}")  # the icons between
    shapes = document.inline_shapes
    assert len(shapes) == 2 and [s._inline.docPr.get("descr") for s in shapes] == icons
    assert f"{QUALITATIVE[0]}: rated" not in "\n".join(paragraphs)


class _Svgs(HTMLParser):
    """The text of the page and each SVG's aria-label, with whether it sits inside an aria-hidden span."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.icons: list[tuple[str, bool]] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "span":
            self._hidden += 1 if found.get("aria-hidden") == "true" else 0
        if tag == "svg" and "aria-label" in found:
            self.icons.append((str(found["aria-label"]), self._hidden > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_the_public_page_has_the_comparison_and_the_icons_as_inline_svg(written) -> None:
    parsed = _Svgs()
    parsed.feed(written["html"].read_text(encoding="utf-8"))
    text = _words(" ".join(parsed.text))
    months = referral_months()
    sentence = f"Here: {_local(months)} for 2024-25, the same financial year. {_published()}"
    assert f"{TITLE} : {sentence}" in text or f"{TITLE}: {sentence}" in text
    assert f"How it compares: {sentence}" in text
    icons, reading = _spc_words(months, gaps=True)
    assert f"{SPC_HEADING}: {reading}" in text
    # The words follow the icons, so the icons are hidden from screen readers (said once, not twice).
    assert parsed.icons == [(words, True) for words in icons]


# ---------------------------------------------------------------- suppression, no settings, too few months

def test_scrutiny_leaves_out_a_local_figure_built_from_a_small_quarter(tmp_path: Path) -> None:
    months = referral_months(small_first_quarter=True)
    with Store(referrals_store(tmp_path / "store", small_first_quarter=True)) as store:
        pack, scrutiny = build_content(store, suppressed=False), build_content(store, suppressed=True)
    # Partners see the year's figure; scrutiny only the published ones, as 2024-25 Q1 had 3 re-referrals.
    assert pack.comparisons["referrals.rereferral_12m"] == (
        f"Here: {_local(months)} for 2024-25, the same financial year. {_published()}")
    assert scrutiny.comparisons["referrals.rereferral_12m"] == _published()
    write_scrutiny(scrutiny, tmp_path / "s.docx")
    paragraphs = [p.text for p in docx.Document(str(tmp_path / "s.docx")).paragraphs]
    assert f"{TITLE}: {_published()}" in paragraphs and _local(months) not in "\n".join(paragraphs)
    # The small months are gaps in scrutiny's SPC reading: trial limits, so no assurance.
    icons, reading = _spc_words(months, gaps=True)
    [measured] = [a for a in scrutiny.actions if a.action_id == REFERRALS_ACTION[0]]
    assert measured.spc.text == reading and [w for _, w in measured.spc.icons] == icons and len(icons) == 1
    assert _spc_words(months)[1] == pack.actions[0].spc.text != reading


def test_without_the_partnership_settings_every_export_is_made_without_a_comparison(tmp_path: Path,
                                                                                       monkeypatch) -> None:
    monkeypatch.setattr(benchmarks, "partnership", lambda: read_partnership(tmp_path / "missing.toml"))
    with Store(referrals_store(tmp_path / "store")) as store:
        pack, scrutiny = build_content(store, suppressed=False), build_content(store, suppressed=True)
    assert pack.comparisons == {} and pack.comparison_note == "" and pack.actions[0].comparison is None
    slides = _pptx_slides(write_pack(pack, tmp_path / "p.pptx"))
    assert COMPARE_TITLE not in slides and SPC_HEADING in slides[f"{REFERRALS_ACTION[0]} · {REFERRALS_ACTION[1]}"][0]
    assert "Published for" not in "".join(p.extract_text() for p in PdfReader(str(write_pack(pack, tmp_path / "p.pdf"))).pages)
    paragraphs = [p.text for p in docx.Document(str(write_scrutiny(scrutiny, tmp_path / "s.docx"))).paragraphs]
    assert COMPARE_TITLE not in paragraphs and not any("Published for" in p for p in paragraphs)
    assert "Published for" not in write_public(scrutiny, tmp_path / "site").read_text(encoding="utf-8")


def test_a_single_month_gives_no_spc_reading_and_a_rolling_local_period(tmp_path: Path) -> None:
    months = referral_months(months=1)
    with Store(referrals_store(tmp_path / "store", months=1)) as store:
        pack = build_content(store, suppressed=False)
    [measured] = [a for a in pack.actions if a.action_id == REFERRALS_ACTION[0]]
    assert measured.spc.icons == [] and measured.spc.text.startswith(f"{NO_SPC} (too few points: 1 month")
    # Not all of 2024-25 is loaded: the local figure is the 12 months to the latest quarter, and says so.
    assert measured.comparison == (f"Here: {_local(months)} for the 12 months to 2024-25 Q1, not the published "
                                   f"year (2024-25). {_published()}")
    text, alts = _pptx_slides(write_pack(pack, tmp_path / "p.pptx"))[f"{REFERRALS_ACTION[0]} · {REFERRALS_ACTION[1]}"]
    assert f"{SPC_HEADING} {measured.spc.text}" in text and len(alts) == 1  # the chart only
    pages = PdfReader(str(write_pack(pack, tmp_path / "p.pdf"))).pages
    [page] = [p for p in pages if p.extract_text().startswith(f"{REFERRALS_ACTION[0]} ·")]
    assert len(page.images) == 1


def test_as_at_a_quarter_the_spc_reading_stops_at_its_last_month(tmp_path: Path) -> None:
    months = referral_months()
    with Store(referrals_store(tmp_path / "store")) as store:
        content = build_content(store, suppressed=False, quarter="2024-25 Q2")
    [measured] = [a for a in content.actions if a.action_id == REFERRALS_ACTION[0]]
    # April to September only: six months, trial limits, so variation without assurance.
    icons, reading = _spc_words(months[:6])
    assert measured.spc.text == reading and [w for _, w in measured.spc.icons] == icons and len(icons) == 1
    assert measured.comparison == (f"Here: {_local(months[:6])} for the 12 months to 2024-25 Q2, not the published "
                                   f"year (2024-25). {_published()}")


def test_the_spc_reading_is_rebased_from_when_the_plan_says_the_change_went_live(tmp_path: Path) -> None:
    months = referral_months()
    with Store(referrals_store(tmp_path / "store", live_from=dt.date(2024, 10, 14))) as store:
        content = build_content(store, suppressed=False)
    [measured] = [a for a in content.actions if a.action_id == REFERRALS_ACTION[0]]
    series = [(month, again / (first + again) * 100) for month, first, again in months]
    rebased = compute_spc(series, "lower", REFERRALS_TARGET, rebase=("2024-10",))
    assert rebased.words != compute_spc(series, "lower", REFERRALS_TARGET).words  # the rebase shows
    assert measured.spc.reading == rebased.reading and measured.spc.variation == rebased.variation
