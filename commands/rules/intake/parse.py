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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone, tzinfo
from zoneinfo import ZoneInfo

from commands.rules.intake.classify import classify_follow_up, guess_regime, language_of
from commands.rules.intake.dates import (
    find_periods,
    heading_date,
    letter_date,
    received_phrase,
    request_made_date,
)
from commands.rules.intake.model import (
    DEFAULT_OWN_PREFIXES,
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
from commands.rules.intake.questions import (
    QuestionSplit,
    Region,
    find_region,
    split_questions,
    without_examples,
)
from commands.rules.intake.references import find_references
from commands.rules.intake.requester import (
    requester_from_form,
    requester_from_header,
    requester_from_prose,
    requester_from_signature,
    requester_from_whatdotheyknow,
)
from commands.rules.intake.score import request_likeness
from commands.rules.intake.text import (
    SUBJECT_PREFIX,
    HeaderBlock,
    header_blocks,
    header_datetime,
    normalise,
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


# ----------------------------------------------------------------------------------------------- subject

_SUBJECT_LINE = re.compile(
    r"^[ \t]*Subject[ \t]*:[ \t]*(?P<value>[^\n]{1,300})$", re.IGNORECASE | re.MULTILINE
)
_SENTENCE_END = re.compile(r"(?<=[.?!])\s")
_FIRST_LINE = re.compile(r"\s*([^\n]+)\n")
_LONG_NUMBER = re.compile(r"\d{4,}")
_PARENTHESES = re.compile(r"\([^)\n]{0,200}\)")
_MADE_REQUEST = re.compile(r"[^\n]{1,120}\bmade\s+this\s+[\w ]{0,40}\brequest\s+to\b", re.IGNORECASE)
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
    following = rest.strip().split("\n", 1)[0]
    made_request = bool(_MADE_REQUEST.match(following))  # WhatDoTheyKnow: the title sits above this line
    if (
        not line
        or len(line) > 80
        or (len(line.split()) < 2 and not made_request)
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
    header: HeaderBlock | None
    #: None when the text is a response letter whose quoted request could not be found.
    region: Region | None
    split: QuestionSplit | None

    @property
    def questions(self) -> tuple[Question, ...]:
        return self.split.questions if self.split else ()


def _read(text: str, source: Source) -> _Reading:
    headers = header_blocks(text)
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
        proposal = _parse(
            text or "", attachment_text or "", message_time, today, zone, tuple(own_prefixes), scottish
        )
        likeness = request_likeness(f"{text or ''}\n\n{attachment_text or ''}"[:MAX_TEXT_CHARS], proposal)
        return dataclasses.replace(
            proposal, request_score=likeness.score, request_reasons=likeness.reasons
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
    message = normalise(raw_text[:MAX_TEXT_CHARS])
    attachment = normalise(raw_attachment[:MAX_TEXT_CHARS])
    if not message.strip() and not attachment.strip():
        return RequestProposal(
            received=_from_message_time(message_time, zone, notices),
            requester=None,
            subject=None,
            questions=(),
            periods=(),
            references=(),
            regime=guess_regime("", scottish, 0, "message"),
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

    received = _with_words(_received(readings, main, message_time, today, zone, notices), readings)
    if received is not None:
        received = dataclasses.replace(received, others=_other_dates(readings, received.date, today, zone))
    reference_day = received.date if received else today

    requester = None
    if main.header is not None:
        requester = requester_from_header(main.header, main.source)
    if requester is None and region is not None and not region.response_letter:
        requester = requester_from_form(main.text, main.source)
    if requester is None and region is not None:
        requester = requester_from_signature(main.text, region, main.source)
    if requester is None or requester.name is None:
        requester = requester_from_whatdotheyknow(main.text, main.source) or requester
    if requester is None or requester.name is None:
        requester = requester_from_prose(main.text, main.source) or requester

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
            without_examples(main.text, request_offset, region.end if region else len(main.text)),
            request_offset,
            region.end if region else len(main.text),
            reference_day,
        )
    )
    references: list[Reference] = []
    for reading in readings:
        references.extend(find_references(reading.text, own_prefixes, source=reading.source))
    unique_refs = {ref.text.upper(): ref for ref in reversed(references)}
    regime_text = request_text if region else main.text
    if subject is not None and subject.source == "subject_line":
        regime_text = f"{regime_text}\n{subject.text}"
    # The subject is what is asked: a definition's or an example's words ("things like water supply or sewage")
    # do not make a request environmental.
    subject_text = _blank(without_examples(regime_text, 0, len(regime_text)), split.note_spans if split else (), request_offset)
    regime = guess_regime(
        regime_text, scottish, request_offset, main.source, eir_text=subject_text, whole_text=main.text
    )
    language, certainty = language_of(request_text)
    if certainty <= 0.5:
        # Too short to tell: judge by the whole text (a Welsh letter around a one-line request).
        language, _ = language_of(main.text)
    follow_up = classify_follow_up("\n".join(r.text for r in readings))

    if split is None or (not main.questions and region is not None and region.response_letter):
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


def _blank(text: str, spans: Sequence[tuple[int, int]], offset: int) -> str:
    """``text`` (which starts at ``offset`` in the main text) with ``spans`` of the main text blanked."""
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for index in range(max(0, start - offset), min(len(chars), end - offset)):
            if chars[index] != "\n":
                chars[index] = " "
    return "".join(chars)


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
                moment = header_datetime(value, zone)
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
    for reading in ordered:
        if reading.region is None or reading.region.response_letter:
            continue
        first = reading.questions[0].span.start if reading.questions else reading.region.start
        found = heading_date(reading.text, first)
        if found:
            return _checked(
                Received(found.day, None, "message_date", found.confidence, Span(found.start, found.end, reading.source)),
                today,
                notices,
            )
    return _from_message_time(message_time, zone, notices)


def _other_dates(readings: list[_Reading], chosen: date, today: date, zone: tzinfo) -> tuple[str, ...]:
    """Other dates the text gives for the request or its reply, as "2014-01-29 (the letter's own date)", so
    the team sees what was passed over: the reply's date, an email header, the day the request was made."""
    seen: dict[date, str] = {}
    for reading in readings:
        letter = letter_date(reading.text)
        if letter is not None:
            seen.setdefault(letter, "the letter's own date")
        for block in header_blocks(reading.text):
            for key in ("sent", "date"):
                if key in block.fields:
                    moment = header_datetime(block.fields[key][0], zone)
                    if moment is not None:
                        seen.setdefault(moment.date(), "an email header")
        made = request_made_date(reading.text, today, letter)
        if made is not None:
            seen.setdefault(made.day, "the day the request was made")
    return tuple(f"{day.isoformat()} ({why})" for day, why in sorted(seen.items()) if day != chosen)


def _with_words(received: Received | None, readings: list[_Reading]) -> Received | None:
    """The received date with the words it was read from, so the team can see why."""
    if received is None:
        return None
    if received.span is None:
        return dataclasses.replace(received, words="the time the message was posted")
    text = next((r.text for r in readings if r.source == received.span.source), "")
    words = " ".join(text[received.span.start : received.span.end].split())
    return dataclasses.replace(received, words=words or None)


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
            cleaned = SUBJECT_PREFIX.sub("", value).strip()
            if cleaned:
                return Subject(cleaned[:SUMMARY_CHARS], "subject_line", 0.9, Span(start, end, reading.source))
        match = _SUBJECT_LINE.search(reading.text)
        if match:
            cleaned = SUBJECT_PREFIX.sub("", match.group("value")).strip()
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
