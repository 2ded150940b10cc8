"""The shape of a parsed request: frozen records that the intake command shows to the team for confirmation.

Every field carries where it came from (a :class:`Span` into the text the team pasted) and how sure the
parser is, because the team confirms a proposal rather than trusting it: a low confidence tells them
which field to check first. The JSON form (:meth:`RequestProposal.as_json`) is an interface other tools
read, so its keys are fixed here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

Source = Literal["message", "attachment"]
Regime = Literal["foia", "eir", "foisa", "sar"]
FollowUp = Literal["internal_review", "clarification"]
ReceivedSource = Literal["header", "phrase", "request_date", "message_date", "message_time"]

#: A text whose request-likeness score reaches this is proposed as a case (see ``score``).
REQUEST_THRESHOLD = 0.5

#: Prefixes of the organisation's own case references when the caller does not say otherwise.
DEFAULT_OWN_PREFIXES: tuple[str, ...] = ("FOI", "EIR", "SAR", "IR")


@dataclass(frozen=True)
class Span:
    """Character offsets ``[start, end)`` into the message text or the attachment text it came from."""

    start: int
    end: int
    source: Source = "message"


@dataclass(frozen=True)
class Received:
    """When the request reached the organisation: the day the statutory clock counts from."""

    date: date
    #: London time when a time of day is known (an email header or the Slack message time), else None.
    at: datetime | None
    source: ReceivedSource
    confidence: float
    span: Span | None
    #: True when the text gave a day and month but the year was worked out from context.
    year_inferred: bool = False
    #: The words the date was read from ("your email dated 9th February 2018"), for the team to check.
    words: str | None = None
    #: Other dates the text gives for the request or its reply, as written, that were not taken.
    others: tuple[str, ...] = ()


@dataclass(frozen=True, repr=False)
class Requester:
    """Who asked. Personal data: shown to the team, stored with the case, never written to a log."""

    name: str | None
    email: str | None
    address: str | None
    confidence: float
    span: Span | None
    #: Where it was read: ``from_header``, ``form``, ``sign_off``, ``signature``, ``whatdotheyknow``,
    #: ``introduction`` ("My name is ...") or ``narrative`` (a decision's "Mr X made a request").
    source: str
    personal_data: bool = True

    def __repr__(self) -> str:
        # A repr ends up in logs and tracebacks; say what is known without saying who.
        known = [name for name in ("name", "email", "address") if getattr(self, name)]
        return f"Requester(<personal data: {', '.join(known) or 'nothing'}>, source={self.source!r})"


@dataclass(frozen=True)
class Subject:
    text: str
    #: ``subject_line`` (an email Subject: header), ``title`` (a heading above the request) or ``first_sentence``.
    source: str
    confidence: float
    span: Span | None


@dataclass(frozen=True)
class Question:
    """One question as the requester numbered it, with its sub-questions in ``parts``."""

    #: The requester's number without decoration ("1", "a", "iv"); the parser's own when ``inferred``.
    number: str
    text: str
    parts: tuple[Question, ...]
    #: The marker as written ("Q1.", "(a)", "-"), empty for an unmarked paragraph.
    label: str
    inferred: bool
    span: Span
    confidence: float
    #: A lead-in the requester wrote just before this question ("If it's possible ..., please provide:").
    context: str | None = None
    #: A heading the question sits under ("Pre-charge bail").
    section: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "text": self.text,
            "parts": [part.as_json() for part in self.parts],
            "label": self.label,
            "inferred": self.inferred,
        }


@dataclass(frozen=True)
class Period:
    """A stretch of time the request asks about, inclusive at both ends."""

    start: date
    end: date
    text: str
    span: Span
    confidence: float
    #: True when the end came from the received date or today ("to date", "last five years").
    relative: bool = False


@dataclass(frozen=True)
class Reference:
    text: str
    #: True for the organisation's own case references (its prefixes, or labelled "Our ref").
    own: bool
    #: ``own``, ``previous_request``, ``requester_ref`` or ``other``.
    kind: str
    span: Span
    confidence: float


@dataclass(frozen=True)
class RegimeGuess:
    regime: Regime
    reason: str
    confidence: float
    span: Span | None = None


@dataclass(frozen=True)
class RequestProposal:
    """What the parser proposes for a new case. Fields it could not read are None or empty, never guessed."""

    received: Received | None
    requester: Requester | None
    subject: Subject | None
    questions: tuple[Question, ...]
    periods: tuple[Period, ...]
    references: tuple[Reference, ...]
    regime: RegimeGuess
    #: ``en``, ``cy`` (Welsh: the reply is due in Welsh too) or ``und`` (neither; read it yourself).
    language: str
    follow_up: FollowUp | None = None
    #: True when the text is a published response letter and the questions come from the request it quotes.
    response_letter: bool = False
    #: True when at least one top-level question was numbered by the parser, not the requester.
    numbering_inferred: bool = False
    request_span: Span | None = None
    #: Introductory sentences of the request that are not questions.
    preamble: tuple[str, ...] = ()
    #: Remarks inside the request that are not questions (format wanted, explanations, footnotes).
    notes: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    #: How much the text looks like a request at all (0 to 1), and why.
    request_score: float = 1.0
    request_reasons: tuple[str, ...] = ()

    @property
    def is_request(self) -> bool:
        return self.request_score >= REQUEST_THRESHOLD

    def __repr__(self) -> str:
        # The default repr would print question text and preamble, which can name people.
        return (
            f"RequestProposal(received={self.received.date if self.received else None}, "
            f"regime={self.regime.regime!r}, questions={len(self.questions)}, periods={len(self.periods)}, "
            f"references={len(self.references)}, language={self.language!r}, problems={len(self.problems)})"
        )

    def as_json(self) -> dict[str, Any]:
        """The JSON interface: ``received``, ``requester``, ``subject``, ``regime``, ``questions``,
        ``periods``, ``references`` are fixed keys; the rest are extras."""
        requester = self.requester
        return {
            "received": self.received.date.isoformat() if self.received else None,
            "received_at": self.received.at.isoformat() if self.received and self.received.at else None,
            "received_from": self.received.words if self.received else None,
            "requester": {
                "name": requester.name if requester else None,
                "email": requester.email if requester else None,
                "address": requester.address if requester else None,
            },
            "subject": self.subject.text if self.subject else None,
            "regime": self.regime.regime,
            "regime_reason": self.regime.reason,
            "questions": [question.as_json() for question in self.questions],
            "periods": [{"start": p.start.isoformat(), "end": p.end.isoformat()} for p in self.periods],
            "references": [reference.text for reference in self.references],
            "language": self.language,
            "follow_up": self.follow_up,
            "response_letter": self.response_letter,
            "numbering_inferred": self.numbering_inferred,
            "confidence": {
                "received": self.received.confidence if self.received else 0.0,
                "requester": requester.confidence if requester else 0.0,
                "subject": self.subject.confidence if self.subject else 0.0,
                "regime": self.regime.confidence,
                "questions": _mean(q.confidence for q in self.questions),
                "periods": _mean(p.confidence for p in self.periods),
            },
            "problems": list(self.problems),
            "warnings": list(self.warnings),
            "is_request": self.is_request,
            "request_score": self.request_score,
            "request_reasons": list(self.request_reasons),
            "received_others": list(self.received.others) if self.received else [],
        }


def _mean(values: Any) -> float:
    items = list(values)
    return round(sum(items) / len(items), 2) if items else 0.0
