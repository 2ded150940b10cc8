"""Finding the request inside a text and splitting it into the requester's questions.

The team answers question by question, in the requester's own numbering, so the numbering is kept as
written (``Q1``, ``(a)``, ``iv)``, ``**1.**``) and only invented, with a flag, when the requester wrote
plain paragraphs or bullets. Published response letters quote the request between a lead-in ("I note you
seek access to the following information:") and the answer; only that quoted block is read.

The work is line by line: each line is classified once (blank, marker, text, table), lines become
blocks (an item with its marker, or an unmarked paragraph), and blocks become a tree with a stack of
marker styles, the way Markdown nests lists. Every pattern is anchored or bounded, so a 40,000-character
text costs a few milliseconds.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from commands.rules.intake.model import Question, Source, Span

# ------------------------------------------------------------------------------------------- the region

_START = re.compile(
    r"""
    (?<!\w)(?=[IiYyWwBbRrCcTtEeMmAaDd \t])  # cheap first check: a lead-in starts a word or a line
    (?:
    I\s+note\s+you\s+seek\s+access\s+to\s+the\s+following\s+information[ \t]*:?
  | \bI\s+note\s+(?:that\s+)?you\s+(?:seek|sought|have\s+requested|requested|asked\s+for)\b[^:\n]{0,60}:
  | \b(?:The\s+)?information\s+requested\s+was(?:\s+as\s+follows)?[ \t]*:
  | \b(?:Applicant|complainant|appellant|requester|requestor)\s+asked\s+(?:the\s+[A-Z][\w-]*(?:\s+[A-Za-z][\w-]*){0,4}\s+)?for\b[^:\n]{0,60}:
  | ^[ \t]*(?:Date\s+[a-z]+\s+){1,4}Information\s+(?:asked\s+for|requested)(?:[ \t]+\w+){0,2}[ \t]*$
  | \byou\s+(?:have\s+)?(?:requested|asked\s+for|sought)\b[^:\n]{0,60}?(?:following|as\s+follows)[^:\n]{0,60}:
  | ^[ \t]*(?:You\s+asked|Your\s+request|The\s+request|Request(?:\s+text|\s+details)?|Information\s+Request
        |Request\s+and\s+Answer|Requested\s+information|Information\s+requested|Cais|Eich\s+cais)[ \t]*(?::|$)
  | \bWe\s+received\s+a\s+request\b[^:\n]{0,80}:
  | \bin\s+(?:the\s+following|these)\s+terms\b[^:\n]{0,40}:
  | \b(?:It|which|the\s+request)\s+(?:stated|read|reads|said)[ \t]*:
  | \bwrote\s+to\b[^:\n]{0,60}?follows[ \t]*:
  | \brequest\s+for\s+information\b[^:\n]{0,160}?\bas\s+follows[ \t]*:
  | \bBelow\s+is\s+your\s+request\s+and\s+our\s+response\.?
  | \byour\s+request\s+(?:read|reads|was\s+as\s+follows)[ \t]*:
  | \bmade\s+the\s+following\b[^:\n]{0,120}:
  | \brequested\s+(?:the\s+)?following\s+information\b[^:\n]{0,60}:
  | \brequest\s+information\s+described\s+in\s+the\s+following\s+terms\.?
    )
    """,
    re.IGNORECASE | re.MULTILINE | re.VERBOSE,
)
_END = re.compile(
    r"""
    ^[ \t]*(?:Response|Our\s+Response|In\s+Response|Reply|Our\s+Reply|Ymateb|Answers?(?:\s+\d[^\n]{0,30})?|Decision|FOI\s+Duty
        |Extent\s+of\s+Searches[^\n]{0,40})[ \t]*(?:[:\-–—][^\n]*)?$
  | ^[ \t]*I\s+am\s+required\s+by\s+the\s+Freedom\s+of\s+Information
  | ^[ \t]*I\s+can(?:\s+neither)?\s+confirm\b
  | ^[ \t]*In\s+response\s+to\s+your\s+request\b
  | ^[ \t]*(?:I|We)\s+(?:enclose|attach)\b
  | ^[ \t]*The\s+Freedom\s+of\s+Information\s+Act\s+requires
  | ^[ \t]*(?:Following\s+(?:enquiries|receipt\s+of\s+your\s+request)|Please\s+find\s+(?:enclosed|attached)\s+our\s+response)
  | ^[ \t]*(?:Section\s+1\s+of\s+the\s+Freedom\s+of\s+Information\s+Act|Mae\s+adran\s+1\b)
  | ^[ \t]*(?:FURTHER\s+INFORMATION\s+RECEIVED|CLARIFICATION\s+RECEIVED)
  | ^[ \t]*-{2,}[ \t]*(?:Original\s+Message|Forwarded)
  | ^[ \t]*On\s[^\n]{5,120}\bwrote:[ \t]*$
    """,
    re.IGNORECASE | re.MULTILINE | re.VERBOSE,
)
#: Case matters here: "Humberside Police Response" is a heading, "average response" is not.
_END_CASED = re.compile(
    r"^[ \t]*[A-Z][\w]{1,20}(?:[ \t]+[A-Z][\w]{1,20}){0,3}[ \t]+Response[ \t]*$"
    r"|^\W{0,3}(?:The\s+)?(?:[A-Z][\w'’.]*\s+){0,3}[A-Z][\w'’.]*\s+responded\b",
    re.MULTILINE,
)
SIGN_OFF = re.compile(
    r"^[ \t]*(?P<phrase>Yours\s+(?:sincerely|faithfully|truly)|(?:Kind|Best|Warm|Many)\s+(?:regards|thanks|wishes)"
    r"|Regards|Sincerely|With\s+thanks|Thanks(?:\s+again)?|Thank\s+you|Cheers|Diolch(?:\s+yn\s+fawr)?|Yn\s+gywir|Cofion(?:\s+gorau)?)\b"
    # "Thank you for your email": a reply's opening, not its close.
    r"(?![ \t]+for[ \t]+(?:your|the)[ \t]+(?:e-?mail|message|letter|reply|response|note|request|enquiry))"
    r"[ \t]*[,.!]?[ \t]*(?P<rest>[^\n]{0,40})$",
    re.IGNORECASE | re.MULTILINE,
)
_SALUTATION = re.compile(
    "^[ \\t]*[\"“'‘]?"
    r"(?:Dear|Hi|Hello|Hiya|Good\s+(?:morning|afternoon|evening)|Annwyl|To\s+whom\s+it\s+may\s+concern)\b[^\n]{0,60}$",
    re.IGNORECASE | re.MULTILINE,
)
RESPONSE_SIGNAL = re.compile(
    r"(?<!\w)(?=[IiYyRrWwFfhHBbNnPp \t])(?:I\s+write\s+in\s+connection\s+with|I\s+note\s+you\s+seek\s+access|^[ \t]*You\s+asked\s*:|^[ \t]*In\s+Response\s*:"
    r"|^[ \t]*Our\s+Response\s*:|^[ \t]*Ymateb\s*:|Request\s+and\s+Answer|We\s+received\s+a\s+request|^[ \t]*FOI\s+Duty"
    r"|has\s+now\s+been\s+considered|in\s+which\s+you\s+requested|Below\s+is\s+your\s+request\s+and\s+our\s+response"
    r"|neither\s+confirms?\s+nor\s+denies?|Refusal\s+Notice|Provision\s+of\s+information\s+held\s+by)",
    re.IGNORECASE | re.MULTILINE,
)
_HEADER_LINE = re.compile(r"^[ \t]*(?:From|Sent|Date|To|Cc|Subject|Received|Reply-To)[ \t]*:", re.IGNORECASE)
#: A web form's field label pasted with its answer: "Please tell us the general subject of your request (e.g. ...)".
FORM_PROMPT = re.compile(
    r"^[ \t]*(?:Please\s+)?(?:tell\s+us|provide|give|enter|describe|state|select|type)\b[^\n]{0,120}?"
    r"\byour\s+(?:request|enquiry|query|name|e-?mail(?:\s+address)?|address|details)\b[^\n]{0,200}$",
    re.IGNORECASE | re.MULTILINE,
)
#: A mail system's warning on an email from outside the organisation.
BANNER = re.compile(
    r"^[ \t]*(?:\[?(?:CAUTION|WARNING|EXTERNAL(?:\s+EMAIL)?)\]?:?\s*)?This\s+(?:e-?mail|message)\s+(?:originated|was\s+sent|came|is)\s+from\s+"
    r"(?:outside|an\s+external)[^\n]{0,300}$",
    re.IGNORECASE | re.MULTILINE,
)
_FROM_OR_SENT = re.compile(r"^[ \t]*(?:From|Sent)[ \t]*:[^\n]*", re.IGNORECASE | re.MULTILINE)
_OPEN_QUOTES = {'"': '"', "“": "”", "'": "'", "‘": "’"}
#: For each opening quotation mark, its closing mark at the end of a line.
_CLOSING_QUOTE = {
    opening: re.compile(re.escape(closing) + r"[ \t]*$", re.MULTILINE)
    for opening, closing in _OPEN_QUOTES.items()
}
NAME_LINE = re.compile(
    r"^(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s)?[A-Z][A-Za-z'’\-]{0,30}\.?(?:\s(?:[A-Z][A-Za-z'’\-]{0,30}\.?|van|de|der|von|da|di|la|le|bin|al)){0,4}$"
)
_NOT_A_NAME = re.compile(
    r"\b(?:Police|Constabulary|Council|Team|Information|Rights|Unit|Department|Office|Service|Freedom|Request|"
    r"Response|Act|Data|Officer|Manager|Disclosure|Compliance|Branch|Headquarters|Porn|Images?|Statistics"
    r"|Results?|Searches|Operation|Decision|Complaint|Background|Summary|Appendix)\b"
)


_EXAMPLE_PARENTHESIS = re.compile(r"\((?:e\.\s?g\.?|eg\b|for\s+example|such\s+as)[^()\n]{0,300}\)", re.IGNORECASE)


def without_examples(text: str, start: int, end: int) -> str:
    """``text`` with a web form's prompts and examples ("(e.g. burials between 2001 and 2012)") blanked, same
    length, so that dates and subjects written as examples are not read as the request's own."""
    spans = [m.span() for m in FORM_PROMPT.finditer(text, start, end)]
    spans += [m.span() for m in BANNER.finditer(text, start, end)]
    spans += [m.span() for m in _EXAMPLE_PARENTHESIS.finditer(text, start, end)]
    if not spans:
        return text
    chars = list(text)
    for a, b in spans:
        for index in range(a, b):
            if chars[index] != "\n":
                chars[index] = " "
    return "".join(chars)


@dataclass(frozen=True)
class Region:
    """Where the request is: ``[start, end)``, and the sign-off that closed it, if one did."""

    start: int
    end: int
    response_letter: bool
    quoted: bool
    sign_off: tuple[int, int] | None = None
    name_line: tuple[int, int] | None = None


#: A response letter shows what it is, and where it quotes the request, near its top; looking further
#: would only find the same phrases in the body of a long request.
LEAD_IN_WINDOW = 10_000


def find_region(text: str, search_from: int = 0) -> Region | None:
    """Locate the request. None when the text is a response letter whose quoted request cannot be found."""
    window = min(len(text), search_from + LEAD_IN_WINDOW)
    start_match = _START.search(text, search_from, window)
    salutation = _leading_salutation(text, search_from)
    signal = RESPONSE_SIGNAL.search(text, search_from, window)
    response_letter = bool(signal) and (salutation is None or signal.start() < salutation)
    if start_match:
        start = start_match.end()
    elif response_letter:
        return None
    else:
        start = salutation if salutation is not None else search_from
    quoted, quote_end = _quotation(text, start)
    end = len(text)
    sign_off: tuple[int, int] | None = None
    name_line: tuple[int, int] | None = None
    for pattern in (_END, _END_CASED):
        match = _first_after_content(pattern, text, start, end)
        if match:
            end = match.start()
    match = _first_after_content(SIGN_OFF, text, start, end)
    if match:
        end, sign_off = match.start(), (match.start(), match.end())
    if quote_end is not None and quote_end < end:
        end = quote_end
    if not response_letter:
        name_line = _signature_name_line(text, start, end)
        if name_line is not None:
            end = name_line[0]
    header_end = _later_header(text, start, end)
    if header_end is not None:
        end = header_end
    return Region(start, end, response_letter, quoted, sign_off, name_line)


def _leading_salutation(text: str, start: int) -> int | None:
    """The end of a "Dear ..." line among the first few lines: the request follows it."""
    position, seen = start, 0
    while seen < 6 and position < len(text):
        newline = text.find("\n", position)
        line_end = len(text) if newline < 0 else newline
        line = text[position:line_end]
        if line.strip():
            seen += 1
            if _SALUTATION.match(text, position, line_end):
                return line_end
            if "?" in line or FORM_PROMPT.match(line):
                return None  # the request is already under way: a later "Hi" opens a follow-up message
        position = line_end + 1
    return None


def _has_content(text: str, start: int, end: int) -> bool:
    return len(text[start:end].strip()) >= 8


def _first_after_content(pattern: re.Pattern[str], text: str, start: int, end: int) -> re.Match[str] | None:
    """The first match with some request text before it (a heading right after the lead-in is not an end)."""
    for match in pattern.finditer(text, start, end):
        if _has_content(text, start, match.start()):
            return match
    return None


def _quotation(text: str, start: int) -> tuple[bool, int | None]:
    """Whether the request opens with a quotation mark (a judgment or letter quoting it), and the end of
    the line that closes the quotation, if it is closed."""
    position = start
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    if position >= len(text) or text[position] not in _OPEN_QUOTES:
        return False, None
    match = _CLOSING_QUOTE[text[position]].search(text, position + 1)
    return True, (match.end() if match else None)


def _signature_name_line(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A requester's name alone on a line after the request, with blank lines around it (emails, WDTK)."""
    seen_content = False
    previous_blank = False
    position = start
    while position < end:
        newline = text.find("\n", position, end)
        line_end = end if newline < 0 else newline
        line = text[position:line_end].strip()
        if not line:
            previous_blank = True
        else:
            if seen_content and previous_blank and _is_name(line, minimum_words=2):
                after = text[line_end:end].lstrip(" \t")
                if not after or after.startswith("\n\n") or after.startswith("\n \n") or after.strip() == "":
                    return position, line_end
                following = after.lstrip("\n").split("\n", 1)[0].strip()
                if after.startswith("\n") and (not following or "@" in following):
                    return position, line_end
            if len(line) >= 30:
                seen_content = True
            previous_blank = False
        position = line_end + 1
    return None


def _later_header(text: str, start: int, end: int) -> int | None:
    """An earlier email quoted below the request ("From: ... / Sent: ...") ends it."""
    for match in _FROM_OR_SENT.finditer(text, start, end):
        following_end = text.find("\n", match.end() + 1)
        following = text[match.end() + 1 : following_end if following_end > 0 else end]
        if ("@" in match.group() or _HEADER_LINE.match(following)) and _has_content(
            text, start, match.start()
        ):
            return match.start()
    return None


def _is_name(line: str, minimum_words: int = 1) -> bool:
    line = line.strip().strip("\"'“”‘’").strip()
    if not line or len(line) > 50 or not NAME_LINE.match(line) or _NOT_A_NAME.search(line):
        return False
    return len(line.split()) >= minimum_words


def clean_name(line: str) -> str | None:
    """A person's name from a signature line, or None when the line is not one."""
    line = line.strip().strip("\"'“”‘’,.").strip()
    return line if _is_name(line) else None


# ------------------------------------------------------------------------------------------------ lines

_BULLET_CLASSES = {
    "-": "dash", "–": "dash", "—": "dash", "•": "dot", "●": "dot", "o": "circle", "◦": "circle",
    "▪": "square", "■": "square", "‣": "dot", "⁃": "dash", "·": "dot", "*": "star",
    # A bullet the page or a copy lost to a wrong character set: the replacement character, or "?".
    "\ufffd": "lost", "?": "lost", "::": "colons",
}  # fmt: skip
_MARKER = re.compile(
    r"""
    [ \t]*
    (?:
      (?P<bullet>[-–—•●▪■◦·‣⁃*\ufffd]|o(?=[ \t])|\?(?=[ \t]{1,3}[\"“'‘A-Z]))[ \t]+(?=\S)
    | (?P<colons>::)[ \t]*(?=\S)
    | (?P<bracket>\[(?P<brval>\d{1,2})\])[ \t]+(?=\S)
    | (?P<qword>(?i:Q|Qn|Question|Request|Req|Item|Part|Cwestiwn)[ \t]{0,2}\.?[ \t]{0,2}(?P<qnum>\d{1,3}))
        (?:[ \t]{0,2}[.:)\-–—](?=\s|$)|(?=\s)|$)
    | (?P<decimal>(?P<decval>\d{1,2}(?:\.\d{1,2}){1,3})(?:\.?(?=[ \t]+[A-Z"“‘'(])|\.(?=[A-Z])))
    | (?P<digit>\(?(?P<digval>\d{1,3})(?:[.):]|,(?=[ \t]+[A-Z])|[ \t]{1,2}[-–—](?=[ \t])|[ \t]\.(?=[ \t]+[A-Z])))(?=[ \t]|$|[A-Z"“‘'(])
    | (?P<alpha>(?P<aopen>\()?(?P<alval>[A-Za-z]{1,5})(?(aopen)\)|[.)/]))(?=[ \t]|$)
    )
    [ \t]*
    """,
    re.VERBOSE,
)
_DIGIT = re.compile(r"\d")
_OPENING_QUOTE = re.compile("[ \t]*[\"“‘'](?=\\d{1,2}[.)])")
_FOOTNOTE_MARK = re.compile(r"\[\d{1,2}\]")
_BRACKET_NUMBER = re.compile(r"[ \t]*\[(\d{1,2})\][ \t]+\S")
_DASH_HEADING = re.compile(r"[-–—][A-Za-z]")
_ROMAN = re.compile(r"^(?:x{0,3})(?:ix|iv|v?i{0,3})$")
_TABLE_NUMBER = re.compile(r"^[\d.,%£$()/-]+$")
_PUNCTUATION_ONLY = re.compile(r"^[\W_]*$")


@dataclass(frozen=True)
class _Marker:
    kind: str  # bullet | qword | decimal | digit | alpha
    value: str
    label: str


@dataclass
class _Line:
    start: int
    end: int
    kind: str  # blank | skip | item | text
    markers: list[_Marker] = field(default_factory=list)
    content_start: int = 0


def _roman_value(token: str) -> int | None:
    lower = token.lower()
    if not lower or not _ROMAN.match(lower) or not (token.islower() or token.isupper()):
        return None
    values = {"i": 1, "v": 5, "x": 10}
    total = 0
    for index, char in enumerate(lower):
        value = values[char]
        if index + 1 < len(lower) and values[lower[index + 1]] > value:
            total -= value
        else:
            total += value
    return total


def _parse_markers(text: str, position: int, end: int, brackets: bool = False) -> tuple[list[_Marker], int]:
    """The markers at the start of a line ("- 1." and "1. a)" have two) and where its text starts.

    ``brackets``: "[1]", "[2]" number the questions here (a tribunal quoting a request), not footnotes."""
    markers: list[_Marker] = []
    opening = _OPENING_QUOTE.match(text, position, end)
    if opening and _MARKER.match(text, opening.end(), end):
        position = opening.end()
    while len(markers) < 3:
        match = _MARKER.match(text, position, end)
        if not match or match.end() == position:
            break
        if match.group("bracket"):
            if not brackets or markers:
                break
            kind, value = "digit", match.group("brval")
        elif match.group("bullet") or match.group("colons"):
            kind, value = "bullet", match.group("bullet") or "::"
        elif match.group("qword"):
            kind, value = "qword", match.group("qnum")
        elif match.group("decimal"):
            kind, value = "decimal", match.group("decval")
        elif match.group("digit"):
            kind, value = "digit", match.group("digval")
        else:
            value = match.group("alval")
            if len(value) > 1 and _roman_value(value) is None:
                break
            kind = "alpha"
        markers.append(_Marker(kind, value, match.group().strip()))
        position = match.end()
    return markers, position


def _is_table_line(line: str) -> bool:
    if "|" in line:
        return True
    if not _DIGIT.search(line):
        return False
    tokens = line.split()
    if len(tokens) < 2:
        return False
    numbers = sum(1 for token in tokens if _TABLE_NUMBER.match(token))
    return numbers / len(tokens) >= 0.6


def _classify_lines(text: str, start: int, end: int) -> list[_Line]:
    lines: list[_Line] = []
    position = start
    while position < end:
        newline = text.find("\n", position, end)
        line_end = end if newline < 0 else newline
        lines.append(_Line(position, line_end, "text", content_start=position))
        position = line_end + 1
    circle_bullets = sum(1 for line in lines if text[line.start : line.end].lstrip().startswith("o "))
    bracketed = [
        (int(m.group(1)), text[line.start : line.end])
        for line in lines
        for m in [_BRACKET_NUMBER.match(text, line.start, line.end)]
        if m
    ]
    # "[1] ... ? / [2] ... ?": a run counting up from 1 whose lines ask things numbers questions; a lone "[1]"
    # or a run of links is a list of footnotes.
    brackets = (
        len(bracketed) >= 2
        and [number for number, _ in bracketed] == list(range(1, len(bracketed) + 1))
        and sum(1 for _, line in bracketed if _QUESTION_SIGNAL.search(line)) * 2 > len(bracketed)
        and not any("http" in line for _, line in bracketed)
    )
    for line in lines:
        raw = text[line.start : line.end]
        stripped = raw.strip()
        if not stripped:
            line.kind = "blank"
            continue
        if (
            _PUNCTUATION_ONLY.match(stripped)
            or _SALUTATION.match(raw)
            or _HEADER_LINE.match(raw)
            or FORM_PROMPT.match(raw)
            or BANNER.match(raw)
            or _is_table_line(stripped)
        ):
            line.kind = "skip"
            continue
        markers, content = _parse_markers(text, line.start, line.end, brackets)
        if markers and markers[0].kind == "bullet" and markers[0].value == "o" and circle_bullets < 2:
            markers = []
        if markers:
            line.kind, line.markers, line.content_start = "item", _resolve_compound(markers), content
    return lines


def _ordinal(marker: _Marker) -> int | None:
    if marker.kind in ("digit", "qword"):
        return int(marker.value)
    if marker.kind == "alpha":
        if len(marker.value) == 1 and marker.value.lower() not in "ivx":
            return ord(marker.value.lower()) - 96
        roman = _roman_value(marker.value)
        if roman is not None and len(marker.value) > 1:
            return roman
        return ord(marker.value.lower()) - 96 if len(marker.value) == 1 else None
    return None


def _resolve_compound(markers: list[_Marker]) -> list[_Marker]:
    """ "- 1." is a numbered item in a bulleted paste; "1. a)" is a scraped list around the requester's a)."""
    while len(markers) > 1 and markers[0].kind == "bullet":
        markers = markers[1:]
    if len(markers) == 2 and markers[0].kind == "digit" and markers[1].kind == "alpha":
        if _ordinal(markers[0]) == _ordinal(markers[1]):
            inner = markers[1]
            return [_Marker(inner.kind, inner.value, f"{markers[0].label} {inner.label}")]
    return markers


# ----------------------------------------------------------------------------------------------- blocks


@dataclass
class _Block:
    marker: _Marker | None
    segments: list[tuple[int, int]]
    blank_before: bool
    inferred_marker: bool = False
    #: A numbered line that only heads the decimal-numbered questions under it ("3. Policy and training").
    heading: bool = False

    def text(self, source: str) -> str:
        return _segments_text(source, self.segments)


def _segments_text(source: str, segments: list[tuple[int, int]]) -> str:
    """The words of some stretches of the text, with line breaks and runs of spaces made single spaces."""
    return " ".join(" ".join(source[s:e].split()) for s, e in segments if s < e).strip()


_TERMINAL = ".?!:;)\"'”’"


def _soft_wrap(previous: str, line: str) -> bool:
    """A line that continues the one before: hard-wrapped emails and PDF text break mid-sentence."""
    previous, line = previous.rstrip(), line.lstrip()
    if not previous or not line:
        return False
    if line[0].islower():
        return True
    return previous[-1] not in _TERMINAL and (len(previous) >= 50 or previous[-1] in ",(/&")


def _build_blocks(text: str, lines: list[_Line]) -> list[_Block]:
    non_blank = [index for index, line in enumerate(lines) if line.kind != "blank"]
    blank_mode = bool(non_blank) and any(
        lines[index].kind == "blank" for index in range(non_blank[0], non_blank[-1] + 1)
    )
    blocks: list[_Block] = []
    current: _Block | None = None
    blank_seen = True
    previous_text = ""
    for line in lines:
        if line.kind == "blank":
            blank_seen = True
            continue
        if line.kind == "skip":
            previous_text = ""
            continue
        if line.kind == "item":
            for marker in line.markers[:-1]:
                blocks.append(_Block(marker, [(line.content_start, line.content_start)], blank_seen))
            current = _Block(line.markers[-1], [(line.content_start, line.end)], blank_seen)
            blocks.append(current)
        else:
            raw = text[line.start : line.end]
            empty_item = current is not None and current.marker is not None and not current.text(text)
            lead_in = raw.strip()[:1].isupper() and raw.rstrip().endswith(":") and len(raw.strip()) > 30
            if current is not None and not (lead_in and current.marker is not None) and (
                empty_item or (not blank_seen and (blank_mode or _soft_wrap(previous_text, raw)))
            ):
                current.segments.append((line.start, line.end))
            else:
                current = _Block(None, [(line.start, line.end)], blank_seen)
                blocks.append(current)
        blank_seen = False
        previous_text = text[line.start : line.end]
    return _split_inline(text, _field_lists(text, blocks))


_FIELD_BULLET = _Marker("bullet", "field", "")


def _field_lists(text: str, blocks: list[_Block]) -> list[_Block]:
    """ "... by:\nGender,\nAge,\nEthnic Origin.": short unmarked lines under a lead-in ending in a colon are the
    fields asked for, one a line, as if each were bulleted."""
    result: list[_Block] = []
    for block in blocks:
        previous = result[-1] if result else None
        lines = [(s, e) for s, e in block.segments if text[s:e].strip()]
        lead = previous.text(text).rstrip() if previous is not None else ""
        if block.marker is None and previous is not None and (lead.endswith(":") or _FOLLOWING_LEAD.search(lead)):
            count = _field_run([text[s:e].strip() for s, e in lines])
            if count:
                for index, segment in enumerate(lines[:count]):
                    result.append(
                        _Block(_FIELD_BULLET, [segment], block.blank_before and index == 0, inferred_marker=True)
                    )
                if lines[count:]:
                    result.append(_Block(None, lines[count:], False))
                continue
        result.append(block)
    return result


#: "I request a copy of the following relating to the new ticket machines.": a lead-in that ends in a full stop.
_FOLLOWING_LEAD = re.compile(r"\bthe\s+following\b[^.?:\n]{0,120}\.$", re.IGNORECASE)


def _field_run(lines: list[str]) -> int:
    """How many of ``lines`` are fields asked for one a line: the short lines at the start, and longer ones among
    them while most are short (0 when fewer than two)."""
    count = 0
    short = 0
    for line in lines:
        if line.endswith("?") or _SENTENCE_BREAK.search(line) or len(line) > 120:
            break
        is_short = len(line) <= 40 and len(line.split()) <= 5
        if not is_short and short * 2 < count + 1:
            break
        if not is_short and count >= 2 and line.endswith(".") and len(line.split()) > 8:
            break  # "This information to cover the period from ...": a sentence after the fields
        count += 1
        short += is_short
    return count if short >= 2 else 0


_INLINE_DIGIT = re.compile(r"(?:(?<=\s)|^)(\d{1,2})[.)]\s+(?=[A-Z\"“‘'(])")
_INLINE_QWORD = re.compile(r"(?:(?<=\s)|^)(?:Q|(?i:question|request))\s{0,2}(\d{1,2})[.:)]?\s+(?=\S)")
_INLINE_LETTER = re.compile(r"(?:(?<=\s)|^)(?:\(?([a-h])\)\s+(?=\S)|([a-h])\.\s+(?=[A-Z0-9]))")
_INLINE_PATTERNS = {"digit": _INLINE_DIGIT, "qword": _INLINE_QWORD}


def _split_inline(text: str, blocks: list[_Block]) -> list[_Block]:
    """Split items written on one line: "... Act 2000 1. How much ...? 2. How many ...?", "Q1. ...? Q2. ...",
    "cost to (a) purchase (b) install"."""
    result: list[_Block] = []
    for block in blocks:
        joined, anchors = _joined(text, block.segments)
        chain, kind = _inline_chain(block.marker, joined)
        if not chain:
            result.append(block)
            continue
        head_end = chain[0].start()
        if joined[:head_end].strip(" \t\"'“”‘’") or block.marker is not None:
            result.append(_Block(block.marker, _map_back(anchors, joined, 0, head_end), block.blank_before))
        # "(I) Male (ii) Female": one list whose first capital is a slip, not two lists.
        mixed_case = kind == "alpha" and len({_first_group(m).islower() for m in chain}) > 1
        for index, match in enumerate(chain):
            piece_end = chain[index + 1].start() if index + 1 < len(chain) else len(joined)
            value = _first_group(match).lower() if mixed_case else _first_group(match)
            marker = _Marker(kind, value, match.group().strip())
            result.append(_Block(marker, _map_back(anchors, joined, match.end(), piece_end), False))
    return result


def _inline_chain(marker: _Marker | None, joined: str) -> tuple[list[re.Match[str]], str]:
    if marker is None:
        for kind, pattern in _INLINE_PATTERNS.items():
            chain = _chain(pattern, joined, first=1)
            if len(chain) >= 2:
                return chain, kind
    elif marker.kind in _INLINE_PATTERNS and marker.value.isdigit():
        # "1. How many? 2. What?" on one line: the items after the first continue its numbering, and
        # each must follow the end of a sentence so that "in the top 2. Then" is left alone.
        chain = _chain(_INLINE_PATTERNS[marker.kind], joined, first=int(marker.value) + 1)
        chain = [m for m in chain if joined[: m.start()].rstrip()[-1:] in '.?!:;)"”']
        if chain and all(a.end() < b.start() for a, b in zip(chain, chain[1:], strict=False)):
            return _consecutive(chain, int(marker.value) + 1), marker.kind
    chain = _chain(_INLINE_LETTER, joined, first=ord("a"))
    if len(chain) >= 2:
        return chain, "alpha"
    roman = _roman_chain(joined)
    return (roman, "alpha") if len(roman) >= 2 else ([], "")


_INLINE_ROMAN = re.compile(r"(?:(?<=\s)|^|(?<=[\"“‘']))\(([ivxIVX]{1,4})\)\s+(?=\S)")


def _roman_chain(joined: str) -> list[re.Match[str]]:
    """ "(I) Male (ii) Female (iii) Other": items numbered i, ii, iii on one line, whatever their case."""
    chain: list[re.Match[str]] = []
    for match in _INLINE_ROMAN.finditer(joined):
        value = _roman_value(match.group(1).lower())
        if value == len(chain) + 1:
            chain.append(match)
        elif value == 1 and len(chain) < 2:
            chain = [match]
    return chain


def _first_group(match: re.Match[str]) -> str:
    return next(group for group in match.groups() if group is not None)


def _consecutive(chain: list[re.Match[str]], first: int) -> list[re.Match[str]]:
    kept: list[re.Match[str]] = []
    for match in chain:
        if int(match.group(1)) != first + len(kept):
            break
        kept.append(match)
    return kept


def _chain(pattern: re.Pattern[str], joined: str, first: int) -> list[re.Match[str]]:
    """The run of inline markers counting up from ``first`` (1, 2, 3 or a, b, c)."""
    chain: list[re.Match[str]] = []
    expected = first
    for match in pattern.finditer(joined):
        value = _first_group(match)
        number = int(value) if value.isdigit() else ord(value)
        if number == expected:
            chain.append(match)
            expected += 1
        elif number == first and len(chain) < 2:
            chain, expected = [match], first + 1
    return chain


def _joined(text: str, segments: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int, int]]]:
    parts: list[str] = []
    anchors: list[tuple[int, int, int]] = []  # (joined position, original position, length)
    position = 0
    for start, end in segments:
        if parts:
            parts.append(" ")
            position += 1
        anchors.append((position, start, end - start))
        parts.append(text[start:end])
        position += end - start
    return "".join(parts), anchors


def _map_back(anchors: list[tuple[int, int, int]], joined: str, a: int, b: int) -> list[tuple[int, int]]:
    """Original-text segments covering ``joined[a:b]``."""
    segments: list[tuple[int, int]] = []
    index = max(0, bisect_right([anchor[0] for anchor in anchors], a) - 1)
    while index < len(anchors):
        joined_start, original, length = anchors[index]
        if joined_start >= b:
            break
        lo, hi = max(a, joined_start), min(b, joined_start + length)
        if lo < hi:
            segments.append((original + lo - joined_start, original + hi - joined_start))
        index += 1
    return segments or [(anchors[0][1], anchors[0][1])] if anchors else segments


# ------------------------------------------------------------------------------------------------- tree

_QUESTION_SIGNAL = re.compile(
    r"\?|\b(?:please|could\s+you|can\s+you|would\s+you|will\s+you|I\s+(?:would|'d|’d)\s+like|I\s+(?:wish|want)\s+to"
    r"|I\s+(?:would\s+be|am)\s+(?:also\s+)?interested\s+(?:in|to\s+know)"
    r"|I\s+(?:also\s+)?(?:request|am\s+requesting|ask|need)|how\s+(?:many|much|often|long)|what"
    r"|whether|provide|supply|send|list|give|tell|include|confirm|disclose|break\s*down|broken\s+down"
    r"|cop(?:y|ies)\s+of|details\s+of|numbers?\s+of|total|amount\s+of|dates?|cost|budget|spend|reasons?\s+for"
    r"|locations?\s+of|names?\s+of|figures|statistics|data\s+on|records?\s+of|gofyn|hoffwn|nifer|faint|sawl)\b"
    r"|^\W{0,3}(?:any|all|the)?\s{0,2}(?:communications|correspondence|documents|records|e-?mails|minutes|policies"
    r"|contracts|invoices|reports|guidance|agreements|audit\s+logs|data)\b|\bnumber,?\s+if\s+any\b"
    # "Any existing or proposed usage policies ...": a description of the records wanted, as a list item.
    r"|^\W{0,3}(?:any|all)\s+(?:[\w-]+\s+){0,4}(?:polic(?:y|ies)|litigation|records?|documents?|reports?|correspondence"
    r"|communications|minutes|contracts?|agreements?|protocols?|procedures?|e-?mails?|notes|assessments?)\b",
    re.IGNORECASE,
)
_PREAMBLE = re.compile(
    r"\bthe\s+(?:following|below)\b|\bas\s+follows\b"
    r"|^\W{0,3}This\s+is\s+a\s+(?:(?:freedom\s+of\s+information|FOI|formal)\s+)?request\b"
    r"|^\W{0,3}I\s+am\s+writing\s+(?:to\s+(?:you\s+)?)?(?:under|to\s+(?:make|request|submit|ask))"
    r"|^\W{0,3}(?:Under|Pursuant\s+to|In\s+accordance\s+with)\s+the\s+(?:Freedom\s+of\s+Information|Environmental\s+Information|FOI)"
    r"|^\W{0,3}Please\s+(?:treat|consider|accept)\s+this\s+(?:e-?mail|letter|message|as)"
    r"|^\W{0,3}(?:please|could\s+you|can\s+you|would\s+you|I\s+would\s+like|I'd\s+like)[\w ,]{0,40}:-?\s*$"
    r"|^\W{0,3}(?:I\s+(?:am|would\s+be)\s+interested\s+to\s+know|I\s+(?:would\s+like|wish|want)\s+to\s+know"
    r"|please\s+(?:tell|advise)\s+me)[\s:,-]*$"
    r"|\bganlynol\b|^\W{0,3}O\s+dan\s+y\s+Ddeddf",
    re.IGNORECASE,
)
#: A sentence that asks politely through a condition ("If it is possible to detail X, that would be helpful").
_CONDITIONAL_ASK = re.compile(
    r"\b(?:would\s+be\s+(?:very\s+)?(?:helpful|useful|appreciated|grateful|great)|I\s+would\s+(?:also\s+)?be\s+grateful)\b",
    re.IGNORECASE,
)
#: The requester asking for help to narrow the request (FOIA s.16), not for information.
_ADVICE = re.compile(r"\brefine(?:d)?\b|\badvice\s+and\s+assistance\b|\bsection\s+16\b|\bs\.?\s?16\b", re.IGNORECASE)
_EXAMPLES = re.compile(
    r"(?:\b(?:might|may|could|would|should)\s+include|\bsuch\s+as|\bfor\s+example|\be\.g\.|\bdefines?\b[^:\n]{0,80}?\bas)\s*:?\s*$",
    re.IGNORECASE,
)
_EXPLANATORY = re.compile(
    r"^\W{0,3}(?:See\s+attached\b|I\s+would\s+appreciate\b|I\s+would\s+(?:like|prefer)\s+to\s+receive\b"
    r"|Please\s+notify\s+me\b|I\s+look\s+forward\b|Note\b|NB\b|N\.B\.|Please\s+note|For\s+clarity|For\s+the\s+avoidance\s+of\s+doubt|In\s+case\b"
    r"|By\s+['‘\"“]|I\s+(?:understand|appreciate|am\s+aware|realise|realize|recognise|recognize|know)\b"
    r"|If\s+(?:it\s+is|it's|this\s+is|you\s+are|you\s+cannot|you\s+can't|you\s+do\s+not|you\s+don't|you\s+can\s+identify"
    r"|you\s+need|the\s+information\s+(?:is|exceeds)|any\s+of\s+this|there\s+are\s+any\s+(?:problems|queries))"
    r"|So\s+the\s+questions|Through\s+this|The\s+purpose|Thank\s+you|Many\s+thanks|Thanks|I\s+look\s+forward"
    r"|Please\s+(?:provide|send|supply)\s+(?:the|this|your)\s+(?:information|data|response|reply)\s+(?:in|as|by|electronically)"
    r"|Ideally\b|Preferably\b|Os\s|Fe\s+fyddwn|Diolch"
    # a reply's own words where a request was expected: "Please accept my sincere apologies for the delay"
    r"|Please\s+accept\s+(?:my|our)\s+(?:sincere\s+)?apolog|Please\s+find\s+(?:the|our|attached|enclosed|below))",
    re.IGNORECASE,
)
_CONTINUATION = re.compile(
    r"^\W{0,3}(?:The\s+likely|This\s+(?:is|would|could|may|should|will)|These\s+(?:are|were|would|could|should)"
    r"|(?:This|The)\s+(?:information|data|request)\s+(?:to\s+cover|should\s+cover|covers?|relates?\s+to|is\s+for)"
    r"|It\s+(?:is|was|would|could|may|should)|That\s+(?:is|was|would)|i\.e\.|e\.g\.|For\s+example|Namely"
    r"|Specifically|As\s+(?:above|before|mentioned|stated))\b",
    re.IGNORECASE,
)
#: "Have you made any progress on the above FOI?": asking after the request, not asking for information.
_CHASER = re.compile(
    r"^\W{0,3}(?:(?:have|has)\s+(?:you|there\s+been)\s+(?:made\s+)?any\s+progress|(?:is|are)\s+there\s+any\s+updates?\s+on"
    r"|any\s+updates?\s+on\s+(?:my|the|this)|when\s+(?:can|will|should)\s+I\s+(?:expect|receive|get|hear))\b",
    re.IGNORECASE,
)
#: "Clinical service incidents are defined as ...": the requester defining terms, not asking.
_DEFINITION = re.compile(
    r"\b(?:is|are)\s+defined\s+as\b|\bfor\s+the\s+purposes?\s+of\s+this\s+request\b|\bBy\s+['‘\"“][^'’\"”]{1,40}['’\"”]\s+I\s+mean\b",
    re.IGNORECASE,
)
_FORMAT_LEAD = re.compile(
    r"\b(?:dataset|data\s+set|spreadsheet|table|file|response|answer|information)\s+(?:would|should|will|to)\s+(?:have|contain|include|use|show)"
    r"\b[^.?\n]{0,40}\b(?:columns?|fields?|headings?|headers?|format)\s*:\s*$",
    re.IGNORECASE,
)
#: "Please provide the following fields:" asks for the fields; a dataset that "would have the following columns" lays
#: out the answer.
_FIELDS_ASKED = re.compile(r"^\W{0,3}(?:please|could\s+you|can\s+you|I\s+would\s+like)\b", re.IGNORECASE)
_LEADING_DATES = re.compile(r"^(?:\s{0,2}\d{1,2}\s+[A-Za-z]{3,9},?\s+(?:19|20)\d{2})+\s{0,2}")
_FOR_EACH = re.compile(r"^\W{0,3}(?:for\s+(?:each|every|all)\b|in\s+each\s+case\b)", re.IGNORECASE)
#: "I am writing to request all the information to which I am entitled": the opening names what is wanted.
_OBJECT_REQUEST = re.compile(
    r"\bI\s+am\s+writing\s+to\s+(?:request|ask\s+for)\s+(?:all|any|a\s+copy|copies|every|details|the\s+(?!following|below))",
    re.IGNORECASE,
)
_FOLLOWING = re.compile(r"\bthe\s+(?:following|below)\b|\bas\s+follows\b|:\s*$", re.IGNORECASE)
#: "[Give a description of how you came into contact with the organisation]": a template's placeholder.
_PLACEHOLDER = re.compile(r"^\s*\[[^\]]{3,300}\]\s*$")
_BOILERPLATE_ONLY = re.compile(
    r"^\W{0,3}(?:I\s+am\s+writing|This\s+is\s+a)[^.?]{0,160}(?:Act(?:\s+2000)?|request)\.?$", re.IGNORECASE
)


@dataclass
class _Node:
    number: str
    label: str
    inferred: bool
    style: tuple[str, ...]
    segments: list[tuple[int, int]]
    confidence: float
    children: list[_Node] = field(default_factory=list)
    context: str | None = None
    section: str | None = None


@dataclass(frozen=True)
class QuestionSplit:
    questions: tuple[Question, ...]
    preamble: tuple[str, ...]
    notes: tuple[str, ...]
    numbering_inferred: bool
    used_preamble: bool
    note_spans: tuple[tuple[int, int], ...] = ()


def split_questions(text: str, region: Region, source: Source, strip_quote: bool = False) -> QuestionSplit:
    """The questions of the request in ``region``, nested as the requester nested them."""
    lines = _classify_lines(text, region.start, region.end)
    blocks = _build_blocks(text, lines)
    builder = _TreeBuilder(text, blocks)
    builder.run()
    used_preamble = False
    if not builder.roots and builder.preamble_blocks:
        used_preamble = builder.promote_preamble()
    questions = tuple(_freeze(text, node, source, strip_quote) for node in builder.roots)
    return QuestionSplit(
        questions=questions,
        preamble=tuple(builder.preamble),
        notes=tuple(builder.notes),
        numbering_inferred=any(node.inferred for node in builder.roots),
        used_preamble=used_preamble,
        note_spans=tuple(builder.note_segments),
    )


def _renumber_ones(blocks: list[_Block]) -> None:
    """ "1. ... / 1. ... / 1. ...": a list a web page renumbered, every item "1."; the items are 1, 2, 3 in order."""
    digits = [block for block in blocks if block.marker is not None and block.marker.kind == "digit"]
    if len(digits) < 3 or any(block.marker is None or block.marker.value != "1" for block in digits):
        return
    for number, block in enumerate(digits, start=1):
        marker = block.marker
        assert marker is not None
        block.marker = _Marker(marker.kind, str(number), marker.label)


class _TreeBuilder:
    """Blocks in, a question tree out; one pass with a stack of open marker styles."""

    def __init__(self, text: str, blocks: list[_Block]) -> None:
        self.text = text
        self.blocks = blocks
        self.roots: list[_Node] = []
        self.stack: list[tuple[tuple[str, ...], _Node]] = []
        self.preamble: list[str] = []
        self.preamble_blocks: list[_Block] = []
        self.notes: list[str] = []
        #: Where the notes are in the text: definitions, examples and format sentences do not name the subject.
        self.note_segments: list[tuple[int, int]] = []
        self.pending_context: str | None = None
        self.pending_section: str | None = None
        #: True after a lead-in that introduces examples ("This might include:"): its bullets are notes.
        self.examples = False
        #: True after "the dataset would have the following columns:": the next paragraph lays out the answer.
        self.format_next = False
        _renumber_ones(blocks)
        first_digit = next((b.marker for b in blocks if b.marker is not None and b.marker.kind == "digit"), None)
        self.primary_punctuation = first_digit.label[-1:] if first_digit and first_digit.label else ""
        #: Paragraphs ending in ":" with a list straight after them.
        self.lead_ins = sum(
            1
            for block, following in zip(blocks, blocks[1:], strict=False)
            if block.marker is None and following.marker is not None
            and block.text(text).rstrip().endswith((":", ":-"))
        )
        self.primary = self._primary_style()

    def _sub_list(self, marker: _Marker) -> bool:
        """ "1. Please provide: / 1) arrests / 2) charges": a list that restarts at 1 under a numbered question,
        told apart from the questions by its punctuation ("1)" under "1.")."""
        if self.primary != ("digit",) or not self.primary_punctuation or not marker.label:
            return False
        if marker.label[-1] == self.primary_punctuation:
            return False
        if any(style == ("digit", "sub") for style, _ in self.stack):
            return True
        return marker.value == "1" and bool(self.stack) and self.stack[0][0] == ("digit",)

    def _primary_style(self) -> tuple[str, ...] | None:
        decimals = sum(1 for b in self.blocks if b.marker is not None and b.marker.kind == "decimal")
        digits = sum(1 for b in self.blocks if b.marker is not None and b.marker.kind in ("qword", "digit"))
        if decimals >= 2 and decimals > digits:
            # "1.1 / 1.2 / 2.1": the decimals are the questions; a bare "3. Policy" above them is a heading.
            for block in self.blocks:
                if block.marker is not None and block.marker.kind == "digit":
                    text = block.text(self.text)
                    if len(text) <= 60 and "?" not in text:
                        block.marker, block.heading = None, True
            return ("decimal", "1")
        if self._digits_are_sub_lists():
            return None
        for block in self.blocks:
            if block.marker is not None and block.marker.kind in ("qword", "digit"):
                return (block.marker.kind,)
        return None

    def _digits_are_sub_lists(self) -> bool:
        """ "How many ... has the council: / 1. Approved / 2. Refused" between questions written one a line: each
        numbered list restarts at 1 under a lead-in, so the numbers are the lead-ins' parts, not the questions."""
        runs = 0
        questions = 0
        for index, block in enumerate(self.blocks):
            marker = block.marker
            if marker is None:
                if block.text(self.text).rstrip().endswith("?"):
                    questions += 1
                continue
            if marker.kind != "digit":
                return False
            previous = self.blocks[index - 1] if index else None
            if previous is not None and previous.marker is not None and previous.marker.kind == "digit":
                continue
            lead = previous.text(self.text).rstrip() if previous is not None and previous.marker is None else ""
            if marker.value != "1" or not lead.endswith(":") or not _QUESTION_SIGNAL.search(lead):
                return False
            runs += 1
        return runs >= 1 and questions >= 2

    # -- styles

    def _style(self, marker: _Marker) -> tuple[str, ...]:
        if marker.kind == "bullet":
            return ("bullet", _BULLET_CLASSES.get(marker.value, "dash"))
        if marker.kind == "decimal":
            return ("decimal", str(marker.value.count(".")))
        if marker.kind == "digit" and self._sub_list(marker):
            return ("digit", "sub")
        if marker.kind != "alpha":
            return (marker.kind,)
        value = marker.value
        case = "upper" if value.isupper() else "lower"
        if len(value) > 1:
            return ("roman", case)
        if value.lower() not in "ivx":
            return ("alpha", case)
        predecessor = {"i": "h", "v": "u", "x": "w"}[value.lower()]
        for style, node in reversed(self.stack):
            if style == ("alpha", case) and node.number.lower() == predecessor:
                return ("alpha", case)
            if style == ("roman", case):
                return ("roman", case)
        if value.lower() == "i":
            return ("roman", case)
        return ("alpha", case)

    # -- the pass

    def run(self) -> None:
        for index, block in enumerate(self.blocks):
            following = self.blocks[index + 1] if index + 1 < len(self.blocks) else None
            if block.marker is not None:
                self._item(block)
            else:
                self._paragraph(block, following, index)

    def _list_follows(self, index: int) -> bool:
        """The next block starts a list, counting a line that lost its first marker ("Grounds ... / b) ...")."""
        following = self.blocks[index + 1] if index + 1 < len(self.blocks) else None
        if following is None:
            return False
        if following.marker is not None:
            return True
        after = self.blocks[index + 2] if index + 2 < len(self.blocks) else None
        return (
            after is not None
            and after.marker is not None
            and not after.blank_before
            and len(following.segments) == 1
            and _ordinal(after.marker) == 2
        )

    def _item(self, block: _Block) -> None:
        marker = block.marker
        assert marker is not None
        if marker.kind == "bullet" and not self.examples and self.stack:
            self.examples = bool(_EXAMPLES.search(_segments_text(self.text, self.stack[-1][1].segments)))
        if marker.kind == "bullet" and self.examples:
            self._note(block)
            return
        self.examples = False
        style = self._style(marker)
        if (
            style == self.primary
            and self.roots
            and marker.value == self.roots[-1].number
            and not block.text(self.text)
        ):
            # "2. a. ... / 2. b. ... / 2. c. ...": the number is repeated on each part; the parts stay under one 2.
            self.stack = [(style, self.roots[-1])]
            return
        node = self._node(block, style)
        if self.primary is not None:
            if style == self.primary:
                self._add_root(node)
                self.stack = [(style, node)]
            elif self.stack:
                self._nest(style, node)
            else:
                self._to_preamble(block)
                return
        elif self.stack:
            self._nest(style, node)
        else:
            self._add_root(node)
            self.stack = [(style, node)]
        node.context, node.section = self.pending_context, self.pending_section
        self.pending_context = self.pending_section = None

    def _nest(self, style: tuple[str, ...], node: _Node) -> None:
        for level in range(len(self.stack) - 1, -1, -1):
            if self.stack[level][0] == style:
                del self.stack[level:]
                break
        if self.stack:
            self.stack[-1][1].children.append(node)
        else:
            self._add_root(node)
        self.stack.append((style, node))

    def _add_root(self, node: _Node) -> None:
        if not node.number:
            node.number = self._next_root_number()
        self.roots.append(node)

    def _next_root_number(self) -> str:
        if self.roots and self.roots[-1].number.isdigit():
            return str(int(self.roots[-1].number) + 1)
        return str(len(self.roots) + 1)

    def _node(self, block: _Block, style: tuple[str, ...]) -> _Node:
        marker = block.marker
        if marker is None or marker.kind == "bullet":
            return _Node("", marker.label if marker else "", True, style, list(block.segments), 0.6)
        scraped = marker.kind == "alpha" and " " in marker.label  # "1. a)": a scraped list around the a)
        confidence = 0.5 if block.inferred_marker else (0.8 if scraped else 0.9)
        return _Node(
            marker.value,
            "" if block.inferred_marker else marker.label,
            block.inferred_marker,
            style,
            list(block.segments),
            confidence,
        )

    def _paragraph(self, block: _Block, following: _Block | None, index: int) -> None:
        text = block.text(self.text)
        if not text:
            return
        if self.format_next:
            self.format_next = False
            self._note(block, text)  # the columns or layout the answer should take
            return
        if _FORMAT_LEAD.search(text) and not _FIELDS_ASKED.search(text):
            # "That means the final dataset would have the following columns:": the shape of the answer follows.
            self._note(block, text)
            self.format_next = following is not None and following.marker is None
            self.examples = following is not None and following.marker is not None
            return
        self.examples = False
        if _EXAMPLES.search(text) and following is not None and following.marker is not None:
            if following.marker.kind == "bullet":
                self.examples = True
                self._note(block, text)
                return
        if block.heading or self._is_heading(block, text, following):
            self.pending_section = text.lstrip("-–— ").strip()
            return
        if (text.startswith("*") and not text.startswith("* ")) or _FOOTNOTE_MARK.match(text):
            self._note(block, text)
            return
        if self._missing_first_item(block, following):
            return
        if self.primary is not None:
            self._paragraph_numbered(block, text, following, index)
        else:
            self._paragraph_unnumbered(block, text, self._list_follows(index))

    def _paragraph_numbered(self, block: _Block, text: str, following: _Block | None, index: int) -> None:
        if _only_delivery(text) or _PLACEHOLDER.match(text):
            self._note(block, text)
            return
        if not self.roots:
            self._to_preamble(block)
            return
        following_style = self._style(following.marker) if following and following.marker else None
        current = self.stack[-1][1] if self.stack else self.roots[-1]
        complete = _segments_text(self.text, self.roots[-1].segments)[-1:] in (".", "?")
        if (
            following_style is not None
            and following_style != self.primary
            and len(self.stack) == 1
            and complete
            and not text[0].islower()
            and not _EXPLANATORY.match(text)
        ):
            self._inferred_root(block, parent_of_list=True, confidence=0.5)
            return
        if text.rstrip().endswith((":", ":-")) and following_style is not None:
            self.pending_context = text
            return
        if _EXPLANATORY.match(text):
            self._note(block, text)
            return
        if not block.blank_before or text[0].islower():
            current.segments.extend(block.segments)
            return
        later_item = any(b.marker is not None for b in self.blocks[index + 1 :])
        if later_item and _QUESTION_SIGNAL.search(text):
            current.segments.extend(block.segments)
        elif not later_item and ("?" in text or (_is_ask_sentence(text) and not _EXPLANATORY.match(text))):
            # an unlabelled ask after the numbered ones ("Please also provide a breakdown by ...")
            self._inferred_root(block, parent_of_list=False, confidence=0.5)
        else:
            self._note(block, text)

    def _paragraph_unnumbered(self, block: _Block, text: str, list_follows: bool) -> None:
        if _only_delivery(text) or _PLACEHOLDER.match(text) or _CHASER.match(text) or _DEFINITION.search(
            _SENTENCE_BREAK.split(text, 1)[0]
        ):
            self._note(block, text)
            return
        if self.roots and list_follows and _FOR_EACH.match(text) and self.roots[-1].inferred and not self.roots[-1].children:
            # "Please provide details of each incident ... / For each incident, please provide: a. b. c.": the list
            # breaks down the question before it.
            self.pending_context = text
            self.stack = [(("para",), self.roots[-1])]
            return
        if list_follows and self.lead_ins >= 2 and text.rstrip().endswith((":", ":-")) and not _EXAMPLES.search(text):
            # "For 2018-2021 please provide: a. ... / For 2016-2021 please provide: a. b. c.": each lead-in is a
            # question of its own, its list the parts.
            self._inferred_root(block, parent_of_list=True, confidence=0.5)
            return
        core = _LEADING_DATES.sub("", text)  # a flattened table row starts with its date cells
        if _PREAMBLE.search(core) and "?" not in text and not (
            _OBJECT_REQUEST.search(text) and not list_follows and not _FOLLOWING.search(text)
        ):
            if self.roots and list_follows:
                self._inferred_root(block, parent_of_list=True, confidence=0.5)
            else:
                self._to_preamble(block)
            return
        if _EXPLANATORY.match(text) and (
            not _CONDITIONAL_ASK.search(text) or text.rstrip().endswith(":") or _ADVICE.search(text)
        ):
            self._note(block, text)
            return
        if self.roots and (text[0].islower() or _CONTINUATION.match(text)):
            target = (
                self.roots[-1] if text[0].islower() else (self.stack[-1][1] if self.stack else self.roots[-1])
            )
            target.segments.extend(block.segments)
            if list_follows and text.rstrip().endswith((":", ":-")):
                self.stack = [(("para",), target)]  # "... for each request, please list:" and its list
            return
        if _narrative(text):
            # "TPS formally provided parking management ... These claims refer to incidents ...": sentences that tell
            # the background and ask nothing.
            if self.roots:
                self._note(block, text)
            else:
                self._to_preamble(block)
            return
        if not _QUESTION_SIGNAL.search(text) and not _CONDITIONAL_ASK.search(text) and not _OBJECT_REQUEST.search(text):
            if list_follows and text.rstrip().endswith((":", ":-")):
                self._inferred_root(block, parent_of_list=True, confidence=0.5)
            elif self.roots:
                self._note(block, text)
            else:
                self._to_preamble(block)
            return
        self._inferred_root(block, parent_of_list=list_follows, confidence=0.6)

    def _inferred_root(self, block: _Block, parent_of_list: bool, confidence: float) -> None:
        pieces = [] if parent_of_list else _asks_in(self.text, block.segments)
        for index, segments in enumerate(pieces or [list(block.segments)]):
            node = _Node("", "", True, ("para",), segments, confidence)
            if index == 0:
                node.context, node.section = self.pending_context, self.pending_section
                self.pending_context = self.pending_section = None
            self._add_root(node)
        self.stack = [(("para",), self.roots[-1])] if parent_of_list else []

    def _note(self, block: _Block, text: str | None = None) -> None:
        self.notes.append(block.text(self.text) if text is None else text)
        self.note_segments.extend(block.segments)

    def _to_preamble(self, block: _Block) -> None:
        text = block.text(self.text)
        if block.marker is not None:
            text = f"{block.marker.label} {text}".strip()
        self.preamble.append(text)
        self.preamble_blocks.append(block)

    def _is_heading(self, block: _Block, text: str, following: _Block | None) -> bool:
        if len(block.segments) != 1 or len(text) > 60 or text[-1] in ".?!:;,":
            return False
        if _DASH_HEADING.match(text):
            return True
        return (
            self.primary is not None
            and bool(self.roots)
            and block.blank_before
            and following is not None
            and following.marker is not None
            and following.blank_before
            and self._style(following.marker) == self.primary
            and not _QUESTION_SIGNAL.search(text)
        )

    def _missing_first_item(self, block: _Block, following: _Block | None) -> bool:
        """ "Grounds for suspicion / b) Doubts ... / c) ...": the first item lost its letter in the paste."""
        if (
            following is None
            or following.marker is None
            or following.blank_before
            or len(block.segments) != 1
        ):
            return False
        marker = following.marker
        if marker.kind not in ("alpha", "digit") or _ordinal(marker) != 2 or len(block.text(self.text)) > 120:
            return False
        style = self._style(marker)
        if any(open_style == style for open_style, _ in self.stack) or (self.roots and style == self.primary):
            return False  # the list is already under way: this line sits between its items
        first = {"digit": "1"}.get(marker.kind) or ("a" if marker.value.islower() else "A")
        if marker.kind == "alpha" and self._style(marker)[0] == "roman":
            first = "i" if marker.value.islower() else "I"
        block.marker = _Marker(marker.kind, first, "")
        block.inferred_marker = True
        self._item(block)
        return True

    def promote_preamble(self) -> bool:
        """No questions, only introductory text: the introduction is the request ("This is a request for ...")."""
        promoted = [
            block
            for block in self.preamble_blocks
            if len(block.text(self.text)) >= 25 and not _BOILERPLATE_ONLY.match(block.text(self.text))
        ]
        lead_ins = [b for b in promoted if _PREAMBLE.search(b.text(self.text)) and b.text(self.text).rstrip().endswith(":")]
        if lead_ins and len(lead_ins) < len(promoted):
            promoted = [block for block in promoted if block not in lead_ins]
        for block in promoted:
            self._add_root(_Node("", "", True, ("para",), list(block.segments), 0.4))
        self.preamble = [block.text(self.text) for block in self.preamble_blocks if block not in promoted]
        return bool(promoted)


def _freeze(
    text: str, node: _Node, source: Source, strip_quote: bool, depth: int = 0, index: int = 0
) -> Question:
    number = node.number
    if not number:
        number = _inferred_number(depth, index)
    parts = tuple(
        _freeze(text, child, source, strip_quote, depth + 1, position)
        for position, child in enumerate(node.children)
    )
    body = _segments_text(text, node.segments)
    if strip_quote:
        body = body.strip("\"'“”‘’").strip()
    body = body.strip("*_ ").strip()
    start = node.segments[0][0] if node.segments else 0
    end = node.segments[-1][1] if node.segments else 0
    return Question(
        number=number,
        text=body,
        parts=parts,
        label=node.label,
        inferred=node.inferred,
        span=Span(start, max(start, end), source),
        confidence=node.confidence,
        context=node.context,
        section=node.section,
    )


def _inferred_number(depth: int, index: int) -> str:
    if depth == 0:
        return str(index + 1)
    if depth == 1:
        return _letters(index)
    if depth == 2:
        return _roman(index + 1)
    return str(index + 1)


def _letters(index: int) -> str:
    result = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        result = chr(97 + remainder) + result
    return result


def _roman(number: int) -> str:
    numerals = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    result = ""
    for value, numeral in numerals:
        while number >= value:
            result += numeral
            number -= value
    return result


_SENTENCE_BREAK = re.compile(r"(?<=[.?!])[\"”’')]?\s+(?=[A-Z“\"'‘(])")
_ASK_SENTENCE = re.compile(
    # "If so, can I ask ...", "If such requirements exist, please share ...": an ask behind a condition.
    r"^\W{0,3}(?:if\s+(?:so|not|yes|no|such\s[^,.?]{1,60}|this\s+is\s+the\s+case|there\s+are\s+any)\s*,\s*)?"
    # "Additionally, could you ...", "Specifically, under the FOI legislation, I request ...", "Lastly, ..."
    r"(?:(?:specifically|additionally|also|lastly|finally|secondly|thirdly|furthermore|moreover|further|firstly|next)\s*,\s*"
    r"(?:under\s+the\s+[\w ]{1,40}?,\s*)?)?"
    r"(?:please|can\s+(?:you|this|these|the|I)|could\s+(?:you|this|these|the|I)|would\s+you|how\s+(?:many|much|often|long)"
    r"|what|which|where|when|who|whether|do\s+(?:you|the|any|your|they)|does|did|is\s+there|are\s+there|has|have|figures|the\s+number"
    r"|(?:is|was)\s+(?:it|this|that|there)|(?:are|were)\s+(?:they|these|those|there|any)|will|should"
    r"|(?:to|in|for|from|under|by)\s+(?:which|whom|what)"
    r"|I(?:\s+would|'d|’d)\s+(?:also\s+)?like|I\s+(?:also\s+)?(?:request|want|need)|also,?\s+please|in\s+addition"
    r"|I\s+(?:would\s+be|am)\s+(?:also\s+)?interested)\b",
    re.IGNORECASE,
)


def _asks_in(text: str, segments: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """A paragraph that asks several things ("Please provide X. Can this be broken down by Y?") as one
    segment list per ask; empty when it asks one thing. A sentence that asks nothing stays with the ask
    before it (or the first ask, when it comes first)."""
    sentences: list[list[tuple[int, int]]] = [[]]
    for start, end in segments:
        position = start
        for match in _SENTENCE_BREAK.finditer(text, start, end):
            sentences[-1].append((position, match.start()))
            sentences.append([])
            position = match.end()
        sentences[-1].append((position, end))
        if text[start:end].rstrip().rstrip("\"”’')").endswith(("?", ".", "!")):
            sentences.append([])  # a line that ends a sentence: the next line starts another
    sentences = [s for s in sentences if _segments_text(text, s)]
    if len(sentences) < 2:
        return []
    asks = [_is_ask_sentence(_segments_text(text, s)) for s in sentences]
    if sum(asks) < 2:
        return []
    pieces: list[list[tuple[int, int]]] = []
    pending: list[tuple[int, int]] = []
    for sentence, is_ask in zip(sentences, asks, strict=True):
        if is_ask or not pieces:
            pieces.append(pending + sentence)
            pending = []
        else:
            pieces[-1].extend(sentence)
    return pieces


#: "Please show this as one figure": how to answer, not another question.
_FORMAT_SENTENCE = re.compile(
    r"^\W{0,3}please\s+(?:show|provide|present|give|send|supply|set\s+out)\s+(?:this|these|it|them|the\s+(?:data|information|figures|answer))"
    r"\s+(?:as|in|by|electronically|separately)\b",
    re.IGNORECASE,
)


#: How or when to send the answer, or a request to acknowledge or to be contacted: not a question.
_DELIVERY = re.compile(
    r"\b(?:acknowledge\s+(?:that\s+you\s+have\s+received|receipt)|confirm\s+receipt"
    r"|(?:receive|send|provide|supply|return|input|enter)\s+(?:me\s+|us\s+)?(?:with\s+)?(?:this|the|these|your|all\s+the)?\s*"
    r"(?:information|answers?|responses?|reply|data|figures)\s+(?:to\s+(?:me|us)\s+)?"
    r"(?:to\s+all\s+of\s+the\s+above\s+questions\s+)?"
    r"(?:by|via|in|into|through|within|as|on)\s+(?:e-?mail|electronic|post|downloading|filling|completing|the\s+attached"
    r"|this\s+(?:read-only\s+)?\w*sheet|a\s+(?:spreadsheet|csv|excel)|\d{1,2}\s+working\s+days)"
    r"|send\s+the\s+information\s+to\b|contact\s+me\s+(?:with|if|on|at)\b"
    r"|(?:request|this)\s+(?:could|can|would|will)\s+be\s+(?:finalised|dealt\s+with|answered|processed)\s+(?:at\s+the\s+earliest|as\s+soon|promptly|quickly))",
    re.IGNORECASE,
)


def _only_delivery(text: str) -> bool:
    """Every sentence of a paragraph is about delivery, format or contact ("Please could I receive this by email
    within 20 working days. Please send it to the email above.")."""
    sentences = [piece for piece in _SENTENCE_BREAK.split(text) if piece.strip()]
    return bool(sentences) and all(
        _DELIVERY.search(sentence) or _FORMAT_SENTENCE.match(sentence) for sentence in sentences
    )


def _narrative(text: str) -> bool:
    """Two or more sentences, none of them asking (no question mark, no ask, no polite condition)."""
    if "?" in text or _CONDITIONAL_ASK.search(text) or _OBJECT_REQUEST.search(text):
        return False
    sentences = [piece for piece in _SENTENCE_BREAK.split(text) if piece.strip()]
    return len(sentences) >= 2 and not any(
        _ASK_SENTENCE.match(sentence) or _QUESTION_VERB.search(sentence) for sentence in sentences
    )


#: Words that ask inside a sentence ("I would like the figures", "Can this be broken down"), beyond its opening.
_QUESTION_VERB = re.compile(
    r"\b(?:please|could\s+you|can\s+you|would\s+you|I\s+(?:would|'d|’d)\s+like|I\s+(?:wish|want|need)\s+to|I\s+(?:[a-z]+\s+)?request"
    r"|request(?:ing)?\s+(?:details|copies|a\s+copy|information|all|any)"
    r"|provide|supply|send\s+me|disclose|break\s*down|broken\s+down|hoffwn|gofyn)\b",
    re.IGNORECASE,
)


def _is_ask_sentence(sentence: str) -> bool:
    if _FORMAT_SENTENCE.match(sentence) or _ADVICE.search(sentence) or _DELIVERY.search(sentence):
        return False
    return bool(_ASK_SENTENCE.match(sentence))
