"""From typed or pasted request text to a `NewCase` (what `/foi new TEXT` registers)."""

from __future__ import annotations

import re
from datetime import date

from commands.base import CommandContext, CommandError, Invocation
from commands.intake import new_case_from_proposal, proposal_lines, propose, question_dicts
from commands.registration import NewCase
from commands.words import parse_date

_RECEIVED_OPTION = re.compile(r"(?:^|\s)received[:=](\S+)", re.IGNORECASE)
_LANGUAGE_OPTION = re.compile(r"(?:^|\s)language[:=](cy|en)\b", re.IGNORECASE)


def split_received_option(text: str) -> tuple[str | None, str]:
    match = _RECEIVED_OPTION.search(text)
    if not match:
        return None, text.strip()
    return match.group(1), (text[: match.start()] + " " + text[match.end() :]).strip()


def new_case_from_text(ctx: CommandContext, text: str, inv: Invocation) -> tuple[NewCase, list[str]]:
    today = inv.today(ctx.tz)
    language = _LANGUAGE_OPTION.search(text)
    if language:  # `language=cy` marks a Welsh request whatever the parser reads (Welsh Language Standards)
        text = (text[: language.start()] + " " + text[language.end():]).strip()
    received_word, body = split_received_option(text)
    if not body:
        raise CommandError("Give the request text as well as the received date.")
    received = today
    if received_word is not None:
        received = parse_date(received_word, what="received date", today=today)
        if received > today:
            raise CommandError(f"The received date {received.isoformat()} is in the future.")
    proposal = propose(ctx, body, today=today, message_time=inv.now if received_word is None else None)
    new = new_case_from_proposal(proposal, body, today=today, default_regime=ctx.settings.profile.default_regime,
                                 received=received if received_word is not None else None)
    if new.received > today:
        raise CommandError(f"The received date {new.received.isoformat()} read from the text is in the future.")
    typed = received if received_word is not None else None
    if language:
        new.language = language.group(1).lower()
    lines = proposal_lines(proposal, with_requester=False, typed_received=typed)
    if language and new.language == "cy" and not any(line.startswith("Language: Welsh") for line in lines):
        lines.append("Language: Welsh (as marked) — the reply is due in Welsh too.")
    return new, ["Read from the text:", *lines]


class FormError(CommandError):
    """A registration form value that cannot be used; `field` names the form input to flag."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(problem)
        self.field = field


REGIME_CODES = ("foia", "eir", "foisa", "sar")


def check_form(ctx: CommandContext, values: dict, *, today) -> tuple[str, date, str]:  # type: ignore[no-untyped-def]
    """The form's own checks, cheap enough for Slack's 3-second acknowledgement (no parsing, no database):
    returns (text, received, regime) or raises `FormError` naming the first bad field."""
    text = (values.get("request_text") or "").strip()
    if not text:
        raise FormError("request_text", "Paste the request text.")
    received_word = values.get("received") or ""
    try:
        received = parse_date(received_word, what="received date") if received_word else today
    except CommandError as exc:
        raise FormError("received", exc.problem) from None
    if received > today:
        raise FormError("received", "The received date cannot be in the future.")
    regime = (values.get("regime") or ctx.settings.profile.default_regime).lower()
    if regime not in REGIME_CODES:
        raise FormError("regime", "Choose FOIA, EIR, FOISA or SAR.")
    return text, received, regime


def new_case_from_form(ctx: CommandContext, values: dict, *, today) -> NewCase:  # type: ignore[no-untyped-def]
    """The registration form as a case to register (after `check_form`; reads the questions from the text)."""
    text, received, regime = check_form(ctx, values, today=today)
    email = (values.get("requester_email") or "").strip() or None
    proposal = propose(ctx, text, today=today)
    subject = (values.get("subject") or "").strip() or (proposal.subject.text if proposal.subject else text[:120])
    return NewCase(
        request_text=text,
        received=received,
        regime=regime,
        subject=subject,
        language=proposal.language if proposal.language in ("en", "cy") else "en",
        questions=question_dicts(proposal.questions) or [{"number": "1", "text": text, "parts": []}],
        requester_name=(values.get("requester_name") or "").strip() or None,
        requester_email=email if email and "@" in email else None,
        requester_address=email if email and "@" not in email else None,
    )
