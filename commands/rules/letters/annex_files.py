"""The figures annex as a file: CSV or an Excel workbook, made from the letter-ready tables.

The annex is a table marked for disclosure, so it carries the same protected figures as the letter ("fewer
than 5", with secondary suppression) and, when any figure was protected, the same explanation. Each table is
titled with its period and note; the caveat is written once. Demonstration data keep their SYNTHETIC mark in
the file too, because a spreadsheet gets forwarded on its own.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime

from commands.rules.letters.figures import LetterTable


def _preamble(table: LetterTable) -> list[str]:
    return [line for line in (table.heading, table.period, table.note) if line]


def _notes(tables: Sequence[LetterTable], protection_sentence: str) -> list[str]:
    notes: list[str] = []
    for table in tables:
        if table.caveat and table.caveat not in notes:
            notes.append(table.caveat)
    if protection_sentence and any(t.protected for t in tables):
        notes.append(protection_sentence)
    return notes


def figures_csv(tables: Sequence[LetterTable], *, protection_sentence: str = "") -> bytes:
    """Every table one after another (title, period, note, header, rows, total, a blank line), then the
    caveat and the small-number explanation; UTF-8 with BOM so Excel reads it right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for table in tables:
        for line in _preamble(table):
            writer.writerow([line])
        writer.writerows(table.as_rows())
        writer.writerow([])
    for line in _notes(tables, protection_sentence):
        writer.writerow([line])
    return buffer.getvalue().encode("utf-8-sig")


def figures_xlsx(tables: Sequence[LetterTable], *, title: str, author: str, created: datetime,
                 protection_sentence: str = "", marking: str = "") -> bytes:
    """One worksheet per table (header row bold and frozen, numbers as numbers where they are), and a
    "Notes" sheet with the caveat and the small-number explanation; document properties name the organisation."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for index, table in enumerate(tables, start=1):
        sheet = workbook.create_sheet(title=f"Table {index}")
        for line in _preamble(table):
            sheet.append([line])
        sheet["A1"].font = Font(bold=True, size=12)
        header_row = sheet.max_row + 1
        for r, row in enumerate(table.as_rows()):
            values: list[object] = []
            for c, cell in enumerate(row):
                values.append(int(cell) if r and c and table.numeric[c] and cell.isdigit() else cell)
            sheet.append(values)
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
        if table.total is not None:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
        for c, numeric in enumerate(table.numeric, start=1):
            if numeric and c > 1:
                for row in sheet.iter_rows(min_row=header_row, min_col=c, max_col=c):
                    row[0].alignment = Alignment(horizontal="right")
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
        sheet.print_title_rows = f"{header_row}:{header_row}"
        widths = [max(len(str(v)) for v in column) for column in zip(*table.as_rows(), strict=False)]
        for c, width in enumerate(widths, start=1):
            sheet.column_dimensions[sheet.cell(row=header_row, column=c).column_letter].width = min(60, width + 2)
    notes = _notes(tables, protection_sentence)
    if notes or marking:
        sheet = workbook.create_sheet(title="Notes")
        for line in ([marking] if marking else []) + notes:
            sheet.append([line])
        sheet.column_dimensions["A"].width = 120
    properties = workbook.properties
    properties.creator = author
    properties.lastModifiedBy = author
    properties.title = title
    properties.created = created
    properties.modified = created
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
