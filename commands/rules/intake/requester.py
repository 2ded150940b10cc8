"""Who asked: an email's From header, a pasted web form, or the sign-off and signature under the request.

The requester's details are personal data: they go to the team and the case, never into a log.
"""

from __future__ import annotations

import re

from commands.rules.intake.model import Requester, Source, Span
from commands.rules.intake.questions import SIGN_OFF, Region, clean_name
from commands.rules.intake.text import EMAIL, HeaderBlock

_PHONE_WORD = re.compile(r"\b(?:tel|phone|mobile|telephone)\b", re.IGNORECASE)
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b")
_FROM_NAME = re.compile(r"^\s*[\"']?(?P<name>[^<\[\"'@]{1,80}?)[\"']?\s*(?:[<\[(]|$)")


def requester_from_header(block: HeaderBlock, source: Source) -> Requester | None:
    field_value = block.fields.get("from")
    if not field_value:
        return None
    value, start, end = field_value
    email_match = EMAIL.search(value)
    name_match = _FROM_NAME.match(value)
    name = (
        clean_name(name_match.group("name")) if name_match and "@" not in name_match.group("name") else None
    )
    if name is None and name_match and "," in name_match.group("name"):
        last, _, first = name_match.group("name").partition(",")
        name = clean_name(f"{first.strip()} {last.strip()}")
    if not name and not email_match:
        return None
    return Requester(
        name,
        email_match.group() if email_match else None,
        None,
        0.85,
        Span(start, end, source),
        "from_header",
    )


_FORM_NAME = re.compile(
    r"^[ \t]*(?:Full\s+name|Your\s+name|Name|Requester)[ \t]*:[ \t]*(?P<value>[^\n]{1,80})$",
    re.IGNORECASE | re.MULTILINE,
)
_FORM_EMAIL = re.compile(
    r"^[ \t]*(?:E-?mail(?:\s+address)?|Your\s+e-?mail)[ \t]*:[ \t]*(?P<value>[^\n]{1,120})$",
    re.IGNORECASE | re.MULTILINE,
)
_FORM_ADDRESS = re.compile(
    r"^[ \t]*(?:Postal\s+address|Address|Your\s+address)[ \t]*:[ \t]*(?P<value>[^\n]{1,200})$",
    re.IGNORECASE | re.MULTILINE,
)


def requester_from_form(text: str, source: Source) -> Requester | None:
    """A web form pasted as "Name: ... / Email: ... / Address: ..." lines; a letterhead's "Email:" alone is not one."""
    name_match = _FORM_NAME.search(text)
    name = clean_name(name_match.group("value")) if name_match else None
    if name is None or name_match is None:
        return None
    email_match = _FORM_EMAIL.search(text)
    email = EMAIL.search(email_match.group("value")) if email_match else None
    address_match = _FORM_ADDRESS.search(text)
    address = address_match.group("value").strip() if address_match else None
    span = Span(name_match.start("value"), name_match.end("value"), source)
    return Requester(name, email.group() if email else None, address or None, 0.8, span, "form")


def requester_from_signature(text: str, region: Region, source: Source) -> Requester | None:
    if region.sign_off is not None:
        match = SIGN_OFF.match(text, region.sign_off[0], region.sign_off[1])
        rest = match.group("rest").strip() if match else ""
        lines_from = region.sign_off[1]
        name = clean_name(rest) if rest else None
        origin, confidence = "sign_off", 0.75
    elif region.name_line is not None:
        name = clean_name(text[region.name_line[0] : region.name_line[1]])
        lines_from, rest = region.name_line[1], ""
        origin, confidence = "signature", 0.6
    else:
        return None
    following = _following_lines(text, lines_from, limit=8)
    # "thanks / Yours faithfully, / Name": a second sign-off under the first is not the name; the name is read
    # under the last one, across the blank line a letter leaves there.
    hops = 0
    while following and SIGN_OFF.match(following[0][2]) and hops < 3 and not rest:
        hops += 1
        inner = SIGN_OFF.match(following[0][2])
        inner_rest = inner.group("rest").strip() if inner else ""
        if inner_rest and clean_name(inner_rest):
            rest, name = inner_rest, clean_name(inner_rest)
            lines_from = following[0][1]
            following = _following_lines(text, lines_from, limit=8)
            break
        lines_from = following[0][1]
        following = _following_lines(text, lines_from, limit=8)
    name_span: tuple[int, int] | None = region.name_line if origin == "signature" else None
    if name is None and following and not rest:
        candidate_start, candidate_end, candidate = following[0]
        name = clean_name(candidate) or _alias_name(candidate)
        if name:
            following = following[1:]
            name_span = (candidate_start, candidate_end)
    email = next((m.group() for _, _, line in following for m in [EMAIL.search(line)] if m), None)
    address_lines: list[str] = []
    for _, _, line in following:
        if EMAIL.search(line) or _PHONE_WORD.search(line):
            break
        address_lines.append(line.strip().rstrip(","))
        if _POSTCODE.search(line):
            break
    address = ", ".join(address_lines) if address_lines and _POSTCODE.search(address_lines[-1]) else None
    if not (name or email or address):
        return None
    span = Span(*(name_span or region.sign_off or (lines_from, lines_from)), source)
    return Requester(name, email, address, confidence, span, origin)


_ALIAS = re.compile(r"^(?P<alias>[^()\n]{1,60}?)\s*\((?P<name>[^()\n]{3,60})\)\s*$")


def _alias_name(line: str) -> str | None:
    """ "Res ipsa Loquitor (Colin Harwood)": a site pseudonym with the person's name in brackets."""
    match = _ALIAS.match(line.strip())
    return clean_name(match.group("name")) if match else None


_NAME_WORDS = r"[A-Z][A-Za-z'’\-]{1,30}(?:\s[A-Z][A-Za-z'’\-]{1,30}){1,3}"
_MY_NAME_IS = re.compile(r"\bMy\s+name\s+is\s+(?P<name>" + _NAME_WORDS + r")\b")
_NARRATED = re.compile(
    r"(?:^|[.,;:]\s+|\b(?:On|In)\s[^,.\n]{3,40},\s+)(?P<name>(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s[A-Z][A-Za-z'’\-]{1,30}"
    r"(?:\s[A-Z][A-Za-z'’\-]{1,30}){0,2})\s+(?:made|submitted|sent)\s+(?:a|an|the|this|his|her|their)\s+(?:[\w-]+\s+){0,3}?request\b",
    re.MULTILINE,
)


def requester_from_prose(text: str, source: Source) -> Requester | None:
    """A name the text states in words: "My name is Jo Bloggs and ...", or a decision's "On 12 March 2016, Mr X
    made a request for information to ..."."""
    for pattern, origin in ((_MY_NAME_IS, "introduction"), (_NARRATED, "narrative")):
        match = pattern.search(text)
        if match:
            name = clean_name(match.group("name"))
            if name:
                return Requester(name, None, None, 0.6, Span(match.start("name"), match.end("name"), source), origin)
    return None


def _following_lines(text: str, position: int, limit: int) -> list[tuple[int, int, str]]:
    """Non-empty lines after ``position``, stopping at the second blank line in a row."""
    lines: list[tuple[int, int, str]] = []
    blanks = 0
    while position < len(text) and len(lines) < limit:
        newline = text.find("\n", position)
        end = len(text) if newline < 0 else newline
        line = text[position:end]
        if line.strip():
            if lines and blanks >= 1:
                break
            lines.append((position + len(line) - len(line.lstrip()), end, line.strip()))
            blanks = 0
        elif lines:
            blanks += 1
        position = end + 1
    return lines


_MADE_REQUEST = re.compile(
    r"^[ \t]*(?P<name>[^\n]{1,60}?)[ \t]+made\s+this\s+(?:Freedom\s+of\s+Information|Environmental\s+Information|information)?\s*request\s+to\b",
    re.IGNORECASE | re.MULTILINE,
)


def requester_from_whatdotheyknow(text: str, source: Source) -> Requester | None:
    """WhatDoTheyKnow's own line: "Jane Example made this Freedom of Information request to Kent Police"."""
    match = _MADE_REQUEST.search(text)
    if match is None:
        return None
    name = clean_name(match.group("name"))
    if name is None:
        return None
    return Requester(name, None, None, 0.8, Span(match.start("name"), match.end("name"), source), "whatdotheyknow")
