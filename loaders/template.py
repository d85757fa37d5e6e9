"""Blank templates: the header row our loader reads, an instructions sheet, drop-down lists
on coded columns and one example row — all from the dataset's declaration."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from loaders.agencies import agency_names
from loaders.datasets import Column, Dataset
from loaders.roles import THEMES, role_words

TEMPLATE_ROWS = 5000


def _choices(column: Column) -> list[str] | None:
    if column.codes:
        return column.codes.canonical
    if column.kind == "agency":
        return agency_names()
    return None


def write_template(dataset: Dataset, out: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = dataset.title[:31]
    lists = workbook.create_sheet("Lists")
    lists.sheet_state = "hidden"
    for position, column in enumerate(dataset.columns, start=1):
        letter = get_column_letter(position)
        sheet.cell(row=1, column=position, value=column.header).font = Font(bold=True)
        example = column.example
        if column.kind == "date" and example:
            example = __import__("datetime").date.fromisoformat(str(example))
        sheet.cell(row=2, column=position, value=example)
        if column.kind in ("date", "dob"):
            for row in (2,):
                sheet.cell(row=row, column=position).number_format = "dd/mm/yyyy"
        sheet.column_dimensions[letter].width = max(14, len(column.header) + 4)
        choices = _choices(column)
        if choices:
            for index, choice in enumerate(choices, start=1):
                lists.cell(row=index, column=position, value=choice)
            validation = DataValidation(
                type="list", formula1=f"=Lists!${letter}$1:${letter}${len(choices)}", allow_blank=True,
                showErrorMessage=True, errorTitle=column.header, error=f"Choose {column.expected()}",
            )
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
        elif column.kind in ("date", "dob"):
            validation = DataValidation(type="date", operator="greaterThan", formula1="32874", allow_blank=True,
                                        showErrorMessage=True, error="Enter a date after 1 January 1990")
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
        elif column.kind == "score":
            validation = DataValidation(type="whole", operator="between", formula1="1", formula2="5",
                                        allow_blank=True, showErrorMessage=True, error="A whole number from 1 to 5")
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet("Instructions", 0)
    notes.column_dimensions["A"].width = 34
    notes.column_dimensions["B"].width = 12
    notes.column_dimensions["C"].width = 50
    notes.column_dimensions["D"].width = 90
    notes.append([f"{dataset.title} — upload template"])
    notes["A1"].font = Font(bold=True, size=14)
    notes.append([dataset.description])
    notes.append(["Where it comes from: " + dataset.source])
    notes.append(["Replace the example row with your data (a row left exactly as the example is skipped on "
                  "upload). Keep the header row. Dates are day first (03/04/2025 is 3 April 2025). Do not add "
                  "names, addresses, postcodes or NHS numbers: such columns are dropped on upload."])
    notes.append([])
    notes.append(["Column", "Required", "If a value is wrong", "What to enter"])
    for cell in notes[6]:
        cell.font = Font(bold=True)
    for column in dataset.columns:
        accepted = ", ".join(column.aliases)
        text = column.expected()
        if column.description:
            text = f"{column.description} {text[0].upper()}{text[1:]}."
        if accepted:
            text += f" Also accepted as header: {accepted}."
        if column.blank_means:
            text += f" A blank cell is loaded as {column.blank_means}."
        notes.append([column.header, "yes" if column.required else "", role_words(dataset, column.key), text])
    if dataset.themes:
        notes.append(["(any other column)", "", role_words(dataset, THEMES),
                      "A theme judgement: Yes, Partly, No or N/A; blank = not assessed."])
    workbook.active = 1
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(out)
    return out
