"""The one table of pages (``access.pages``) and the named permission checks (``access.permissions``): what
each role may open and do, and that nothing outside ``access/`` decides it by comparing roles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from access import permissions
from access.pages import PAGES
from access.people import ROLES, Person

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = {role: Person(f"{role}@example.org", role, "Police" if role == "manager" else None) for role in ROLES}
# Who may do what, role by role (a manager for their own agency, Police, only).
ALLOWED = {
    "scrutiny": set(),
    "partner": set(),
    "manager": {"upload own", "withdraw own", "map own"},
    "chair": {"decide"},
    "admin": {"upload own", "upload other", "choose agency", "action plan", "withdraw own", "withdraw other",
              "map own", "map other", "decide", "audit trail", "backup"},
}


def _can(person: Person) -> set[str]:
    checks = {
        "upload own": permissions.can_upload(person, "Police"),
        "upload other": permissions.can_upload(person, "Health"),
        "choose agency": permissions.chooses_upload_agency(person),
        "action plan": permissions.can_load_action_plan(person),
        "withdraw own": permissions.can_withdraw(person, "Police"),
        "withdraw other": permissions.can_withdraw(person, "Health"),
        "map own": permissions.can_map_values(person, "Police") and permissions.can_remove_alias(person, "Police"),
        "map other": permissions.can_map_values(person, "Health") or permissions.can_remove_alias(person, "Health"),
        "decide": permissions.can_decide(person),
        "audit trail": permissions.can_see_audit_trail(person),
        "backup": permissions.can_download_backup(person),
    }
    return {name for name, allowed in checks.items() if allowed}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_do_exactly_its_things(role: str) -> None:
    person = PEOPLE[role]
    assert _can(person) == ALLOWED[role]
    assert permissions.sees_suppressed_only(person) == (role == "scrutiny")


@pytest.mark.parametrize("role", ROLES)
def test_every_check_agrees_with_its_question(role: str) -> None:
    """A ``check_…`` refuses exactly when its ``can_…`` says no."""
    person = PEOPLE[role]
    pairs = [
        (lambda: permissions.check_decision(person), permissions.can_decide(person)),
        (lambda: permissions.check_audit_trail(person), permissions.can_see_audit_trail(person)),
        (lambda: permissions.check_backup(person), permissions.can_download_backup(person)),
        (lambda: permissions.check_withdraw(person, "Health"), permissions.can_withdraw(person, "Health")),
        (lambda: permissions.check_upload(person, "Police", ["contacts"]), permissions.can_upload(person, "Police")),
        (lambda: permissions.check_upload(person, "Police", ["actions"]),
         permissions.can_upload(person, "Police") and permissions.can_load_action_plan(person)),
        (lambda: permissions.check_map_values(person, "Health"), permissions.can_map_values(person, "Health")),
        (lambda: permissions.check_remove_alias(person, "Police"), permissions.can_remove_alias(person, "Police")),
    ]
    for check, allowed in pairs:
        if allowed:
            check()
        else:
            with pytest.raises(permissions.NotAllowed):
                check()


def test_the_pages_table_is_the_navigation_and_the_page_files():
    assert [p.name for p in PAGES] == ["summary", "actions", "mash", "training", "audits", "compare", "about",
                                       "upload", "audit_trail"]
    assert all(set(p.roles) <= set(ROLES) for p in PAGES)
    assert set(PAGES[0].roles) == set(ROLES)  # the default page: the one every role has
    files = {path.relative_to(ROOT).as_posix() for path in (ROOT / "pages").glob("*.py")}
    assert files == {p.file for p in PAGES}, "every file in pages/ is a page of the table, and every page a file"
    for role in ROLES:
        assert permissions.pages_for(PEOPLE[role]) == tuple(p.name for p in PAGES if role in p.roles)


ROLE_LITERAL = re.compile(r"""\.role\b|["'](scrutiny|partner|manager|chair|admin)["']""")


def test_no_role_is_compared_outside_access():
    """Pages, the UI and the entry script ask a named check (``access.permissions``), never compare roles."""
    files = [ROOT / "dashboard.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}" for path in files
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if ROLE_LITERAL.search(line)]
    assert found == []


def test_every_page_starts_by_asking_for_its_own_page():
    """``require(name)`` is each page's first statement: it checks the role and hands a page run directly by
    Streamlit to ``ui.app.main`` (see ui/app.py)."""
    for page in PAGES:
        source = (ROOT / page.file).read_text(encoding="utf-8")
        calls = re.findall(r"^(?:\w+ = )?require\((\"[a-z_]+\")\)$", source, re.MULTILINE)
        assert calls == [f'"{page.name}"'], page.file
        body = source.split("\n\n", 1)[1]  # after the module docstring
        before = body[:body.index(f'require("{page.name}")')]
        assert not re.search(r"^st\.", before, re.MULTILINE), f"{page.file} draws something before require"
