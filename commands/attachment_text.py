"""Text from the files requests arrive as: .txt, .pdf, .docx, .eml, .msg and .html, read by their content.

Requesters attach letters (PDF, Word), forward emails (.eml, Outlook .msg) and paste web pages. The
intake channel, the message shortcut and ``foi-bot intake parse FILE`` all read a file through
:func:`extract_text`, which looks at the bytes rather than trusting the name or the MIME type Slack
reports (a ".txt" that is really a PDF is read as a PDF). Nothing here talks to Slack or the database;
downloading a file is the Slack adapter's job (``bot/slack/files.py``).

Emails keep their From / Date / Subject lines above the body, because the parser reads the received
date and the requester from them. A PDF with no text layer (a scan) gives no text and says so, so the
team is told to type or paste the request instead of being shown an empty proposal.
"""

from __future__ import annotations

import email
import email.policy
import io
import logging
import re
import zipfile
from dataclasses import dataclass
from email.message import EmailMessage, Message
from html.parser import HTMLParser

log = logging.getLogger(__name__)

#: Larger files are refused before parsing: a request letter is never this big, a decompression bomb may be.
MAX_FILE_BYTES = 10 * 1024 * 1024
#: The most text kept from one file; the parser reads at most 100,000 characters anyway.
MAX_TEXT_CHARS = 200_000
NO_TEXT_LAYER = "no text layer — type or paste the request"

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EMAIL_HEADER = re.compile(
    rb"^(?:From|To|Cc|Date|Subject|Received|Return-Path|Message-ID|MIME-Version|Delivered-To|Reply-To|Content-Type"
    rb"|X-[\w-]+):[ \t]",
    re.IGNORECASE,
)
_TRANSPORT_HEADERS = {b"received", b"return-path", b"message-id", b"mime-version", b"delivered-to", b"content-type"}
_HTML_START = re.compile(rb"^\s*(?:<!doctype\s+html|<html|<head|<body|<meta|<div|<p[\s>]|<table)", re.IGNORECASE)
_BLANK_RUNS = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


@dataclass(frozen=True)
class ExtractedText:
    """What a file holds as text: ``kind`` is what the bytes were read as; ``problem`` says why not."""

    text: str
    kind: str
    problem: str | None = None

    @property
    def readable(self) -> bool:
        return bool(self.text.strip()) and self.problem is None


def sniff(data: bytes, filename: str = "") -> str:
    """The file's kind from its first bytes (the name only breaks a tie between plain text and email)."""
    head = data[:4096]
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(_OLE_SIGNATURE):
        return "msg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            return "binary"
        return "binary"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    stripped = head.lstrip(b"\xef\xbb\xbf")
    if _HTML_START.match(stripped):
        return "html"
    header_block = stripped.split(b"\n\n", 1)[0].replace(b"\r", b"").splitlines()[:40]
    if header_block and _EMAIL_HEADER.match(header_block[0]):
        names = {line.split(b":", 1)[0].strip().lower() for line in header_block if _EMAIL_HEADER.match(line)}
        # A saved email has transport headers; a pasted Outlook block ("From: / Sent: / To:") is plain text.
        if names & _TRANSPORT_HEADERS or filename.lower().endswith(".eml"):
            return "eml"
    return "txt"


def extract_text(data: bytes, filename: str = "") -> ExtractedText:
    """The text of a file, by its content. Never raises for what is in the file: ``problem`` says why."""
    if len(data) > MAX_FILE_BYTES:
        return ExtractedText("", "too-large", f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    kind = sniff(data, filename)
    reader = _READERS.get(kind)
    if reader is None:
        return ExtractedText("", kind, "this kind of file cannot be read as text — type or paste the request")
    try:
        text, problem = reader(data)
    except Exception as exc:  # a damaged file is the sender's problem, not a crash in the intake channel
        log.warning("could not read a %s attachment: %s", kind, type(exc).__name__)
        return ExtractedText("", kind, f"the {kind} file could not be read ({type(exc).__name__})")
    text = _tidy(text)[:MAX_TEXT_CHARS]
    if not text.strip() and problem is None and kind != "txt":
        problem = "the file holds no text"
    return ExtractedText(text, kind, problem)


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return _BLANK_RUNS.sub("\n\n", text).strip()


# --------------------------------------------------------------------------------------------- readers


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_txt(data: bytes) -> tuple[str, str | None]:
    return _decode(data), None


def _read_pdf(data: bytes) -> tuple[str, str | None]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            reader.decrypt("")
        except Exception:
            return "", "the PDF is password-protected — type or paste the request"
    pages = [(page.extract_text() or "") for page in reader.pages[:200]]
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if not text.strip():
        return "", NO_TEXT_LAYER
    return text, None


def _read_docx(data: bytes) -> tuple[str, str | None]:
    from docx import Document

    document = Document(io.BytesIO(data))
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(node.text or "" for node in block.iter() if node.tag.endswith("}t")))
        elif tag == "tbl":
            for row in block.iter():
                if row.tag.endswith("}tr"):
                    cells = [
                        " ".join("".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t")).split())
                        for cell in row
                        if cell.tag.endswith("}tc")
                    ]
                    lines.append(" | ".join(cells))
    return "\n".join(lines), None


def _read_eml(data: bytes) -> tuple[str, str | None]:
    message = email.message_from_bytes(data, policy=email.policy.default)
    return _email_text(message), None


def _email_text(message: Message) -> str:
    """Headers the parser reads, then the body (plain text preferred, else HTML made text)."""
    lines = [f"{name}: {message[name]}" for name in ("From", "Date", "To", "Subject") if message[name]]
    body = ""
    if isinstance(message, EmailMessage):
        part = message.get_body(preferencelist=("plain", "html"))
        if part is not None:
            content = part.get_content()
            body = _html_to_text(content) if part.get_content_type() == "text/html" else content
    else:  # pragma: no cover - the default policy always gives EmailMessage
        payload = message.get_payload(decode=True)
        body = _decode(payload) if isinstance(payload, bytes) else str(payload or "")
    return "\n".join(lines) + "\n\n" + body


def _read_msg(data: bytes) -> tuple[str, str | None]:
    import extract_msg

    message = extract_msg.openMsg(data)
    try:
        lines: list[str] = []
        sender = message.sender
        if sender:
            lines.append(f"From: {sender}")
        when = message.date
        if when:
            lines.append(f"Date: {when.strftime('%a, %d %b %Y %H:%M:%S %z').strip()}")
        if message.to:
            lines.append(f"To: {message.to}")
        if message.subject:
            lines.append(f"Subject: {message.subject}")
        body = message.body or ""
        if not body.strip() and getattr(message, "htmlBody", None):
            body = _html_to_text(_decode(message.htmlBody))
        return "\n".join(lines) + "\n\n" + body, None
    finally:
        message.close()


class _TextOfHtml(HTMLParser):
    """Visible text with line breaks where blocks end; scripts, styles and the head are dropped."""

    _BLOCKS = frozenset("p div br li tr h1 h2 h3 h4 h5 h6 table ul ol blockquote section article header footer pre".split())
    _HIDDEN = frozenset({"script", "style", "head", "title", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self.hidden += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")
        if tag in ("td", "th"):
            self.parts.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def _html_to_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    return "\n".join(lines)


def _read_html(data: bytes) -> tuple[str, str | None]:
    return _html_to_text(_decode(data)), None


_READERS = {
    "txt": _read_txt,
    "pdf": _read_pdf,
    "docx": _read_docx,
    "eml": _read_eml,
    "msg": _read_msg,
    "html": _read_html,
}
