"""The text as pasted: same-length clean-up and the email header blocks inside it.

Every offset the parser reports points into the original text, so the clean-up blanks characters rather
than removing them; header blocks ("From: / Sent: / Subject:") are found once and read by the received
date, requester and subject readers.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import datetime, tzinfo

from dateutil import parser as dateutil_parser

_BLANKED = str.maketrans(
    {"\t": " ", "\xa0": " ", "\u2007": " ", "\u202f": " ", "\u200b": " ", "\ufeff": " ", "\f": "\n",
     "\u2028": "\n", "\u2029": "\n", "\v": "\n"}
)  # fmt: skip
_QUOTE_PREFIX = re.compile(r"^(?:[ \t]*>)+", re.MULTILINE)
_ENTITIES = (("&gt;", ">   "), ("&lt;", "<   "), ("&amp;", "&    "), ("&quot;", '"     '), ("&#39;", "'    "))


def normalise(text: str) -> str:
    """Same-length clean-up, so that every offset the parser reports points into the original text.

    Windows line ends, tabs, non-breaking spaces, Markdown bold (``**1.**``), Slack's HTML entities and
    ``>`` quote prefixes are blanked rather than removed.
    """
    text = text.replace("\r\n", " \n").replace("\r", "\n").translate(_BLANKED)
    if "**" in text:
        text = text.replace("**", "  ")
    if "&" in text:
        for entity, replacement in _ENTITIES:
            text = text.replace(entity, replacement)
    if ">" in text:
        text = _QUOTE_PREFIX.sub(lambda m: " " * len(m.group()), text)
    return text


# ---------------------------------------------------------------------------------------------- headers

_HEADER = re.compile(
    r"^[ \t]*(?P<key>From|Sent|Date|To|Cc|Subject|Received|Reply-To)[ \t]*:[ \t]*(?P<value>[^\n]{0,300})$",
    re.IGNORECASE | re.MULTILINE,
)
EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][\w.+-]{0,63}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,5}\b")
SUBJECT_PREFIX = re.compile(r"^(?:\s*(?:re|fw|fwd|ymateb)\s*:\s*)+", re.IGNORECASE)
_HEADER_YEAR = re.compile(r"\b(?:19|20)\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2}\b")
_TZINFOS = {"BST": 3600, "GMT": 0, "UTC": 0, "UT": 0, "Z": 0}


@dataclass(frozen=True)
class HeaderBlock:
    start: int
    end: int
    fields: dict[str, tuple[str, int, int]]


def header_blocks(text: str) -> list[HeaderBlock]:
    """Groups of consecutive email header lines; a lone "Date:" line in a letter is not a header."""
    blocks: list[HeaderBlock] = []
    current: list[re.Match[str]] = []
    for match in _HEADER.finditer(text):
        if current and text[current[-1].end() : match.start()].strip():
            blocks.extend(_header_block(current))
            current = []
        current.append(match)
    blocks.extend(_header_block(current))
    return blocks


def _header_block(matches: list[re.Match[str]]) -> list[HeaderBlock]:
    if not matches:
        return []
    fields: dict[str, tuple[str, int, int]] = {}
    for match in matches:
        fields.setdefault(
            match.group("key").lower(), (match.group("value").strip(), match.start("value"), match.end())
        )
    keys = set(fields)
    # "To: ... / Subject: ..." alone is an email pasted with its sender left out (a disclosure log removes it).
    if ("from" in keys and keys & {"sent", "date", "received"}) or (len(keys) >= 3 and "subject" in keys) or keys == {
        "to",
        "subject",
    }:
        return [HeaderBlock(matches[0].start(), matches[-1].end(), fields)]
    return []


def header_datetime(value: str, tz: tzinfo) -> datetime | None:
    if not _HEADER_YEAR.search(value):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = dateutil_parser.parse(value[:120], dayfirst=True, fuzzy=True, tzinfos=_TZINFOS)
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=tz)
    return parsed.astimezone(tz)
