"""Turning a request into a case: one path for `/foi new`, the message shortcut, the modal and intake.

Registration is idempotent on the Slack message it came from (channel + ts): the shortcut pressed twice,
or an event Slack retried, returns the case that already exists instead of registering a second one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from commands.base import CommandContext
from commands.case_clock import apply_clock
from storage.cases import get_case_by_source, record_event
from storage.db import session_scope
from storage.models import Case
from storage.references import next_reference

REGIME_PREFIXES = {"eir": "EIR", "sar": "SAR"}
REVIEW_PREFIX = "IR"


@dataclass
class NewCase:
    request_text: str
    received: date
    regime: str = "foia"
    subject: str = ""
    questions: list[dict[str, Any]] = field(default_factory=list)
    received_at: datetime | None = None
    requester_name: str | None = None
    requester_email: str | None = None
    requester_address: str | None = None
    language: str = "en"
    source_channel: str | None = None
    source_ts: str | None = None
    assignee: str | None = None
    parent_id: int | None = None
    details: dict[str, Any] = field(default_factory=dict)


def prefix_for(regime: str, default_prefix: str, *, review: bool = False) -> str:
    if review:
        return REVIEW_PREFIX
    return REGIME_PREFIXES.get(regime, default_prefix)


def insert_case(session: Session, ctx: CommandContext, new: NewCase, actor: str, *, parent: Case | None = None) -> Case:
    """Insert within the caller's transaction (an internal review is opened together with its parent's change)."""
    prefix = prefix_for(new.regime, ctx.settings.profile.reference_prefix, review=new.parent_id is not None)
    reference = next_reference(session, prefix, new.received.year)
    case = Case(
        reference=reference,
        regime=new.regime,
        received=new.received,
        received_at=new.received_at,
        requester_name=new.requester_name,
        requester_email=new.requester_email,
        requester_address=new.requester_address,
        subject=new.subject[:300],
        request_text=new.request_text,
        questions=new.questions,
        language=new.language,
        assignee=new.assignee,
        created_by=actor,
        source_channel=new.source_channel,
        source_ts=new.source_ts,
        parent_id=new.parent_id,
    )
    update = apply_clock(case, ctx.settings, parent)
    session.add(case)
    session.flush()
    record_event(
        session,
        case,
        actor=actor,
        kind="registered",
        summary=f"Registered {reference} ({new.regime.upper()}), received {new.received.isoformat()}, "
        f"due {case.due.isoformat() if case.due else 'n/a'}",
        details={
            "received": new.received.isoformat(),
            "regime": new.regime,
            "due": case.due.isoformat() if case.due else None,
            "calendar_version": update.deadlines.calendar_version,
            "questions": len(new.questions),
            "source": {"channel": new.source_channel, "ts": new.source_ts} if new.source_ts else None,
            **new.details,
        },
    )
    return case


def register_case(ctx: CommandContext, new: NewCase, *, actor: str) -> tuple[Case, bool]:
    """Register in one transaction; returns (case, created). Raises the clock's error for bad dates."""
    if new.source_channel and new.source_ts:
        with session_scope(ctx.engine) as session:
            existing = get_case_by_source(session, new.source_channel, new.source_ts)
            if existing is not None:
                return existing, False
    try:
        with session_scope(ctx.engine) as session:
            case = insert_case(session, ctx, new, actor)
        return case, True
    except IntegrityError:
        # A concurrent registration of the same message won the unique (source_channel, source_ts) race.
        if new.source_channel and new.source_ts:
            with session_scope(ctx.engine) as session:
                existing = get_case_by_source(session, new.source_channel, new.source_ts)
                if existing is not None:
                    return existing, False
        raise
