"""Reading a request pasted into Slack and proposing a case from it.

Requests reach the team as emails, web forms and letters pasted into the intake channel, sometimes as a
published response letter that quotes the request. :func:`parse_request` reads such a text and
proposes the case fields (received date, requester, subject, questions, periods, references, regime,
language) with where each came from and how sure it is, for the team to confirm. It is a pure function:
no Slack, no database, no settings, no clock — ``today`` and the message time are passed in, so a text
always reads the same way in tests and in production.

It never raises on text: an empty, foreign or unreadable text gives a proposal whose ``problems`` say why.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil import parser as dateutil_parser

from commands.rules.request_text_dates import (
    find_periods,
    letter_date,
    received_phrase,
    request_made_date,
    word_alternation,
)
from commands.rules.request_text_model import (
    DEFAULT_OWN_PREFIXES,
    FollowUp,
    Period,
    Question,
    Received,
    Reference,
    RegimeGuess,
    Requester,
    RequestProposal,
    Source,
    Span,
    Subject,
)
from commands.rules.request_text_questions import (
    SIGN_OFF,
    QuestionSplit,
    Region,
    clean_name,
    find_region,
    split_questions,
)

__all__ = [
    "DEFAULT_OWN_PREFIXES",
    "MAX_TEXT_CHARS",
    "Period",
    "Question",
    "Received",
    "Reference",
    "RegimeGuess",
    "RequestProposal",
    "Requester",
    "Span",
    "Subject",
    "classify_follow_up",
    "find_references",
    "parse_request",
]

LONDON = ZoneInfo("Europe/London")
#: Longer texts are read up to here: a request is never this long, a pasted mailbox export might be.
MAX_TEXT_CHARS = 100_000
SUMMARY_CHARS = 120

# -------------------------------------------------------------------------------------------- normalise

_BLANKED = str.maketrans(
    {"\t": " ", "\xa0": " ", "\u2007": " ", "\u202f": " ", "\u200b": " ", "\ufeff": " ", "\f": "\n",
     "\u2028": "\n", "\u2029": "\n", "\v": "\n"}
)  # fmt: skip
_QUOTE_PREFIX = re.compile(r"^(?:[ \t]*>)+", re.MULTILINE)
_ENTITIES = (("&gt;", ">   "), ("&lt;", "<   "), ("&amp;", "&    "), ("&quot;", '"     '), ("&#39;", "'    "))


def _normalise(text: str) -> str:
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
_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][\w.+-]{0,63}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,5}\b")
_SUBJECT_PREFIX = re.compile(r"^(?:\s*(?:re|fw|fwd|ymateb)\s*:\s*)+", re.IGNORECASE)
_HEADER_YEAR = re.compile(r"\b(?:19|20)\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2}\b")
_TZINFOS = {"BST": 3600, "GMT": 0, "UTC": 0, "UT": 0, "Z": 0}


@dataclass(frozen=True)
class _HeaderBlock:
    start: int
    end: int
    fields: dict[str, tuple[str, int, int]]


def _header_blocks(text: str) -> list[_HeaderBlock]:
    """Groups of consecutive email header lines; a lone "Date:" line in a letter is not a header."""
    blocks: list[_HeaderBlock] = []
    current: list[re.Match[str]] = []
    for match in _HEADER.finditer(text):
        if current and text[current[-1].end() : match.start()].strip():
            blocks.extend(_header_block(current))
            current = []
        current.append(match)
    blocks.extend(_header_block(current))
    return blocks


def _header_block(matches: list[re.Match[str]]) -> list[_HeaderBlock]:
    if not matches:
        return []
    fields: dict[str, tuple[str, int, int]] = {}
    for match in matches:
        fields.setdefault(
            match.group("key").lower(), (match.group("value").strip(), match.start("value"), match.end())
        )
    keys = set(fields)
    if ("from" in keys and keys & {"sent", "date", "received"}) or (len(keys) >= 3 and "subject" in keys):
        return [_HeaderBlock(matches[0].start(), matches[-1].end(), fields)]
    return []


def _header_datetime(value: str, tz: tzinfo) -> datetime | None:
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


# ------------------------------------------------------------------------------------------- references

_REF_VALUE = r"(?P<ref>[A-Z0-9](?:[A-Z0-9]|[./_-](?=[A-Z0-9])|[ \t][/-][ \t](?=\d)){1,40})"
_LABELLED_REF = re.compile(
    r"\b(?=[oyrfeccpmOYRFECPM])(?P<label>(?:Our|Your)\s+Ref(?:erence)?(?:\s+(?:No\.?|Number))?|Ref(?:erence)?\s+(?:No\.?|Number)"
    r"|(?:Request|FOI|Enquiry|Case)\s+(?:No\.?|Number|Ref(?:erence)?(?:\s+(?:No\.?|Number))?)"
    r"|Cyfeirnod(?:\s+Rhyddid\s+Gwybodaeth)?"
    r"|(?:previous|earlier|original|prior|my)\s+(?:FOI\s+|freedom\s+of\s+information\s+)?request(?:\s+(?:ref(?:erence)?|no\.?|number))?)"
    r"(?P<colon>[ \t]{0,3}[:.]?)[ \t]{0,3}" + _REF_VALUE,
    re.IGNORECASE,
)
_REF_SEPARATOR = re.compile(r"[ \t]*([/-])[ \t]*")
_TITLE_REF = re.compile(r"\((?P<ref>\d{2,7}[A-Z]?[/_]\d{2,4})\)")


@lru_cache(maxsize=16)
def _prefixed_ref_pattern(prefixes: tuple[str, ...]) -> re.Pattern[str]:
    """References that start with one of the organisation's prefixes; compiled once per set of prefixes."""
    names = "|".join(re.escape(prefix) for prefix in sorted(prefixes, key=len, reverse=True))
    return re.compile(
        rf"(?<![A-Za-z0-9])(?P<ref>(?:\d{{1,3}}\.)?(?:{names})(?:[ \t./_-]{{0,2}}\d{{1,8}}(?:[./_-]\d{{1,8}}){{1,3}}"
        rf"|[ \t./_-]{{0,2}}\d{{5,10}}|\.\d{{2}}\.\d{{3,8}}))(?![A-Za-z0-9])"
    )


def find_references(
    text: str, own_prefixes: Sequence[str] = DEFAULT_OWN_PREFIXES, *, source: Source = "message"
) -> tuple[Reference, ...]:
    """Case references in a text: the organisation's own (``FOI2019/06094``, ``01.FOI.22.027454``,
    "Our ref: ...") and others the requester quotes (a previous request, their own reference).

    Used at intake to link a message to an existing case, so own references come first.
    """
    if not text:
        return ()
    prefixes = tuple(sorted({prefix.strip().upper() for prefix in own_prefixes if prefix.strip()}))
    pattern = _prefixed_ref_pattern(prefixes or DEFAULT_OWN_PREFIXES)
    found: dict[str, Reference] = {}

    def add(raw: str, start: int, end: int, own: bool, kind: str, confidence: float) -> None:
        value = _REF_SEPARATOR.sub(r"\1", raw.strip().rstrip("./-_"))
        if not any(char.isdigit() for char in value) or len(value) < 3:
            return
        existing = found.get(value.upper())
        if existing is None or (own and not existing.own):
            found[value.upper()] = Reference(value, own, kind, Span(start, end, source), confidence)

    for match in pattern.finditer(text):
        add(match.group("ref"), match.start("ref"), match.end("ref"), True, "own", 0.9)
    for match in _LABELLED_REF.finditer(text):
        label = " ".join(match.group("label").lower().split())
        value = match.group("ref")
        if label.startswith(("previous", "earlier", "original", "prior", "my")):
            add(value, match.start("ref"), match.end("ref"), False, "previous_request", 0.7)
        elif label.startswith("your"):
            add(value, match.start("ref"), match.end("ref"), False, "requester_ref", 0.7)
        elif match.group("colon").strip() or label.startswith("our") or label.startswith("cyfeirnod"):
            add(value, match.start("ref"), match.end("ref"), True, "own", 0.8)
        else:
            add(value, match.start("ref"), match.end("ref"), False, "other", 0.5)
    for match in _TITLE_REF.finditer(text):
        add(match.group("ref"), match.start("ref"), match.end("ref"), False, "other", 0.5)
    return tuple(sorted(found.values(), key=lambda ref: (not ref.own, ref.span.start)))


# --------------------------------------------------------------------------------------------- follow-up

_REVIEW = re.compile(
    r"\b(?=[irndaIRNDA])(?:internal\s+review\b|\breview\s+of\s+(?:your|the)\s+(?:decision|response|handling|refusal)"
    r"|\bnot\s+(?:satisfied|happy)\s+with\b|\bdissatisfied\s+with\b|\bappeal\s+(?:against\s+)?(?:your|the)\s+decision"
    r"|\badolygiad\s+mewnol\b|\bI\s+(?:wish|would\s+like|want)\s+to\s+complain\s+about\s+the\s+(?:handling|response))",
    re.IGNORECASE,
)
#: A review request comes from the requester: first person or a plea, not a heading in a judgment.
_REVIEW_ASKER = re.compile(r"\b(?:I|I'm|I’m|my|me|we|our|please|request|requesting)\b", re.IGNORECASE)
#: Response letters explain the right to a review; that is not a request for one.
_REVIEW_RIGHTS = re.compile(
    r"\bif\s+you\b|\byou\s+(?:may|can|have\s+the\s+right|are\s+entitled|must|should|will\s+need)\b"
    r"|\bright\s+to\s+(?:request|ask)|\byour\s+right|\bprovides\s+you\b|\bapplicant\b",
    re.IGNORECASE,
)
_CLARIFY = re.compile(
    r"\b(?=[ictfeICTFE])(?:I(?:'d|’d|\s+would)?\s+(?:just\s+)?like\s+to\s+clarify\b|\bto\s+clarify\s+my\s+(?:request|question|original)"
    r"|\bclarif(?:y|ication)\s+(?:of|on|to|regarding|about)\s+my\s+(?:request|question|original)"
    r"|\bin\s+(?:response|reply|answer)\s+to\s+your\s+(?:request\s+for\s+)?clarification"
    r"|\bfurther\s+to\s+your\s+(?:e-?mail|letter|request)\s+(?:asking|seeking)\b|\bclarify\s+the\s+wording\b"
    r"|\beglurhad\b)",
    re.IGNORECASE,
)


#: The new words of a reply come first; what follows is usually the quoted earlier correspondence.
FOLLOW_UP_WINDOW = 10_000


def classify_follow_up(text: str) -> FollowUp | None:
    """Whether a message follows up an existing case: ``internal_review`` (the requester challenges the
    answer), ``clarification`` (the requester explains the request), or None (it reads as a new request).

    A review request restarts a clock of its own, so it must not be registered as a new request; phrases
    inside a response letter's review-rights paragraph ("if you are dissatisfied ...") do not count.
    """
    if not text:
        return None
    text = text[:FOLLOW_UP_WINDOW]
    for match in _REVIEW.finditer(text):
        sentence_start = max(text.rfind(".", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
        sentence_end_candidates = [
            pos for pos in (text.find(".", match.end()), text.find("\n", match.end())) if pos >= 0
        ]
        sentence_end = min(sentence_end_candidates) if sentence_end_candidates else len(text)
        if _REVIEW_ASKER.search(text, sentence_start, sentence_end) and not _REVIEW_RIGHTS.search(
            text, sentence_start, sentence_end
        ):
            return "internal_review"
    if _CLARIFY.search(text):
        return "clarification"
    return None


# ------------------------------------------------------------------------------------------------ regime

#: Environmental subjects (EIR 2004 reg 2(1): the state of the elements, and factors and measures affecting
#: them). Strong words decide alone; weak ones ("land", "water") need company.
_EIR_STRONG_WORDS = (
    "pesticide pesticides herbicide herbicides insecticide insecticides fungicide fungicides biocide biocides "
    "rodenticide rodenticides avicide avicides molluscicide molluscicides emission emissions pollution "
    "pollutant pollutants polluted contamination contaminated flood floods flooding flooded noise noisy "
    "environmental fly-tipping flytipping sewage asbestos radiation radioactive biodiversity wildlife habitat "
    "habitats climate carbon greenhouse grit gritting de-icing deicing landfill recycling llygredd amgylchedd "
    "amgylcheddol"
).split()
_EIR_WEAK_WORDS = (
    "land water planning highway highways tree trees salt energy fuel soil river rivers environment verge verges "
    "waste litter drainage landscape"
).split()
_EIR_STRONG = re.compile(
    r"(?<![\w-])(?:"
    + word_alternation([*_EIR_STRONG_WORDS, "-cide", "-cides"])
    + r"|air\s+(?:quality|pollution)|planning\s+(?:applications?|permission|consent)|land\s+use"
    + r"|water\s+quality|waste\s+(?:disposal|management|collection))\b",
    re.IGNORECASE,
)
_EIR_WEAK = re.compile(r"\b" + word_alternation(_EIR_WEAK_WORDS) + r"\b", re.IGNORECASE)
_SAR = re.compile(
    r"\b(?=[smirdeacoSMIRDEACO])(?:subject\s+access\b"
    r"|\bmy\s+(?:own\s+)?(?:personal\s+)?(?:data|information|records?|file|details|arrest|custody|police\s+record"
    r"|criminal\s+record|interview|statement|case|report|complaint|999\s+call|call|body\s*-?cam(?:era)?\s+footage"
    r"|footage|conviction|caution)\b"
    r"|\b(?:information|data|records?|details|everything|anything)\s+(?:that\s+)?(?:you|the\s+police|your\s+force"
    r"|the\s+force)\s+(?:hold|have|holds|has|keep)\s+(?:on|about)\s+(?:me|myself)\b"
    r"|\b(?:about|on|concerning|regarding|relating\s+to)\s+(?:me|myself)\b"
    r"|\bI\s+was\s+(?:\w+ly\s+)?(?:arrested|detained|stopped|searched|assaulted|interviewed|charged|cautioned"
    r"|questioned|handcuffed)\b"
    r"|\b(?:report|complaint|call|statement)s?\s+I\s+(?:made|gave|submitted)\b)",
    re.IGNORECASE,
)


def _guess_regime(request_text: str, scottish: bool, span_offset: int, source: Source) -> RegimeGuess:
    """SAR first (own personal data is never an FOI disclosure), then EIR, then FOISA or FOIA."""
    sar_hits = list(_SAR.finditer(request_text))
    if sar_hits:
        phrases = sorted({" ".join(hit.group().split()).lower() for hit in sar_hits})
        confidence = (
            0.9
            if any("subject access" in phrase for phrase in phrases)
            else min(0.85, 0.55 + 0.1 * len(sar_hits))
        )
        first = sar_hits[0]
        return RegimeGuess(
            "sar",
            "asks for the requester's own personal data ("
            + ", ".join(f'"{p}"' for p in phrases[:3])
            + "): a subject access request under the UK GDPR / Data Protection Act 2018",
            round(confidence, 2),
            Span(span_offset + first.start(), span_offset + first.end(), source),
        )
    strong = [hit for hit in _EIR_STRONG.finditer(request_text)]
    weak = [hit for hit in _EIR_WEAK.finditer(request_text)]
    score = len({h.group().lower() for h in strong}) + 0.5 * len({h.group().lower() for h in weak})
    if score >= 1:
        words = sorted({h.group().lower() for h in strong} | {h.group().lower() for h in weak})
        first = (strong or weak)[0]
        regulations = "Environmental Information (Scotland) Regulations 2004" if scottish else "EIR 2004"
        return RegimeGuess(
            "eir",
            f"environmental subject ({', '.join(words[:5])}): {regulations}",
            round(min(0.9, 0.5 + 0.1 * score), 2),
            Span(span_offset + first.start(), span_offset + first.end(), source),
        )
    if scottish:
        return RegimeGuess(
            "foisa", "Scottish public authority: Freedom of Information (Scotland) Act 2002", 0.8
        )
    return RegimeGuess("foia", "request for recorded information: Freedom of Information Act 2000", 0.7)


# ---------------------------------------------------------------------------------------------- language

_WORD = re.compile(r"[a-zâêîôûŵŷáéíóúàèìòùäëïöüÿ'’]+", re.IGNORECASE)
_WELSH = frozenset(
    "yr yn mae ydych ydy ydyw fy eich gyda hoffwn gwybodaeth cais annwyl diolch rhyddid heddlu blwyddyn rhwng "
    "nifer ynghylch ddeddf deddf wedi bod nad oes ymateb cofion gywir gan ar ac fel sydd hyn ei eu dros ynglŷn "
    "cyfer gyfer drosedd troseddau hefyd neu ond pan hwn hon gennych allwch fyddwn rwy'n i'r o'r a'r dyddiad "
    "y wybodaeth mewn ganlynol am".split()
)
_ENGLISH = frozenset(
    "the and of to in for is that on with by this be are was have from or an as it at please you your my we our "
    "how many what which would could any all number each year years information request".split()
)


_FOREIGN = (
    frozenset(
        # French, Spanish, German, Italian, Portuguese, Polish, Romanian function words that English lacks.
        "le la les des et est une pour que qui dans je vous nous pas sur avec du au el los las es una por con para "
        "del se yo usted der die das und ist ich nicht mit ein eine zu von den dem sie wir il di che è per sono gli "
        "os do da em um não uma się że jest czy jak ale od na nie w z şi în este pentru care cu mai".split()
    )
    - _ENGLISH
)
_NON_LATIN_LETTER = re.compile(r"[^\W\d_A-Za-z\u00C0-\u024F\u1E00-\u1EFF]")
_LETTER = re.compile(r"[^\W\d_]")


def _language(text: str) -> tuple[str, float]:
    """``cy`` for Welsh (the reply is due in Welsh), ``en``, or ``und`` when the text is plainly neither."""
    sample = text[:5_000]
    letters = len(_LETTER.findall(sample))
    if letters >= 40 and len(_NON_LATIN_LETTER.findall(sample)) / letters > 0.5:
        return "und", 0.8
    words = [word.lower() for word in _WORD.findall(text[:20_000])]
    welsh = sum(1 for word in words if word in _WELSH)
    english = sum(1 for word in words if word in _ENGLISH)
    if len(words) < 20:
        # A short message: a few Welsh words and no English ones ("Annwyl ..., Cais ..., Diolch") still tell.
        return ("cy", 0.6) if welsh >= 3 and welsh > 2 * english else ("en", 0.5)
    foreign = sum(1 for word in words if word in _FOREIGN)
    if welsh >= 3 and welsh / len(words) >= 0.15 and welsh > english:
        return "cy", round(min(0.95, 0.5 + welsh / len(words)), 2)
    if foreign / len(words) >= 0.15 and foreign > english:
        return "und", round(min(0.9, 0.4 + foreign / len(words)), 2)
    return "en", round(min(0.95, 0.5 + english / len(words)), 2)


# --------------------------------------------------------------------------------------------- requester

_PHONE_WORD = re.compile(r"\b(?:tel|phone|mobile|telephone)\b", re.IGNORECASE)
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b")
_FROM_NAME = re.compile(r"^\s*[\"']?(?P<name>[^<\[\"'@]{1,80}?)[\"']?\s*(?:[<\[(]|$)")


def _requester_from_header(block: _HeaderBlock, source: Source) -> Requester | None:
    field_value = block.fields.get("from")
    if not field_value:
        return None
    value, start, end = field_value
    email_match = _EMAIL.search(value)
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


def _requester_from_form(text: str, source: Source) -> Requester | None:
    """A web form pasted as "Name: ... / Email: ... / Address: ..." lines; a letterhead's "Email:" alone is not one."""
    name_match = _FORM_NAME.search(text)
    name = clean_name(name_match.group("value")) if name_match else None
    if name is None or name_match is None:
        return None
    email_match = _FORM_EMAIL.search(text)
    email = _EMAIL.search(email_match.group("value")) if email_match else None
    address_match = _FORM_ADDRESS.search(text)
    address = address_match.group("value").strip() if address_match else None
    span = Span(name_match.start("value"), name_match.end("value"), source)
    return Requester(name, email.group() if email else None, address or None, 0.8, span, "form")


def _requester_from_signature(text: str, region: Region, source: Source) -> Requester | None:
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
    name_span: tuple[int, int] | None = region.name_line if origin == "signature" else None
    if name is None and following and not rest:
        candidate_start, candidate_end, candidate = following[0]
        name = clean_name(candidate)
        if name:
            following = following[1:]
            name_span = (candidate_start, candidate_end)
    email = next((m.group() for _, _, line in following for m in [_EMAIL.search(line)] if m), None)
    address_lines: list[str] = []
    for _, _, line in following:
        if _EMAIL.search(line) or _PHONE_WORD.search(line):
            break
        address_lines.append(line.strip().rstrip(","))
        if _POSTCODE.search(line):
            break
    address = ", ".join(address_lines) if address_lines and _POSTCODE.search(address_lines[-1]) else None
    if not (name or email or address):
        return None
    span = Span(*(name_span or region.sign_off or (lines_from, lines_from)), source)
    return Requester(name, email, address, confidence, span, origin)


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


# ----------------------------------------------------------------------------------------------- subject

_SUBJECT_LINE = re.compile(
    r"^[ \t]*Subject[ \t]*:[ \t]*(?P<value>[^\n]{1,300})$", re.IGNORECASE | re.MULTILINE
)
_SENTENCE_END = re.compile(r"(?<=[.?!])\s")
_FIRST_LINE = re.compile(r"\s*([^\n]+)\n")
_LONG_NUMBER = re.compile(r"\d{4,}")
_PARENTHESES = re.compile(r"\([^)\n]{0,200}\)")
_TITLE_FOLLOWER = re.compile(r"(?:Dear|Request|Hi|Hello)\b", re.IGNORECASE)
_NOT_TITLE = re.compile(r"^(?:please|could|can|would|i\b|how|what|dear|hi\b|hello|this\s+is)", re.IGNORECASE)


def _summary(text: str) -> str:
    text = text.strip().split("\n", 1)[0].strip("\"'“”‘’ ")
    match = _SENTENCE_END.search(text)
    sentence = text[: match.start()] if match else text
    sentence = " ".join(sentence.split())
    if len(sentence) <= SUMMARY_CHARS:
        return sentence
    cut = sentence[: SUMMARY_CHARS - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _title(text: str) -> tuple[str, int, int] | None:
    """A heading on the first line (a disclosure-log title, a WhatDoTheyKnow request title)."""
    match = _FIRST_LINE.match(text)
    if not match:
        return None
    line = match.group(1).strip()
    rest = text[match.end() :]
    next_line = rest.lstrip(" ").split("\n", 1)[0].strip()
    if (
        not line
        or len(line) > 80
        or len(line.split()) < 2
        or any(char in line for char in ":,?@")
        or _NOT_TITLE.match(line)
        or _LONG_NUMBER.search(_PARENTHESES.sub("", line))
    ):
        return None
    followed_by_break = rest.lstrip(" \t").startswith("\n") or _TITLE_FOLLOWER.match(next_line)
    if not followed_by_break:
        return None
    return line, match.start(1), match.start(1) + len(match.group(1).rstrip())


# ------------------------------------------------------------------------------------------------- parse


@dataclass(frozen=True)
class _Reading:
    """What one source text (the message or an attachment) yields before the two are combined."""

    source: Source
    text: str
    header: _HeaderBlock | None
    #: None when the text is a response letter whose quoted request could not be found.
    region: Region | None
    split: QuestionSplit | None

    @property
    def questions(self) -> tuple[Question, ...]:
        return self.split.questions if self.split else ()


def _read(text: str, source: Source) -> _Reading:
    headers = _header_blocks(text)
    header = headers[-1] if headers else None
    region = find_region(text, header.end if header else 0)
    split = split_questions(text, region, source, strip_quote=region.quoted) if region else None
    return _Reading(source, text, header, region, split)


def parse_request(
    text: str,
    *,
    today: date,
    attachment_text: str | None = None,
    message_time: datetime | None = None,
    tz: str | tzinfo = "Europe/London",
    own_prefixes: Sequence[str] = DEFAULT_OWN_PREFIXES,
    scottish: bool = False,
) -> RequestProposal:
    """Propose a case from a pasted request (and the text of an attached email or document, if any).

    ``today`` bounds every inferred year (a received date is never in the future) and closes open
    periods when no received date is found; ``message_time`` (aware) is the fallback received time.
    """
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    try:
        return _parse(
            text or "", attachment_text or "", message_time, today, zone, tuple(own_prefixes), scottish
        )
    except Exception as exc:  # a defect must not cost the intake channel its answer; the problem says so
        return RequestProposal(
            received=None,
            requester=None,
            subject=None,
            questions=(),
            periods=(),
            references=(),
            regime=RegimeGuess("foisa" if scottish else "foia", "default (text not read)", 0.1),
            language="und",
            problems=(f"the parser failed on this text ({type(exc).__name__}); read it yourself",),
        )


def _parse(
    raw_text: str,
    raw_attachment: str,
    message_time: datetime | None,
    today: date,
    zone: tzinfo,
    own_prefixes: tuple[str, ...],
    scottish: bool,
) -> RequestProposal:
    problems: list[str] = []
    notices: list[str] = []
    for label, raw in (("message", raw_text), ("attachment", raw_attachment)):
        if len(raw) > MAX_TEXT_CHARS:
            notices.append(
                f"the {label} is {len(raw):,} characters long; only the first {MAX_TEXT_CHARS:,} were read"
            )
    message = _normalise(raw_text[:MAX_TEXT_CHARS])
    attachment = _normalise(raw_attachment[:MAX_TEXT_CHARS])
    if not message.strip() and not attachment.strip():
        return RequestProposal(
            received=_from_message_time(message_time, zone, notices),
            requester=None,
            subject=None,
            questions=(),
            periods=(),
            references=(),
            regime=_guess_regime("", scottish, 0, "message"),
            language="und",
            problems=("could not read a request here: the text is empty",),
            warnings=tuple(notices),
        )

    readings = [_read(message, "message")] if message.strip() else []
    if attachment.strip():
        readings.insert(0, _read(attachment, "attachment"))
    main = next((r for r in readings if r.questions), readings[0])
    region, split = main.region, main.split
    request_text = main.text[region.start : region.end] if region else main.text
    request_offset = region.start if region else 0

    received = _received(readings, main, message_time, today, zone, notices)
    reference_day = received.date if received else today

    requester = None
    if main.header is not None:
        requester = _requester_from_header(main.header, main.source)
    if requester is None and region is not None and not region.response_letter:
        requester = _requester_from_form(main.text, main.source)
    if requester is None and region is not None:
        requester = _requester_from_signature(main.text, region, main.source)

    subject = _subject(readings, main)
    periods = tuple(
        Period(
            p.start,
            p.end,
            " ".join(main.text[p.text_start : p.text_end].split()),
            Span(p.text_start, p.text_end, main.source),
            p.confidence,
            p.relative,
        )
        for p in find_periods(
            main.text, request_offset, region.end if region else len(main.text), reference_day
        )
    )
    references: list[Reference] = []
    for reading in readings:
        references.extend(find_references(reading.text, own_prefixes, source=reading.source))
    unique_refs = {ref.text.upper(): ref for ref in reversed(references)}
    regime_text = request_text if region else main.text
    if subject is not None and subject.source == "subject_line":
        regime_text = f"{regime_text}\n{subject.text}"
    regime = _guess_regime(regime_text, scottish, request_offset, main.source)
    language, certainty = _language(request_text)
    if certainty <= 0.5:
        # Too short to tell: judge by the whole text (a Welsh letter around a one-line request).
        language, _ = _language(main.text)
    follow_up = classify_follow_up("\n".join(r.text for r in readings))

    if split is None:
        problems.append(
            "this looks like a response letter, but the request it answers could not be found in it"
        )
    elif not main.questions:
        problems.append("could not find any questions in this text; read the request yourself")
    if language == "und":
        problems.append("the text does not look like English or Welsh; read it yourself")
    if split is not None and split.questions and split.used_preamble:
        notices.append("no separate questions were found: the request text was taken as one question")
    elif split is not None and split.numbering_inferred:
        notices.append(
            "the requester did not number every question: the numbers marked inferred are the parser's"
        )
    if region is not None and region.response_letter:
        notices.append("this is a response letter: the questions are the request it quotes, not its answers")
    if received is None:
        notices.append("no received date found; set it before registering the case")

    return RequestProposal(
        received=received,
        requester=requester,
        subject=subject,
        questions=main.questions,
        periods=periods,
        references=tuple(
            sorted(unique_refs.values(), key=lambda ref: (not ref.own, ref.span.source, ref.span.start))
        ),
        regime=regime,
        language=language,
        follow_up=follow_up,
        response_letter=region is None or region.response_letter,
        numbering_inferred=bool(split and split.numbering_inferred),
        request_span=Span(region.start, region.end, main.source) if region else None,
        preamble=split.preamble if split else (),
        notes=split.notes if split else (),
        problems=tuple(problems),
        warnings=tuple(notices),
    )


def _received(
    readings: list[_Reading],
    main: _Reading,
    message_time: datetime | None,
    today: date,
    zone: tzinfo,
    notices: list[str],
) -> Received | None:
    """Stated receipt first, then the email's own date, then the date a request says it was made, then
    the Slack message time — each read in London time, where the statutory day is counted."""
    ordered = [main] + [r for r in readings if r is not main]
    anchors = {reading.source: letter_date(reading.text) for reading in ordered}
    for reading in ordered:
        found = received_phrase(reading.text, today, anchors[reading.source])
        if found:
            return _checked(
                Received(
                    found.day,
                    None,
                    "phrase",
                    found.confidence,
                    Span(found.start, found.end, reading.source),
                    found.year_inferred,
                ),
                today,
                notices,
            )
    for reading in ordered:
        header = reading.header
        if header is None:
            continue
        for key in ("sent", "date", "received"):
            if key in header.fields:
                value, start, end = header.fields[key]
                moment = _header_datetime(value, zone)
                if moment is not None:
                    return _checked(
                        Received(moment.date(), moment, "header", 0.9, Span(start, end, reading.source)),
                        today,
                        notices,
                    )
    for reading in ordered:
        found = request_made_date(reading.text, today, anchors[reading.source])
        if found:
            return _checked(
                Received(
                    found.day,
                    None,
                    "request_date",
                    found.confidence,
                    Span(found.start, found.end, reading.source),
                    found.year_inferred,
                ),
                today,
                notices,
            )
    return _from_message_time(message_time, zone, notices)


def _checked(received: Received, today: date, notices: list[str]) -> Received:
    if received.year_inferred:
        notices.append(f"the received date gives no year; {received.date.year} was inferred from the text")
    if received.date > today:
        notices.append(f"the received date {received.date.isoformat()} is after today; check it")
        return dataclasses.replace(received, confidence=round(received.confidence / 2, 2))
    return received


def _from_message_time(message_time: datetime | None, zone: tzinfo, notices: list[str]) -> Received | None:
    if message_time is None:
        return None
    if message_time.tzinfo is None:
        notices.append("the message time had no time zone; it was read as UTC")
        message_time = message_time.replace(tzinfo=timezone.utc)
    local = message_time.astimezone(zone)
    notices.append("the received date is the time the message was posted; check the original email's date")
    return Received(local.date(), local, "message_time", 0.5, None)


def _subject(readings: list[_Reading], main: _Reading) -> Subject | None:
    for reading in [main] + [r for r in readings if r is not main]:
        if reading.header is not None and "subject" in reading.header.fields:
            value, start, end = reading.header.fields["subject"]
            cleaned = _SUBJECT_PREFIX.sub("", value).strip()
            if cleaned:
                return Subject(cleaned[:SUMMARY_CHARS], "subject_line", 0.9, Span(start, end, reading.source))
        match = _SUBJECT_LINE.search(reading.text)
        if match:
            cleaned = _SUBJECT_PREFIX.sub("", match.group("value")).strip()
            if cleaned:
                return Subject(
                    cleaned[:SUMMARY_CHARS],
                    "subject_line",
                    0.8,
                    Span(match.start("value"), match.end("value"), reading.source),
                )
    title = _title(main.text)
    if title is not None:
        return Subject(title[0], "title", 0.6, Span(title[1], title[2], main.source))
    if main.questions:
        first = main.questions[0]
        text = first.text or (first.parts[0].text if first.parts else "")
        if text:
            return Subject(_summary(text), "first_sentence", 0.5, first.span)
    # No questions: the first words of the request (after any "Dear ..." line), else of the text.
    start, end = (main.region.start, main.region.end) if main.region else (0, len(main.text))
    body = main.text[start:end]
    if not body.strip():
        start, body = 0, main.text
    stripped = body.strip()
    if stripped:
        offset = start + body.find(stripped[:1])
        return Subject(
            _summary(stripped),
            "first_sentence",
            0.3,
            Span(offset, offset + min(len(stripped), SUMMARY_CHARS), main.source),
        )
    return None
