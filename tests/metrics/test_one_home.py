"""One home each: the code groupings measures count live with their code sets (loaders/codes.py) and the SQL
counts exactly them; the ratings are one table that charts, pages and the summary's words all read."""


from xml.etree import ElementTree

import pandas as pd
import pytest

from charts.ratings_svg import ratings_svg
from loaders.codes import GOOD_GRADES, GRADE, JUDGED, JUDGEMENT, OUTCOME, REFERRAL_OUTCOMES, CodeSet, sql_list
from metrics.breakdowns import contact_outcomes, referral_conversion
from metrics.compute import compute_all
from metrics.ratings import ORDER, RATINGS, WITHHELD, rating_kind
from metrics.summary import rating_words
from tests.metrics.helpers import add_rows, contact


def test_the_groupings_are_groups_of_their_code_sets():
    assert REFERRAL_OUTCOMES == OUTCOME.groups["referral"] == ("Referral", "Strategy discussion")
    assert GOOD_GRADES == GRADE.groups["good_or_better"] == ("Outstanding", "Good")
    assert JUDGED == JUDGEMENT.groups["judged"] == ("Yes", "Partly", "No")
    with pytest.raises(ValueError, match="names values it does not have"):
        CodeSet("grade", {"Good": ()}, groups={"good_or_better": ("Good", "Outstanding")})
    assert sql_list(["Referral", "Child's plan"]) == "'Referral', 'Child''s plan'"


def test_the_sql_and_the_breakdown_count_exactly_the_referral_group(store):
    add_rows(store, "contacts", [contact("2025-04-07", outcome=o) for o in OUTCOME.canonical])
    add_rows(store, "audits", [{"audit_id": f"A{i}", "audit_date": pd.Timestamp("2025-05-01").date(),
                                "agency": "Police", "overall_grade": g} for i, g in enumerate(GRADE.canonical)])
    values = compute_all(store).set_index(["metric", "group"], drop=False)
    to_referral = values.loc[("contacts.to_referral", None)]
    assert (to_referral["numerator"], to_referral["denominator"]) == (len(REFERRAL_OUTCOMES), len(OUTCOME.canonical))
    good = values[(values["metric"] == "audits.good_or_better") & values["group"].isna()].iloc[0]
    assert (good["numerator"], good["denominator"]) == (len(GOOD_GRADES), len(GRADE.canonical))
    by_source = referral_conversion(contact_outcomes(store), by_period=False)
    assert by_source["to_referral"].tolist() == [len(REFERRAL_OUTCOMES)]


def test_one_table_of_ratings_feeds_charts_words_and_badges():
    assert ORDER == ("Red", "Amber", "Green", "Blue", "No data", WITHHELD)
    assert rating_words(pd.DataFrame(), pd.DataFrame()) == {r.name: r.words for r in RATINGS}
    assert (rating_kind("Amber").badge, rating_kind("Not a rating").badge) == ("orange", "gray")
    svg = ElementTree.fromstring(ratings_svg([("Green", 3), ("Red", 1), (WITHHELD, 2)], "Actions by rating").svg)
    bars = svg.findall("{http://www.w3.org/2000/svg}rect")
    assert [b.get("fill") for b in bars] == [rating_kind(r).colour for r in ("Red", "Green", WITHHELD)]  # ORDER
