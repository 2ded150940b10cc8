"""We have been asked this before: similar earlier cases, the same requester again, and `/foi search`.

The rules live in `commands.rules.asked_before` (pure); the candidates come from full-text search
(`storage.search`). Intake and `/foi show` list up to three earlier cases with their reference, date and
outcome, and a button that copies their answers into the new case as a starting draft (`/foi reuse`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, func, select

from commands.base import Action, CommandContext, CommandError, Invocation, Reply
from commands.registry import command
from commands.rules.asked_before import (
    EarlierCase,
    SameRequesterFlag,
    SimilarCase,
    normal_email,
    same_requester_flag,
    similar_cases,
)
from commands.rules.clock import calendar_for, calendar_name_for
from commands.words import parse_date, parse_reference
from storage.cases import answers_for, get_case, record_event, set_answer
from storage.db import session_scope
from storage.models import Case, CaseStatus, IntakeProposal
from storage.search import keywords, question_text, search_cases

SIMILAR_LIMIT = 3


@dataclass
class AskedBefore:
    similar: list[SimilarCase] = field(default_factory=list)
    same_requester: SameRequesterFlag | None = None

    def lines(self) -> list[str]:
        lines: list[str] = []
        if self.same_requester is not None:
            lines.append(f"⚠ {self.same_requester.text()}")
        if self.similar:
            lines.append("Asked before (most similar earlier cases):")
            for case in self.similar:
                lines.append(
                    f"  {case.reference} — received {case.received.isoformat()}, {case.outcome}; "
                    f"shares: {', '.join(case.shared[:6])}"
                )
        return lines

    def actions(self, target: str) -> list[Action]:
        """Buttons that reuse an earlier case's answers; ``target`` is a reference or ``proposal:ID``."""
        return [
            Action("similar_reuse", f"Reuse answers from {case.reference}", f"reuse {target} {case.reference}")
            for case in self.similar
        ]


def _earlier(case: Case, rank: float = 0.0) -> EarlierCase:
    words = keywords(f"{case.subject} {question_text(case.questions)}", limit=80)
    return EarlierCase(case.reference, case.received, case.status, case.response_outcome, tuple(words), rank)


def asked_before(
    session: Session,
    *,
    text: str,
    received: date,
    regime: str,
    email: str | None,
    exclude_case_id: int | None = None,
) -> AskedBefore:
    """Similar earlier cases and the same-requester flag for a request whose questions are ``text``."""
    words = keywords(text)
    exclude = [exclude_case_id] if exclude_case_id else []
    result = AskedBefore()
    if words:
        hits = search_cases(session, words, any_word=True, exclude_ids=exclude, limit=20)
        ranks = {hit.case_id: hit.rank for hit in hits}
        cases = session.exec(select(Case).where(col(Case.id).in_(list(ranks)))).all() if ranks else []
        candidates = [_earlier(case, ranks[case.id]) for case in cases if case.received <= received]
        result.similar = similar_cases(words, candidates, SIMILAR_LIMIT)
    address = normal_email(email)
    if address and words:
        query = select(Case).where(func.lower(Case.requester_email) == address)
        if exclude:
            query = query.where(col(Case.id).not_in(exclude))
        same = [_earlier(case) for case in session.exec(query).all()]
        calendar = calendar_for(calendar_name_for(regime if regime in ("foia", "eir", "foisa") else "foia"))
        result.same_requester = same_requester_flag(received, words, same, calendar)
    return result


def for_case(session: Session, case: Case) -> AskedBefore:
    return asked_before(
        session,
        text=f"{case.subject} {question_text(case.questions)}",
        received=case.received,
        regime=case.regime,
        email=case.requester_email,
        exclude_case_id=case.id,
    )


# ------------------------------------------------------------------------------------------- /foi search

SEARCH_USAGE = "/foi search WORDS [regime:R] [status:S] [from:DATE] [to:DATE]"
SEARCH_LIMIT = 20
_STATUSES = {status.replace(" ", "-"): status for status in (
    CaseStatus.OPEN, CaseStatus.AWAITING_CLARIFICATION, CaseStatus.AWAITING_FEE, CaseStatus.EXTENDED,
    CaseStatus.RESPONDED, CaseStatus.UNDER_REVIEW, CaseStatus.CLOSED, CaseStatus.WITHDRAWN, CaseStatus.LAPSED,
)}


@command(
    "search",
    usage=SEARCH_USAGE,
    summary="Search cases' subjects and questions (team only)",
    example="/foi search taser regime:foia from:2024-01-01",
    what="search the case register",
)
def search_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    words: list[str] = []
    filters: dict[str, str] = {}
    for arg in args:
        key, colon, value = arg.partition(":")
        if colon and key.lower() in ("regime", "status", "from", "to"):
            if not value:
                raise CommandError(f"`{arg}` needs a value after the colon.", usage=SEARCH_USAGE)
            filters[key.lower()] = value
        else:
            words.append(arg)
    regime = filters.get("regime", "").lower() or None
    if regime and regime not in ("foia", "eir", "foisa", "sar"):
        raise CommandError(f"`{regime}` is not a regime: use foia, eir, foisa or sar.", usage=SEARCH_USAGE)
    status = filters.get("status", "").lower().replace(" ", "-") or None
    if status and status not in _STATUSES:
        raise CommandError(f"`{status}` is not a status: use {', '.join(_STATUSES)}.", usage=SEARCH_USAGE)
    today = inv.today(ctx.tz)
    start = parse_date(filters["from"], what="from date", today=today, usage=SEARCH_USAGE) if "from" in filters else None
    end = parse_date(filters["to"], what="to date", today=today, usage=SEARCH_USAGE) if "to" in filters else None
    if start and end and start > end:
        raise CommandError("`from:` is after `to:`; nothing can match.", usage=SEARCH_USAGE)
    if not words and not filters:
        raise CommandError("Give some words to search for, a filter, or both.", usage=SEARCH_USAGE)
    with session_scope(ctx.engine) as session:
        hits = search_cases(
            session, words, regime=regime, status=_STATUSES.get(status or ""), received_from=start,
            received_to=end, limit=SEARCH_LIMIT,
        )
    described = " ".join(words) or "(filters only)"
    if not hits:
        return Reply(text=f"No cases match {described}.")
    lines = [
        f"{hit.reference}  {hit.received.isoformat()}  {hit.status:<22} {hit.outcome or '':<10} {hit.subject}"
        for hit in hits
    ]
    more = " (the first 20; narrow the search to see others)" if len(hits) == SEARCH_LIMIT else ""
    return Reply(text=f"{len(hits)} case(s) match {described}{more}:\n" + "\n".join(lines), title="Search")


# -------------------------------------------------------------------------------------------- /foi reuse

REUSE_USAGE = "/foi reuse REF FROM_REF"


def _resolve_target(session: Session, word: str) -> Case:
    if word.startswith("proposal:"):
        try:
            row = session.get(IntakeProposal, int(word.split(":", 1)[1]))
        except ValueError:
            row = None
        if row is None:
            raise CommandError("That proposal no longer exists.", usage=REUSE_USAGE)
        case = session.get(Case, row.case_id) if row.case_id else None
        if case is None:
            raise CommandError("Register the case first, then press the button again.", usage=REUSE_USAGE)
        return case
    reference = parse_reference(word, REUSE_USAGE)
    case = get_case(session, reference)
    if case is None:
        raise CommandError(f"There is no case {reference}.", usage=REUSE_USAGE)
    return case


@command(
    "reuse",
    usage=REUSE_USAGE,
    summary="Start a case's answers from an earlier case's",
    example="/foi reuse FOI2026/00042 FOI2025/00117",
    what="reuse earlier answers",
)
def reuse_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    if len(args) != 2:
        raise CommandError("Give the case to fill and the earlier case to take answers from.")
    with session_scope(ctx.engine) as session:
        target = _resolve_target(session, args[0])
        source_ref = parse_reference(args[1], REUSE_USAGE)
        source = get_case(session, source_ref)
        if source is None:
            raise CommandError(f"There is no case {source_ref}.", usage=REUSE_USAGE)
        if source.id == target.id:
            raise CommandError("A case cannot reuse its own answers.", usage=REUSE_USAGE)
        earlier = answers_for(session, source.id)
        if not earlier:
            return Reply(text=f"{source_ref} has no recorded answers to reuse.")
        existing = answers_for(session, target.id)
        copied, kept = [], []
        for key in sorted(earlier):
            if key in existing:
                kept.append(key)
                continue
            set_answer(
                session, target, key, earlier[key].text, source=f"reused from {source_ref}", author=inv.user
            )
            copied.append(key)
        if copied:
            record_event(
                session, target, actor=inv.user, kind="answers-reused",
                summary=f"Answers {', '.join(copied)} started from {source_ref}",
                details={"from": source_ref, "questions": copied},
            )
        reference = target.reference
    lines = [f"Copied {len(copied)} answer(s) from {source_ref} into {reference} as a starting draft: "
             f"{', '.join(copied) or 'none'}. Check each one: figures and dates will have moved on."]
    if kept:
        lines.append(f"Kept the answers {reference} already had for: {', '.join(kept)}.")
    return Reply(text="\n".join(lines), ephemeral=False, refresh_cards=[reference])
