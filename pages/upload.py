"""Upload: choose files, see what was recognised and every problem, then confirm — or nothing is written.

For each file, in the order a person acts on them: the errors (repeated ones grouped, the full list on request),
the unrecognised labels to map to codes, a copy of the file with the problem cells marked, what was recognised,
the warnings, and a volume far from the agency's usual to confirm. Then the choice to skip the rows with errors
and one button saying what it will load. A file is read and checked once per upload (kept in the session), so
ticking a box or choosing to skip rows does not read it again.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from access import writes
from access.permissions import NotAllowed, can_map_values, can_withdraw, chooses_upload_agency, upload_agency
from loaders.agencies import agency_names
from loaders.aliases import AliasError, aliases_for, code_choices, column_of
from loaders.datasets import DATASETS
from loaders.issue_groups import group_issues
from loaders.marked import MAX_ROWS as MARKED_MAX_ROWS
from loaders.marked import marked_workbook
from loaders.report import Issue
from loaders.submit import Prepared, WithdrawError, prepare, pseudonymiser_for
from loaders.template import write_template
from loaders.value_aliases import AliasTable
from loaders.volume import volume_warnings
from ui.app import require
from ui.data import data_changed, history
from ui.literal import markdown_literal as md
from ui.literal import option_literal
from ui.store import get_store
from ui.tables import show_table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROGRESS_FROM_BYTES = 2 * 2**20  # a progress bar only for files that take a while to read
MAX_MAPPINGS_SHOWN = 40

person = require("upload")
st.title("Upload a return")
store = get_store()

st.markdown(
    "Choose one or more spreadsheets (.xlsx or .csv). Each sheet is recognised by its headers. "
    "You will see what was found and every problem **before** anything is saved."
)

if chooses_upload_agency(person):
    names = agency_names()
    agency = st.selectbox("Submitting agency", names, index=names.index("Children's social care"),
                          format_func=option_literal,
                          key="upload_agency", help="The agency whose return this is. Newer returns from the "
                          "same agency replace older ones for the dates they cover.")
else:
    agency = upload_agency(person, None)
    st.markdown(f"Submitting agency: **{md(agency)}** (your uploads are always recorded under your own agency)")

files = st.file_uploader("Choose files", type=["xlsx", "xlsm", "csv"], accept_multiple_files=True,
                         key="upload_files")
skip_invalid = bool(st.session_state.get("skip_invalid", False))  # the checkbox is drawn below the errors


def _prepare(uploaded) -> tuple[Prepared, AliasTable]:
    """Read and check one uploaded file with the agency's value mappings (returned too, to name those applied),
    once per upload, agency and mappings; the volume check comes with it. The skip-invalid-rows choice is
    applied afresh on every run."""
    cache = st.session_state.setdefault("prepared", {})
    key = (uploaded.file_id, agency, st.session_state.get("aliases_version", 0))
    if key not in cache:
        bar = st.progress(0.0, text=md(f"Reading {uploaded.name}")) if uploaded.size > PROGRESS_FROM_BYTES else None
        step = (lambda fraction, text: bar.progress(min(fraction, 1.0), text=md(text))) if bar else None
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "upload"
            path.write_bytes(uploaded.getvalue())
            aliases = aliases_for(store, agency)
            prepared = prepare(path, pseudonymiser_for(store), display_name=uploaded.name, agency=agency,
                               progress=step, aliases=aliases)
        prepared.report.volume_warnings = volume_warnings(store, prepared)
        cache[key] = (prepared, aliases)
        if bar:
            bar.empty()
    prepared, aliases = cache[key]
    prepared.choose_skip_invalid_rows(skip_invalid)
    return prepared, aliases


def _forget_prepared(file_ids: set[str] | None = None) -> None:
    """Drop checked files: those no longer chosen, or (``None``) all, so they are checked again."""
    cache = st.session_state.get("prepared", {})
    for key in [k for k in cache if file_ids is None or k[0] not in file_ids]:
        del cache[key]


def _issues_table(issues: list[Issue]) -> pd.DataFrame:
    return pd.DataFrame([{"Sheet": i.sheet, "Row": i.row, "Column": i.column, "Value": i.value,
                          "Message": i.message} for i in issues])


def _groups_table(issues: list[Issue]) -> pd.DataFrame:
    groups = group_issues(issues)
    several = len({g.sheet for g in groups if g.sheet}) > 1
    return pd.DataFrame([{**({"Sheet": g.sheet} if several else {}), "Column": g.column, "Value": g.value,
                          "Rows": g.count, "First rows": g.first_rows(), "Problem": g.message} for g in groups])


def _issues(issues: list[Issue], key: str, noun: str) -> None:
    """Repeated problems once each (column, value, how many rows, the first rows), every one on request."""
    show_table(_groups_table(issues))
    if len(group_issues(issues)) < len(issues) and st.toggle(f"Show every {noun} ({len(issues):,})", key=key):
        show_table(_issues_table(issues))


def _sheets_table(prepared: Prepared, aliases: AliasTable) -> None:
    report = prepared.report
    sheets = pd.DataFrame([{
        "Sheet": s.sheet, "Dataset": DATASETS[s.dataset].title if s.dataset else "",
        "Rows": s.rows_read, "Valid rows": s.rows_valid,
        "Dates covered": f"{s.date_from:%d/%m/%Y} to {s.date_to:%d/%m/%Y}" if s.date_from else "",
        "Columns mapped": ", ".join(f"{k} → {v}" for k, v in s.columns_mapped.items()),
        "Themes": ", ".join(s.themes),
        "Columns not used": ", ".join(s.columns_not_used),
    } for s in report.sheets])
    if len(sheets):
        show_table(sheets)
    if report.sheets_not_used:
        st.caption(md("Sheets not used: " + ", ".join(report.sheets_not_used)))
    if report.dropped_columns:
        st.caption(md("Columns dropped to protect privacy (never stored): " + ", ".join(report.dropped_columns)))
    if report.aliases_applied:
        mapped = {alias.alias_id: alias for alias in aliases.aliases}
        st.caption(md("Value mappings applied: " + ", ".join(
            f"'{mapped[alias_id].value}' read as {mapped[alias_id].code} ({_plural(cells, 'cell')})"
            for alias_id, cells in sorted(report.aliases_applied.items()) if alias_id in mapped)))


def _marked_download(uploaded, prepared: Prepared) -> None:
    """The person's own file back with each problem cell marked; made only when they ask for it, never stored."""
    content, report = uploaded.getvalue(), prepared.report
    if report.rows_read > MARKED_MAX_ROWS:
        st.caption(f"A marked copy is offered for files of up to {MARKED_MAX_ROWS:,} rows; the list above names "
                   "each cell by its row and column.")
        return
    st.download_button(
        "Download your file with the problem cells marked", lambda: marked_workbook(content, report),
        file_name=f"{Path(uploaded.name).stem}_marked.xlsx", mime=XLSX, on_click="ignore",
        key=f"marked_{uploaded.file_id}", icon=":material/download:",
        help="A copy of your file: errors filled red, warnings amber, each with a comment saying what was "
             "expected. A CSV comes back as an Excel copy. Nothing of it is kept by the dashboard.")


def _show_file(uploaded, prepared: Prepared, aliases: AliasTable) -> bool:
    """The preview of one file; True when it may be loaded now (loadable and, if asked, its volume confirmed)."""
    report = prepared.report
    if prepared.loadable:
        verdict = "the valid rows can be loaded" if report.errors else "ready to load"
    else:
        verdict = "will not be loaded"
    st.subheader(md(f"{uploaded.name}: {verdict}"))  # file names, sheet names, messages: shown literally
    if report.errors:
        st.error(f"{len(report.errors):,} error(s): fix these cells and upload again.", icon=":material/error:")
        _issues(report.errors, f"all_errors_{uploaded.file_id}", "error")
    _mapping(uploaded, prepared)
    if report.errors or report.warnings:
        _marked_download(uploaded, prepared)
    _sheets_table(prepared, aliases)
    if report.warnings:
        st.warning(f"{len(report.warnings):,} warning(s): the file can be loaded.", icon=":material/warning:")
        _issues(report.warnings, f"all_warnings_{uploaded.file_id}", "warning")
    confirmed = True
    for warning in report.volume_warnings:
        st.warning(md(warning.message), icon=":material/help:")
    if report.volume_warnings and prepared.loadable:
        # No file name in the label: a widget's accessible name is its label's Markdown source, escapes and all.
        confirmed = st.checkbox("I have checked this return: load it as it is", key=f"volume_ok_{uploaded.file_id}")
    return prepared.loadable and confirmed


def _mapping(uploaded, prepared: Prepared) -> None:
    """Each unrecognised label of a code column, offered for mapping to an accepted code (with its meaning)."""
    found = list({(u.dataset, u.column_key, u.value): u for u in prepared.report.unrecognised}.values())
    if not found:
        return
    if not can_map_values(person, agency):
        st.info(md(f"A manager of {agency} or an administrator can map the unrecognised values to codes."))
        return
    st.markdown(md(f"**Values not recognised.** Choose the code each one means: the mapping is saved for "
                   f"{agency}'s returns from now on, and this file is checked again."))
    with st.form(key=f"mapping_{uploaded.file_id}"):
        for index, item in enumerate(found[:MAX_MAPPINGS_SHOWN]):
            labels = dict(code_choices(column_of(item.dataset, item.column_key)))
            rows = f"{item.count} row{'s' if item.count != 1 else ''}"
            # The codes and meanings are the loader's own words (loaders/codes.py), shown as they are: the
            # drop-down's list draws an option's text without Markdown, so escaping would show backslashes.
            st.selectbox(md(f"'{item.value}' in {item.header} ({rows})"), list(labels), index=None,
                         format_func=labels.__getitem__, placeholder="Leave as it is",
                         key=f"map_{uploaded.file_id}_{index}")
        if len(found) > MAX_MAPPINGS_SHOWN:
            st.caption(f"The first {MAX_MAPPINGS_SHOWN} of {len(found)} values: map these, and the rest come next.")
        saved = st.form_submit_button("Save the mappings and check the file again")
    if saved:
        _save_mappings(uploaded, found[:MAX_MAPPINGS_SHOWN])


def _save_mappings(uploaded, found: list) -> None:
    messages = []
    for index, item in enumerate(found):
        code = st.session_state.get(f"map_{uploaded.file_id}_{index}")
        if code is None:
            continue
        try:
            alias = writes.add_value_alias(store, person, agency, item.dataset, item.column_key, item.value, code)
        except (NotAllowed, AliasError) as exc:
            messages.append(("error", f"'{item.value}' in {item.header}: {exc}"))
        else:
            messages.append(("success", f"'{item.value}' in {item.header} is read as {alias.code} from now on "
                                        f"(mapping {alias.alias_id})."))
    st.session_state["mapping_messages"] = messages
    st.session_state["aliases_version"] = st.session_state.get("aliases_version", 0) + 1
    _forget_prepared()
    st.rerun()


def _valid_rows(prepared: Prepared) -> int:
    return sum(p.table.num_rows for p in prepared.parsed if p.table is not None and not p.fatal)


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _load_label(ready: list[Prepared]) -> str:
    """What the button will do: "Load 374 valid rows, skip 48" (and from how many files)."""
    if not ready:
        return "Nothing ready to load"
    rows = sum(p.report.rows_loaded for p in ready)
    skipped = sum(p.report.rows_skipped for p in ready if p.report.errors)
    label = f"Load {_plural(rows, 'valid row')}, skip {skipped:,}" if skipped else f"Load {_plural(rows, 'row')}"
    return label + (f" from {len(ready)} files" if len(ready) > 1 else "")


def _skip_choice(pending: list[Prepared]) -> None:
    """Offered where rows have errors and other rows are valid: load those, skip these (recorded)."""
    fixable = [p for p in pending if p.report.errors and _valid_rows(p) and not any(q.fatal for q in p.parsed)]
    if fixable:
        invalid = sum(p.report.rows_skipped for p in fixable)
        valid = sum(_valid_rows(p) for p in fixable)
        st.checkbox(f"Skip the {_plural(invalid, 'row')} with errors and load the other {valid:,} "
                    "(recorded on the submission)", key="skip_invalid")


def _load(ready: list[tuple[object, Prepared]]) -> None:
    outcomes = st.session_state.setdefault("upload_outcomes", {})
    for uploaded, prepared in ready:
        try:
            result = writes.upload(store, person, prepared)
        except NotAllowed as exc:
            outcomes[uploaded.file_id] = ("error", f"{prepared.report.file}: {exc} — nothing was written.")
            continue
        if result.status == "accepted":
            outcomes[uploaded.file_id] = ("success", f"{result.file}: loaded as submission {result.submission_id} "
                                                     f"({result.rows_loaded} rows).")
        elif result.status == "duplicate":
            outcomes[uploaded.file_id] = ("info", f"{result.file}: {result.message}")
        else:
            reason = f": {result.message}" if result.message else ""  # e.g. already loaded for another agency
            outcomes[uploaded.file_id] = ("error", f"{result.file}: not loaded{reason} — nothing was written.")
    _forget_prepared()
    data_changed()
    st.rerun()  # the outcomes replace the previews: no stale errors, and nothing left to load twice


OUTCOME_ICONS = {"success": ":material/check_circle:", "info": ":material/content_copy:", "error": ":material/error:"}


def _outcome(file_id: str) -> bool:
    """The result of loading this upload, shown instead of its preview; False when it has not been loaded."""
    kind, text = st.session_state.get("upload_outcomes", {}).get(file_id, (None, None))
    if kind:
        getattr(st, kind)(md(text), icon=OUTCOME_ICONS[kind])
    return kind is not None


for kind, text in st.session_state.pop("mapping_messages", []):
    getattr(st, kind)(md(text), icon=OUTCOME_ICONS[kind])

if files:
    _forget_prepared({f.file_id for f in files})
    pending, ready = [], []
    for uploaded in files:
        if _outcome(uploaded.file_id):
            continue
        prepared, aliases = _prepare(uploaded)
        pending.append(prepared)
        if _show_file(uploaded, prepared, aliases):
            ready.append((uploaded, prepared))
    _skip_choice(pending)
    if st.button(_load_label([p for _, p in ready]), type="primary", disabled=not ready, key="confirm_load"):
        _load(ready)

st.header("Blank templates")
st.markdown("Each template has the header row, an instructions sheet, drop-down lists and one example row.")


def _template_bytes(name: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return write_template(DATASETS[name], Path(folder) / "t.xlsx").read_bytes()


columns = st.columns(3)
for index, dataset in enumerate(DATASETS.values()):
    columns[index % 3].download_button(  # written when clicked, not on every run of the page
        f"{dataset.title} template", lambda name=dataset.name: _template_bytes(name),
        file_name=f"template_{dataset.name}.xlsx", mime=XLSX, on_click="ignore", key=f"template-{dataset.name}",
    )

st.header("Submission history")
if message := st.session_state.pop("withdrawn_message", None):
    st.success(message, icon=":material/check_circle:")
submissions = history()
if submissions.empty:
    st.info("Nothing has been uploaded yet.")
else:
    show_table(submissions.rename(columns=lambda c: c.replace("_", " ").capitalize()))
    active = submissions[submissions["state"] == "active"]
    active = active.loc[[can_withdraw(person, agency) for agency in active["agency"]]]
    if len(active):
        labels = {int(r.submission_id): f"{r.submission_id}: {r.file_name} ({r.agency}, {r.uploaded_at:%d/%m/%Y})"
                  for r in active.itertuples()}
        chosen = st.selectbox("Withdraw a submission", list(labels), index=None,
                              format_func=lambda i: option_literal(labels.get(i)),
                              placeholder="Choose a submission", key="withdraw_choice")
        if st.button("Withdraw…", key="withdraw_start", disabled=chosen is None):
            st.session_state["withdraw_pending"] = chosen
        pending_withdrawal = st.session_state.get("withdraw_pending")
        if pending_withdrawal is not None:
            st.warning(f"Withdraw submission {md(labels.get(pending_withdrawal, pending_withdrawal))}? Its rows stop "
                       "counting and what it replaced counts again.", icon=":material/warning:")
            confirm, cancel = st.columns(2)
            if confirm.button("Yes, withdraw it", type="primary", key="withdraw_confirm"):
                st.session_state.pop("withdraw_pending", None)
                try:
                    writes.withdraw_submission(store, person, int(pending_withdrawal))
                except (NotAllowed, WithdrawError) as exc:
                    st.error(md(exc), icon=":material/block:")
                else:
                    data_changed()
                    st.session_state["withdrawn_message"] = f"Submission {pending_withdrawal} withdrawn."
                    st.rerun()
            if cancel.button("Cancel", key="withdraw_cancel"):
                st.session_state.pop("withdraw_pending", None)
                st.rerun()
