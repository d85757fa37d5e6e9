"""Who may map a local label to a code and remove a mapping (``access.permissions``), and ``access.writes``
doing it: for their own agency, every refusal in the audit trail, never the label itself."""

from __future__ import annotations

import pytest

from access import writes
from access.people import Person
from access.permissions import NotAllowed, can_map_values, can_remove_alias
from loaders.aliases import AliasError, add_alias, aliases_for, get_alias, list_aliases
from loaders.audit import Actor, verify_chain
from loaders.store import Store
from tests.loaders.loader_helpers import count

ADMIN = Actor("admin@example.org", "admin")


def _add(store: Store, value: str, code: str, *, agency: str):
    return add_alias(store, ADMIN, agency, "contacts", "source_code", value, code)


def _audit(store: Store) -> list[tuple]:
    return store.rows("SELECT who, role, agency, action, target, outcome, detail FROM audit_log ORDER BY audit_id")


MANAGER = Person("manager@example.org", "manager", "Police")
OTHER_MANAGER = Person("health@example.org", "manager", "Health")
ADMIN_PERSON = Person("boss@example.org", "admin")


def test_who_may_map_and_remove():
    assert can_map_values(ADMIN_PERSON, "Health") and can_map_values(MANAGER, "Police")
    assert not can_map_values(MANAGER, "Health")
    for role in ("scrutiny", "partner", "chair"):
        person = Person(f"{role}@example.org", role, "Police")
        assert not can_map_values(person, "Police") and not can_remove_alias(person, "Police")
    assert can_remove_alias(MANAGER, "Police") and not can_remove_alias(MANAGER, "Health")
    assert can_remove_alias(ADMIN_PERSON, "Health")


def test_a_manager_maps_and_removes_for_their_own_agency(store):
    alias = writes.add_value_alias(store, MANAGER, "MPS", "contacts", "Contact source", "Neighbour", "1B")
    assert (alias.agency, alias.code) == ("Police", "1B")
    writes.remove_value_alias(store, MANAGER, alias.alias_id)
    assert _audit(store) == [
        (MANAGER.email, "manager", "Police", "alias added", "1", "done",
         "alias 1 for contacts.source_code (Police): read as 1B"),
        (MANAGER.email, "manager", "Police", "alias removed", "1", "done", "alias 1 for contacts.source_code (Police)"),
    ]


def test_a_manager_is_refused_another_agencys_mappings_and_each_refusal_is_audited(store):
    with pytest.raises(NotAllowed, match="^manager@example.org may map values only for Police, not Health$"):
        writes.add_value_alias(store, MANAGER, "Health", "contacts", "Source of contact", "Neighbour", "1B")
    health = writes.add_value_alias(store, OTHER_MANAGER, "Health", "contacts", "source_code", "Neighbour", "1B")
    with pytest.raises(NotAllowed, match="^manager@example.org may remove only Police's value mappings, not Health's$"):
        writes.remove_value_alias(store, MANAGER, health.alias_id)
    assert get_alias(store, health.alias_id) is not None and len(aliases_for(store, "Health").aliases) == 1
    refusals = [row for row in _audit(store) if row[5] == "refused"]
    assert refusals == [
        (MANAGER.email, "manager", "Police", "alias added", "contacts.source_code", "refused",
         "manager@example.org may map values only for Police, not Health"),
        (MANAGER.email, "manager", "Police", "alias removed", "1", "refused",
         "manager@example.org may remove only Police's value mappings, not Health's"),
    ]
    assert verify_chain(store).intact


@pytest.mark.parametrize("role", ["scrutiny", "partner", "chair"])
def test_other_roles_are_refused_and_the_refusal_never_holds_the_value(store, role):
    person = Person(f"{role}@example.org", role, "Police")
    _add(store, "Neighbour", "1B", agency="Police")
    with pytest.raises(NotAllowed, match=f"^{role}@example.org \\({role}\\) may not map values to codes$"):
        writes.add_value_alias(store, person, "Police", "contacts", "Source of contact", "Secret label", "1B")
    with pytest.raises(NotAllowed, match="may not remove value mappings$"):
        writes.remove_value_alias(store, person, 1)
    assert count(store, "value_aliases", "removed_at IS NULL") == 1
    rows = [row for row in _audit(store) if row[5] == "refused"]
    assert [(r[3], r[4]) for r in rows] == [("alias added", "contacts.source_code"), ("alias removed", "1")]
    assert not any("Secret label" in str(v) for row in _audit(store) for v in row)
    # A column that is not declared is recorded as a value mapping, never as the text typed.
    with pytest.raises(NotAllowed):
        writes.add_value_alias(store, person, "Police", "contacts", "Typed text", "x", "1B")
    assert _audit(store)[-1][4] == "value mapping"


def test_an_admin_maps_and_removes_for_any_agency(store):
    manager_made = writes.add_value_alias(store, MANAGER, "Police", "contacts", "source_code", "Neighbour", "1B")
    made = writes.add_value_alias(store, ADMIN_PERSON, "Health", "referrals", "source_code", "Health visiting", "3B")
    assert made.agency == "Health"
    writes.remove_value_alias(store, ADMIN_PERSON, manager_made.alias_id)
    assert list_aliases(store)["alias_id"].tolist() == [made.alias_id]
    with pytest.raises(AliasError, match="^there is no mapping 99$"):
        writes.remove_value_alias(store, ADMIN_PERSON, 99)


