"""The case register's everyday commands: new, show, list, assign, note, close, withdraw."""

from __future__ import annotations

from commands.base import CommandContext, CommandError, Invocation, Reply
from commands.case_views import case_view, due_phrase
from commands.registration import register_case
from commands.registry import command
from commands.requests import new_case_from_text
from commands.rules.clock import ClockError
from commands.words import mention, parse_reference, parse_user
from storage.cases import case_events, get_case, list_cases, record_event
from storage.db import session_scope
from storage.models import Case, CaseStatus, utcnow

NEW_USAGE = "/foi new REQUEST TEXT [received:YYYY-MM-DD]"


@command(
    "new",
    usage=NEW_USAGE,
    summary="Register a request as a new case (no text: open the registration form)",
    example="/foi new Please tell me how many times you used Outcome 21 received:2018-02-09",
    raw_text=True,
    what="register requests",
)
def new_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    text = args[0] if args else ""
    if not text.strip():
        raise CommandError("Give the request text after `/foi new` (in Slack, `/foi new` alone opens the form).")
    new, notes = new_case_from_text(ctx, text, inv)
    try:
        case, _created = register_case(ctx, new, actor=inv.user)
    except ClockError as exc:
        raise CommandError(f"The dates do not add up: {exc}") from None
    view = case_view(case, ctx.settings, inv.today(ctx.tz))
    lines = [
        f"Registered {case.reference}: received {case.received.isoformat()}, due {due_phrase(view)}.",
        *notes,
    ]
    return Reply(
        text="\n".join(lines),
        ephemeral=False,
        title=f"Registered {case.reference}",
        case=view,
        paragraphs=notes,
        post_card_for=case.reference,
    )


def opens_form(text: str) -> bool:
    """`/foi new` with nothing after it: surfaces that have forms open the registration form instead."""
    return text.strip().lower() == "new"


def _load(session, reference: str, usage: str) -> Case:  # type: ignore[no-untyped-def]
    case = get_case(session, reference, for_update=True)
    if case is None:
        raise CommandError(f"There is no case {reference}. Check the reference with `/foi list all`.", usage=usage)
    return case


@command("show", usage="/foi show REF", summary="Show a case, its deadline and how it was computed", example="/foi show FOI2026/00042", what="read case details")
def show_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    usage = "/foi show REF"
    reference = parse_reference(args[0] if args else None, usage)
    with session_scope(ctx.engine) as session:
        case = _load(session, reference, usage)
        view = case_view(case, ctx.settings, inv.today(ctx.tz), private=True)  # only the asker sees it
        history = [f"{e.at:%Y-%m-%d %H:%M} {e.kind}: {e.summary}" for e in case_events(session, case.id)][-10:]
        from commands.asked_before import for_case  # imported here so help lists the core commands first

        earlier = for_case(session, case)
    paragraphs = ["History:\n" + "\n".join(history)] if history else []
    if earlier.lines():
        paragraphs.append("\n".join(earlier.lines()))
    return Reply(
        text="\n".join([f"{view.reference}: {view.status}, due {due_phrase(view)}", *earlier.lines()]),
        case=view,
        paragraphs=paragraphs,
        actions=earlier.actions(view.reference),
    )


LIST_USAGE = "/foi list [mine|open|overdue|all]"


@command("list", usage=LIST_USAGE, summary="List cases (default: open ones, soonest due first)", example="/foi list overdue", what="list cases")
def list_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    which = (args[0].lower() if args else "open")
    if which not in ("mine", "open", "overdue", "all") or len(args) > 1:
        raise CommandError(f"`{' '.join(args)}` is not a list filter: use mine, open, overdue or all.")
    today = inv.today(ctx.tz)
    with session_scope(ctx.engine) as session:
        views = [case_view(c, ctx.settings, today, explain=False) for c in list_cases(session, which, user=inv.user, today=today)]
    if not views:
        empty = {"mine": "No cases assigned to you.", "all": "No cases yet."}.get(which, f"No {which} cases.")
        return Reply(text=empty, cases=[])
    lines = [f"{v.reference}  {v.status:<22} due {due_phrase(v):<40} {mention(v.assignee):<14} {v.subject}" for v in views]
    plural = "s" if len(views) != 1 else ""
    heading = {"mine": f"{len(views)} case{plural} assigned to you",
               "all": f"{len(views)} case{plural}"}.get(which, f"{len(views)} {which} case{plural}")
    title = {"mine": "Cases assigned to you", "all": "All cases"}.get(which, f"{which.capitalize()} cases")
    return Reply(text=f"{heading}:\n" + "\n".join(lines), cases=views, title=title)


ASSIGN_USAGE = "/foi assign REF @user"


@command("assign", usage=ASSIGN_USAGE, summary="Give a case to a team member (or `me`)", example="/foi assign FOI2026/00042 @alex", what="assign cases")
def assign_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    reference = parse_reference(args[0] if args else None, ASSIGN_USAGE)
    user = parse_user(args[1] if len(args) > 1 else None, me=inv.user, usage=ASSIGN_USAGE)
    with session_scope(ctx.engine) as session:
        case = _load(session, reference, ASSIGN_USAGE)
        if case.status in CaseStatus.FINISHED:
            why = f" ({case.close_reason})" if case.close_reason else ""
            raise CommandError(f"{reference} is {case.status}{why}, so it cannot be assigned. Reopen it first with "
                               f"`/foi reopen {reference}` if it still needs work.", usage=ASSIGN_USAGE)
        previous = case.assignee
        if previous == user:
            who = "you" if user == inv.user else mention(user)
            return Reply(text=f"{reference} is already assigned to {who}; nothing changed.")
        case.assignee = user
        record_event(session, case, actor=inv.user, kind="assigned", summary=f"Assigned to {user}",
                     details={"from": previous, "to": user})
    return Reply(text=f"{reference} is now assigned to {mention(user)}.", ephemeral=False, refresh_cards=[reference])


NOTE_USAGE = "/foi note REF TEXT"


@command("note", usage=NOTE_USAGE, summary="Add a note to a case's history", example="/foi note FOI2026/00042 Asked PSD for figures", what="add notes to cases")
def note_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    reference = parse_reference(args[0] if args else None, NOTE_USAGE)
    text = " ".join(args[1:]).strip()
    if not text:
        raise CommandError("Write the note after the reference.")
    with session_scope(ctx.engine) as session:
        case = _load(session, reference, NOTE_USAGE)
        record_event(session, case, actor=inv.user, kind="note", summary=text[:500], details={"text": text})
    return Reply(text=f"Note on {reference} by {mention(inv.user)}: {text}", ephemeral=False, about=reference)


def _finish(ctx: CommandContext, inv: Invocation, args: list[str], *, status: str, usage: str, verb: str) -> Reply:
    reference = parse_reference(args[0] if args else None, usage)
    reason = " ".join(args[1:]).strip() or None
    with session_scope(ctx.engine) as session:
        case = _load(session, reference, usage)
        if case.status in CaseStatus.FINISHED:
            raise CommandError(f"{reference} is already {case.status}; nothing was changed.", usage=usage)
        previous = case.status
        case.status = status
        case.close_reason = reason
        case.closed_at = utcnow()
        record_event(session, case, actor=inv.user, kind=status, summary=f"{verb}{': ' + reason if reason else ''}",
                     details={"from": previous, "reason": reason})
    return Reply(text=f"{reference} {verb.lower()}{': ' + reason if reason else ''}.", ephemeral=False, refresh_cards=[reference])


CLOSE_USAGE = "/foi close REF [reason]"


@command("close", usage=CLOSE_USAGE, summary="Close a case, with an optional reason", example="/foi close FOI2026/00042 duplicate of FOI2026/00041", what="close cases")
def close_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    return _finish(ctx, inv, args, status=CaseStatus.CLOSED, usage=CLOSE_USAGE, verb="Closed")


WITHDRAW_USAGE = "/foi withdraw REF"


@command("withdraw", usage=WITHDRAW_USAGE, summary="Record that the requester withdrew the request", example="/foi withdraw FOI2026/00042", what="withdraw cases")
def withdraw_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    return _finish(ctx, inv, args, status=CaseStatus.WITHDRAWN, usage=WITHDRAW_USAGE, verb="Withdrawn")


REOPEN_USAGE = "/foi reopen REF [reason]"


@command("reopen", usage=REOPEN_USAGE, summary="Reopen a closed or withdrawn case (its clock is recomputed)",
         example="/foi reopen FOI2026/00042 closed by mistake", what="reopen cases")
def reopen_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    reference = parse_reference(args[0] if args else None, REOPEN_USAGE)
    reason = " ".join(args[1:]).strip() or None
    with session_scope(ctx.engine) as session:
        case = _load(session, reference, REOPEN_USAGE)
        if case.status not in CaseStatus.FINISHED:
            raise CommandError(f"{reference} is {case.status}, not closed; nothing was changed.", usage=REOPEN_USAGE)
        previous = case.status
        # Back to where its facts put it: answered cases to "responded", the rest to their clock's state.
        if case.responded is not None:
            case.status = CaseStatus.RESPONDED
        elif case.clarification_sought and not case.clarified:
            case.status = CaseStatus.AWAITING_CLARIFICATION
        elif case.fee_notice and not case.fee_paid:
            case.status = CaseStatus.AWAITING_FEE
        else:
            case.status = CaseStatus.EXTENDED if case.extended else CaseStatus.OPEN
        case.close_reason, case.closed_at = None, None
        record_event(session, case, actor=inv.user, kind="reopened", summary=f"Reopened{': ' + reason if reason else ''}",
                     details={"from": previous, "to": case.status, "reason": reason})
        view = case_view(case, ctx.settings, inv.today(ctx.tz), explain=False)
    return Reply(text=f"{reference} reopened ({view.status}); due {due_phrase(view)}.", ephemeral=False,
                 refresh_cards=[reference])
