import pytest

from metrics.compute import compute
from tests.metrics.helpers import add_rows, contact, plain, withdraw


def values(store, metric_id, group=None):
    frame = compute(store, metric_id)
    frame = frame[frame["group"].isna()] if group is None else frame[frame["group"] == group]
    return {r.period: (r.value, plain(r.numerator), plain(r.denominator)) for r in frame.itertuples()}


@pytest.mark.parametrize(("day", "decided", "within"), [
    ("2025-04-05", "2025-04-07", True),   # Saturday contact decided Monday
    ("2025-04-06", "2025-04-07", True),   # Sunday -> Monday
    ("2025-04-07", "2025-04-09", False),  # Monday decided Wednesday
    ("2025-04-07", "2025-04-08", True),   # Monday decided Tuesday
    ("2025-04-07", "2025-04-07", True),   # same day
    ("2025-04-17", "2025-04-22", True),   # Good Friday and Easter Monday are bank holidays
    ("2025-04-17", "2025-04-23", False),
    ("2025-04-11", "2025-04-14", True),   # Friday -> Monday
    ("2025-04-11", "2025-04-15", False),
])
def test_decided_within_one_working_day(store, day, decided, within):
    add_rows(store, "contacts", [contact(day, decided)])
    assert values(store, "contacts.decided_within_1wd") == {"2025-26 Q1": (100.0 if within else 0.0, int(within), 1)}


def test_decision_late_in_the_day_counts_by_date(store):
    # The loader stores a date-time decision as its date: 23:59 on Tuesday is still Tuesday.
    add_rows(store, "contacts", [contact("2025-04-07", "2025-04-08")])
    store.con.execute("UPDATE contacts SET decision_date = TIMESTAMP '2025-04-08 23:59:59'")
    assert values(store, "contacts.decided_within_1wd")["2025-26 Q1"][0] == 100.0


def test_within_denominator_is_contacts_with_a_decision(store):
    add_rows(store, "contacts", [contact("2025-04-07", "2025-04-08"), contact("2025-04-07", "2025-04-10"),
                                 contact("2025-04-07", "2025-04-08"), contact("2025-04-07", None)])
    value, numerator, denominator = values(store, "contacts.decided_within_1wd")["2025-26 Q1"]
    assert (numerator, denominator) == (2, 3)
    assert value == pytest.approx(200 / 3)
    assert values(store, "contacts.awaiting_decision") == {"2025-26 Q1": (1.0, 1, None)}
    assert values(store, "contacts.count") == {"2025-26 Q1": (4.0, 4, None)}


def test_no_decisions_means_no_value(store):
    add_rows(store, "contacts", [contact("2025-04-07", None)])
    value, numerator, denominator = values(store, "contacts.decided_within_1wd")["2025-26 Q1"]
    assert value != value and (numerator, denominator) == (0, 0)


def test_financial_quarters(store):
    add_rows(store, "contacts", [contact("2025-03-31"), contact("2025-04-01"), contact("2025-06-30"),
                                 contact("2025-07-01"), contact("2026-01-01")])
    counts = {p: v[1] for p, v in values(store, "contacts.count").items()}
    assert counts == {"2024-25 Q4": 1, "2025-26 Q1": 2, "2025-26 Q2": 1, "2025-26 Q4": 1}  # no Q3: no rows


def test_to_referral_and_neglect(store):
    add_rows(store, "contacts", [
        contact("2025-04-07", outcome="Referral", neglect="Yes"),
        contact("2025-04-07", outcome="Strategy discussion", neglect="No"),
        contact("2025-04-07", outcome="Early help", neglect="No"),
        contact("2025-04-07", outcome="NFA", neglect="No"),
        contact("2025-04-07", outcome=None, neglect=None),
    ])
    assert values(store, "contacts.to_referral")["2025-26 Q1"] == (50.0, 2, 4)
    assert values(store, "contacts.neglect_identified")["2025-26 Q1"] == (25.0, 1, 4)


def test_by_source_groups(store):
    add_rows(store, "contacts", [contact("2025-04-07", source="6"), contact("2025-04-07", source="6"),
                                 contact("2025-04-07", source="3E"), contact("2025-04-07", source="2B"),
                                 contact("2025-04-07", source="10")])
    frame = compute(store, "contacts.by_source")
    assert frame["group"].notna().all()  # parts only: the total is contacts.count
    got = {r.group: r.value for r in frame.itertuples()}
    assert got == {"police": 2, "health": 1, "education": 1, "unknown": 1}


def test_only_current_rows_count(store):
    kept = add_rows(store, "contacts", [contact("2025-04-07", "2025-04-08")])
    gone = add_rows(store, "contacts", [contact("2025-04-07", "2025-04-10"), contact("2025-07-07")])
    assert kept != gone
    withdraw(store, gone)
    assert values(store, "contacts.count") == {"2025-26 Q1": (1.0, 1, None)}  # Q2 had only withdrawn rows
    assert values(store, "contacts.decided_within_1wd")["2025-26 Q1"] == (100.0, 1, 1)
    assert compute(store, "contacts.by_source")["value"].tolist() == [1.0]


def test_superseded_rows_do_not_count(store):
    add_rows(store, "contacts", [contact("2025-04-07"), contact("2025-04-08")])
    store.con.execute("UPDATE contacts SET is_current = false, superseded_by = 99 WHERE contact_date = '2025-04-08'")
    assert values(store, "contacts.count")["2025-26 Q1"][1] == 1
