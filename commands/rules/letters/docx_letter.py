"""The Word letter: real styles, header and footer, document properties, accessible tables and links.

A letter that goes to a member of the public (and often onto a disclosure log) has to be navigable and
accessible, so its structure is carried by Word's own styles rather than by direct formatting: the heading
is *Title*, sections *Heading 1*, exemptions and other sub-sections *Heading 2*, the quoted request *Quote*,
its numbered questions *List Number* / *List Number 2* with real Word numbering, bullets *List Bullet*.
The header carries the protective marking and the reference, the footer "Page X of Y" as Word fields; the
document properties name the organisation, the reference and subject, and the letter's own date -- never
python-docx's template values. Tables repeat their header row on each page and never split a row; the
signature stays on the page of "Yours sincerely"; web and email addresses are real hyperlinks.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date, datetime, time, timezone
from typing import Any

from commands.rules.letters.text_forms import _BOLD, URL, Block, blocks, table_rows

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LINK = re.compile(rf"{URL.pattern}|{_EMAIL.pattern}")
_SIGN_OFF = re.compile(r"^Yours (sincerely|faithfully)\b", re.IGNORECASE)
_QUESTION = re.compile(r"^\s*(?:-\s+)?(\d{1,3})[.)]\s+(.*)$")
_PART = re.compile(r"^\s*(?:-\s+)?\(?([a-z])[.)]\s+(.*)$")
_NUMBERING_ID = 90  # an id of our own, clear of the template's lists


def _numbered_request(lines: Sequence[str]) -> list[tuple[int, str]] | None:
    """(level, text) for each line of the quoted request when its questions are numbered 1, 2, 3 … with parts
    a, b, c … under them -- the numbering Word's own list will reproduce -- else None (the numbers then stay
    as typed). Level 0 is a question, 1 a part, -1 any other line (preamble)."""
    out: list[tuple[int, str]] = []
    expected_question = 1
    expected_part = "a"
    seen_question = False
    for line in lines:
        question, part = _QUESTION.match(line), _PART.match(line)
        if question:
            if int(question.group(1)) != expected_question:
                return None
            expected_question += 1
            expected_part = "a"
            seen_question = True
            out.append((0, question.group(2)))
        elif part and seen_question:
            if part.group(1) != expected_part:
                return None
            expected_part = chr(ord(expected_part) + 1)
            out.append((1, part.group(2)))
        else:
            if seen_question and line.strip():
                return None  # prose between questions: keep the request exactly as typed
            out.append((-1, line))
    return out if seen_question else None


def letter_to_docx(
    text: str,
    *,
    title: str = "",
    reference: str = "",
    author: str = "",
    marking: str = "",
    created: date | None = None,
    subject: str = "",
    sign_off: str = "Yours sincerely",
) -> bytes:
    """The letter as a .docx (A4, Arial 11pt) from its Markdown-ish text."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.3))

    # -- styles ---------------------------------------------------------------------------------------------
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(8)
    r_pr = normal.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.append(fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), "Arial")
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "en-GB")
    r_pr.append(language)
    for name, size in (("Title", 14), ("Heading 1", 12), ("Heading 2", 11)):
        style = styles[name]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(12 if name != "Title" else 6)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    styles["Quote"].font.italic = True
    styles["Quote"].font.color.rgb = RGBColor(0x40, 0x40, 0x40)
    if "Hyperlink" not in [s.name for s in styles]:
        hyperlink_style = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        hyperlink_style.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
        hyperlink_style.font.underline = True

    # -- numbering for the request's questions: decimal, then (a), restarted under each question ------------
    numbering = document.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), str(_NUMBERING_ID))
    for level, (fmt, text_format, indent) in enumerate((("decimal", "%1.", 720), ("lowerLetter", "%2.", 1440))):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(level))
        for tag, value in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", text_format), ("w:lvlJc", "left")):
            element = OxmlElement(tag)
            element.set(qn("w:val"), value)
            lvl.append(element)
        p_pr = OxmlElement("w:pPr")
        ind = OxmlElement("w:ind")
        ind.set(qn("w:left"), str(indent))
        ind.set(qn("w:hanging"), "360")
        p_pr.append(ind)
        lvl.append(p_pr)
        abstract.append(lvl)
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), str(_NUMBERING_ID))
    abstract_id = OxmlElement("w:abstractNumId")
    abstract_id.set(qn("w:val"), str(_NUMBERING_ID))
    num.append(abstract_id)
    numbering.append(num)

    def number(paragraph: Any, level: int) -> None:
        p_pr = paragraph._p.get_or_add_pPr()
        num_pr = OxmlElement("w:numPr")
        ilvl = OxmlElement("w:ilvl")
        ilvl.set(qn("w:val"), str(level))
        num_id = OxmlElement("w:numId")
        num_id.set(qn("w:val"), str(_NUMBERING_ID))
        num_pr.append(ilvl)
        num_pr.append(num_id)
        p_pr.append(num_pr)

    # -- runs: bold marks and real hyperlinks ------------------------------------------------------------------
    def add_link(paragraph: Any, target: str, shown: str, *, bold: bool, italic: bool) -> None:
        r_id = paragraph.part.relate_to(target, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), r_id)
        run = OxmlElement("w:r")
        props = OxmlElement("w:rPr")
        style = OxmlElement("w:rStyle")
        style.set(qn("w:val"), styles["Hyperlink"].style_id)
        props.append(style)
        for flag, tag in ((bold, "w:b"), (italic, "w:i")):
            if flag:
                props.append(OxmlElement(tag))
        run.append(props)
        text_element = OxmlElement("w:t")
        text_element.text = shown
        text_element.set(qn("xml:space"), "preserve")
        run.append(text_element)
        link.append(run)
        paragraph._p.append(link)

    def add_text(paragraph: Any, piece: str, *, bold: bool, italic: bool) -> None:
        position = 0
        for match in _LINK.finditer(piece):
            if match.start() > position:
                run = paragraph.add_run(piece[position : match.start()])
                run.bold, run.italic = bold or None, italic or None
            found = match.group(0)
            target = found if found.startswith("http") else f"mailto:{found}"
            add_link(paragraph, target, found, bold=bold, italic=italic)
            position = match.end()
        if position < len(piece):
            run = paragraph.add_run(piece[position:])
            run.bold, run.italic = bold or None, italic or None

    def add_runs(paragraph: Any, line: str, *, italic: bool = False) -> None:
        position = 0
        for match in _BOLD.finditer(line):
            if match.start() > position:
                add_text(paragraph, line[position : match.start()], bold=False, italic=italic)
            add_text(paragraph, match.group(1), bold=True, italic=italic)
            position = match.end()
        if position < len(line):
            add_text(paragraph, line[position:], bold=False, italic=italic)

    def add_lines(lines: Sequence[str], *, style: str | None = None, italic: bool = False, align: Any = None) -> Any:
        paragraph = document.add_paragraph(style=style)
        if align is not None:
            paragraph.alignment = align
        for i, line in enumerate(lines):
            if i:
                paragraph.add_run().add_break()
            add_runs(paragraph, line, italic=italic)
        return paragraph

    def add_field(paragraph: Any, instruction: str, placeholder: str) -> None:
        for kind in ("begin", None, "separate", "text", "end"):
            run = paragraph.add_run()
            if kind is None:
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = f" {instruction} "
                run._r.append(instr)
            elif kind == "text":
                run.text = placeholder
            else:
                char = OxmlElement("w:fldChar")
                char.set(qn("w:fldCharType"), kind)
                run._r.append(char)

    # -- header and footer --------------------------------------------------------------------------------------
    header = section.header
    header.is_linked_to_previous = False
    top = header.paragraphs[0]
    top.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if marking:
        top.add_run(marking).bold = True
    if reference:
        ref = header.add_paragraph(f"Our Ref: {reference}")
        ref.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer
    footer.is_linked_to_previous = False
    pages = footer.paragraphs[0]
    pages.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pages.add_run("Page ")
    add_field(pages, "PAGE", "1")
    pages.add_run(" of ")
    add_field(pages, "NUMPAGES", "1")
    if marking:
        bottom = footer.add_paragraph()
        bottom.alignment = WD_ALIGN_PARAGRAPH.CENTER
        bottom.add_run(marking).bold = True

    # -- the body -------------------------------------------------------------------------------------------------
    parsed = blocks(text)
    titled = False
    previous: Any = None
    for index, block in enumerate(parsed):
        following: Block | None = parsed[index + 1] if index + 1 < len(parsed) else None
        if block.kind == "banner":
            paragraph = add_lines(block.lines)
            for run in paragraph.runs:
                run.bold = True
                run.font.color.rgb = RGBColor(0xC0, 0, 0)
        elif block.kind == "letterhead":
            paragraph = add_lines(block.lines, align=WD_ALIGN_PARAGRAPH.RIGHT)
            if paragraph.runs:
                paragraph.runs[0].bold = True
            paragraph.paragraph_format.space_after = Pt(18)
        elif block.kind == "heading":
            if not titled and block.level == 1:
                paragraph = document.add_paragraph(style="Title")
                titled = True
            else:
                paragraph = document.add_paragraph(style="Heading 1" if block.level == 1 else "Heading 2")
            add_runs(paragraph, block.lines[0])
        elif block.kind == "quote":
            numbered = _numbered_request(block.lines)
            if numbered is None:
                for line in block.lines:
                    if line.strip():
                        paragraph = add_lines([line], style="Quote")
            else:
                for level, line in numbered:
                    if level < 0:
                        if line.strip():
                            paragraph = add_lines([line], style="Quote")
                        continue
                    paragraph = add_lines([line], style="List Number" if level == 0 else "List Number 2",
                                          italic=True)
                    number(paragraph, level)
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
            numeric = [all(re.fullmatch(r"[\d,.£%-]+", r[c]) or not r[c] or not r[c][0].isdigit()
                           for r in rows[1:] if c < len(r)) and any(c < len(r) and r[c][:1].isdigit() for r in rows[1:])
                       for c in range(width)]
            for r, row in enumerate(rows):
                row_element = table.add_row()
                tr_pr = row_element._tr.get_or_add_trPr()
                tr_pr.append(OxmlElement("w:cantSplit"))
                if r == 0:
                    tr_pr.append(OxmlElement("w:tblHeader"))
                is_total = bool(row) and row[0].strip().lower() == "total"
                for c in range(width):
                    value = row[c] if c < len(row) else ""
                    cell = row_element.cells[c]
                    cell.text = value
                    cell_paragraph = cell.paragraphs[0]
                    cell_paragraph.paragraph_format.space_after = Pt(0)
                    cell_paragraph.paragraph_format.keep_with_next = r < len(rows) - 1
                    for run in cell_paragraph.runs:
                        run.bold = r == 0 or is_total
                    if c and numeric[c] and r:
                        cell_paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if previous is not None:
                previous.paragraph_format.keep_with_next = True  # the table's title stays with it
            paragraph = document.add_paragraph()
        elif block.kind == "pre":
            paragraph = add_lines(block.lines)
            for run in paragraph.runs:
                run.font.name = "Courier New"
                run.font.size = Pt(9.5)
        else:
            paragraph = add_lines(block.lines)
            if _SIGN_OFF.match(block.lines[0]) or block.lines[0].strip() == sign_off.strip():
                paragraph.paragraph_format.keep_with_next = True
                paragraph.paragraph_format.space_after = Pt(30)  # room for a signature
            elif previous is not None and previous.paragraph_format.space_after == Pt(30):
                paragraph.paragraph_format.keep_together = True
            if following is not None and following.kind == "table":
                paragraph.paragraph_format.keep_with_next = True
        previous = paragraph

    # -- document properties ------------------------------------------------------------------------------------
    properties = document.core_properties
    when = datetime.combine(created, time(9, 0), tzinfo=timezone.utc) if created else datetime.now(timezone.utc)
    properties.author = author
    properties.last_modified_by = author
    properties.title = title
    properties.subject = subject
    properties.keywords = reference
    properties.identifier = reference
    properties.category = "Letter"
    properties.comments = ""
    properties.language = "en-GB"
    properties.created = when
    properties.modified = when
    properties.last_printed = when
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
