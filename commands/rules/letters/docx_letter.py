"""The Word letter."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from commands.rules.letters.text_forms import _BOLD, blocks, table_rows

# -- the Word letter ---------------------------------------------------------------------------------------


def letter_to_docx(text: str, *, title: str = "") -> bytes:
    """The letter as a .docx: letterhead block at the top right, then the date, reference, headings,
    quoted request, answers and tables in a plain letter style (A4, Arial 11pt)."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.3))
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(8)
    if title:
        document.core_properties.title = title

    def add_runs(paragraph: Any, line: str, *, italic: bool = False) -> None:
        position = 0
        for match in _BOLD.finditer(line):
            if match.start() > position:
                paragraph.add_run(line[position : match.start()]).italic = italic
            run = paragraph.add_run(match.group(1))
            run.bold = True
            run.italic = italic
            position = match.end()
        if position < len(line):
            paragraph.add_run(line[position:]).italic = italic

    def add_lines(
        lines: Sequence[str], *, italic: bool = False, align: Any = None, indent: Any = None
    ) -> Any:
        paragraph = document.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        if indent is not None:
            paragraph.paragraph_format.left_indent = indent
        for i, line in enumerate(lines):
            if i:
                paragraph.add_run().add_break()
            add_runs(paragraph, line, italic=italic)
        return paragraph

    for block in blocks(text):
        if block.kind == "letterhead":
            paragraph = add_lines(block.lines, align=WD_ALIGN_PARAGRAPH.RIGHT)
            if paragraph.runs:
                paragraph.runs[0].bold = True
            paragraph.paragraph_format.space_after = Pt(18)
        elif block.kind == "heading":
            paragraph = document.add_paragraph()
            run = paragraph.add_run(block.lines[0])
            run.bold = True
            paragraph.paragraph_format.space_before = Pt(6)
            paragraph.paragraph_format.keep_with_next = True
        elif block.kind == "quote":
            add_lines(block.lines, italic=True, indent=Cm(1))
        elif block.kind == "bullets":
            for line in block.lines:
                paragraph = document.add_paragraph(style="List Bullet")
                add_runs(paragraph, line)
        elif block.kind == "table":
            rows = table_rows(block.lines) or []
            width = max(len(r) for r in rows)
            table = document.add_table(rows=0, cols=width)
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.LEFT
            for r, row in enumerate(rows):
                cells = table.add_row().cells
                for c in range(width):
                    value = row[c] if c < len(row) else ""
                    cells[c].text = value
                    is_total = row and row[0].strip().lower() == "total"
                    for run in cells[c].paragraphs[0].runs:
                        run.bold = r == 0 or bool(is_total)
                    if c and re.fullmatch(r"[\d,.£%-]+", value or "x"):
                        cells[c].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            document.add_paragraph()
        elif block.kind == "pre":
            paragraph = add_lines(block.lines)
            for run in paragraph.runs:
                run.font.name = "Courier New"
                run.font.size = Pt(9.5)
        else:
            add_lines(block.lines)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
