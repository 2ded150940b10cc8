"""Dates in request texts: the received date and the periods a request covers.

Requesters and response letters write dates every way people do ("9th February", "1 Apr 2024",
"2018/19", "2023 (to date), 2022 and 2021", "the last five years", Welsh "11 Ebrill 2024"). Everything
here is a pure function of the text and a reference date passed in, so that a request read on a
different day reads the same way. Every pattern is linear: bounded repetitions only, no nested
quantifiers, because intake texts can be 40,000 characters long.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

MONTHS: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
    # Welsh, for the force's Welsh-language requests and disclosure logs.
    "ionawr": 1, "chwefror": 2, "mawrth": 3, "ebrill": 4, "mai": 5, "mehefin": 6, "gorffennaf": 7,
    "awst": 8, "medi": 9, "hydref": 10, "tachwedd": 11, "rhagfyr": 12,
}  # fmt: skip


def word_alternation(words: list[str] | dict[str, int] | frozenset[str]) -> str:
    """A regex matching any of ``words``, written as a trie ("j(?:an(?:uary)?|u(?:l|n)...)").

    Python's regex engine tries a flat alternation word by word at every position; the trie form fails
    after one character on most text, which halves the cost of scanning a long request.
    """
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + emit(node[char]) for char in sorted(key for key in node if key)]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(tree)


_MON = r"\b" + word_alternation(MONTHS) + r"\b\.?"
_ORD = r"(?:\^?(?:st|nd|rd|th))?"
_YEAR4 = r"(?:19|20)\d{2}"
#: A table flattened to text runs its cells together ("15 April 201118 May 2011"): a year may be followed
#: straight away by the next cell's date.
_GLUED = r"(?=\d{1,2}[ \t]{1,3}" + _MON + ")"

#: One date-ish expression. The alternatives are tried in order, longest forms first.
DATE_TOKEN = re.compile(
    rf"""
    (?<!\w)
    (?:
      (?=\d)  # led by a digit: the engine tries only these when the word starts with one
      (?:
        (?P<dmy>(?P<dmy_d>\d{{1,2}}){_ORD}\s{{1,3}}(?:of\s{{1,3}})?(?P<dmy_m>{_MON}),?\s{{1,3}}(?P<dmy_y>{_YEAR4})(?:(?!\d)|{_GLUED}))
      | (?P<num>(?<![\d/.])(?P<num_d>\d{{1,2}})[/.](?P<num_m>\d{{1,2}})[/.](?P<num_y>(?:19|20)?\d{{2}})(?![\d/]|\.\d))
      | (?P<dash>(?P<dash_d>\d{{1,2}})-(?P<dash_m>{_MON})-(?P<dash_y>(?:19|20)?\d{{2}})(?!\d))
      | (?P<dm>(?P<dm_d>\d{{1,2}}){_ORD}\s{{1,3}}(?:of\s{{1,3}})?(?P<dm_m>{_MON}))
      | (?P<fy>(?<![\w/.-])(?P<fy_a>{_YEAR4})\s?(?P<fy_sep>[/-])\s?(?P<fy_b>(?:19|20)?\d{{2}})(?![\d/]))
      | (?P<year>(?<![\w/.-])(?P<year_y>{_YEAR4})(?![\d/]))
      )
    | (?=[JFMASONDICEGHTRjfmasondiceghtr])  # led by a month's first letter
      (?:
        (?P<mdy>(?P<mdy_m>{_MON})\s{{1,3}}(?P<mdy_d>\d{{1,2}}){_ORD},?\s{{1,3}}(?P<mdy_y>{_YEAR4})(?!\d))
      | (?P<my>(?P<my_m>{_MON}),?\s{{1,3}}(?P<my_y>{_YEAR4})(?!\d))
      | (?P<md>(?P<md_m>{_MON})\s{{1,3}}(?P<md_d>\d{{1,2}}){_ORD}\b)
      | (?P<mon>{_MON})
      )
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)

#: A short financial year in a list ("2020/21, 21/22, 22/23"), only read right after another financial year.
_SHORT_FY = re.compile(r"(?<![\w/.-])(\d{2})\s?/\s?(\d{2})(?![\d/])")

_RANGE_GAP = re.compile(
    r"\s{0,3}(?:-{1,2}|–|—|to(?:\s+the\s+end\s+of)?|till|until|through(?:\s+to)?|thru|up\s+(?:to|until)(?:\s+and\s+including)?)\s{0,3}",
    re.IGNORECASE,
)
_BETWEEN_GAP = re.compile(r"\s{1,3}(?:and|a|ac|&)\s{1,3}", re.IGNORECASE)
_BETWEEN_BEFORE = re.compile(
    r"\b(?:between|rhwng)\s{1,3}(?:the\s{1,3})?(?:(?:calendar|financial)\s{1,3})?(?:(?:years|dates|months|period)\s{1,3}(?:of\s{1,3})?)?$",
    re.IGNORECASE,
)
_FROM_BEFORE = re.compile(r"(?<!backwards )(?<!back )\b(?:from|since|o)\s{1,3}$", re.IGNORECASE)
_ENUM_GAP = re.compile(
    r"\)?\s{0,3}(?:,\s{0,3}(?:and\s{1,3}|&\s{0,3})?|and\s{1,3}|&\s{0,3}|a\s{1,3}|ac\s{1,3})(?P<sofar>(?:so\s+far|to\s+date)\s+in\s{1,3})?\(?"
    # "calendar years:\n a. 2013\n b. 2014": years listed one a line, lettered, numbered or bulleted
    r"|[ \t]*,?[ \t]*\n(?:[ \t]*\n){0,2}[ \t]*(?:\(?[a-zA-Z]{1,3}[.)]|\d{1,2}[.)]|[-•*–])?[ \t]*",
    re.IGNORECASE,
)
_SINGLE_BEFORE = re.compile(
    r"(?:\b(?:for|during|in|(?:during|in|for)\s+the|in\s+the\s+year|(?:calendar|financial)\s+years?|FY|years?|ar\s+gyfer)\s{1,3}|^\s{0,3})$",
    re.IGNORECASE,
)
#: Years that name an Act or a regulation, not a period ("Data Protection Act 2018").
_STATUTE_BEFORE = re.compile(
    r"\b(?:Act|Acts|Regulations|Rules|Order|Measure|PCA|Code|Directive|Ddeddf)\s{0,2}\(?\s{0,2}$",
    re.IGNORECASE,
)
_NOW_AFTER = re.compile(
    r"\s{0,3}(?:-|–|—|to|until|till|up\s+(?:to|until))\s{0,3}(?:the\s+)?"
    r"(?:present(?:\s+day)?|date|now|today|the\s+present|current\s+date|hyd\s+yn\s+hyn)\b"
    r"|\s{1,3}hyd\s+yn\s+hyn\b",
    re.IGNORECASE,
)
#: "(to date)", "(to July)", "through to end of August", "year to date", after a year in a list.
_QUALIFIER = re.compile(
    rf"\s{{0,3}}\(?\s{{0,2}}(?:(?P<todate>to\s+date|so\s+far|year\s+to\s+date)"
    rf"|(?:to|through\s+to|up\s+to|until)\s+(?:the\s+)?(?:end\s+of\s+)?(?P<month>{_MON}))\s{{0,2}}\)?",
    re.IGNORECASE,
)
_FY_LIST_GAP = re.compile(r"\s{0,3}(?:,|/|and|&|,\s*and)\s{0,3}", re.IGNORECASE)
_FINANCIAL_BEFORE = re.compile(r"\bfinancial\s+years?\b[^.\n]{0,50}$", re.IGNORECASE)
_YEAR_TO_DATE_BEFORE = re.compile(r"\byear\s+to\s+date\s{1,3}$", re.IGNORECASE)

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
}  # fmt: skip
RELATIVE = re.compile(
    r"\b(?=[tlpTLP])(?:the\s+)?(?:last|past|previous|preceding)\s+(?P<n>\d{1,2}|"
    + "|".join(_NUMBER_WORDS)
    + r")?\s{0,3}(?:(?:full|complete|calendar|financial)\s+)?(?P<unit>years?|months?|weeks?)\b",
    re.IGNORECASE,
)

#: A date alone on its line near the top of a letter: the letter's own date.
LETTER_DATE = re.compile(
    rf"^[ \t]*(?:Date(?:d)?\s{{0,2}}[:\-]?\s{{0,2}})?(?P<date>\d{{1,2}}{_ORD}\s{{1,3}}{_MON},?\s{{1,3}}{_YEAR4}|{_MON}\s{{1,3}}\d{{1,2}}{_ORD},?\s{{1,3}}{_YEAR4}|\d{{1,2}}/\d{{1,2}}/{_YEAR4})[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_ANY_YEAR = re.compile(rf"(?<![\w/.-])({_YEAR4})(?![\d/])")
_RECEIVED_WORD = re.compile(
    r"\b(?=[rdslfRDSLF])(?:received|date\s+of\s+receipt|receipt\s+date|date\s+(?:submitted|of\s+request|request\s+received)"
    r"|submitted|logged|first\s+notified(?:\s+to\s+[\w ]{1,40}?)?|dated|requested)\b"
    r"[ \t]{0,3}:?",
    re.IGNORECASE,
)
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun)\.?|(?:mon|tues|wednes|thurs|fri|satur|sun)day),?[ \t]{1,3}"
_RECEIVED_LEAD = re.compile(
    r"[ \t\n]{0,12}(?:[-•*][ \t]{1,3})?"  # "- Date received / - 29 January 2020": a value under its label
    r"(?:(?:at|by|in|into)[ \t\n]+(?:(?:this|our|the)[ \t\n]+)?[\w ()'’.&\n-]{1,80}?[ \t\n]+on[ \t\n]+|on[ \t\n]+)?"
    r"(?:the[ \t]+)?(?:" + _WEEKDAY + r"(?:the[ \t]+)?)?",
    re.IGNORECASE,
)
#: "Date received  Date due  Date completed ...": a table's column headings, its first row on the next line.
_DATE_COLUMN = re.compile(r"\bdate(?:\s+(?:of\s+)?[a-z]+)?", re.IGNORECASE)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_RECEIVED_CONTEXT = re.compile(
    r"\b(?:request|requests|cais|application|e-?\s?mail|letter|FOI|correspondence|enquiry|date|information)\b",
    re.IGNORECASE,
)
#: "dated" only counts after the request's own name: "your email dated 9th February", not "a letter dated".
_DATED_CONTEXT = re.compile(
    r"\byour\s+(?:e-?\s?mail|letter|request|correspondence|message|application)(?:\s+for\s+information)?\s*$", re.IGNORECASE
)
#: A text is read month-first ("5/16/2024") only when it is plainly American.
AMERICAN = re.compile(
    r"\b(?:Public\s+Records\s+Act|public\s+records\s+request|ILCS|RCW\b|U\.S\.C\.|MuckRock|FOIA\s+Officer"
    r"|Sunshine\s+(?:Amendment|Law)|Police\s+Department\s+of|Illinois|California|Delaware|Texas|New\s+York\s+State)\b"
)
_REQUEST_MADE = re.compile(
    r"\b(?=[rwsmoROWSM])(?:request(?:ed)?|wrote|submitted|made\s+a\s+request)\b[^.\n]{0,160}?\bon\s+(?:the\s+)?(?=\d)"
    r"|\b(?-i:On)\s+(?=\d{1,2}(?:st|nd|rd|th)?\s)",
    re.IGNORECASE,
)
_REQUEST_VERB_AFTER = re.compile(
    r"[^.\n]{0,250}?\b(?:requested|wrote|made\s+(?:a|an|the|this)\b[^.\n]{0,60}?\brequest|submitted|request\s+was\s+made)\b",
    re.IGNORECASE
)


#: Dates written straight after a relative period ("the previous two financial years (2022/23) and (2021/22)").
_EXPLICIT_AFTER = re.compile(
    r"[ \t]{0,3}(?:\(|:|-|–|,)?[ \t]{0,3}(?:(?:from|between|of|i\.e\.,?|namely)[ \t]{1,3})?\(?[ \t]{0,2}"
    r"(?:\d{1,2}(?:st|nd|rd|th)?[ \t]{1,3}" + _MON + r"|" + _MON + r"[ \t]{1,3}\d|(?:19|20)\d{2})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateToken:
    """A date-ish expression: a day, a month, a year or a financial year, with the parts it states."""

    kind: str  # full | dm | md | my | fy | year | mon
    start: int
    end: int
    year: int | None = None
    month: int | None = None
    day: int | None = None

    def first_day(self) -> date | None:
        if self.year is None:
            return None
        if self.kind == "fy":
            return date(self.year, 4, 1)
        if self.day is not None and self.month is not None:
            return _safe_date(self.year, self.month, self.day)
        return date(self.year, self.month or 1, 1)

    def last_day(self) -> date | None:
        if self.year is None:
            return None
        if self.kind == "fy":
            return date(self.year + 1, 3, 31)
        if self.day is not None and self.month is not None:
            return _safe_date(self.year, self.month, self.day)
        if self.month is not None:
            return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return date(self.year, 12, 31)

    def with_year(self, year: int) -> DateToken:
        return DateToken(self.kind, self.start, self.end, year, self.month, self.day)


@dataclass(frozen=True)
class FoundDate:
    """A received date read from a phrase, before it becomes a :class:`Received`."""

    day: date
    start: int
    end: int
    year_inferred: bool
    confidence: float


@dataclass(frozen=True)
class FoundPeriod:
    start: date
    end: date
    text_start: int
    text_end: int
    confidence: float
    relative: bool


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month(word: str) -> int | None:
    key = word.lower().rstrip(".")
    if key == "may" and word[:1].islower():
        return None  # "please may you provide" is not a month
    return MONTHS.get(key)


def token_at(match: re.Match[str]) -> DateToken | None:
    """Turn a :data:`DATE_TOKEN` match into a :class:`DateToken`, or None when the parts are not a date."""
    kind = match.lastgroup
    g = match.group
    start, end = match.span()
    if kind == "dmy" or kind == "mdy":
        month = _month(g(f"{kind}_m"))
        year, day = int(g(f"{kind}_y")), int(g(f"{kind}_d"))
        if month is None or _safe_date(year, month, day) is None:
            return None
        return DateToken("full", start, end, year, month, day)
    if kind == "dash":  # "23-MAR-2011", "23-MAR-11", as case systems print dates
        month = _month(g("dash_m").lower())
        year_text = g("dash_y")
        year, day = int(year_text) + (2000 if len(year_text) == 2 else 0), int(g("dash_d"))
        if month is None or _safe_date(year, month, day) is None:
            return None
        return DateToken("full", start, end, year, month, day)
    if kind == "num":
        day, month, year_text = int(g("num_d")), int(g("num_m")), g("num_y")
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        if _safe_date(year, month, day) is None:
            return None
        return DateToken("full", start, end, year, month, day)
    if kind in ("dm", "md"):
        month = _month(g(f"{kind}_m"))
        day = int(g(f"{kind}_d"))
        if month is None or not 1 <= day <= 31:
            return None
        return DateToken("dm", start, end, None, month, day)
    if kind == "my":
        month = _month(g("my_m"))
        if month is None:
            return None
        return DateToken("my", start, end, int(g("my_y")), month)
    if kind == "fy":
        first, second_text, sep = int(g("fy_a")), g("fy_b"), g("fy_sep")
        second = int(second_text) if len(second_text) == 4 else (first // 100) * 100 + int(second_text)
        if second == first + 1 and (sep == "/" or len(second_text) == 2):
            return DateToken("fy", start, end, first)
        if first < second <= first + 50:
            # "2016-2018" or "2016-18": a run of calendar years, read as a range by the caller.
            return DateToken("years", start, end, first, None, second)
        return None
    if kind == "year":
        return DateToken("year", start, end, int(g("year_y")))
    if kind == "mon":
        month = _month(g("mon"))
        return DateToken("mon", start, end, None, month) if month else None
    return None  # pragma: no cover - every alternative is named


#: Where a date token can start: a digit or a month name at the start of a word. Scanning for these first
#: and matching :data:`DATE_TOKEN` only there is twice as fast as letting it scan a long text itself.
_DATE_START = re.compile(r"(?<!\w)(?:\d|(?=[JFMASONDICEGHTRjfmasondiceghtr])" + _MON + ")", re.IGNORECASE)


def date_tokens(text: str, start: int = 0, end: int | None = None) -> list[DateToken]:
    end = len(text) if end is None else end
    tokens: list[DateToken] = []
    covered = start
    for candidate in _DATE_START.finditer(text, start, end):
        if candidate.start() < covered:
            continue
        match = DATE_TOKEN.match(text, candidate.start(), end)
        if match is None:
            continue
        covered = match.end()
        token = token_at(match)
        if token is None:
            continue
        if token.kind in ("year", "fy", "years") and _STATUTE_BEFORE.search(
            text, max(0, token.start - 16), token.start
        ):
            continue
        tokens.append(token)
        if token.kind == "fy":
            tokens.extend(_short_fy_run(text, token, end))
    tokens.sort(key=lambda t: t.start)
    return tokens


def _short_fy_run(text: str, first: DateToken, end: int) -> list[DateToken]:
    """Read "21/22, 22/23" after "2020/21," as the financial years that follow it."""
    found: list[DateToken] = []
    previous = first
    while True:
        gap = _ENUM_GAP.match(text, previous.end, end)
        if not gap:
            return found
        match = _SHORT_FY.match(text, gap.end(), end)
        if not match:
            return found
        a, b = int(match.group(1)), int(match.group(2))
        year = (previous.year or 0) // 100 * 100 + a
        if b != (a + 1) % 100 or year != (previous.year or 0) + 1:
            return found
        previous = DateToken("fy", match.start(), match.end(), year)
        found.append(previous)


# --------------------------------------------------------------------------------------------- received


def letter_date(text: str) -> date | None:
    """The date a letter is dated: the first line holding only a full date."""
    for match in LETTER_DATE.finditer(text):
        token_match = DATE_TOKEN.match(text, match.start("date"))
        token = token_at(token_match) if token_match else None
        if token and token.kind == "full":
            return token.first_day()
    return None


#: A full date alone on its line, with nothing else: a message's date in a pasted thread or log entry.
_BARE_DATE_LINE = re.compile(
    rf"^[ \t]*(?:{_WEEKDAY})?(?P<date>\d{{1,2}}{_ORD}\s{{1,3}}{_MON},?\s{{1,3}}{_YEAR4}|{_MON}\s{{1,3}}\d{{1,2}}{_ORD},?\s{{1,3}}{_YEAR4})[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
#: Signs that the text above a date is a reply to the requester, so the date is the reply's, not the request's.
_REPLY_MARK = re.compile(
    r"\b(?:Our|Your)\s+ref\b|^[ \t]*Dear\s+(?:Mr|Mrs|Ms|Miss|Mx|Dr)\b|\bthank\s+you\s+for\s+your\b|\bI\s+write\b"
    r"|\bI\s+refer\s+to\b|^[ \t]*Re\s*:",
    re.IGNORECASE | re.MULTILINE,
)


_OTHER_DATE_LABEL = re.compile(
    r"\b(?:respon[sd]\w*|repl(?:y|ied)|published|decision|decided|completed|closed|updated|due|deadline|issued)\b",
    re.IGNORECASE,
)


def heading_date(text: str, before: int) -> FoundDate | None:
    """The date heading a request message: "Owen / 1 August 2009 / Dear Sir or Madam" on WhatDoTheyKnow, "09
    July 2021" above a web form's fields in a disclosure log. Only a date alone on its line, above the
    request's first question (``before``), in a text that is not a reply: a reply's date is not the request's."""
    for match in _BARE_DATE_LINE.finditer(text, 0, before):
        if _REPLY_MARK.search(text, 0, before):
            return None
        above = text[: match.start()].rstrip().rsplit("\n", 1)[-1]
        if len(above) <= 40 and _OTHER_DATE_LABEL.search(above):
            continue  # "Response date / 8 March 2022": a label above names the date as another one
        token_match = DATE_TOKEN.match(text, match.start("date"))
        token = token_at(token_match) if token_match else None
        if token is not None and token.kind == "full" and token.first_day() is not None:
            return FoundDate(token.first_day() or date.min, match.start("date"), token.end, False, 0.6)
    return None


def infer_year(
    month: int, day: int, text: str, today: date, anchor: date | None
) -> tuple[date, float] | None:
    """The year of a day-and-month date, never in the future.

    The letter's own date is the best anchor (a request is received before the reply is written); else
    the latest year the text mentions that does not put the date after ``today``; else this year or last.
    """
    if anchor is not None:
        candidate = _safe_date(anchor.year, month, day)
        if candidate is not None and candidate > anchor:
            candidate = _safe_date(anchor.year - 1, month, day)
        if candidate is not None and candidate <= today:
            return candidate, 0.75
    years = sorted({int(y) for y in _ANY_YEAR.findall(text) if int(y) <= today.year}, reverse=True)
    for year in years[:1]:
        candidate = _safe_date(year, month, day)
        if candidate is not None and candidate > today:
            candidate = _safe_date(year - 1, month, day)
        if candidate is not None:
            return candidate, 0.6
    candidate = _safe_date(today.year, month, day)
    if candidate is not None and candidate > today:
        candidate = _safe_date(today.year - 1, month, day)
    return (candidate, 0.45) if candidate else None


_NUMERIC_DATE = re.compile(r"(?P<num_d>\d{1,2})[/.](?P<num_m>\d{1,2})[/.](?P<num_y>(?:19|20)?\d{2})(?![\d/]|\.\d)")


def month_first(match: re.Match[str]) -> DateToken | None:
    """A numeric date read the American way: the first number is the month."""
    first, second, year_text = int(match.group("num_d")), int(match.group("num_m")), match.group("num_y")
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    if _safe_date(year, first, second) is None:
        return None
    start, end = match.span()
    return DateToken("full", start, end, year, first, second)


def received_phrase(text: str, today: date, anchor: date | None) -> FoundDate | None:
    """A received date the text states: "your request for information received on 9th February",
    "Date received: 09/01/2013", "your email dated 9 January 2013", "logged on 10 August 2009".

    ``anchor`` is the letter's own date (:func:`letter_date`), the best guide to a missing year. Numeric
    dates are day-first unless the text is plainly American.
    """
    american = bool(AMERICAN.search(text[:20_000]))
    for match in _RECEIVED_WORD.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        # A hard-wrapped email breaks "your request ... which we received on" over lines: look back within
        # the paragraph, not only the line.
        paragraph_start = max(
            (m.end() for m in _PARAGRAPH_BREAK.finditer(text, max(0, match.start() - 240), match.start())),
            default=0,
        )
        before = text[max(paragraph_start, match.start() - 240) : match.start()]
        labelled = match.group().rstrip().endswith(":") or not text[line_start : match.start()].strip()
        word = match.group().lower()
        if word.startswith("dated") and not _DATED_CONTEXT.search(text, max(0, match.start() - 40), match.start()):
            continue
        if word.startswith("requested") and not labelled:
            continue  # "Requested Thu 01 June 2023" heads a log entry; "you requested the" is prose
        column = _table_column_date(text, match, line_start)
        if column is not None:
            found = _resolve_day(column, text, today, anchor)
            if found is not None:
                return FoundDate(found[0], line_start, column.end, column.year is None, min(found[1], 0.7))
            continue
        if not labelled and not _RECEIVED_CONTEXT.search(before):
            continue
        lead = _RECEIVED_LEAD.match(text, match.end())
        position = lead.end() if lead else match.end()
        token_match = DATE_TOKEN.match(text, position)
        token = token_at(token_match) if token_match else None
        if american and token_match is not None and token_match.lastgroup == "num":
            token = month_first(token_match) or token
        elif token is None and american:
            numeric = _NUMERIC_DATE.match(text, position)
            token = month_first(numeric) if numeric else None
        if token is None or token.kind not in ("full", "dm"):
            continue
        found = _resolve_day(token, text, today, anchor)
        if found is not None:
            # A label ("Date received:") is shown whole, so the team sees the words the date came from.
            start = line_start if labelled and match.start() - line_start <= 30 else match.start()
            return FoundDate(found[0], start, token.end, token.year is None, found[1])
    return None


def _table_column_date(text: str, match: re.Match[str], line_start: int) -> DateToken | None:
    """The received date from a table flattened to text: a heading line of columns ("Date received Date due
    Date completed Information asked for") and, on the next line, the row's dates in the same order."""
    line_end = text.find("\n", match.end())
    line_end = len(text) if line_end < 0 else line_end
    heading = text[line_start:line_end]
    columns = list(_DATE_COLUMN.finditer(heading))
    if len(columns) < 2 or any(char.isdigit() for char in heading) or ":" in heading:
        return None
    position = match.start() - line_start
    index = next((i for i, column in enumerate(columns) if column.start() <= position < column.end() + 1), None)
    if index is None:
        return None
    row_end = text.find("\n", line_end + 1)
    row = (line_end + 1, len(text) if row_end < 0 else row_end)
    tokens: list[DateToken] = []
    position = row[0]
    while len(tokens) <= index:
        token_match = DATE_TOKEN.match(text, position, row[1])
        token = token_at(token_match) if token_match else None
        if token is None or token.kind not in ("full", "dm"):
            break
        tokens.append(token)
        position = token.end
        while position < row[1] and text[position] in " \t|,;":
            position += 1
    return tokens[index] if index < len(tokens) else None


def request_made_date(text: str, today: date, anchor: date | None) -> FoundDate | None:
    """The day a request was made, as a tribunal decision or a letter tells it ("On 2 June 2021, ... wrote")."""
    for match in _REQUEST_MADE.finditer(text):
        token_match = DATE_TOKEN.match(text, match.end())
        token = token_at(token_match) if token_match else None
        if token is None or token.kind not in ("full", "dm"):
            continue
        if match.group().lower().startswith("on") and not _REQUEST_VERB_AFTER.match(text, token.end):
            continue
        found = _resolve_day(token, text, today, anchor)
        if found is not None:
            return FoundDate(found[0], match.start(), token.end, token.year is None, min(found[1], 0.6))
    return None


def _resolve_day(token: DateToken, text: str, today: date, anchor: date | None) -> tuple[date, float] | None:
    if token.year is not None:
        day = token.first_day()
        return (day, 0.85) if day else None
    if token.month is None or token.day is None:
        return None
    return infer_year(token.month, token.day, text, today, anchor)


# ---------------------------------------------------------------------------------------------- periods


def find_periods(text: str, start: int, end: int, reference: date) -> list[FoundPeriod]:
    """The periods a request covers, in the order written, without duplicates.

    ``reference`` closes open ranges ("2019 to present", "last five years"): the received date when known,
    else today.
    """
    tokens = date_tokens(text, start, end)
    found: list[FoundPeriod] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        consumed = _years_ending(text, tokens, i, found)
        if consumed:
            i += consumed
            continue
        consumed = _range(text, tokens, i, reference, found)
        if consumed:
            i += consumed
            continue
        consumed = _enumeration(text, tokens, i, reference, found)
        if consumed:
            i += consumed
            continue
        if token.kind in ("full", "my", "year", "fy") and _FROM_BEFORE.search(
            text, max(0, token.start - 8), token.start
        ):
            first = token.first_day()
            if first and first <= reference:
                found.append(FoundPeriod(first, reference, token.start, token.end, 0.6, True))
        i += 1
    for match in RELATIVE.finditer(text, start, end):
        if _EXPLICIT_AFTER.match(text, match.end(), end):
            continue  # "the past five years from January 2012 to January 2017": the dates say which years
        amount_text = (match.group("n") or "1").lower()
        amount = _NUMBER_WORDS.get(amount_text) or int(amount_text)
        unit = match.group("unit").lower().rstrip("s")
        delta = {"year": relativedelta(years=amount), "month": relativedelta(months=amount)}.get(
            unit, relativedelta(weeks=amount)
        )
        found.append(
            FoundPeriod(
                reference - delta + timedelta(days=1), reference, match.start(), match.end(), 0.55, True
            )
        )
    unique: dict[tuple[date, date], FoundPeriod] = {}
    for period in sorted(found, key=lambda p: p.text_start):
        unique.setdefault((period.start, period.end), period)
    # "between 2005 and 2022 ... opening hours in year 2005, 2006": a single year named inside a longer range the
    # request asks for is part of it, not another period.
    return [
        period
        for period in unique.values()
        if period.relative
        or (period.end - period.start).days > 366
        or not any(
            other is not period
            and other.start <= period.start
            and period.end <= other.end
            and (other.end - other.start).days > 366
            for other in unique.values()
        )
    ]


_YEAR_ENDING = re.compile(r"\byears?\s{1,3}end(?:ing|ed)\s{1,3}(?:on\s{1,3})?(?:the\s{1,3})?$", re.IGNORECASE)


def _years_ending(text: str, tokens: list[DateToken], i: int, found: list[FoundPeriod]) -> int:
    """ "the year ending 31 March 2020", "the past three force years ending 31st March, 2019, 2020 and 2021": twelve
    months up to each date, the later years taking the first one's day and month."""
    token = tokens[i]
    if token.kind != "full" or not _YEAR_ENDING.search(text, max(0, token.start - 40), token.start):
        return 0
    ends = [token.first_day()]
    used, position = 1, token.end
    while i + used < len(tokens):
        following = tokens[i + used]
        if following.kind != "year" or not _ENUM_GAP.fullmatch(text[position : following.start]):
            break
        ends.append(_safe_date(following.year or 0, token.month or 1, token.day or 1))
        used, position = used + 1, following.end
    days = sorted(day for day in ends if day is not None)
    if not days:
        return 0
    first = days[0] - relativedelta(years=1) + timedelta(days=1)
    found.append(FoundPeriod(first, days[-1], token.start, position, 0.8, False))
    return used


def _range(text: str, tokens: list[DateToken], i: int, reference: date, found: list[FoundPeriod]) -> int:
    """Read ``tokens[i]`` as the start of a range; return how many tokens it used (0 if it is not one)."""
    token = tokens[i]
    if token.kind == "years" and token.day == (token.year or 0) + 1 and _FINANCIAL_BEFORE.search(
        text, max(0, token.start - 60), token.start
    ):
        # "financial years 2020-2021 and 2021-2022": each is April to March, not two calendar years; the
        # years listed together make one stretch, as with "2018/19, 2019/20".
        first, last = date(token.year or 0, 4, 1), date(token.day or 0, 3, 31)
        used, end = 1, token.end
        while i + used < len(tokens):
            following = tokens[i + used]
            if not (
                following.kind == "years"
                and following.day == (following.year or 0) + 1
                and following.year == last.year
                and _FY_LIST_GAP.fullmatch(text[end : following.start])
            ):
                break
            last, end, used = date(following.day or 0, 3, 31), following.end, used + 1
        found.append(FoundPeriod(first, last, token.start, end, 0.8, False))
        return used
    if token.kind == "years":
        first, last = date(token.year or 0, 1, 1), date(token.day or 0, 12, 31)
        found.append(FoundPeriod(first, last, token.start, token.end, 0.75, False))
        return 1
    now = _NOW_AFTER.match(text, token.end)
    if now and token.kind in ("full", "my", "year", "fy"):
        first = token.first_day()
        if first and first <= reference:
            found.append(FoundPeriod(first, reference, token.start, now.end(), 0.7, True))
            return 1
    if i + 1 >= len(tokens):
        return 0
    other = tokens[i + 1]
    gap = text[token.end : other.start]
    between = _BETWEEN_BEFORE.search(text, max(0, token.start - 40), token.start)
    if not (_RANGE_GAP.fullmatch(gap) or (between and _BETWEEN_GAP.fullmatch(gap))):
        return 0
    if other.kind in ("dm", "mon") or token.kind == "years" or other.kind == "years":
        return 0
    if token.kind in ("dm", "mon"):
        if other.year is None:
            return 0
        token = token.with_year(other.year)
        if (token.first_day() or date.max) > (other.last_day() or date.min):
            token = token.with_year(other.year - 1)
    first, last = token.first_day(), other.last_day()
    if first is not None and last is not None and first > last and token.year is not None:
        # "between June 30, 2019 and January 2014": written latest first.
        first, last = other.first_day(), token.last_day()
    if first is None or last is None or first > last or last.year - first.year > 100:
        return 0
    confidence = 0.9 if token.kind == "full" and other.kind == "full" else 0.85
    found.append(FoundPeriod(first, last, tokens[i].start, other.end, confidence, False))
    return 2


def _enumeration(
    text: str, tokens: list[DateToken], i: int, reference: date, found: list[FoundPeriod]
) -> int:
    """Read years or financial years listed together ("2018, 2019, 2020, and 2021 through to end of August").

    Adjacent years in one list are merged into one period: the list says which stretch of time is
    wanted; the per-year breakdown is a question, not a period.
    """
    token = tokens[i]
    if token.kind not in ("year", "fy"):
        return 0
    members: list[tuple[date, date]] = []
    j = i
    end_offset = token.end
    so_far = False
    while j < len(tokens) and tokens[j].kind == token.kind:
        current = tokens[j]
        first, last = current.first_day(), current.last_day()
        if first is None or last is None:
            break
        position = current.end
        qualifier = _QUALIFIER.match(text, position)
        if qualifier:
            if qualifier.group("todate"):
                last = min(last, reference)
            else:
                month = _month(qualifier.group("month") or "")
                if month:
                    year = (
                        last.year
                        if current.kind == "year"
                        else (first.year if month >= 4 else first.year + 1)
                    )
                    last = date(year, month, calendar.monthrange(year, month)[1])
            position = qualifier.end()
        elif _YEAR_TO_DATE_BEFORE.search(text, max(0, current.start - 16), current.start):
            last = min(last, reference)
        if so_far:
            last = min(last, reference)
        members.append((first, last))
        end_offset = position
        gap = _ENUM_GAP.fullmatch(text[position : tokens[j + 1].start]) if j + 1 < len(tokens) else None
        if gap:
            so_far = bool(gap.group("sofar"))  # "2019/20, 2020/21 and so far in 2021/22"
            j += 1
            continue
        break
    used = len(members)
    if used == 0:
        return 0
    if used == 1:
        single_context = _SINGLE_BEFORE.search(text, max(0, token.start - 24), token.start)
        # A financial year ("2018/19", "2012-13") names a period wherever it stands; a bare year needs "for".
        if not single_context and token.kind != "fy" and end_offset == token.end:
            return 0
    merged: list[list[date]] = []
    for first, last in sorted(members):
        if merged and first <= merged[-1][1] + timedelta(days=1):
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    for first, last in merged:
        if first <= last:
            found.append(FoundPeriod(first, last, token.start, end_offset, 0.8, last == reference))
    return used
