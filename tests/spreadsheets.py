"""Build small synthetic spreadsheets inside tests (no real data, ever)."""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook

from loaders.report import column_letter


def write_xlsx(path: Path, sheets: dict[str, Iterable[Sequence[object]]]) -> Path:
    """One sheet per entry, rows written as given (dates as real Excel dates)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def write_csv(path: Path, rows: Iterable[Sequence[object]], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding=encoding) as handle:
        csv.writer(handle).writerows(rows)
    return path


CONTACT_HEADERS = ["Child Unique ID", "Date of Contact", "Contact Source", "MASH decision date", "MASH outcome",
                   "Neglect identified?"]


# --- hand-made workbooks: exact control of the XML (cached formula values, hostile parts) ----

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{sheets}</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


class Formula:
    """A formula cell with its cached value, as Excel saves it (the loader must read the cached value)."""

    def __init__(self, formula: str, cached: object) -> None:
        self.formula, self.cached = formula, cached




def _cell_xml(ref: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Formula):
        formula = f"<f>{escape(value.formula)}</f>"
        if isinstance(value.cached, str):
            return f'<c r="{ref}" t="str">{formula}<v>{escape(value.cached)}</v></c>'
        return f'<c r="{ref}">{formula}<v>{value.cached}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, dt.date):
        serial = (value - dt.date(1899, 12, 30)).days
        return f'<c r="{ref}" s="1"><v>{serial}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def sheet_xml(rows: Iterable[Sequence[object]], *, prolog: str = "", dimension: str | None = None) -> str:
    """A worksheet part; ``prolog`` goes between the XML declaration and the root element."""
    body = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(_cell_xml(f"{column_letter(c)}{r}", v) for c, v in enumerate(row))
        body.append(f'<row r="{r}">{cells}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
            f"<worksheet {_NS}>{dim}<sheetData>{''.join(body)}</sheetData></worksheet>")


_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet {_NS}>'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>'
)


def write_raw_xlsx(
    path: Path,
    sheets: dict[str, str | Iterable[bytes]],
    *,
    extra_parts: dict[str, bytes | str] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
    compresslevel: int | None = None,
) -> Path:
    """A minimal but valid xlsx whose worksheet parts are the given XML strings (see :func:`sheet_xml`)."""
    overrides, entries, rels = [], [], []
    for number, name in enumerate(sheets, start=1):
        overrides.append(
            f'<Override PartName="/xl/worksheets/sheet{number}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
        entries.append(f'<sheet name="{escape(name)}" sheetId="{number}" r:id="rId{number}"/>')
        rels.append(f'<Relationship Id="rId{number}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    f'relationships/worksheet" Target="worksheets/sheet{number}.xml"/>')
    styles_id = len(sheets) + 1
    rels.append(f'<Relationship Id="rId{styles_id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/styles" Target="styles.xml"/>')
    overrides.append('<Override PartName="/xl/styles.xml" '
                     'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>')
    parts: dict[str, bytes | str | Iterable[bytes]] = {
        "[Content_Types].xml": _CONTENT_TYPES.format(sheets="".join(overrides)),
        "_rels/.rels": _ROOT_RELS,
        "xl/workbook.xml": (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook {_NS} {_R_NS}>'
                            f"<sheets>{''.join(entries)}</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{''.join(rels)}</Relationships>"),
        "xl/styles.xml": _STYLES,
    }
    for number, xml in enumerate(sheets.values(), start=1):
        parts[f"xl/worksheets/sheet{number}.xml"] = xml
    parts.update(extra_parts or {})
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression, compresslevel=compresslevel) as archive:
        for name, data in parts.items():
            if isinstance(data, (str, bytes)):
                archive.writestr(name, data)
            else:  # an iterable of byte chunks, streamed: large parts without building them in memory
                with archive.open(name, "w", force_zip64=True) as part:
                    for chunk in data:
                        part.write(chunk)
    return path


def write_docx(path: Path) -> Path:
    """A minimal Word document (a zip holding word/document.xml), to be saved under a spreadsheet's name."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types '
                         'xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.'
                         'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Child ID, '
                         "Date of Contact</w:t></w:r></w:p></w:body></w:document>")
    return path


PNG_BYTES = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15"
             b"\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00"
             b"\x00IEND\xaeB`\x82")
OLE_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"EncryptedPackage" + b"\x00" * 1000


# --- one valid row per dataset, keyed by column key (headers from the declarations) ---------

VALID_ROW: dict[str, dict[str, object]] = {
    "contacts": {"child_key": "SYN-C-001", "contact_date": dt.date(2025, 4, 3), "source_code": "q) 6: Police",
                 "decision_date": dt.date(2025, 4, 4), "outcome": "Referral", "neglect": "Yes"},
    "referrals": {"child_key": "SYN-R-001", "referral_date": dt.date(2025, 4, 7), "source_code": "6",
                  "nfa": "No", "referrals_12m": 1},
    "cp_plans": {"child_key": "SYN-P-001", "plan_start": dt.date(2025, 5, 12), "initial_category": "Neglect",
                 "latest_category": "Neglect", "previous_plans": 0},
    "training": {"session_date": dt.date(2025, 5, 20), "course": "Neglect basics", "agency": "Health",
                 "attended": "Yes", "session_id": "S1", "delegate_key": "delegate1@example.org",
                 "confidence_pre": 2, "confidence_post": 4},
    "audits": {"audit_id": "A-1", "audit_date": dt.date(2025, 6, 15), "agency": "Police", "overall_grade": "Good",
               "audit_type": "Neglect"},
    "actions": {"action_id": "1.1", "priority_area": "Workforce", "action": "Train staff",
                "lead_agency": "Health", "status": "In progress"},
    "assessments": {"child_key": "SYN-A-001", "assessment_start": dt.date(2025, 4, 14),
                    "authorised_date": dt.date(2025, 5, 30), "child_seen": "Yes", "needs_support": "No"},
    "s47_enquiries": {"child_key": "SYN-S-001", "strategy_date": dt.date(2025, 4, 22), "icpc_unnecessary": "No",
                      "icpc_date": dt.date(2025, 5, 13), "icpc_plan": "Yes"},
}


def dataset_rows(dataset: str, rows: Sequence[dict[str, object]], headers: dict[str, str] | None = None) -> list[list]:
    """A header row (declared headers, or ``headers`` overriding some) and one row per dict of column keys."""
    from loaders.datasets import DATASETS

    declared = DATASETS[dataset]
    keys = list(dict.fromkeys(k for row in rows for k in row))
    names = {c.key: c.header for c in declared.columns}
    names.update(headers or {})
    return [[names.get(k, k) for k in keys], *([row.get(k) for k in keys] for row in rows)]
