"""A case's statutory life: clarification, fees, extensions, the response, internal review, the regime.

Each command changes the facts, lets the clock recompute (refusing impossible sequences with the clock's
own sentence), records an event, and refreshes the case card. The rules themselves live in
`commands.rules.clock`; this module only decides which fact a command sets and which statuses allow it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from commands.access import Access
from commands.base import CommandContext, CommandError, Invocation, Reply
from commands.case_clock import apply_clock, deadlines_for, facts_for
from commands.case_views import REGIME_NAMES, case_view, due_phrase
from commands.registration import NewCase, insert_case
from commands.registry import command
from commands.rules.calendar import calendar_for
from commands.rules.clock import ClockError, ClockFacts, calendar_name_for, compute_deadlines
from commands.words import looks_like_date, parse_date, parse_reference
from storage.cases import get_case, get_case_by_id, record_event
from storage.db import session_scope
from storage.models import Case, CaseStatus

OUTCOMES = ("granted", "part", "refused", "not-held", "ncnd", "cost-limit")
REVIEW_OUTCOMES = ("upheld", "overturned", "partly")


def _case(session: Session, reference: str, usage: str) -> Case:
    case = get_case(session, reference, for_update=True)
    if case is None:
        raise CommandError(f"There is no case {reference}. Check the reference with `/foi list all`.", usage=usage)
    return case


def _date_arg(words: list[str], inv: Invocation, ctx: CommandContext, usage: str, *, required: bool = False,
              what: str = "date") -> tuple[date, list[str]]:
    today = inv.today(ctx.tz)
    if words and (looks_like_date(words[0]) or words[0][:1].isdigit()):
        day = parse_date(words[0], what=what, today=today, usage=usage)  # a malformed date says so here
        words = words[1:]
    elif required:
        raise CommandError(f"Give the {what} as YYYY-MM-DD.", usage=usage)
    else:
        day = today
    if day > today:
        raise CommandError(f"The {what} {day.isoformat()} is in the future.", usage=usage)
    return day, words


def _change(ctx: CommandContext, inv: Invocation, reference: str, usage: str, *, kind: str, summary: str,
            mutate: Any, allowed: tuple[str, ...] = CaseStatus.ACTIVE) -> Reply:
    """Apply `mutate(case)` and recompute in one transaction; nothing is written if the clock refuses."""
    with session_scope(ctx.engine) as session:
        case = _case(session, reference, usage)
        if case.status not in allowed:
            raise CommandError(f"{reference} is {case.status}, so it cannot be changed that way.", usage=usage)
        details = mutate(case) or {}
        parent = get_case_by_id(session, case.parent_id) if case.parent_id else None
        try:
            update = apply_clock(case, ctx.settings, parent)
        except ClockError as exc:
            # Raising leaves the session_scope, which rolls this change back (only this one: inside a job's
            # unit of work the scope is a savepoint).
            raise CommandError(f"Nothing was changed: {exc}", usage=usage) from None
        details.update({"due": case.due.isoformat() if case.due else None})
        note = update.change_note
        record_event(session, case, actor=inv.user, kind=kind, summary=summary + (f" {note}" if note else ""),
                     details=details)
        view = case_view(case, ctx.settings, inv.today(ctx.tz))
    lines = [f"{reference}: {summary}", f"Due: {due_phrase(view)}."]
    if note:
        lines.append(note)
    return Reply(text="\n".join(lines), ephemeral=False, refresh_cards=[reference], case=view)


CLARIFY_USAGE = "/foi clarify REF [YYYY-MM-DD]"


@command("clarify", usage=CLARIFY_USAGE, summary="Clarification sought from the requester: the clock stops (FOIA s.1(3))",
         example="/foi clarify FOI2026/00042 2026-03-04", what="change a case's clock")
def clarify_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    reference = parse_reference(args[0] if args else None, CLARIFY_USAGE)
    day, _ = _date_arg(args[1:], inv, ctx, CLARIFY_USAGE, what="date clarification was sought")

    def mutate(case: Case) -> dict:
        if case.status == CaseStatus.AWAITING_CLARIFICATION:
            raise CommandError(f"{reference} is already awaiting clarification (sought {case.clarification_sought}).")
        case.clarification_sought, case.clarified = day, None
        case.status = CaseStatus.AWAITING_CLARIFICATION
        return {"clarification_sought": day.isoformat()}

    return _change(ctx, inv, reference, CLARIFY_USAGE, kind="clarification-sought",
                   summary=f"clarification sought on {day.isoformat()}; the clock is stopped.", mutate=mutate)


CLARIFIED_USAGE = "/foi clarified REF YYYY-MM-DD"


@command("clarified", usage=CLARIFIED_USAGE, summary="Clarification received: the 20 working days start again",
         example="/foi clarified FOI2026/00042 2026-03-10", what="change a case's clock")
def clarified_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    reference = parse_reference(args[0] if args else None, CLARIFIED_USAGE)
    day, _ = _date_arg(args[1:], inv, ctx, CLARIFIED_USAGE, required=True, what="date clarification was received")

    def mutate(case: Case) -> dict:
        if case.clarification_sought is None:
            raise CommandError(f"No clarification was sought on {reference}: use `/foi clarify {reference}` first.")
        case.clarified = day
        case.status = CaseStatus.EXTENDED if case.extended else CaseStatus.OPEN
        return {"clarified": day.isoformat()}

    return _change(ctx, inv, reference, CLARIFIED_USAGE, kind="clarification-received",
                   summary=f"clarification received on {day.isoformat()}; the clock restarts.", mutate=mutate)


FEE_USAGE = "/foi fee REF YYYY-MM-DD"


@command("fee", usage=FEE_USAGE, summary="Fees notice given: the clock pauses until the fee is paid (FOIA s.9)",
         example="/foi fee FOI2026/00042 2026-03-05", what="change a case's clock")
def fee_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    reference = parse_reference(args[0] if args else None, FEE_USAGE)
    day, _ = _date_arg(args[1:], inv, ctx, FEE_USAGE, what="date of the fees notice")

    def mutate(case: Case) -> dict:
        if case.regime == "sar":
            raise CommandError("Subject access requests are free: no fees notice applies.")
        case.fee_notice, case.fee_paid = day, None
        case.status = CaseStatus.AWAITING_FEE
        return {"fee_notice": day.isoformat()}

    return _change(ctx, inv, reference, FEE_USAGE, kind="fee-notice",
                   summary=f"fees notice given on {day.isoformat()}; the clock is paused.", mutate=mutate)


PAID_USAGE = "/foi paid REF YYYY-MM-DD"


@command("paid", usage=PAID_USAGE, summary="Fee received: the clock resumes (the paused days are disregarded)",
         example="/foi paid FOI2026/00042 2026-03-12", what="change a case's clock")
def paid_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    reference = parse_reference(args[0] if args else None, PAID_USAGE)
    day, _ = _date_arg(args[1:], inv, ctx, PAID_USAGE, required=True, what="date the fee was received")

    def mutate(case: Case) -> dict:
        if case.fee_notice is None:
            raise CommandError(f"No fees notice was given on {reference}: use `/foi fee {reference} DATE` first.")
        case.fee_paid = day
        case.status = CaseStatus.EXTENDED if case.extended else CaseStatus.OPEN
        return {"fee_paid": day.isoformat()}

    return _change(ctx, inv, reference, PAID_USAGE, kind="fee-paid", summary=f"fee received on {day.isoformat()}.",
                   mutate=mutate)


EXTEND_USAGE = "/foi extend REF [until YYYY-MM-DD] [reason]"


@command("extend", usage=EXTEND_USAGE,
         summary="Extend the deadline (FOIA public interest s.10(3), EIR reg 7, SAR Art 12(3); FOISA allows none)",
         example="/foi extend FOI2026/00042 until 2026-04-28 considering s.31 public interest", what="extend deadlines")
def extend_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    reference = parse_reference(args[0] if args else None, EXTEND_USAGE)
    words = args[1:]
    until: date | None = None
    if words and words[0].lower() == "until":
        if len(words) < 2:
            raise CommandError("Give the date after `until`, as YYYY-MM-DD.")
        until = parse_date(words[1], what="extended date", today=inv.today(ctx.tz), usage=EXTEND_USAGE)
        words = words[2:]
    reason = " ".join(words).strip() or None

    def mutate(case: Case) -> dict:
        case.extended, case.extended_until, case.extension_reason = True, until, reason
        if case.status == CaseStatus.OPEN:
            case.status = CaseStatus.EXTENDED
        return {"extended_until": until.isoformat() if until else None, "reason": reason}

    reply = _change(ctx, inv, reference, EXTEND_USAGE, kind="extended",
                    summary="deadline extended" + (f" until {until.isoformat()}" if until else "") + (f" ({reason})" if reason else "") + ".",
                    mutate=mutate)
    with session_scope(ctx.engine) as session:
        case = _case(session, reference, EXTEND_USAGE)
        deadlines = deadlines_for(case, ctx.settings)
    if deadlines.extended_due:
        reply.text += f"\nExtended due date: {deadlines.extended_due.isoformat()}."
    if deadlines.extension_flag:
        reply.text += f"\n:warning: {deadlines.extension_flag}"
    return reply


RESPOND_USAGE = "/foi respond REF [YYYY-MM-DD] [granted|part|refused|not-held|ncnd|cost-limit]"


@command("respond", usage=RESPOND_USAGE, summary="Response sent: records the date and opens the internal review window",
         example="/foi respond FOI2018/00739 2018-03-08 part", what="record responses")
def respond_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    reference = parse_reference(args[0] if args else None, RESPOND_USAGE)
    day, words = _date_arg(args[1:], inv, ctx, RESPOND_USAGE, what="response date")
    outcome = words[0].lower() if words else None
    if outcome is not None and outcome not in OUTCOMES:
        raise CommandError(f"`{words[0]}` is not an outcome: use one of {', '.join(OUTCOMES)}.")
    return record_response(ctx, inv, reference, day, outcome, usage=RESPOND_USAGE)


def record_response(ctx: CommandContext, inv: Invocation, reference: str, day: date, outcome: str | None, *,
                    usage: str = RESPOND_USAGE) -> Reply:
    """Shared by `/foi respond` and a draft's Mark as sent: the response date opens the review window."""

    def mutate(case: Case) -> dict:
        case.responded, case.response_outcome = day, outcome or case.response_outcome
        case.status = CaseStatus.RESPONDED
        return {"responded": day.isoformat(), "outcome": outcome}

    allowed = CaseStatus.ACTIVE + (CaseStatus.RESPONDED, CaseStatus.UNDER_REVIEW)
    reply = _change(ctx, inv, reference, usage, kind="responded", summary=f"response sent on {day.isoformat()}"
                    + (f" ({outcome})" if outcome else "") + ".", mutate=mutate, allowed=allowed)
    with session_scope(ctx.engine) as session:
        case = _case(session, reference, usage)
        deadlines = deadlines_for(case, ctx.settings)
        case.working_days_taken = working_days_taken(case, deadlines.day_zero, day)
        session.add(case)
    if deadlines.review_request_by:
        reply.text += f"\nThe requester may ask for an internal review until {deadlines.review_request_by.isoformat()}."
    return reply


def working_days_taken(case: Case, day_zero: date | None, responded: date) -> int | None:
    """Working days from day 0 to the response, clarification time excluded (day 0 is after it) and fee
    pauses subtracted: the figure the Cabinet Office's timeliness statistics ask for."""
    if day_zero is None:
        return None
    calendar = calendar_for(calendar_name_for(case.regime))
    taken = calendar.working_days_between(day_zero, responded)
    if case.fee_notice and case.fee_paid:
        taken -= calendar.working_days_in(case.fee_notice, case.fee_paid)
    return max(taken, 0)


REVIEW_USAGE = "/foi review REF [YYYY-MM-DD]"


@command("review", usage=REVIEW_USAGE, summary="Internal review requested: opens a linked IR case with its own deadline",
         example="/foi review FOI2018/00739 2018-04-02", what="open internal reviews")
def review_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    reference = parse_reference(args[0] if args else None, REVIEW_USAGE)
    day, _ = _date_arg(args[1:], inv, ctx, REVIEW_USAGE, what="date the review was requested")
    with session_scope(ctx.engine) as session:  # one transaction: the IR case and its parent change together
        parent = _case(session, reference, REVIEW_USAGE)
        if parent.parent_id is not None:
            raise CommandError(f"{reference} is itself an internal review.")
        if parent.responded is None:
            raise CommandError(f"{reference} has no response yet: record it with `/foi respond {reference} DATE` first.")
        if parent.review_requested is not None:
            raise CommandError(f"An internal review of {reference} was already requested on {parent.review_requested}.")
        try:
            compute_deadlines(replace(facts_for(parent, ctx.settings), review_requested=day))
        except ClockError as exc:
            raise CommandError(f"Nothing was changed: {exc}") from None
        late = parent.review_request_by is not None and day > parent.review_request_by
        new = NewCase(request_text=f"Internal review of {reference}", received=day, regime=parent.regime,
                      subject=f"Internal review of {reference}: {parent.subject}"[:300], parent_id=parent.id,
                      details={"review_of": reference})
        review = insert_case(session, ctx, new, inv.user, parent=parent)
        parent.review_requested = day
        parent.status = CaseStatus.UNDER_REVIEW
        record_event(session, parent, actor=inv.user, kind="review-requested",
                     summary=f"Internal review requested on {day.isoformat()}: {review.reference}",
                     details={"review_case": review.reference, "late": late})
        view = case_view(review, ctx.settings, inv.today(ctx.tz))
        review_reference = review.reference
    text = f"Internal review of {reference} opened as {review_reference}, due {due_phrase(view)}."
    if view.extended_due:
        text += f" Outer limit {view.extended_due.isoformat()}."
    if late:
        text += " Note: it was requested after the review window closed."
    return Reply(text=text, ephemeral=False, case=view, post_card_for=review_reference, refresh_cards=[reference])


REVIEWED_USAGE = "/foi reviewed REF [YYYY-MM-DD] [upheld|overturned|partly]"


@command("reviewed", usage=REVIEWED_USAGE, summary="Internal review decided: records the outcome on the review and its case",
         example="/foi reviewed IR2018/00003 2018-04-20 upheld", what="record review outcomes")
def reviewed_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    reference = parse_reference(args[0] if args else None, REVIEWED_USAGE)
    day, words = _date_arg(args[1:], inv, ctx, REVIEWED_USAGE, what="review decision date")
    outcome = words[0].lower() if words else None
    if outcome is not None and outcome not in REVIEW_OUTCOMES:
        raise CommandError(f"`{words[0]}` is not a review outcome: use upheld, overturned or partly.")
    with session_scope(ctx.engine) as session:
        case = _case(session, reference, REVIEWED_USAGE)
        if case.parent_id is None:  # the original case was named: find its open review
            review = session.exec(select(Case).where(Case.parent_id == case.id).order_by(col(Case.id).desc())).first()
            if review is None:
                raise CommandError(f"{reference} has no internal review: use `/foi review {reference}` first.")
            parent, case = case, review
        else:
            parent = get_case_by_id(session, case.parent_id)
        if case.reviewed is not None:
            raise CommandError(f"The review {case.reference} was already decided on {case.reviewed}.")
        if day < case.received:
            raise CommandError("The review cannot be decided before it was requested.")
        case.reviewed, case.review_outcome = day, outcome
        case.responded, case.status = day, CaseStatus.RESPONDED
        parent.review_outcome = outcome
        parent.status = CaseStatus.CLOSED
        record_event(session, case, actor=inv.user, kind="reviewed", summary=f"Review decided on {day}" + (f": {outcome}" if outcome else ""),
                     details={"outcome": outcome, "date": day.isoformat()})
        record_event(session, parent, actor=inv.user, kind="review-outcome", summary=f"Internal review {case.reference}: {outcome or 'decided'}",
                     details={"outcome": outcome, "review_case": case.reference})
        refs = [case.reference, parent.reference]
        regulator = "the Scottish Information Commissioner (six months)" if parent.regime == "foisa" else "the ICO"
    return Reply(text=f"Review {refs[0]} of {refs[1]} decided on {day.isoformat()}" + (f": {outcome}" if outcome else "")
                 + f". The requester may now complain to {regulator}.", ephemeral=False, refresh_cards=refs)


REGIME_USAGE = "/foi regime REF foia|eir|foisa|sar"


@command("regime", usage=REGIME_USAGE, summary="Change the law a case is handled under; the deadline is recomputed",
         example="/foi regime FOI2026/00042 eir", what="change a case's regime")
def regime_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    reference = parse_reference(args[0] if args else None, REGIME_USAGE)
    if len(args) < 2 or args[1].lower() not in REGIME_NAMES:
        raise CommandError("Say which regime: foia, eir, foisa or sar.")
    regime = args[1].lower()

    def mutate(case: Case) -> dict:
        before = case.regime
        if before == regime:
            raise CommandError(f"{reference} is already handled under {REGIME_NAMES[regime]}.")
        case.regime = regime
        return {"from": before, "to": regime}

    allowed = CaseStatus.ACTIVE + (CaseStatus.RESPONDED, CaseStatus.UNDER_REVIEW)
    return _change(ctx, inv, reference, REGIME_USAGE, kind="regime-changed",
                   summary=f"now handled under {REGIME_NAMES[regime]}.", mutate=mutate, allowed=allowed)


DEADLINE_USAGE = "/foi deadline YYYY-MM-DD [foia|eir|foisa|sar]"


@command("deadline", usage=DEADLINE_USAGE, summary="Calculate the statutory deadline for a received date",
         example="/foi deadline 2018-02-09 foia", access=Access.ANYONE)
def deadline_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    if not args:
        raise CommandError("Give the received date.")
    received = parse_date(args[0], what="received date", usage=DEADLINE_USAGE)
    regime = (args[1].lower() if len(args) > 1 else ctx.settings.profile.default_regime)
    if regime not in REGIME_NAMES:
        raise CommandError(f"`{args[1]}` is not a regime: use foia, eir, foisa or sar.")
    try:
        deadlines = compute_deadlines(ClockFacts(regime=regime, received=received, receipt_rule=ctx.settings.receipt_rule,
                                                 review_window=ctx.settings.review_window,
                                                 sar_extension=ctx.settings.sar_extension))
    except ClockError as exc:
        raise CommandError(str(exc)) from None
    lines = [f"{REGIME_NAMES[regime]} request received {received.isoformat()}: due {deadlines.due.isoformat()}"
             f" ({deadlines.due.strftime('%A %-d %B %Y')})."]
    if deadlines.skipped:
        lines.append("Non-working days skipped: " + ", ".join(f"{d.isoformat()} {n}" for d, n in deadlines.skipped) + ".")
    return Reply(text="\n".join(lines), paragraphs=["\n".join(lines), *[f"• {line}" for line in deadlines.explanation]])
