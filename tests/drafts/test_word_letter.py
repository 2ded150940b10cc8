"""The Word letter read back with python-docx: styles a screen reader navigates by, the numbered questions,
the header and footer fields, the document properties, tables that repeat their header and keep rows whole,
the signature kept with "Yours sincerely", real hyperlinks -- and, where LibreOffice is installed, a PDF."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from commands.rules.clock import ClockFacts
from commands.rules.letters.context import LetterInputs, build_context
from commands.rules.letters.docx_letter import letter_to_docx
from commands.rules.letters.organisation import load_profile
from commands.rules.letters.render import render_letter
from tests.drafts.conftest import SEED_QUESTIONS, SEED_REQUEST, TEST_PROFILE

PROFILE = load_profile(TEST_PROFILE)
TABLE = "Offence                          Total\n-------------------------------  -----\nChild-Distribute Indecent Photo    139\nTotal                              149"


def seed_letter() -> str:
    inputs = LetterInputs(
        template="response", regime="foia", reference="FOI2018/00739", received=date(2018, 2, 9),
        request_text=SEED_REQUEST, letter_date=date(2018, 3, 8), facts=ClockFacts(regime="foia", received=date(2018, 2, 9)),
        questions=SEED_QUESTIONS, exemptions=[("s40(2)", "4a")],
        answers={"1": f"The figures:\n\n{TABLE}", "2": "76", "2a": "x", "2b": "y", "3": "622", "4": "z", "4b": "w"})
    return render_letter("response", build_context(inputs, PROFILE).context)


def word(text: str | None = None) -> Document:
    content = letter_to_docx(text or seed_letter(), title="FOI2018/00739 – Outcome 21", reference="FOI2018/00739",
                             author="Hertfordshire Constabulary", marking="OFFICIAL", created=date(2018, 3, 8),
                             subject="Response")
    return Document(io.BytesIO(content))


def test_the_letter_is_structured_with_words_own_styles() -> None:
    document = word()
    styles = [(p.style.name, p.text) for p in document.paragraphs if p.text.strip()]
    assert ("Title", "REQUEST UNDER THE FREEDOM OF INFORMATION ACT 2000 Ref No: FOI2018/00739") in styles
    assert ("Heading 1", "Response") in styles and ("Heading 1", "Exemptions applied") in styles
    assert ("Heading 2", "Section 40(2) – Personal information (third parties) (Q4a)") in styles
    numbered = [(s, t) for s, t in styles if s.startswith("List Number")]
    assert numbered[0] == ("List Number", "How many times in total has your force used Outcome 21?")
    assert ("List Number 2", "How many of those involved 11-17 year olds?") in numbered
    assert len([s for s, _ in numbered if s == "List Number"]) == 4 and len(numbered) == 8
    first = next(p for p in document.paragraphs if p.style.name == "List Number")
    num_pr = first._p.pPr.find(qn("w:numPr"))
    assert num_pr is not None and num_pr.find(qn("w:ilvl")).get(qn("w:val")) == "0"
    assert any(s == "Quote" and "youth produced sexual imagery" in t for s, t in styles)
    assert document.styles["Normal"].font.name == "Arial"


def test_header_and_footer_carry_the_marking_reference_and_page_fields() -> None:
    section = word().sections[0]
    header = [p.text for p in section.header.paragraphs]
    assert header == ["OFFICIAL", "Our Ref: FOI2018/00739"]
    footer_xml = section.footer._element.xml
    assert "Page " in section.footer.paragraphs[0].text and " of " in section.footer.paragraphs[0].text
    assert "<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>" in footer_xml
    assert "<w:instrText xml:space=\"preserve\"> NUMPAGES </w:instrText>" in footer_xml
    assert section.footer.paragraphs[-1].text == "OFFICIAL"


def test_document_properties_are_the_letters_own() -> None:
    properties = word().core_properties
    assert properties.author == "Hertfordshire Constabulary" and properties.last_modified_by == "Hertfordshire Constabulary"
    assert properties.title == "FOI2018/00739 – Outcome 21" and properties.subject == "Response"
    assert properties.created.date() == date(2018, 3, 8) and properties.modified.date() == date(2018, 3, 8)
    assert "python-docx" not in (properties.comments + properties.author + properties.last_modified_by)
    assert properties.revision == 1 and properties.language == "en-GB"


def test_tables_repeat_their_header_and_never_split_a_row() -> None:
    document = word()
    [table] = document.tables
    rows = table.rows
    assert [c.text for c in rows[0].cells] == ["Offence", "Total"]
    assert rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in rows)
    assert rows[1].cells[1].paragraphs[0].alignment == 2  # numbers right-aligned
    assert all(run.bold for run in rows[-1].cells[0].paragraphs[0].runs)  # the Total row


def test_the_signature_stays_with_yours_sincerely() -> None:
    paragraphs = word().paragraphs
    sign_off = next(i for i, p in enumerate(paragraphs) if p.text == "Yours sincerely")
    assert paragraphs[sign_off].paragraph_format.keep_with_next
    assert paragraphs[sign_off + 1].text.startswith("James Hodson") and paragraphs[sign_off + 1].paragraph_format.keep_together


def test_links_are_real_hyperlinks() -> None:
    document = word()
    targets = {rel.target_ref for rel in document.part.rels.values() if rel.reltype.endswith("/hyperlink")}
    assert {"https://ico.org.uk/concerns/", "mailto:foi@herts.pnn.police.uk"} <= targets
    body = "\n".join(p.text for p in document.paragraphs)
    assert "<https://" not in body and "https://ico.org.uk/concerns/" in document.element.xml
    link = next(p for p in document.paragraphs if "ico.org.uk/concerns" in p._p.xml)
    assert link._p.find(qn("w:hyperlink")) is not None


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                    reason="LibreOffice is not installed, so the PDF conversion cannot be tested here")
def test_the_word_letter_converts_to_pdf(tmp_path: Path) -> None:
    source = tmp_path / "letter.docx"
    source.write_bytes(letter_to_docx(seed_letter(), title="FOI2018/00739", reference="FOI2018/00739",
                                      author="Hertfordshire Constabulary", marking="OFFICIAL", created=date(2018, 3, 8)))
    office = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run([office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    pdf = (tmp_path / "letter.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
