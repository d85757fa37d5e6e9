"""Upload: choose files, see what was recognised and every problem, then confirm — or nothing is written."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from access import writes
from access.permissions import NotAllowed, upload_agency
from loaders.agencies import agency_names
from loaders.datasets import DATASETS
from loaders.submit import Prepared, WithdrawError, prepare, pseudonymiser_for
from loaders.template import write_template
from pages.common import data_changed, get_store, history, require

person = require("upload")
st.title("Upload a return")
store = get_store()

st.markdown(
    "Choose one or more spreadsheets (.xlsx or .csv). Each sheet is recognised by its headers. "
    "You will see what was found and every problem **before** anything is saved."
)

if person.role == "admin":
    names = agency_names()
    agency = st.selectbox("Submitting agency", names, index=names.index("Children's social care"),
                          key="upload_agency", help="The agency whose return this is. Newer returns from the "
                          "same agency replace older ones for the dates they cover.")
else:
    agency = upload_agency(person, None)
    st.markdown(f"Submitting agency: **{agency}** (your uploads are always recorded under your own agency)")

files = st.file_uploader("Choose files", type=["xlsx", "xlsm", "csv"], accept_multiple_files=True,
                         key="upload_files")


def _prepare(uploaded) -> Prepared:
    """Read and validate one uploaded file (cached per file and agency for this session)."""
    cache = st.session_state.setdefault("prepared", {})
    key = (uploaded.file_id, uploaded.name, agency, st.session_state.get("skip_invalid", False))
    if key not in cache:
        bar = st.progress(0.0, text=f"Reading {uploaded.name}")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "upload"
            path.write_bytes(uploaded.getvalue())
            cache[key] = prepare(path, pseudonymiser_for(store), display_name=uploaded.name, agency=agency,
                                 skip_invalid_rows=st.session_state.get("skip_invalid", False),
                                 progress=lambda fraction, text: bar.progress(min(fraction, 1.0), text=text))
        bar.empty()
    return cache[key]


def _issues_table(issues) -> pd.DataFrame:
    return pd.DataFrame([{"Sheet": i.sheet, "Row": i.row, "Column": i.column, "Value": i.value,
                          "Message": i.message} for i in issues])


def _preview(prepared: Prepared) -> None:
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
        st.dataframe(sheets, hide_index=True)
    if report.sheets_not_used:
        st.caption("Sheets not used: " + ", ".join(report.sheets_not_used))
    if report.dropped_columns:
        st.caption("Columns dropped to protect privacy (never stored): " + ", ".join(report.dropped_columns))
    if report.errors:
        st.error(f"{len(report.errors)} error(s): fix these cells and upload again.", icon=":material/error:")
        st.dataframe(_issues_table(report.errors), hide_index=True)
    if report.warnings:
        st.warning(f"{len(report.warnings)} warning(s): the file can be loaded.", icon=":material/warning:")
        st.dataframe(_issues_table(report.warnings), hide_index=True)


if files:
    st.checkbox("Load the valid rows and skip the rows with errors (recorded on the submission)",
                key="skip_invalid")
    prepared_files = []
    for uploaded in files:
        prepared = _prepare(uploaded)
        prepared_files.append(prepared)
        report = prepared.report
        verdict = "ready to load" if prepared.loadable else "will not be loaded"
        st.subheader(f"{uploaded.name}: {verdict}")
        _preview(prepared)
    ready = [p for p in prepared_files if p.loadable]
    if st.button(f"Load {len(ready)} file(s)", type="primary", disabled=not ready, key="confirm_load"):
        for prepared in prepared_files:
            try:
                result = writes.upload(store, person, prepared)
            except NotAllowed as exc:
                st.error(f"{prepared.report.file}: {exc} — nothing was written.", icon=":material/block:")
                continue
            if result.status == "accepted":
                st.success(f"{result.file}: loaded as submission {result.submission_id} "
                           f"({result.rows_loaded} rows).", icon=":material/check_circle:")
            elif result.status == "duplicate":
                st.info(f"{result.file}: {result.message}", icon=":material/content_copy:")
            else:
                st.error(f"{result.file}: not loaded — nothing was written.", icon=":material/error:")
        st.session_state["prepared"] = {}
        data_changed()

st.header("Blank templates")
st.markdown("Each template has the header row, an instructions sheet, drop-down lists and one example row.")
columns = st.columns(3)
for index, dataset in enumerate(DATASETS.values()):
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder:
        buffer.write(write_template(dataset, Path(folder) / "t.xlsx").read_bytes())
    columns[index % 3].download_button(
        f"{dataset.title} template", buffer.getvalue(), file_name=f"template_{dataset.name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"template-{dataset.name}",
    )

st.header("Submission history")
if message := st.session_state.pop("withdrawn_message", None):
    st.success(message, icon=":material/check_circle:")
submissions = history()
if submissions.empty:
    st.info("Nothing has been uploaded yet.")
else:
    st.dataframe(submissions.rename(columns=lambda c: c.replace("_", " ").capitalize()), hide_index=True)
    active = submissions[submissions["state"] == "active"]
    if person.role != "admin":
        active = active[active["agency"] == person.agency]
    if len(active):
        labels = {int(r.submission_id): f"{r.submission_id}: {r.file_name} ({r.agency}, {r.uploaded_at:%d/%m/%Y})"
                  for r in active.itertuples()}
        chosen = st.selectbox("Withdraw a submission", list(labels), format_func=labels.get, key="withdraw_choice")
        if st.button("Withdraw…", key="withdraw_start"):
            st.session_state["withdraw_pending"] = chosen
        pending = st.session_state.get("withdraw_pending")
        if pending is not None:
            st.warning(f"Withdraw submission {labels.get(pending, pending)}? Its rows stop counting and what it "
                       "replaced counts again.", icon=":material/warning:")
            confirm, cancel = st.columns(2)
            if confirm.button("Yes, withdraw it", type="primary", key="withdraw_confirm"):
                st.session_state.pop("withdraw_pending", None)
                try:
                    writes.withdraw_submission(store, person, int(pending))
                except (NotAllowed, WithdrawError) as exc:
                    st.error(str(exc), icon=":material/block:")
                else:
                    data_changed()
                    st.session_state["withdrawn_message"] = f"Submission {pending} withdrawn."
                    st.rerun()
            if cancel.button("Cancel", key="withdraw_cancel"):
                st.session_state.pop("withdraw_pending", None)
                st.rerun()
