"""A statistics result as an Excel workbook (openpyxl), because analysts and FOI officers work in Excel.

Sheet "Table": the title, the parameters in words, the table (a cross-tab for two-dimensional queries)
with bold headers, figures as numbers with thousands separators, the totals row ruled off, rows kept
apart from the totals below it, then every warning (coverage, absent categories, small numbers
protected, SYNTHETIC data), the caveat and the police.uk attribution. Sheet "About": the query, its
parameters as typed and in words, the data source and its freshness, when the file was made and how to
run the query again - so a spreadsheet forwarded on its own still says what it is.
"""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from commands.rules.result_table import QueryResult, format_cell, grid_of, is_number

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_WARNING = Font(bold=True, color="8A1538")
_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
_RULE = Border(top=Side(style="thin"), bottom=Side(style="double"))
_NUMBER = "#,##0"
_DECIMAL = "#,##0.0"


def workbook_bytes(result: QueryResult, *, made_at: datetime | None = None) -> bytes:
    """The .xlsx file for ``result`` as bytes."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Table"
    grid = grid_of(result)
    width = max(len(grid.header), 1)
    row = 1
    sheet.cell(row, 1, result.display_title).font = _TITLE
    row += 1
    for line in result.params_words or ([result.params_line] if result.params_line else []):
        sheet.cell(row, 1, line)
        row += 1
    if result.note:
        sheet.cell(row, 1, result.note).font = Font(italic=True)
        row += 1
    row += 1
    header_row = row
    if result.timed_out or not result.rows:
        sheet.cell(row, 1, "No figures: the query timed out." if result.timed_out else "No rows: nothing matched.")
        row += 1
    else:
        for j, title in enumerate(grid.header, 1):
            cell = sheet.cell(row, j, title)
            cell.font, cell.fill = _BOLD, _HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="bottom", horizontal="right" if j > 1 and grid.numeric[j - 1] else "left")
        row += 1
        for values in grid.body:
            _write(sheet, row, values)
            row += 1
        if grid.totals is not None:
            _write(sheet, row, grid.totals)
            for j in range(1, width + 1):
                sheet.cell(row, j).font, sheet.cell(row, j).border = _BOLD, _RULE
            row += 1
        for values in grid.apart:
            _write(sheet, row, values)
            for j in range(1, width + 1):
                sheet.cell(row, j).font = Font(italic=True)
            row += 1
        sheet.freeze_panes = sheet.cell(header_row + 1, 2)
    row += 1
    for warning in result.warnings:
        sheet.cell(row, 1, warning).font = _WARNING
        row += 1
    for line in (result.caveat, result.attribution):
        if line:
            sheet.cell(row, 1, line).font = Font(italic=True)
            row += 1
    _widths(sheet, grid.header, [*grid.body, *([grid.totals] if grid.totals else []), *grid.apart])
    _about(book.create_sheet("About"), result, made_at or datetime.now())
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write(sheet, row: int, values) -> None:  # type: ignore[no-untyped-def]
    for j, value in enumerate(values, 1):
        if is_number(value):
            number = float(value)
            cell = sheet.cell(row, j, int(number) if number == int(number) else number)
            cell.number_format = _NUMBER if number == int(number) else _DECIMAL
        else:
            cell = sheet.cell(row, j, format_cell(value))
            if j > 1:
                cell.alignment = Alignment(horizontal="right")


def _widths(sheet, header, rows) -> None:  # type: ignore[no-untyped-def]
    for j, title in enumerate(header, 1):
        longest = max([min(len(str(title)), 16), *(len(format_cell(r[j - 1])) for r in rows if j - 1 < len(r))])
        sheet.column_dimensions[get_column_letter(j)].width = min(max(longest + 2, 10), 60)


def _about(sheet, result: QueryResult, made_at: datetime) -> None:  # type: ignore[no-untyped-def]
    rows: list[tuple[str, str]] = [
        ("Title", result.display_title),
        ("Query", result.name),
        ("Description", result.description),
        *((f"Parameter {key}", value) for key, value in result.params_shown),
        *(("In words", line) for line in result.params_words),
        ("Data source", result.freshness),
        ("Licence and attribution", result.attribution),
        ("Caveat", result.caveat),
        ("Note", result.note),
        ("Rows", f"{result.row_count:,}"),
        ("Small numbers protected", "yes" if result.protected else ("checked, none" if result.disclosure else "no")),
        ("Made", made_at.strftime("%Y-%m-%d %H:%M")),
        ("Run again", f"foi-bot stats run {result.rerun}  (or /foi stats {result.rerun})"),
    ]
    sheet.cell(1, 1, "About this table").font = _TITLE
    for i, (label, value) in enumerate((r for r in rows if r[1]), 3):
        sheet.cell(i, 1, label).font = _BOLD
        sheet.cell(i, 2, value).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 100
