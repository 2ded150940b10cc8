"""Requests that arrive as files: each format is made here, in the test, and read by its content."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone
from email.message import EmailMessage
from pathlib import Path

import pytest
from docx import Document
from fpdf import FPDF

from bot.cli import main
from commands.attachment_text import MAX_FILE_BYTES, NO_TEXT_LAYER, extract_text, sniff
from tests.support.outlook_msg import outlook_message

LINES = [
    "Dear FOI team,",
    "",
    "Under the Freedom of Information Act 2000 please provide:",
    "1. How many drones did the force own between January 2020 and December 2024?",
    "2. What did they cost?",
    "",
    "Yours faithfully,",
    "Jane Example",
]
BODY = "\n".join(LINES)


def pdf_bytes(lines: list[str]) -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("Helvetica", size=11)
    for line in lines:
        document.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(document.output())


def scanned_pdf_bytes() -> bytes:
    """A page with only a picture-like drawing: what a scanner produces, no text layer."""
    document = FPDF()
    document.add_page()
    document.set_fill_color(40, 40, 40)
    for row in range(20):
        document.rect(20, 20 + row * 10, 150, 4, style="F")
    return bytes(document.output())


def docx_bytes(lines: list[str], table: list[list[str]] | None = None) -> bytes:
    document = Document()
    for line in lines:
        document.add_paragraph(line)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def eml_bytes(*, html: bool = False) -> bytes:
    message = EmailMessage()
    message["From"] = "Jane Example <jane@example.org>"
    message["To"] = "foi@example.police.uk"
    message["Subject"] = "FOI request: drones"
    message["Date"] = "Mon, 03 Feb 2025 09:15:00 +0000"
    message["Message-ID"] = "<1@example.org>"
    if html:
        message.set_content("<html><body>" + "".join(f"<p>{line}</p>" for line in LINES) + "</body></html>", subtype="html")
    else:
        message.set_content(BODY)
    return message.as_bytes()


def msg_bytes() -> bytes:
    return outlook_message(
        sender="Jane Example", sender_email="jane@example.org", to="FOI <foi@example.police.uk>",
        subject="FOI request - drones", body=BODY.replace("\n", "\r\n"),
        sent=datetime(2024, 3, 4, 9, 30, tzinfo=timezone.utc),
    )


HTML = (
    "<!DOCTYPE html><html><head><title>ignored</title><script>var x = 1;</script></head><body>"
    "<h1>Drones</h1><p>Dear FOI team,</p><p>Please provide:</p><ol><li>How many drones did the force own?</li>"
    "<li>What did they cost?</li></ol><p>Yours faithfully,<br>Jane Example</p></body></html>"
)


@pytest.mark.parametrize(
    ("kind", "data", "name"),
    [
        ("pdf", pdf_bytes(LINES), "letter.pdf"),
        ("docx", docx_bytes(LINES), "letter.docx"),
        ("eml", eml_bytes(), "request.eml"),
        ("msg", msg_bytes(), "request.msg"),
        ("html", HTML.encode(), "page.html"),
        ("txt", BODY.encode("cp1252"), "request.txt"),
    ],
)
def test_each_format_is_read_by_its_content(kind: str, data: bytes, name: str) -> None:
    for filename in (name, "attachment.bin"):  # the name does not decide
        extracted = extract_text(data, filename)
        assert (extracted.kind, extracted.problem) == (kind, None)
        assert "What did they cost?" in extracted.text
        assert "var x" not in extracted.text and "ignored" not in extracted.text


def test_emails_keep_the_headers_the_parser_reads() -> None:
    for data in (eml_bytes(), eml_bytes(html=True)):
        text = extract_text(data).text
        assert text.startswith("From: Jane Example <jane@example.org>\nDate: Mon, 03 Feb 2025 09:15:00 +0000")
        assert "1. How many drones" in text or "How many drones" in text
    msg = extract_text(msg_bytes()).text
    assert "From: Jane Example <jane@example.org>" in msg and "Date: Mon, 04 Mar 2024 09:30:00 +0000" in msg
    assert "Subject: FOI request - drones" in msg


def test_a_scanned_pdf_says_it_has_no_text_layer() -> None:
    extracted = extract_text(scanned_pdf_bytes(), "scan.pdf")
    assert (extracted.kind, extracted.text, extracted.problem) == ("pdf", "", NO_TEXT_LAYER)
    assert not extracted.readable


def test_word_tables_of_requested_fields_are_kept_as_rows() -> None:
    data = docx_bytes(["Please provide the following fields:"], [["Field", "Years"], ["Arrests", "2020-2023"]])
    assert "Arrests | 2020-2023" in extract_text(data).text


def test_damaged_large_and_unknown_files_are_refused_with_a_reason() -> None:
    assert extract_text(b"%PDF-1.7\n garbage").problem.startswith("the pdf file could not be read")
    assert "larger than" in (extract_text(b"x" * (MAX_FILE_BYTES + 1)).problem or "")
    assert sniff(b"\x89PNG\r\n\x1a\n\x00\x00") == "binary"
    assert extract_text(b"\x89PNG\r\n\x1a\n\x00\x00").problem


def test_a_pasted_outlook_header_block_stays_plain_text() -> None:
    pasted = b"From: Jane Example <jane@example.org>\nSent: Monday, 3 February 2025 09:15\nTo: FOI\nSubject: Drones\n\nDear FOI team,"
    assert sniff(pasted) == "txt"


@pytest.mark.parametrize(
    ("suffix", "data", "received"),
    [
        (".pdf", pdf_bytes(["Date received: 3 February 2025", *LINES]), "2025-02-03"),
        (".docx", docx_bytes(["Date of request: 03/02/2025", *LINES]), "2025-02-03"),
        (".eml", eml_bytes(), "2025-02-03"),
        (".msg", msg_bytes(), "2024-03-04"),
        (".html", HTML.replace("<h1>Drones</h1>", "<p>Received: 5 March 2024</p>").encode(), "2024-03-05"),
    ],
)
def test_intake_parse_reads_files_and_reports_where_the_date_came_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str, data: bytes, received: str
) -> None:
    path = tmp_path / f"request{suffix}"
    path.write_bytes(data)
    assert main(["intake", "parse", str(path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["received"] == received
    assert result["received_from"]  # the words it came from
    assert result["is_request"] is True and result["request_score"] >= 0.5
    assert [q["number"] for q in result["questions"]] == ["1", "2"]
    for key in ("requester", "subject", "regime", "periods", "references"):
        assert key in result


def test_intake_parse_refuses_a_scan_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf_bytes())
    assert main(["intake", "parse", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and NO_TEXT_LAYER in err
