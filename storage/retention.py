"""The rows the retention purge looks at: finished cases past the period, and everything that belongs to them.

The erasure itself (what counts as personal data, how it is masked) is domain policy and lives in
`commands.retention`; this module only finds and returns the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timezone

from sqlalchemy import text
from sqlmodel import Session, col, or_, select

from storage.models import (
    Case,
    CaseAnnex,
    CaseAnswer,
    CaseEvent,
    CaseStatus,
    Draft,
    DraftComment,
    IntakeProposal,
    OutboxItem,
)

ERASED = "[personal data erased]"


def retention_cutoff(today: date, years: int) -> datetime:
    try:
        cutoff = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - years, day=28)
    return datetime(cutoff.year, cutoff.month, cutoff.day, tzinfo=timezone.utc)


def cases_due_for_erasure(session: Session, today: date, years: int) -> list[Case]:
    cutoff = retention_cutoff(today, years)
    return list(
        session.exec(
            select(Case).where(
                col(Case.status).in_(CaseStatus.FINISHED),
                col(Case.closed_at).is_not(None),
                col(Case.closed_at) < cutoff,
                col(Case.personal_data_erased_at).is_(None),
            )
        ).all()
    )


def proposals_never_registered(session: Session, today: date, years: int) -> list[IntakeProposal]:
    """Intake proposals nobody registered (dismissed, or left) older than the retention period."""
    cutoff = retention_cutoff(today, years)
    return list(session.exec(select(IntakeProposal).where(
        col(IntakeProposal.case_id).is_(None), col(IntakeProposal.created_at) < cutoff,
        IntakeProposal.text != ERASED)).all())


def rows_of_case(session: Session, case: Case) -> dict[str, Sequence[object]]:
    """Every row that can hold text about the case: its history, answers, drafts and their comments, the
    intake proposal it came from, and what it owed Slack."""
    drafts = session.exec(select(Draft).where(Draft.case_id == case.id)).all()
    draft_ids = [d.id for d in drafts]
    proposal_filter = IntakeProposal.case_id == case.id
    if case.source_channel and case.source_ts:
        proposal_filter = or_(proposal_filter, (IntakeProposal.channel_id == case.source_channel)
                              & (IntakeProposal.message_ts == case.source_ts))
    return {
        "events": session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id)).all(),
        "answers": session.exec(select(CaseAnswer).where(CaseAnswer.case_id == case.id)).all(),
        "drafts": drafts,
        "comments": session.exec(select(DraftComment).where(col(DraftComment.draft_id).in_(draft_ids))).all()
        if draft_ids else [],
        "proposals": session.exec(select(IntakeProposal).where(proposal_filter)).all(),
        "outbox": session.exec(select(OutboxItem).where(OutboxItem.case_id == case.id)).all(),
        "annexes": session.exec(select(CaseAnnex).where(CaseAnnex.case_id == case.id)).all(),
    }


def allow_history_erasure(session: Session) -> None:
    """The one writer allowed to change history rows: on PostgreSQL a trigger refuses any UPDATE of
    ``case_events`` unless this transaction says it is erasing personal data (never a DELETE)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT set_config('foi_bot.erasure', 'on', true)"))
