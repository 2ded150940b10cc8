"""Erasing requesters' personal data once a finished case passes the retention period.

The case itself (reference, dates, questions, outcome) stays for statistics and the disclosure log; the
requester's name, email and address are removed from the case, from its request text and from any intake
proposal it came from, and the erasure is recorded as an event.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlmodel import Session, col, select

from storage.cases import record_event
from storage.models import Case, CaseStatus, IntakeProposal, utcnow

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


def erase_personal_data(session: Session, case: Case, *, actor: str) -> None:
    text = case.request_text
    for value in (case.requester_name, case.requester_email):
        if value:
            text = text.replace(value, ERASED)
    case.request_text = text
    case.requester_name = case.requester_email = case.requester_address = None
    case.personal_data_erased_at = utcnow()
    for proposal in session.exec(select(IntakeProposal).where(IntakeProposal.case_id == case.id)).all():
        proposal.text = ERASED
        proposal.proposal = {k: v for k, v in (proposal.proposal or {}).items() if k != "requester"}
        session.add(proposal)
    record_event(session, case, actor=actor, kind="personal-data-erased", summary="Requester's personal data erased")
