"""The dashboard's pages, in navigation order: the one table that says which pages exist, what each is called
and who may open it. ``dashboard.py`` (through ``ui.app``) builds the navigation from it, ``access.permissions``
answers "may this person see this page" from it, and the page benchmark and tests list the pages from it.

No Streamlit here: the roles must stay checkable without it (``access.permissions`` reads this table).
"""

from __future__ import annotations

from dataclasses import dataclass

from access.people import ROLES, Role

READERS: tuple[Role, ...] = ("partner", "manager", "chair", "admin")  # every role but scrutiny

# The sidebar's controls a page can declare. A filter is shown only on the pages whose charts it narrows:
# a filter that is drawn but ignored would tell the reader something untrue.
QUARTERS, AGENCY, MEETING = "quarters", "agency", "meeting"


@dataclass(frozen=True)
class AppPage:
    """One page: ``pages/<name>.py``, its navigation title and icon, the roles that may open it and the
    sidebar controls that apply to it (``filters``)."""

    name: str
    title: str
    icon: str
    roles: tuple[Role, ...]
    filters: tuple[str, ...] = (MEETING,)

    @property
    def file(self) -> str:
        """The page's script, relative to ``dashboard.py``."""
        return f"pages/{self.name}.py"


# The first page is the default: the only one every role has.
PAGES: tuple[AppPage, ...] = (
    AppPage("summary", "Summary", ":material/summarize:", ROLES),
    AppPage("actions", "Action plan", ":material/checklist:", READERS),
    # MASH data has sources, not agencies: the agency filter would change nothing there.
    AppPage("mash", "MASH and referrals", ":material/call_received:", READERS, (QUARTERS, MEETING)),
    AppPage("training", "Workforce training", ":material/school:", READERS, (QUARTERS, AGENCY, MEETING)),
    AppPage("audits", "Case audits", ":material/fact_check:", READERS, (QUARTERS, AGENCY, MEETING)),
    # Partners and above: the local figure beside the published ones is not suppressed for small numbers.
    AppPage("compare", "How we compare", ":material/compare_arrows:", READERS),
    AppPage("about", "About the data", ":material/info:", READERS),
    AppPage("upload", "Upload", ":material/upload_file:", ("manager", "admin")),
    AppPage("audit_trail", "Audit trail", ":material/history:", ("admin",)),
)
