"""Queries and writes on the case register. Every change to a case goes through `record_event`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import Case, CaseAnswer, CaseEvent, CaseExemption, CaseStatus, SlackDelivery, utcnow


def get_case(session: Session, reference: str, *, for_update: bool = False) -> Case | None:
    """The case; ``for_update`` locks its row until the transaction ends (PostgreSQL ``FOR UPDATE``; SQLite
    transactions already hold the write lock), so two people changing one case at once act one after the
    other, the second seeing what the first did. Every command that changes a case loads it this way."""
    query = select(Case).where(Case.reference == reference)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.exec(query).first()


def get_case_by_id(session: Session, case_id: int) -> Case | None:
    return session.get(Case, case_id)


def get_case_by_thread(session: Session, channel_id: str, thread_ts: str) -> Case | None:
    return session.exec(select(Case).where(Case.channel_id == channel_id, Case.thread_ts == thread_ts)).first()


def get_case_by_source(session: Session, channel_id: str, message_ts: str) -> Case | None:
    return session.exec(
        select(Case).where(Case.source_channel == channel_id, Case.source_ts == message_ts)
    ).first()


def record_event(
    session: Session,
    case: Case,
    *,
    actor: str,
    kind: str,
    summary: str = "",
    details: dict[str, Any] | None = None,
) -> CaseEvent:
    """Append to the case's history and touch `updated_at`; the caller's transaction commits both."""
    if case.id is None:
        session.flush()
    event = CaseEvent(case_id=case.id, actor=actor, kind=kind, summary=summary[:500], details=details or {})
    case.updated_at = utcnow()
    session.info["changed"] = True  # the work changed the register (the App Home refreshes after it)
    session.add(case)
    session.add(event)
    return event


def case_events(session: Session, case_id: int) -> Sequence[CaseEvent]:
    return session.exec(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(col(CaseEvent.id))).all()


LIST_FILTERS = ("open", "mine", "overdue", "all")


def list_cases(session: Session, which: str, *, user: str, today: date, limit: int = 50) -> Sequence[Case]:
    """Open cases soonest-due first; `all` is newest first so recent work is on top."""
    query = select(Case)
    if which == "all":
        query = query.order_by(col(Case.received).desc(), col(Case.id).desc())
    else:
        query = query.where(col(Case.status).in_(CaseStatus.ACTIVE + (CaseStatus.UNDER_REVIEW,)))
        if which == "mine":
            query = query.where(Case.assignee == user)
        elif which == "overdue":
            query = query.where(col(Case.due).is_not(None), col(Case.due) < today)
        query = query.order_by(col(Case.due).asc().nulls_last(), col(Case.id))
    return session.exec(query.limit(limit)).all()


def count_cases(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(Case)).one())


def answers_for(session: Session, case_id: int) -> dict[str, CaseAnswer]:
    rows = session.exec(select(CaseAnswer).where(CaseAnswer.case_id == case_id)).all()
    return {row.question: row for row in rows}


def set_answer(session: Session, case: Case, question: str, text: str, *, source: str, author: str) -> CaseAnswer:
    existing = session.exec(
        select(CaseAnswer).where(CaseAnswer.case_id == case.id, CaseAnswer.question == question)
    ).first()
    if existing is None:
        existing = CaseAnswer(case_id=case.id, question=question, text=text, source=source, author=author)
    else:
        existing.text, existing.source, existing.author, existing.created_at = text, source, author, utcnow()
    session.add(existing)
    return existing


def exemptions_for(session: Session, case_id: int) -> Sequence[CaseExemption]:
    return session.exec(
        select(CaseExemption).where(CaseExemption.case_id == case_id).order_by(col(CaseExemption.id))
    ).all()


def claim_delivery(session: Session, key: str) -> bool:
    """True the first time a Slack delivery key is seen; False for a retry or a double click.

    The insert runs in its own savepoint so a duplicate only rolls back the claim, not the caller's work.
    """
    if session.get(SlackDelivery, key) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(SlackDelivery(key=key))
            session.flush()
    except Exception:  # IntegrityError from a concurrent claim
        return False
    return True
