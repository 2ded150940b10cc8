"""Reading a request from a message: the parser's proposal, turned into a case someone confirms.

The parser (`commands.rules.intake`) is pure; this module supplies the organisation's settings,
maps a proposal to a `NewCase`, and keeps the intake proposals that wait for Register / Not a request.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from commands.base import Action, CommandContext
from commands.registration import NewCase
from commands.rules.intake import parse_request
from commands.rules.intake.model import Question, RequestProposal

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
                     + (f" (from {received.source})" if received else ""))
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
