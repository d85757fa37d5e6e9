"""Value mappings on the About page (listed, values shown exactly as written, removed ones gone) and in the
Audit trail page's action filter (issue 10, section 2)."""

from __future__ import annotations

from loaders.aliases import add_alias, remove_alias
from loaders.audit import Actor
from loaders.store import Store
from tests.pages.helpers import page_text

ADMIN = Actor("admin@example.org", "admin")
LABELS = ["LA services", "**Passed** to [EH](http://example.org)", "=HYPERLINK(\"http://example.org\")"]


def _mappings_table(at):
    tables = [t.value for t in at.dataframe if "Label as written" in t.value.columns]
    assert len(tables) == 1
    return tables[0]


def test_the_about_page_lists_the_active_mappings_literally(open_app, demo_copy, tmp_path):
    with Store(demo_copy) as store:
        add_alias(store, ADMIN, "Children's social care", "contacts", "source_code", LABELS[0], "5A")
        add_alias(store, ADMIN, "Police", "contacts", "MASH outcome", LABELS[1], "Early help")
        add_alias(store, ADMIN, "Police", "cp_plans", "Initial category", LABELS[2], "NEG")
        gone = add_alias(store, ADMIN, "Health", "training", "Agency", "Old label", "Health")
        remove_alias(store, ADMIN, gone.alias_id)
    roles = tmp_path / "roles.toml"
    roles.write_text('[users."partner@example.org"]\nrole = "partner"\n')
    at = open_app(demo_copy, "about", local=False, auth=True, roles=roles,
                  user={"is_logged_in": True, "email": "partner@example.org", "name": "P"})
    assert "Local labels read as codes" in page_text(at)
    table = _mappings_table(at)
    assert table.columns.tolist() == ["Agency", "Dataset", "Column", "Label as written", "Read as", "Mapped by",
                                      "Mapped on"]
    rows = table.drop(columns=["Mapped on"]).values.tolist()
    assert rows == [
        ["Children's social care", "MASH contacts", "Contact source", "LA services", "5A (LA services: social care)",
         "admin@example.org"],
        ["Police", "MASH contacts", "MASH outcome", LABELS[1], "Early help", "admin@example.org"],
        # A grid draws cells as plain text; a formula is shown as Excel would show it, so no copy runs it.
        ["Police", "Child protection plans", "Initial category", "'" + LABELS[2], "Neglect", "admin@example.org"],
    ]
    assert table["Mapped on"].str.fullmatch(r"\d\d/\d\d/\d{4}").all()
    assert "Old label" not in table["Label as written"].tolist()


def test_with_no_mappings_the_page_says_so(open_app, demo_db):
    at = open_app(demo_db, "about")
    assert "No labels are mapped at the moment." in page_text(at)
    assert not [t for t in at.dataframe if "Label as written" in t.value.columns]


def test_the_audit_trail_filters_by_mapping_actions(open_app, demo_copy):
    with Store(demo_copy) as store:
        made = add_alias(store, ADMIN, "Police", "contacts", "source_code", "Neighbour", "1B")
        remove_alias(store, ADMIN, made.alias_id)
    at = open_app(demo_copy, "audit_trail")
    [action] = [box for box in at.selectbox if box.key == "audit_action"]
    assert {"alias added", "alias removed"} <= set(action.options)
    action.set_value("alias removed").run()
    [table] = at.dataframe
    assert table.value[["Action", "What it acted on", "Detail"]].values.tolist() == [
        ["alias removed", str(made.alias_id), f"alias {made.alias_id} for contacts.source_code (Police)"]]

