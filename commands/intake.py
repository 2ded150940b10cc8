"""Reading a request from a message: the parser's proposal, turned into a case someone confirms.

The parser (`commands.rules.intake`) is pure; this module supplies the organisation's settings,
maps a proposal to a `NewCase`, and keeps the intake proposals that wait for Register / Not a request.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from commands.base import Action, CommandContext
from commands.registration import NewCase
from commands.rules.intake import parse_request
from commands.rules.intake.model import Question, RequestProposal
from commands.rules.intake.threads import split_requests
from storage.db import session_scope

if TYPE_CHECKING:  # pragma: no cover
    from commands.asked_before import AskedBefore

OWN_PREFIXES = ("FOI", "EIR", "SAR", "IR")


def propose(ctx: CommandContext, text: str, *, today: date, message_time: datetime | None = None) -> RequestProposal:
    profile = ctx.settings.profile
    prefixes = tuple(dict.fromkeys((profile.reference_prefix, *OWN_PREFIXES)))
    return parse_request(
        text,
        message_time=message_time,
        today=today,
        tz=ctx.tz,
        own_prefixes=prefixes,
        scottish=profile.country == "scotland",
    )


def question_dicts(questions: tuple[Question, ...]) -> list[dict[str, Any]]:
    return [{"number": q.number, "text": q.text, "parts": question_dicts(q.parts)} for q in questions]


def new_case_from_proposal(proposal: RequestProposal, text: str, *, today: date, default_regime: str,
                           received: date | None = None) -> NewCase:
    """A proposal as a case to register. A received date typed by a person wins over the parser's reading."""
    day = received or (proposal.received.date if proposal.received else today)
    questions = question_dicts(proposal.questions) or [{"number": "1", "text": text.strip(), "parts": []}]
    subject = proposal.subject.text if proposal.subject else text.strip().split("\n", 1)[0][:120]
    requester = proposal.requester
    regime = proposal.regime.regime if proposal.regime.confidence >= 0.5 else default_regime
    return NewCase(
        request_text=text,
        received=day,
        received_at=proposal.received.at if proposal.received and received is None else None,
        regime=regime,
        subject=subject,
        questions=questions,
        requester_name=requester.name if requester else None,
        requester_email=requester.email if requester else None,
        requester_address=requester.address if requester else None,
        language=proposal.language if proposal.language in ("en", "cy") else "en",
        details={
            "parsed": {
                "received_source": proposal.received.source if proposal.received else None,
                "regime_reason": proposal.regime.reason,
                "periods": [{"start": p.start.isoformat(), "end": p.end.isoformat()} for p in proposal.periods],
                "references": [r.text for r in proposal.references],
            }
        },
    )


#: Where a received date came from, as a person says it.
SOURCE_WORDS = {
    "header": "from the email's header",
    "phrase": "from the text",
    "request_date": "the request's own date",
    "message_time": "when the message was posted",
}


def proposal_lines(proposal: RequestProposal, *, with_requester: bool = True, typed_received: date | None = None) -> list[str]:
    """The proposal as a person checks it: what was read and how sure the parser is. A received date the
    person typed replaces the parser's reading (and its warnings about the date)."""
    lines: list[str] = []
    if proposal.problems:
        lines.extend(f"⚠ {p}" for p in proposal.problems)
    received = proposal.received
    if typed_received is not None:
        lines.append(f"Received: {typed_received.isoformat()} (as given)")
    else:
        lines.append(f"Received: {received.date.isoformat() if received else 'not stated (today)'}"
                     + (f" ({SOURCE_WORDS.get(received.source, received.source)})" if received else ""))
        if received and received.words and received.source != "message_time":
            lines.append(f"  read from: \u201c{received.words[:160]}\u201d")
        if received and received.others:
            lines.append("  other dates seen: " + "; ".join(received.others[:4]))
    if with_requester and proposal.requester and (proposal.requester.name or proposal.requester.email):
        who = " ".join(x for x in (proposal.requester.name, f"<{proposal.requester.email}>" if proposal.requester.email else None) if x)
        lines.append(f"Requester: {who}")
    if proposal.subject:
        lines.append(f"Subject: {proposal.subject.text}")
    lines.append(f"Regime (guess): {proposal.regime.regime.upper()} — {proposal.regime.reason}")
    if proposal.language == "cy":
        lines.append("Language: Welsh — kept verbatim; the reply is due in Welsh too.")
    if proposal.periods:
        lines.append("Periods: " + ", ".join(f"{p.start.isoformat()} to {p.end.isoformat()}" for p in proposal.periods))
    if proposal.references:
        lines.append("References: " + ", ".join(r.text for r in proposal.references))
    lines.append(f"Questions ({len(proposal.questions)}):")
    lines.extend(_question_lines(proposal.questions, 1))
    lines.extend(f"Note: {w}" for w in proposal.warnings
                 if typed_received is None or "received date" not in w)
    return lines


def _question_lines(questions: tuple[Question, ...], depth: int) -> list[str]:
    lines: list[str] = []
    for q in questions:
        text = q.text if len(q.text) <= 300 else q.text[:297] + "…"
        lines.append(f"{'  ' * depth}{q.number}. {text}")
        lines.extend(_question_lines(q.parts, depth + 1))
    return lines


#: The quiet reply to a message that does not read as a request (see `commands.rules.intake.score`).
NOT_PROPOSED = "Not proposed — register it with the shortcut if it is a request."


def should_propose(proposal: RequestProposal) -> bool:
    """A case is proposed only for a message that reads as a request (colleagues' chatter stays quiet)."""
    return proposal.is_request


def separate_requests(text: str) -> list[str]:
    """The requests in a message, each to be proposed as its own case (a WhatDoTheyKnow page may hold several)."""
    return [text[start:end].strip() for start, end in split_requests(text) if text[start:end].strip()]


def asked_before_for(ctx: CommandContext, proposal: RequestProposal, text: str, *, today: date) -> AskedBefore:
    """Similar earlier cases and the same-requester flag for a proposal that is not yet a case."""
    from commands.asked_before import asked_before  # the command family registers itself when loaded

    words = " ".join(_question_texts(proposal.questions)) or text
    subject = proposal.subject.text if proposal.subject else ""
    received = proposal.received.date if proposal.received else today
    email = proposal.requester.email if proposal.requester else None
    with session_scope(ctx.engine) as session:
        return asked_before(session, text=f"{subject} {words}", received=received, regime=proposal.regime.regime,
                            email=email)


def _question_texts(questions: tuple[Question, ...]) -> list[str]:
    texts: list[str] = []
    for question in questions:
        texts.append(question.text)
        texts.extend(_question_texts(question.parts))
    return texts


def intake_reply(ctx: CommandContext, proposal: RequestProposal, text: str, proposal_id: int, *,
                 today: date) -> tuple[str, list[Action]]:
    """The proposal message and its buttons: the fields to check, what was asked before, Register / Edit /
    Not a request, and a button per similar earlier case to reuse its answers once registered."""
    earlier = asked_before_for(ctx, proposal, text, today=today)
    lines = ["*Proposed case* — check it, then Register:", *proposal_lines(proposal), *earlier.lines()]
    if proposal.request_reasons:
        lines.append("Read as a request because: " + "; ".join(proposal.request_reasons[:3]))
    return "\n".join(lines), proposal_actions(proposal_id) + earlier.actions(f"proposal:{proposal_id}")


def readable(proposal: RequestProposal) -> bool:
    """False when there is nothing to register: no text, or no request could be read."""
    return bool(proposal.questions) or not proposal.problems


def proposal_actions(proposal_id: int) -> list[Action]:
    value = str(proposal_id)
    return [
        Action("intake_register", "Register", value, style="primary"),
        Action("intake_edit", "Edit", value),
        Action("intake_dismiss", "Not a request", value, style="danger"),
    ]
